// SPDX-License-Identifier: MIT
// tokenizer.json / tokenizer_config.json -> tokenizer.* GGUF keys (FORMATS.md §3, §6).
//
// llama.cpp's converter picks tokenizer.ggml.pre by hashing HF tokenizers' output on a check
// string; we cannot run HF tokenizers, so the pre-tokenizer of tokenizer.json is recognized by its
// structure (exact regexes):
//   ByteLevel (use_regex true)                                   -> "gpt-2"  (GPT-2's regex)
//   Digits(individual_digits) + ByteLevel(use_regex true)        -> "smollm" (SmolLM/SmolLM2, StarCoder-style)
//   Split(R_LLAMA3 regex) + ByteLevel(use_regex false)           -> "llama-bpe" (Llama 3.x)
//   Split(R_QWEN2 regex, \p{N} alone) + ByteLevel(use_regex false) -> "qwen2" (Qwen2/2.5)
// Anything else is Unsupported (a wrong guess would silently mis-tokenize). SentencePiece-style
// vocabularies (model "BPE" with byte_fallback and no ByteLevel, e.g. Llama 2, TinyLlama,
// Mistral; or "Unigram") become tokenizer.ggml.model "llama" with scores and token types.
#include "hf_import/hf_internal.h"

#include <cstdio>
#include <map>
#include <optional>

