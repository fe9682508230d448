// SPDX-License-Identifier: MIT
// Text <-> token ids, compatible with llama.cpp's tokenizer for GGUF vocabularies
// (FORMATS.md §6; algorithms and limits in docs/tokenizer.md).
//
// Supported: byte-level BPE (tokenizer.ggml.model "gpt2") with the pre-tokenizers of
// PreTokenizer, and SentencePiece-style BPE ("llama"). A Tokenizer is immutable after creation;
// all const methods may be called from any number of threads at once. Copies are cheap (the
// vocabulary is shared).
//
// Token ids are int32_t in [0, vocab_size()); -1 means "no such token" where an id is optional.
// Text is UTF-8 in std::string / std::string_view. Input that is not valid UTF-8 is accepted and
// handled as llama.cpp does: for byte-level BPE each byte that starts no decodable sequence is
// tokenized as U+FFFD; SentencePiece works on the raw bytes (byte fallback keeps them).
#pragma once

#include "quanta/result.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace quanta {

class GgufFile;

/// Values of tokenizer.ggml.token_type (FORMATS.md §3).
enum class TokenType : int32_t {
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,     ///< e.g. <|im_start|>; parsed from text only with parse_special
    UserDefined = 4, ///< added tokens; always parsed from text, decoded verbatim
    Unused = 5,
    Byte = 6,        ///< "<0xXX>" byte-fallback tokens (SentencePiece)
};

enum class TokenizerModel {
    Bpe,           ///< "gpt2": byte-level BPE with merges
    SentencePiece, ///< "llama": ▁ for spaces, score-ordered merges, <0xXX> byte fallback
};

/// Pre-tokenizer regex lists of FORMATS.md §6.3 (only used by TokenizerModel::Bpe).
enum class PreTokenizer {
    Default,   ///< absent or "default": [\p{P}$+<=>^~|]+, then R_GPT2, then \p{N}+, then [0-9]{3}
    Gpt2,      ///< "gpt-2", "phi-2", "mpt", "olmo", ...: R_GPT2
    Llama3,    ///< "llama3", "llama-bpe", ...: R_LLAMA3 (digits in groups of up to 3)
    Qwen2,     ///< "qwen2", "stablelm2", ...: R_LLAMA3 with single digits
    StarCoder, ///< "smollm", "starcoder", ...: every digit alone, then R_GPT2
};

/// Map a tokenizer.ggml.pre value to a PreTokenizer and llama.cpp's flags for it (ignore_merges
/// and add_bos for the llama3 family, clean_spaces). Error Unsupported, naming it, for names
/// llama.cpp knows but we do not implement (and unknown ones). List in docs/tokenizer.md.
struct PreTokenizerInfo {
    PreTokenizer pre = PreTokenizer::Default;
    bool ignore_merges = false;
    bool add_bos_default = false;
    bool clean_spaces = true; ///< llama.cpp's default for BPE; false for smollm, qwen2, command-r
};
Result<PreTokenizerInfo> pre_tokenizer_from_name(std::string_view name);

/// Everything a tokenizer is built from, as plain vectors (what from_gguf reads from metadata).
struct TokenizerConfig {
    TokenizerModel model = TokenizerModel::Bpe;
    PreTokenizer pre = PreTokenizer::Default;
    std::vector<std::string> tokens;     ///< text by id (byte-mapped for Bpe, ▁ for SentencePiece)
    std::vector<TokenType> types;        ///< by id; empty = all Normal
    std::vector<float> scores;           ///< by id; SentencePiece merge priority (empty = all 0)
    std::vector<std::string> merges;     ///< Bpe: "left right", rank = index
    int32_t bos_id = -1, eos_id = -1, eot_id = -1, eom_id = -1, unk_id = -1, pad_id = -1;
    bool add_bos = false;
    bool add_eos = false;
    bool add_space_prefix = false;       ///< SentencePiece: prepend one space to each text fragment
    bool ignore_merges = false;          ///< Bpe: a pre-token that is a whole vocab entry is emitted as is
    bool clean_spaces = false;           ///< decode() removes spaces as llama_detokenize (DecodeOptions)
    /// Phi-3 (llama.cpp decides it by general.name): whitespace right after a special token in
    /// the text is dropped when the token is parsed, except after <unk>, <s>, <|endoftext|>.
    bool rstrip_special = false;
};

struct EncodeOptions {
    bool add_special = true;    ///< prepend BOS / append EOS as the vocabulary asks (add_bos/add_eos)
    /// Recognise Control and Unknown token texts (e.g. "<|im_start|>") in the text. UserDefined
    /// token texts are always recognised.
    bool parse_special = false;
};

