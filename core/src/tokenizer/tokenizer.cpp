// SPDX-License-Identifier: MIT
// Tokenizer construction, special-token partitioning and the encode driver (FORMATS.md §6.2).
#include "tokenizer/tokenizer_impl.h"

#include "tokenizer/pretokenize.h"

#include <algorithm>
#include <cstdio>

namespace quanta {

using namespace tokenizer_detail;

namespace {

// Texts llama.cpp treats as end-of-generation whatever the metadata says (llama-vocab.cpp keeps
// such a list because many conversions do not set eot/eom ids): its EOG texts, the DeepSeek text
// it detects as EOT, and the fill-in-the-middle pad / repo / file-separator texts, which it also
// ends generation on (SmolLM2's <reponame> is one).
constexpr std::string_view k_eog_texts[] = {
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>",
    "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>",
    "<\xEF\xBD\x9C" "end\xE2\x96\x81" "of\xE2\x96\x81" "sentence\xEF\xBD\x9C>", // <｜end▁of▁sentence｜>
    "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>",                            // FIM pad
    "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>",       // FIM repo
    "<|file_sep|>",                                                              // FIM file separator
};

// isspace() in the C locale, as llama.cpp strips with it.
bool is_c_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool is_special_type(TokenType t) {
    return t == TokenType::Control || t == TokenType::UserDefined || t == TokenType::Unknown;
}

// A run of input text or one special token, in input order.
struct Fragment {
    int32_t token;  ///< -1 for raw text
    size_t offset;
    size_t length;
};

// Split the text on special token texts as llama.cpp does: one token at a time, longest text
// first, every occurrence inside every remaining raw fragment (leftmost first). Control and
// Unknown tokens only take part with parse_special.
std::vector<Fragment> partition(const Tokenizer::Impl& impl, std::string_view text, bool parse_special) {
    std::vector<Fragment> frags;
    if (text.empty())
        return frags;
    frags.push_back({-1, 0, text.size()});
    std::vector<Fragment> next;
    for (const int32_t id : impl.special_ids) {
        const TokenType type = impl.cfg.types[static_cast<size_t>(id)];
        if (!parse_special && (type == TokenType::Control || type == TokenType::Unknown))
            continue;
        const std::string& special = impl.cfg.tokens[static_cast<size_t>(id)];
        next.clear();
        bool changed = false;
        for (const Fragment& f : frags) {
            if (f.token >= 0 || f.length < special.size()) {
                next.push_back(f);
                continue;
            }
            const std::string_view raw = text.substr(f.offset, f.length);
            const bool rstrip = impl.rstrip[static_cast<size_t>(id)];
            size_t pos = 0;
            for (size_t m; (m = raw.find(special, pos)) != std::string_view::npos;) {
                if (m > pos)
                    next.push_back({-1, f.offset + pos, m - pos});
                next.push_back({id, f.offset + m, special.size()});
                changed = true;
                pos = m + special.size();
                while (rstrip && pos < raw.size() && is_c_space(raw[pos]))
                    ++pos;
            }
            if (pos < raw.size())
                next.push_back({-1, f.offset + pos, raw.size() - pos});
        }
        if (changed)
            frags.swap(next);
    }
    return frags;
}

Error invalid(std::string message) { return make_error(ErrorCode::InvalidArgument, std::move(message)); }

} // namespace

Result<Tokenizer> Tokenizer::create(TokenizerConfig config) {
    auto impl = std::make_shared<Impl>();
    TokenizerConfig& cfg = impl->cfg;
    cfg = std::move(config);
    const size_t n = cfg.tokens.size();
    if (n == 0)
        return invalid("tokenizer: empty vocabulary");
    if (n > static_cast<size_t>(INT32_MAX))
        return invalid("tokenizer: vocabulary too large");
    if (cfg.types.empty())
        cfg.types.assign(n, TokenType::Normal);
    if (cfg.scores.empty())
        cfg.scores.assign(n, 0.0f);
    if (cfg.types.size() != n)
        return invalid("tokenizer: " + std::to_string(cfg.types.size()) + " token types for " + std::to_string(n) + " tokens");
    if (cfg.scores.size() != n)
        return invalid("tokenizer: " + std::to_string(cfg.scores.size()) + " scores for " + std::to_string(n) + " tokens");
    for (const auto& [name, id] : {std::pair{"bos", cfg.bos_id}, {"eos", cfg.eos_id}, {"eot", cfg.eot_id},
                                   {"eom", cfg.eom_id}, {"unk", cfg.unk_id}, {"pad", cfg.pad_id}}) {
        if (id < -1 || id >= static_cast<int32_t>(n))
            return invalid(std::string("tokenizer: ") + name + " id " + std::to_string(id) + " is outside the vocabulary of " + std::to_string(n));
    }

    impl->token_to_id.reserve(n);
    for (size_t i = 0; i < n; ++i)
        if (!cfg.tokens[i].empty())
            impl->token_to_id[cfg.tokens[i]] = static_cast<int32_t>(i);

    if (cfg.model == TokenizerModel::Bpe) {
        impl->merge_rank.reserve(cfg.merges.size());
        for (size_t r = 0; r < cfg.merges.size(); ++r) {
            const std::string& m = cfg.merges[r];
            const size_t sp = m.find(' ', 1); // a token may itself begin with a space
            if (sp == std::string::npos)
                return make_error(ErrorCode::Corrupt, "tokenizer: merge " + std::to_string(r) + " ('" + m + "') has no space");
            std::string key = m.substr(0, sp);
            key.push_back(k_merge_separator);
            key.append(m, sp + 1);
            impl->merge_rank.emplace(std::move(key), static_cast<int32_t>(r)); // first (lowest) rank wins
        }
    }

    impl->eog.assign(n, false);
    for (const std::string_view t : k_eog_texts) {
        if (const int32_t id = impl->lookup(t); id >= 0) {
            impl->eog[static_cast<size_t>(id)] = true;
            cfg.types[static_cast<size_t>(id)] = TokenType::Control; // as llama.cpp overrides it
        }
    }
    for (const int32_t id : {cfg.eos_id, cfg.eot_id, cfg.eom_id})
        if (id >= 0)
            impl->eog[static_cast<size_t>(id)] = true;

    for (size_t i = 0; i < n; ++i)
        if (is_special_type(cfg.types[i]) && !cfg.tokens[i].empty())
            impl->special_ids.push_back(static_cast<int32_t>(i));
    impl->rstrip.assign(n, false);
    if (cfg.rstrip_special) { // llama.cpp's Phi-3 attributes
        for (const int32_t id : impl->special_ids)
            impl->rstrip[static_cast<size_t>(id)] = true;
        for (const std::string_view t : {"<unk>", "<s>", "<|endoftext|>"})
            if (const int32_t id = impl->lookup(t); id >= 0)
                impl->rstrip[static_cast<size_t>(id)] = false;
    }
    std::stable_sort(impl->special_ids.begin(), impl->special_ids.end(), [&](int32_t a, int32_t b) {
        return cfg.tokens[static_cast<size_t>(a)].size() > cfg.tokens[static_cast<size_t>(b)].size();
    });

    for (int b = 0; b < 256; ++b) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "<0x%02X>", b);
        int32_t id = impl->lookup(hex);
        if (id < 0)
            id = impl->lookup(std::string(1, static_cast<char>(b)));
        impl->byte_token[static_cast<size_t>(b)] = id;
    }
    return Tokenizer(std::move(impl));
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, EncodeOptions options) const {
    const Impl& impl = *m_impl;
    const TokenizerConfig& cfg = impl.cfg;
    std::vector<int32_t> out;
    out.reserve(text.size() / 3 + 2);
    if (options.add_special && cfg.add_bos && cfg.bos_id >= 0)
        out.push_back(cfg.bos_id);

    const std::vector<Fragment> frags = partition(impl, text, options.parse_special);
    if (cfg.model == TokenizerModel::Bpe) {
        for (const Fragment& f : frags) {
            if (f.token >= 0) {
                out.push_back(f.token);
                continue;
            }
            for (const std::string& piece : pre_tokenize(cfg.pre, text.substr(f.offset, f.length)))
                bpe_encode_piece(impl, piece, out);
        }
    } else {
        // A space prefix goes before the first text and before text that follows a special token.
        bool after_special = true;
        std::string escaped;
        for (const Fragment& f : frags) {
            if (f.token >= 0) {
                out.push_back(f.token);
                after_special = true;
                continue;
            }
            escaped.clear();
            if (cfg.add_space_prefix && after_special)
                escaped += "\xE2\x96\x81";
            for (const char c : text.substr(f.offset, f.length)) {
                if (c == ' ')
                    escaped += "\xE2\x96\x81";
                else
                    escaped.push_back(c);
            }
            spm_encode_fragment(impl, escaped, out);
            after_special = false;
        }
    }

    if (options.add_special && cfg.add_eos && cfg.eos_id >= 0)
        out.push_back(cfg.eos_id);
    return out;
}