namespace quanta::hf {

namespace {

Error corrupt(std::string m) { return make_error(ErrorCode::Corrupt, "tokenizer.json: " + std::move(m)); }

constexpr const char* kRegexLlama3 =
    R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
constexpr const char* kRegexQwen2 =
    R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";

std::string str(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag(const nlohmann::json& j, const char* key, bool fallback) {
    const auto it = j.find(key);
    return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

/// A Sequence is flattened; null gives an empty list.
std::vector<nlohmann::json> flatten(const nlohmann::json& j, const char* list_key) {
    std::vector<nlohmann::json> out;
    if (!j.is_object())
        return out;
    if (str(j, "type") == "Sequence" && j.contains(list_key) && j[list_key].is_array()) {
        for (const nlohmann::json& e : j[list_key]) {
            auto sub = flatten(e, list_key);
            out.insert(out.end(), sub.begin(), sub.end());
        }
        return out;
    }
    out.push_back(j);
    return out;
}

Result<std::string> recognize_pre(const std::vector<nlohmann::json>& pre) {
    std::string description;
    for (const nlohmann::json& p : pre) {
        description += (description.empty() ? "" : " + ") + str(p, "type");
        if (str(p, "type") == "Split" && p.contains("pattern") && p["pattern"].is_object())
            description += " '" + str(p["pattern"], "Regex") + "'";
    }
    auto is_bytelevel = [](const nlohmann::json& p, bool use_regex) {
        return str(p, "type") == "ByteLevel" && flag(p, "use_regex", true) == use_regex;
    };
    if (pre.size() == 1 && is_bytelevel(pre[0], true))
        return std::string("gpt-2");
    if (pre.size() == 2 && str(pre[0], "type") == "Digits" && flag(pre[0], "individual_digits", false) && is_bytelevel(pre[1], true))
        return std::string("smollm");
    if (pre.size() == 2 && str(pre[0], "type") == "Split" && is_bytelevel(pre[1], false) && pre[0].contains("pattern") &&
        pre[0]["pattern"].is_object()) {
        const std::string regex = str(pre[0]["pattern"], "Regex");
        if (regex == kRegexLlama3)
            return std::string("llama-bpe");
        if (regex == kRegexQwen2)
            return std::string("qwen2");
    }
    return make_error(ErrorCode::Unsupported, "tokenizer.json: the pre-tokenizer (" + description.substr(0, 300) +
                                                  ") is not one Quanta recognizes (GPT-2, SmolLM, Llama 3, Qwen2)");
}

/// llama.cpp's does_token_look_special.
bool looks_special(const std::string& t) {
    auto wrapped = [&](std::string_view a, std::string_view b) { return t.size() >= a.size() + b.size() && t.starts_with(a) && t.ends_with(b); };
    return t == "<pad>" || t == "<mask>" || t == "<2mass>" || t == "[@BOS@]" || wrapped("<|", "|>") ||
           wrapped("<\xEF\xBD\x9C", "\xEF\xBD\x9C>") || wrapped("<start_of_", ">");
}

bool is_byte_token(const std::string& t) {
    auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
    return t.size() == 6 && t.starts_with("<0x") && t.back() == '>' && hex(t[3]) && hex(t[4]);
}

/// "<s>" or {"content": "<s>", ...} -> its text.
std::optional<std::string> token_text(const nlohmann::json& j) {
    if (j.is_string())
        return j.get<std::string>();
    if (j.is_object() && j.contains("content") && j["content"].is_string())
        return j["content"].get<std::string>();
    return std::nullopt;
}

std::optional<int64_t> id_value(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end())
        return std::nullopt;
    if (it->is_number_integer())
        return it->get<int64_t>();
    if (it->is_array() && !it->empty() && (*it)[0].is_number_integer())
        return (*it)[0].get<int64_t>();
    return std::nullopt;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
        s.replace(p, from.size(), to);
    return s;
}

Result<std::vector<GgufKeyValue>> build(const std::filesystem::path& dir, const nlohmann::json& config, int64_t n_vocab,
                                        HfModelInfo& info) {
    QUANTA_TRY_ASSIGN(nlohmann::json tj, read_json_file(dir / "tokenizer.json", true));
    QUANTA_TRY_ASSIGN(nlohmann::json tc, read_json_file(dir / "tokenizer_config.json", false, 64u << 20));
    QUANTA_TRY_ASSIGN(nlohmann::json gen, read_json_file(dir / "generation_config.json", false, 16u << 20));
    if (!tj.is_object() || !tj.contains("model") || !tj["model"].is_object())
        return corrupt("missing the 'model' object");
    if (!tc.is_object())
        tc = nlohmann::json::object();
    if (!gen.is_object())
        gen = nlohmann::json::object();
    const nlohmann::json& model = tj["model"];
    const std::string type = str(model, "type");
    const auto pre = flatten(tj.contains("pre_tokenizer") ? tj["pre_tokenizer"] : nlohmann::json(), "pretokenizers");
    bool byte_level = false;
    for (const nlohmann::json& p : pre)
        byte_level = byte_level || str(p, "type") == "ByteLevel";
    const bool spm = (type == "BPE" && !byte_level) || type == "Unigram";
    if (type != "BPE" && type != "Unigram")
        return make_error(ErrorCode::Unsupported, "tokenizer.json: model type '" + type + "' is not supported (BPE, Unigram)");
    info.tokenizer_model = spm ? "llama" : "gpt2";
    if (!spm) {
        QUANTA_TRY_ASSIGN(info.tokenizer_pre, recognize_pre(pre));
    }

    // id -> text, with the vocabulary of the model and the added tokens.
    std::vector<std::optional<std::string>> tokens(static_cast<size_t>(n_vocab));
    std::vector<float> scores(static_cast<size_t>(n_vocab), 0.0f);
    std::vector<bool> has_score(static_cast<size_t>(n_vocab), false);
    std::map<std::string, int64_t> id_of;
    size_t count = 0;
    auto put = [&](const std::string& text, int64_t id) -> Result<void> {
        if (id < 0 || id >= n_vocab)
            return corrupt("token id " + std::to_string(id) + " is outside config.json's vocab_size " + std::to_string(n_vocab));
        if (!tokens[static_cast<size_t>(id)])
            ++count;
        tokens[static_cast<size_t>(id)] = text;
        id_of[text] = id;
        return {};
    };
    const nlohmann::json& vocab = model.contains("vocab") ? model["vocab"] : nlohmann::json();
    if (type == "Unigram") {
        if (!vocab.is_array())
            return corrupt("Unigram 'vocab' must be an array");
        for (size_t i = 0; i < vocab.size(); ++i) {
            const nlohmann::json& e = vocab[i];
            if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_number())
                return corrupt("Unigram vocab entry " + std::to_string(i) + " is not [piece, score]");
            QUANTA_TRY(put(e[0].get<std::string>(), static_cast<int64_t>(i)));
            scores[i] = e[1].get<float>();
            has_score[i] = true;
        }
    } else {
        if (!vocab.is_object())
            return corrupt("BPE 'vocab' must be an object");
        for (auto it = vocab.begin(); it != vocab.end(); ++it) {
            if (!it->is_number_integer())
                return corrupt("vocab entry '" + it.key() + "' has no integer id");
            QUANTA_TRY(put(it.key(), it->get<int64_t>()));
        }
    }
    struct Added {
        bool special;
    };
    std::map<int64_t, Added> added;
    if (tj.contains("added_tokens") && tj["added_tokens"].is_array()) {
        for (const nlohmann::json& a : tj["added_tokens"]) {
            const auto text = token_text(a);
            if (!text || !a.contains("id") || !a["id"].is_number_integer())
                return corrupt("an added_tokens entry has no content or id");
            QUANTA_TRY(put(*text, a["id"].get<int64_t>()));
            added[a["id"].get<int64_t>()] = Added{flag(a, "special", false)};
        }
    }
    info.tokenizer_tokens = count;

    // Merges: "a b" strings or [a, b] pairs.
    std::vector<std::string> merges;
    if (type == "BPE") {
        const nlohmann::json& mj = model.contains("merges") ? model["merges"] : nlohmann::json::array();
        if (!mj.is_array())
            return corrupt("BPE 'merges' must be an array");
        merges.reserve(mj.size());
        for (const nlohmann::json& m : mj) {
            if (m.is_string())
                merges.push_back(m.get<std::string>());
            else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string())
                merges.push_back(m[0].get<std::string>() + " " + m[1].get<std::string>());
            else
                return corrupt("a merges entry is neither \"a b\" nor [a, b]");
        }
    }
    const std::string unk = str(model, "unk_token");
    std::vector<std::string> texts(tokens.size());
    std::vector<int32_t> types(tokens.size(), 1);
    for (size_t i = 0; i < tokens.size(); ++i) {
        if (!tokens[i]) {
            texts[i] = "[PAD" + std::to_string(i) + "]";
            types[i] = 5; // unused
            continue;
        }
        texts[i] = *tokens[i];
        const auto a = added.find(static_cast<int64_t>(i));
        if (spm && !unk.empty() && texts[i] == unk)
            types[i] = 2;
        else if (spm && is_byte_token(texts[i]))
            types[i] = 6;
        else if (a != added.end() && (a->second.special || looks_special(texts[i])))
            types[i] = 3;
        else if (a != added.end()) {
            types[i] = 4;
            texts[i] = replace_all(texts[i], "\xE2\x96\x81", " ");
        }
    }
    if (spm && type == "BPE") {
        // SentencePiece BPE: the piece made by merge r gets score -r (earlier merges win).
        for (size_t r = 0; r < merges.size(); ++r) {
            const size_t sp = merges[r].find(' ', 1);
            if (sp == std::string::npos)
                continue;
            const auto it = id_of.find(merges[r].substr(0, sp) + merges[r].substr(sp + 1));
            if (it != id_of.end() && !has_score[static_cast<size_t>(it->second)]) {
                scores[static_cast<size_t>(it->second)] = -static_cast<float>(r);
                has_score[static_cast<size_t>(it->second)] = true;
            }
        }
        for (size_t i = 0; i < scores.size(); ++i) {
            if (!has_score[i] && types[i] == 1)
                scores[i] = -static_cast<float>(merges.size() + i);
        }
    }