struct DecodeOptions {
    bool render_special = false;     ///< emit the text of Control and Unknown tokens (otherwise nothing)
    /// Vocabularies with add_space_prefix (SentencePiece): drop one leading space of the first
    /// id's piece (the one encode() added). As llama_detokenize, only the first id counts: after
    /// a BOS the space stays.
    bool strip_leading_space = true;
    /// Vocabularies whose pre-tokenizer asks for it (TokenizerConfig::clean_spaces: most BPE ones,
    /// not smollm, qwen2 or SentencePiece): llama_detokenize's clean-up of the whole text, i.e.
    /// no space before ? ! . , (" ." -> "."), " ' " -> "'", and no space before 's 'm 're 've.
    /// Per-token pieces and StreamDecoder never do this.
    bool clean_spaces = true;
};

class Tokenizer {
public:
    /// Build from plain data. Errors: InvalidArgument for an empty vocabulary, vectors of the
    /// wrong length, or an out-of-range special id; Corrupt for a merge without a space.
    static Result<Tokenizer> create(TokenizerConfig config);
    /// Read tokenizer.ggml.* metadata. Errors: Unsupported for a tokenizer.ggml.model other than
    /// "gpt2"/"llama" (e.g. "bert", "t5") or an unsupported pre-tokenizer; Corrupt when
    /// tokens (or, for gpt2, merges) are missing or of the wrong type.
    static Result<Tokenizer> from_gguf(const GgufFile& file);

    /// Text -> ids. Never fails: unknown pieces fall back to byte tokens (and are dropped, as in
    /// llama.cpp, when even those are missing). An empty text gives just BOS if it is added.
    std::vector<int32_t> encode(std::string_view text, EncodeOptions options = {}) const;

    /// Raw bytes of one token (may be part of a UTF-8 character). Out-of-range id -> "".
    /// As llama_token_to_piece: Normal: the token text mapped back through the byte table (Bpe)
    /// or with ▁ -> space (SentencePiece); UserDefined: text verbatim; Control and Unknown: text
    /// only when render_special; Byte "<0xXX>": that byte; Undefined, Unused: "".
    std::string token_to_piece(int32_t id, bool render_special = false) const;

    /// Concatenated pieces (raw bytes; invalid UTF-8 is passed through as is), as
    /// llama_detokenize(remove_special = false, unparse_special = render_special).
    std::string decode(std::span<const int32_t> ids, DecodeOptions options = {}) const;

    int32_t vocab_size() const;
    TokenizerModel model() const;
    PreTokenizer pre_tokenizer() const;
    int32_t bos_id() const;
    int32_t eos_id() const;
    int32_t eot_id() const;
    int32_t unk_id() const;
    int32_t pad_id() const;
    bool add_bos() const;
    bool add_eos() const;
    /// End of generation: eos, eot, eom, and tokens whose text llama.cpp treats as such
    /// (<|im_end|>, <|endoftext|>, <|eot_id|>, <end_of_turn>, ...).
    bool is_eog(int32_t id) const;
    /// Stored token text ("" for an out-of-range id).
    const std::string& token_text(int32_t id) const;
    /// Type of a token (Undefined for an out-of-range id). Tokens llama.cpp treats as
    /// end-of-generation are reported as Control even if the file says otherwise (as llama.cpp).
    TokenType token_type(int32_t id) const;
    /// Id of the token whose stored text is exactly `text`, or -1.
    int32_t find_token(std::string_view text) const;

    struct Impl;

private:
    explicit Tokenizer(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl)) {}
    std::shared_ptr<const Impl> m_impl;
};

/// Incremental decoding for streaming generated text: push() returns only complete UTF-8
/// characters, so a Korean syllable or an emoji split over several tokens comes out whole.
/// Ill-formed bytes become U+FFFD as soon as they can no longer be completed; flush() returns
/// what is left (an incomplete tail as U+FFFD). Not thread-safe; one per stream.
class StreamDecoder {
public:
    explicit StreamDecoder(Tokenizer tokenizer, bool render_special = false)
        : m_tokenizer(std::move(tokenizer)), m_render_special(render_special) {}

    std::string push(int32_t id);
    /// Feed raw bytes directly (what push() does with a token's piece).
    std::string push_bytes(std::string_view bytes);
    std::string flush();

private:
    Tokenizer m_tokenizer;
    bool m_render_special;
    std::string m_pending;
};

} // namespace quanta