int32_t Tokenizer::vocab_size() const { return m_impl->n_tokens(); }
TokenizerModel Tokenizer::model() const { return m_impl->cfg.model; }
PreTokenizer Tokenizer::pre_tokenizer() const { return m_impl->cfg.pre; }
int32_t Tokenizer::bos_id() const { return m_impl->cfg.bos_id; }
int32_t Tokenizer::eos_id() const { return m_impl->cfg.eos_id; }
int32_t Tokenizer::eot_id() const { return m_impl->cfg.eot_id; }
int32_t Tokenizer::unk_id() const { return m_impl->cfg.unk_id; }
int32_t Tokenizer::pad_id() const { return m_impl->cfg.pad_id; }
bool Tokenizer::add_bos() const { return m_impl->cfg.add_bos; }
bool Tokenizer::add_eos() const { return m_impl->cfg.add_eos; }

bool Tokenizer::is_eog(int32_t id) const {
    return id >= 0 && id < m_impl->n_tokens() && m_impl->eog[static_cast<size_t>(id)];
}

const std::string& Tokenizer::token_text(int32_t id) const {
    static const std::string empty;
    return id >= 0 && id < m_impl->n_tokens() ? m_impl->cfg.tokens[static_cast<size_t>(id)] : empty;
}

TokenType Tokenizer::token_type(int32_t id) const {
    return id >= 0 && id < m_impl->n_tokens() ? m_impl->cfg.types[static_cast<size_t>(id)] : TokenType::Undefined;
}

int32_t Tokenizer::find_token(std::string_view text) const { return m_impl->lookup(text); }

} // namespace quanta