    std::vector<GgufKeyValue> kv;
    kv.push_back({"tokenizer.ggml.model", GgufValue::string(info.tokenizer_model)});
    if (!spm)
        kv.push_back({"tokenizer.ggml.pre", GgufValue::string(info.tokenizer_pre)});
    kv.push_back({"tokenizer.ggml.tokens", GgufValue::string_array(texts)});
    if (spm)
        kv.push_back({"tokenizer.ggml.scores", GgufValue::f32_array(scores)});
    kv.push_back({"tokenizer.ggml.token_type", GgufValue::i32_array(types)});
    if (!spm)
        kv.push_back({"tokenizer.ggml.merges", GgufValue::string_array(merges)});

    // Special ids: tokenizer_config.json's texts, then config.json, then generation_config.json.
    std::map<std::string, int64_t> special;
    for (const char* name : {"bos", "eos", "unk", "pad"}) {
        const std::string key = std::string(name) + "_token";
        if (tc.contains(key)) {
            if (const auto text = token_text(tc[key]); text && id_of.count(*text)) {
                special[name] = id_of[*text];
                continue;
            }
        }
        for (const nlohmann::json* j : {&config, static_cast<const nlohmann::json*>(&gen)}) {
            if (const auto id = id_value(*j, (key + "_id").c_str()); id && *id >= 0 && *id < n_vocab) {
                special[name] = *id;
                break;
            }
        }
    }
    if (spm && !special.count("unk") && !unk.empty() && id_of.count(unk))
        special["unk"] = id_of[unk];
    for (const char* name : {"bos", "eos", "unk", "pad"}) {
        const std::string gguf_name = std::string("tokenizer.ggml.") + (std::string(name) == "unk" ? "unknown" : (std::string(name) == "pad" ? "padding" : name)) + "_token_id";
        if (special.count(name))
            kv.push_back({gguf_name, GgufValue::u32(static_cast<uint32_t>(special[name]))});
    }

