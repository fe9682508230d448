// SPDX-License-Identifier: MIT
// Shared state of a Tokenizer and the per-model encoders (bpe.cpp, spm.cpp).
#pragma once

#include "quanta/tokenizer.h"

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace quanta {

struct Tokenizer::Impl {
    TokenizerConfig cfg;                                   ///< types/scores resized to the vocab
    std::unordered_map<std::string, int32_t> token_to_id;  ///< duplicate texts: the last id wins (llama.cpp)
    std::unordered_map<std::string, int32_t> merge_rank;   ///< key = left + '\xFF' + right
    std::vector<int32_t> special_ids;                      ///< Control/UserDefined/Unknown, longest text first
    std::vector<bool> eog;                                 ///< by id
    std::vector<bool> rstrip;                              ///< by id: whitespace after it is dropped
    std::array<int32_t, 256> byte_token{};                 ///< SentencePiece "<0xXX>" ids, -1 when absent

    int32_t lookup(std::string_view text) const {
        const auto it = token_to_id.find(std::string(text));
        return it == token_to_id.end() ? -1 : it->second;
    }
    int32_t n_tokens() const { return static_cast<int32_t>(cfg.tokens.size()); }
};

namespace tokenizer_detail {

/// '\xFF' never occurs in UTF-8, so it cannot be confused with token text.
inline constexpr char k_merge_separator = '\xFF';

/// Byte-level BPE of one pre-token (raw bytes, not yet byte-mapped); appends ids to `out`.
void bpe_encode_piece(const Tokenizer::Impl& impl, std::string_view piece, std::vector<int32_t>& out);

/// SentencePiece BPE of one text fragment whose spaces are already "▁"; appends ids to `out`.
void spm_encode_fragment(const Tokenizer::Impl& impl, std::string_view text, std::vector<int32_t>& out);

} // namespace tokenizer_detail
} // namespace quanta
