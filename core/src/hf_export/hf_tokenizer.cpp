// SPDX-License-Identifier: MIT
// tokenizer.json and tokenizer_config.json from tokenizer.ggml.* (FORMATS.md §3, §6), laid out as
// Hugging Face ships the tokenizers of the pre-tokenizer families Quanta knows:
//   Gpt2 / Default  pre_tokenizer ByteLevel(use_regex)                      (GPT-2)
//   StarCoder       Sequence[Digits(individual_digits), ByteLevel(use_regex)] (SmolLM2, StarCoder)
//   Llama3          Sequence[Split(R_LLAMA3, Isolated), ByteLevel(no regex)], ignore_merges (Llama 3)
//   Qwen2           NFC normalizer, Sequence[Split(R_QWEN2, Isolated), ByteLevel(no regex)] (Qwen2)
// The vocabulary and merges are written by hand (nlohmann's ordered objects are quadratic).
#include "hf_export/hf_export_internal.h"
#include "quanta/tokenizer.h"

#include <nlohmann/json.hpp>

#include <unordered_map>

namespace quanta::hf_export {

namespace {

using json = nlohmann::ordered_json;

constexpr const char* kRegexLlama3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
                                     "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr const char* kRegexQwen2 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| "
                                    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

Error corrupt(std::string message) {
    return make_error(ErrorCode::Corrupt, std::move(message));
}

std::string quoted(const std::string& s) {
    return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

json byte_level(bool add_prefix_space, bool trim_offsets, bool use_regex) {
    return {{"type", "ByteLevel"},
            {"add_prefix_space", add_prefix_space},
            {"trim_offsets", trim_offsets},
            {"use_regex", use_regex}};
}

json split(const char* regex) {
    return {{"type", "Split"}, {"pattern", {{"Regex", regex}}}, {"behavior", "Isolated"}, {"invert", false}};
}

json pre_tokenizer(PreTokenizer pre) {
    switch (pre) {
    case PreTokenizer::StarCoder:
        return {{"type", "Sequence"},
                {"pretokenizers",
                 json::array({{{"type", "Digits"}, {"individual_digits", true}}, byte_level(false, true, true)})}};
    case PreTokenizer::Llama3:
        return {{"type", "Sequence"},
                {"pretokenizers", json::array({split(kRegexLlama3), byte_level(false, true, false)})}};
    case PreTokenizer::Qwen2:
        return {{"type", "Sequence"},
                {"pretokenizers", json::array({split(kRegexQwen2), byte_level(false, false, false)})}};
    case PreTokenizer::Gpt2:
    case PreTokenizer::Default:
        break;
    }
    return byte_level(false, true, true);
}

json added_token(int64_t id, const std::string& content, bool special) {
    return {{"id", id},        {"content", content},     {"single_word", false}, {"lstrip", false},
            {"rstrip", false}, {"normalized", !special}, {"special", special}};
}

/// BOS/EOS added by a TemplateProcessing post-processor (PreTrainedTokenizerFast ignores
/// add_bos_token), after the ByteLevel one, as Llama 3 ships it.
json post_processor(bool qwen2, const std::vector<std::string>& tokens, std::optional<int64_t> bos,
                    std::optional<int64_t> eos, bool add_bos, bool add_eos) {
    json level = qwen2 ? byte_level(false, false, false) : byte_level(true, false, true);
    add_bos = add_bos && bos;
    add_eos = add_eos && eos;
    if (!add_bos && !add_eos)
        return level;
    json single = json::array(), pair = json::array(), specials = json::object();
    auto special = [&](int64_t id, int type_id) {
        const std::string& text = tokens[static_cast<size_t>(id)];
        specials[text] = {{"id", text}, {"ids", {id}}, {"tokens", {text}}};
        return json{{"SpecialToken", {{"id", text}, {"type_id", type_id}}}};
    };
    for (int seq = 0; seq < 2; ++seq) {
        json& out = seq == 0 ? single : pair;
        for (int part = 0; part <= seq; ++part) {
            if (add_bos)
                out.push_back(special(*bos, part));
            out.push_back({{"Sequence", {{"id", part == 0 ? "A" : "B"}, {"type_id", part}}}});
            if (add_eos)
                out.push_back(special(*eos, part));
        }
    }
    json tp = {{"type", "TemplateProcessing"}, {"single", single}, {"pair", pair}, {"special_tokens", specials}};
    return {{"type", "Sequence"}, {"processors", json::array({level, tp})}};
}

std::optional<bool> bool_key(const GgufFile& file, const char* key) {
    const GgufValue* v = file.find(key);
    return v ? v->as_bool() : std::nullopt;
}

} // namespace

Result<TokenizerFiles> tokenizer_files(const GgufFile& file, const ModelFacts& facts,
                                       std::vector<std::string>& warnings) {
    const GgufValue* model_v = file.find("tokenizer.ggml.model");
    const auto model = model_v ? model_v->as_string() : std::nullopt;
    if (!model)
        return corrupt("tokenizer.ggml.model is missing or not a string");
    if (*model != "gpt2")
        return make_error(ErrorCode::Unsupported, "tokenizer.ggml.model '" + std::string(*model) +
                                                      "' cannot be exported (byte-level BPE 'gpt2' only)");
    const GgufValue* tokens_v = file.find("tokenizer.ggml.tokens");
    const std::vector<std::string>* tokens = tokens_v ? tokens_v->as_string_array() : nullptr;
    if (!tokens || tokens->empty())
        return corrupt("tokenizer.ggml.tokens is missing, empty or not an array of strings");
    const GgufValue* merges_v = file.find("tokenizer.ggml.merges");
    const std::vector<std::string>* merges = merges_v ? merges_v->as_string_array() : nullptr;
    if (!merges)
        return corrupt("tokenizer.ggml.merges is missing or not an array of strings");
    std::vector<int64_t> types(tokens->size(), 1);
    if (const GgufValue* v = file.find("tokenizer.ggml.token_type")) {
        auto t = v->as_int_array();
        if (!t || t->size() != tokens->size())
            return corrupt("tokenizer.ggml.token_type must be an integer array of " + std::to_string(tokens->size()) +
                           " entries");
        types = std::move(*t);
    }
    std::string pre_name = "default";
    if (const GgufValue* v = file.find("tokenizer.ggml.pre"); v && v->as_string())
        pre_name = std::string(*v->as_string());
    QUANTA_TRY_ASSIGN(PreTokenizerInfo pre, pre_tokenizer_from_name(pre_name));
    if (pre.pre == PreTokenizer::Default)
        warnings.push_back("tokenizer.ggml.pre 'default' has no Hugging Face equivalent; wrote GPT-2 ByteLevel");
    const bool qwen2 = pre.pre == PreTokenizer::Qwen2;
    const size_t n = tokens->size();
    auto valid_id = [&](std::optional<int64_t> id) {
        return id && *id >= 0 && static_cast<size_t>(*id) < n ? id : std::nullopt;
    };
    const auto bos = valid_id(facts.bos_id), eos = valid_id(facts.eos_id), pad = valid_id(facts.pad_id);
    const bool add_bos = bool_key(file, "tokenizer.ggml.add_bos_token").value_or(pre.add_bos_default);
    const bool add_eos = bool_key(file, "tokenizer.ggml.add_eos_token").value_or(false);

    TokenizerFiles out;
    try {
        json added = json::array();
        json decoder_map = json::object();
        for (size_t id = 0; id < n; ++id) {
            if (types[id] != 3 && types[id] != 4)
                continue;
            json t = added_token(static_cast<int64_t>(id), (*tokens)[id], types[id] == 3);
            added.push_back(t);
            t.erase("id");
            decoder_map[std::to_string(id)] = std::move(t);
        }
        // A merge side holding a space cannot be written as "a b": then use the [a, b] form.
        bool pair_form = false;
        for (const std::string& m : *merges) {
            const size_t sp = m.find(' ', 1);
            if (sp == std::string::npos)
                return corrupt("tokenizer.ggml.merges entry '" + m + "' has no space");
            pair_form = pair_form || m.find(' ', sp + 1) != std::string::npos;
        }
        std::string s = "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n";
        s += "  \"added_tokens\": " + added.dump() + ",\n";
        s += "  \"normalizer\": " + (qwen2 ? json{{"type", "NFC"}}.dump() : std::string("null")) + ",\n";
        s += "  \"pre_tokenizer\": " + pre_tokenizer(pre.pre).dump() + ",\n";
        s += "  \"post_processor\": " + post_processor(qwen2, *tokens, bos, eos, add_bos, add_eos).dump() + ",\n";
        s +=
            "  \"decoder\": " + (qwen2 ? byte_level(false, false, false) : byte_level(true, true, true)).dump() + ",\n";
        s += "  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n";
        s += "    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n";
        s += "    \"fuse_unk\": false,\n    \"byte_fallback\": false,\n";
        s += std::string("    \"ignore_merges\": ") + (pre.ignore_merges ? "true" : "false") + ",\n";
        s += "    \"vocab\": {";
        size_t duplicates = 0;
        {
            std::unordered_map<std::string_view, size_t> first;
            first.reserve(n);
            for (size_t id = 0; id < n; ++id) {
                if (!first.emplace((*tokens)[id], id).second) {
                    ++duplicates; // JSON objects cannot repeat a key: the first id wins
                    continue;
                }
                s += id ? ",\n      " : "\n      ";
                s += quoted((*tokens)[id]) + ": " + std::to_string(id);
            }
        }
        if (duplicates)
            warnings.push_back(std::to_string(duplicates) + " duplicate token strings are left out of the vocab");
        s += "\n    },\n    \"merges\": [";
        for (size_t i = 0; i < merges->size(); ++i) {
            const std::string& m = (*merges)[i];
            s += i ? ",\n      " : "\n      ";
            if (pair_form) {
                const size_t sp = m.find(' ', 1);
                s += "[" + quoted(m.substr(0, sp)) + ", " + quoted(m.substr(sp + 1)) + "]";
            } else {
                s += quoted(m);
            }
        }
        s += "\n    ]\n  }\n}\n";
        out.tokenizer_json = std::move(s);
        out.vocab_size = n - duplicates;
        out.merges_count = merges->size();

        json c;
        c["add_bos_token"] = add_bos;
        c["add_eos_token"] = add_eos;
        c["add_prefix_space"] = false;
        c["added_tokens_decoder"] = std::move(decoder_map);
        c["bos_token"] = bos ? json((*tokens)[static_cast<size_t>(*bos)]) : json(nullptr);
        if (const GgufValue* v = file.find("tokenizer.chat_template"); v && v->as_string())
            c["chat_template"] = std::string(*v->as_string());
        c["clean_up_tokenization_spaces"] = pre.clean_spaces;
        c["eos_token"] = eos ? json((*tokens)[static_cast<size_t>(*eos)]) : json(nullptr);
        c["model_max_length"] = facts.n_ctx;
        if (pad)
            c["pad_token"] = (*tokens)[static_cast<size_t>(*pad)];
        c["tokenizer_class"] = "PreTrainedTokenizerFast";
        out.tokenizer_config_json = c.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    } catch (const std::exception& e) {
        return make_error(ErrorCode::Internal, std::string("tokenizer.json: ") + e.what());
    }
    return out;
}

} // namespace quanta::hf_export
