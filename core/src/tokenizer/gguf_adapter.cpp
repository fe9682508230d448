// SPDX-License-Identifier: MIT
// Tokenizer::from_gguf: tokenizer.ggml.* metadata (FORMATS.md §3, §6) -> TokenizerConfig.
// Defaults follow llama.cpp's vocabulary loader so that files without some keys behave the same.
#include "quanta/gguf.h"
#include "quanta/tokenizer.h"

#include <array>
#include <cctype>
#include <cstdio>

namespace quanta {

namespace {

struct PreName {
    std::string_view name;
    PreTokenizer pre;
    bool llama3_flags; ///< ignore_merges and add_bos default true
    bool clean_spaces; ///< llama_detokenize's clean-up (llama.cpp turns it off for some)
};

// tokenizer.ggml.pre values whose regex list is one of ours (llama.cpp's llama-vocab.cpp groups).
constexpr std::array k_pre_names = {
    PreName{"default", PreTokenizer::Default, false, true},
    PreName{"llama3", PreTokenizer::Llama3, true, true},
    PreName{"llama-v3", PreTokenizer::Llama3, true, true},
    PreName{"llama-bpe", PreTokenizer::Llama3, true, true},
    PreName{"falcon3", PreTokenizer::Llama3, true, true},
    PreName{"pixtral", PreTokenizer::Llama3, true, true},
    PreName{"dbrx", PreTokenizer::Llama3, false, true},
    PreName{"smaug-bpe", PreTokenizer::Llama3, false, true},
    PreName{"gpt-2", PreTokenizer::Gpt2, false, true},
    PreName{"phi-2", PreTokenizer::Gpt2, false, true},
    PreName{"mpt", PreTokenizer::Gpt2, false, true},
    PreName{"olmo", PreTokenizer::Gpt2, false, true},
    PreName{"jais", PreTokenizer::Gpt2, false, true},
    PreName{"qwen2", PreTokenizer::Qwen2, false, false},
    PreName{"deepseek-r1-qwen", PreTokenizer::Qwen2, false, false},
    PreName{"stablelm2", PreTokenizer::Qwen2, false, true},
    PreName{"megrez", PreTokenizer::Qwen2, false, true},
    PreName{"smollm", PreTokenizer::StarCoder, false, false},
    PreName{"starcoder", PreTokenizer::StarCoder, false, true},
    PreName{"refact", PreTokenizer::StarCoder, false, true},
    PreName{"command-r", PreTokenizer::StarCoder, false, false},
    PreName{"codeshell", PreTokenizer::StarCoder, false, true},
    PreName{"exaone", PreTokenizer::StarCoder, false, true},
    PreName{"minerva-7b", PreTokenizer::StarCoder, false, true},
};

Error corrupt(std::string message) { return make_error(ErrorCode::Corrupt, std::move(message)); }

// Optional UINT key: nullopt when absent; an error when present with a non-integer type.
Result<std::optional<uint64_t>> optional_uint(const GgufFile& file, std::string_view key) {
    const GgufValue* v = file.find(key);
    if (!v)
        return std::optional<uint64_t>{};
    const auto u = v->as_uint();
    if (!u)
        return corrupt(std::string(key) + ": expected an unsigned integer, found " + gguf_type_name(v->type()));
    return std::optional<uint64_t>{*u};
}

Result<std::optional<bool>> optional_bool(const GgufFile& file, std::string_view key) {
    const GgufValue* v = file.find(key);
    if (!v)
        return std::optional<bool>{};
    const auto b = v->as_bool();
    if (!b)
        return corrupt(std::string(key) + ": expected a bool, found " + gguf_type_name(v->type()));
    return std::optional<bool>{*b};
}

} // namespace

Result<PreTokenizerInfo> pre_tokenizer_from_name(std::string_view name) {
    for (const PreName& p : k_pre_names) {
        if (p.name == name)
            return PreTokenizerInfo{p.pre, p.llama3_flags, p.llama3_flags, p.clean_spaces};
    }
    return make_error(ErrorCode::Unsupported, "tokenizer.ggml.pre '" + std::string(name) +
                                                  "' is not supported (see docs/tokenizer.md for the list)");
}

Result<Tokenizer> Tokenizer::from_gguf(const GgufFile& file) {
    TokenizerConfig cfg;
    const GgufValue* model_v = file.find("tokenizer.ggml.model");
    const auto model = model_v ? model_v->as_string() : std::nullopt;
    if (!model)
        return corrupt("tokenizer.ggml.model is missing or not a string");
    if (*model == "gpt2") {
        cfg.model = TokenizerModel::Bpe;
    } else if (*model == "llama") {
        cfg.model = TokenizerModel::SentencePiece;
    } else {
        return make_error(ErrorCode::Unsupported, "tokenizer.ggml.model '" + std::string(*model) +
                                                      "' is not supported (only 'gpt2' byte-level BPE and 'llama' SentencePiece)");
    }
    const bool bpe = cfg.model == TokenizerModel::Bpe;

    const GgufValue* tokens_v = file.find("tokenizer.ggml.tokens");
    const std::vector<std::string>* tokens = tokens_v ? tokens_v->as_string_array() : nullptr;
    if (!tokens || tokens->empty())
        return corrupt("tokenizer.ggml.tokens is missing, empty or not an array of strings");
    cfg.tokens = *tokens;
    const size_t n = cfg.tokens.size();

    if (const GgufValue* v = file.find("tokenizer.ggml.token_type")) {
        const auto types = v->as_int_array();
        if (!types || types->size() != n)
            return corrupt("tokenizer.ggml.token_type must be an integer array of " + std::to_string(n) + " entries");
        cfg.types.reserve(n);
        for (const int64_t t : *types)
            cfg.types.push_back(t >= 0 && t <= 6 ? static_cast<TokenType>(t) : TokenType::Undefined);
    }
    if (const GgufValue* v = file.find("tokenizer.ggml.scores")) {
        auto scores = v->as_float_array();
        if (!scores || scores->size() != n)
            return corrupt("tokenizer.ggml.scores must be a float array of " + std::to_string(n) + " entries");
        cfg.scores = std::move(*scores);
    }

    PreTokenizerInfo pre;
    if (bpe) {
        const GgufValue* merges_v = file.find("tokenizer.ggml.merges");
        const std::vector<std::string>* merges = merges_v ? merges_v->as_string_array() : nullptr;
        if (!merges)
            return corrupt("tokenizer.ggml.merges is missing or not an array of strings (required for 'gpt2')");
        cfg.merges = *merges;
        std::string_view pre_name = "default";
        if (const GgufValue* v = file.find("tokenizer.ggml.pre")) {
            const auto s = v->as_string();
            if (!s)
                return corrupt("tokenizer.ggml.pre is not a string");
            pre_name = *s;
        }
        auto info = pre_tokenizer_from_name(pre_name);
        if (!info)
            return info.take_error();
        pre = *info;
        cfg.pre = pre.pre;
        cfg.ignore_merges = pre.ignore_merges;
        cfg.add_bos = pre.add_bos_default;
        cfg.clean_spaces = pre.clean_spaces;
        cfg.bos_id = 11; // llama.cpp's (odd) BPE defaults; real files always set them
        cfg.eos_id = 11;
    } else {
        cfg.add_bos = true;
        cfg.add_space_prefix = true;
        cfg.bos_id = 1;
        cfg.eos_id = 2;
        cfg.unk_id = 0;
    }

    struct IdKey {
        const char* key;
        int32_t* id;
    };
    for (const IdKey& k : {IdKey{"tokenizer.ggml.bos_token_id", &cfg.bos_id}, IdKey{"tokenizer.ggml.eos_token_id", &cfg.eos_id},
                           IdKey{"tokenizer.ggml.eot_token_id", &cfg.eot_id}, IdKey{"tokenizer.ggml.eom_token_id", &cfg.eom_id},
                           IdKey{"tokenizer.ggml.unknown_token_id", &cfg.unk_id},
                           IdKey{"tokenizer.ggml.padding_token_id", &cfg.pad_id}}) {
        auto v = optional_uint(file, k.key);
        if (!v)
            return v.take_error();
        // Out-of-range ids keep the default, as llama.cpp ("bad special token" warning).
        if (v->has_value() && **v < n)
            *k.id = static_cast<int32_t>(**v);
        if (*k.id >= static_cast<int32_t>(n))
            *k.id = -1;
    }
    // llama.cpp gives Phi-3 special tokens the rstrip attribute, by model name.
    if (const GgufValue* v = file.find("general.name")) {
        if (const auto name = v->as_string()) {
            std::string lower(*name);
            for (char& c : lower)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            cfg.rstrip_special = lower.find("phi-3") != std::string::npos || lower.find("phi3") != std::string::npos;
        }
    }

    struct BoolKey {
        const char* key;
        bool* flag;
    };
    for (const BoolKey& k : {BoolKey{"tokenizer.ggml.add_bos_token", &cfg.add_bos}, BoolKey{"tokenizer.ggml.add_eos_token", &cfg.add_eos},
                             BoolKey{"tokenizer.ggml.add_space_prefix", &cfg.add_space_prefix}}) {
        auto v = optional_bool(file, k.key);
        if (!v)
            return v.take_error();
        if (v->has_value())
            *k.flag = **v;
    }
    return create(std::move(cfg));
}

} // namespace quanta