    // add_bos/add_eos: tokenizer_config.json, else what the post-processor template adds.
    std::optional<bool> add_bos, add_eos;
    for (const nlohmann::json& p : flatten(tj.contains("post_processor") ? tj["post_processor"] : nlohmann::json(), "processors")) {
        if (str(p, "type") != "TemplateProcessing" || !p.contains("single") || !p["single"].is_array() || p["single"].empty())
            continue;
        auto special_id = [&](const nlohmann::json& item) -> std::optional<int64_t> {
            if (!item.is_object() || !item.contains("SpecialToken") || !item["SpecialToken"].is_object())
                return std::nullopt;
            const std::string t = str(item["SpecialToken"], "id");
            return id_of.count(t) ? std::optional<int64_t>(id_of[t]) : std::nullopt;
        };
        const auto first = special_id(p["single"].front());
        const auto last = special_id(p["single"].back());
        add_bos = first && special.count("bos") && *first == special["bos"];
        add_eos = last && special.count("eos") && *last == special["eos"];
    }
    if (tc.contains("add_bos_token") && tc["add_bos_token"].is_boolean())
        add_bos = tc["add_bos_token"].get<bool>();
    if (tc.contains("add_eos_token") && tc["add_eos_token"].is_boolean())
        add_eos = tc["add_eos_token"].get<bool>();
    if (add_bos)
        kv.push_back({"tokenizer.ggml.add_bos_token", GgufValue::boolean(*add_bos)});
    if (add_eos)
        kv.push_back({"tokenizer.ggml.add_eos_token", GgufValue::boolean(*add_eos)});
    if (!spm) {
        // gguf-py: tokenizer_config.json's add_prefix_space, else the ByteLevel pre-tokenizer's.
        std::optional<bool> prefix;
        for (const nlohmann::json& p : pre) {
            if (str(p, "type") == "ByteLevel" && p.contains("add_prefix_space") && p["add_prefix_space"].is_boolean())
                prefix = p["add_prefix_space"].get<bool>();
        }
        if (tc.contains("add_prefix_space") && tc["add_prefix_space"].is_boolean())
            prefix = tc["add_prefix_space"].get<bool>();
        if (prefix)
            kv.push_back({"tokenizer.ggml.add_space_prefix", GgufValue::boolean(*prefix)});
    } else {
        bool prefix = false;
        for (const nlohmann::json& n : flatten(tj.contains("normalizer") ? tj["normalizer"] : nlohmann::json(), "normalizers"))
            prefix = prefix || (str(n, "type") == "Prepend" && str(n, "prepend") == "\xE2\x96\x81");
        for (const nlohmann::json& p : pre) {
            if (str(p, "type") == "Metaspace")
                prefix = prefix || flag(p, "add_prefix_space", false) || str(p, "prepend_scheme") == "first" ||
                         str(p, "prepend_scheme") == "always";
        }
        kv.push_back({"tokenizer.ggml.add_space_prefix", GgufValue::boolean(prefix)});
    }

    // Chat template(s): tokenizer_config.json, else chat_template.jinja.
    const nlohmann::json& ct = tc.contains("chat_template") ? tc["chat_template"] : nlohmann::json();
    if (ct.is_string()) {
        kv.push_back({"tokenizer.chat_template", GgufValue::string(ct.get<std::string>())});
    } else if (ct.is_array()) {
        for (const nlohmann::json& t : ct) {
            const std::string name = str(t, "name"), text = str(t, "template");
            if (name.empty() || text.empty())
                continue;
            kv.push_back({name == "default" ? "tokenizer.chat_template" : "tokenizer.chat_template." + name, GgufValue::string(text)});
        }
    } else {
        std::error_code ec;
        const auto path = dir / "chat_template.jinja";
        if (std::filesystem::is_regular_file(path, ec)) {
            std::FILE* f = std::fopen(path.c_str(), "rb");
            if (!f)
                return make_error(ErrorCode::Io, path.string() + ": cannot read");
            std::string text;
            char buf[65536];
            for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() < (64u << 20);)
                text.append(buf, n);
            std::fclose(f);
            kv.push_back({"tokenizer.chat_template", GgufValue::string(std::move(text))});
        }
    }
    for (const GgufKeyValue& k : kv)
        info.has_chat_template = info.has_chat_template || k.key == "tokenizer.chat_template";
    return kv;
}

} // namespace

Result<std::vector<GgufKeyValue>> read_tokenizer(const std::filesystem::path& dir, const nlohmann::json& config,
                                                 int64_t n_vocab, HfModelInfo& info) {
    try {
        return build(dir, config, n_vocab, info);
    } catch (const nlohmann::json::exception& e) {
        return make_error(ErrorCode::Corrupt, std::string("tokenizer files: ") + e.what());
    }
}

} // namespace quanta::hf
