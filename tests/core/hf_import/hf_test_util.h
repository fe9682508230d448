// SPDX-License-Identifier: MIT
// Writes tiny Hugging Face model folders (config.json, tokenizer files, safetensors) at test time.
#pragma once

#include "quanta/format.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace quanta::test {

/// One tensor to write: values are stored in `dtype` ("F32", "F16", "BF16").
struct StTensor {
    std::string dtype = "F32";
    std::vector<int64_t> shape;
    std::vector<float> values;
};

inline std::vector<uint8_t> encode_values(const StTensor& t) {
    std::vector<uint8_t> out;
    for (const float f : t.values) {
        uint8_t b[4];
        size_t n = 4;
        if (t.dtype == "F32") {
            std::memcpy(b, &f, 4);
        } else {
            const uint16_t h = t.dtype == "F16" ? f32_to_fp16(f) : f32_to_bf16(f);
            std::memcpy(b, &h, 2);
            n = 2;
        }
        out.insert(out.end(), b, b + n);
    }
    return out;
}

/// The bytes of a safetensors file holding `tensors` (in name order).
inline std::vector<uint8_t> safetensors_bytes(const std::map<std::string, StTensor>& tensors) {
    nlohmann::ordered_json header;
    header["__metadata__"] = {{"format", "pt"}};
    std::vector<uint8_t> data;
    for (const auto& [name, t] : tensors) {
        const auto bytes = encode_values(t);
        header[name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {data.size(), data.size() + bytes.size()}}};
        data.insert(data.end(), bytes.begin(), bytes.end());
    }
    std::string text = header.dump();
    while (text.size() % 8 != 0)
        text += ' ';
    const uint64_t n = text.size();
    std::vector<uint8_t> out(8 + text.size() + data.size());
    for (size_t i = 0; i < 8; ++i)
        out[i] = static_cast<uint8_t>(n >> (8 * i));
    std::memcpy(out.data() + 8, text.data(), text.size());
    if (!data.empty())
        std::memcpy(out.data() + 8 + text.size(), data.data(), data.size());
    return out;
}

inline void write_bytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}
inline void write_text(const std::filesystem::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

/// GPT-2's byte -> code point table (FORMATS.md §6.1), as UTF-8.
inline std::string byte_token(int b) {
    int cp = b;
    if (!((b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF))) {
        int n = 0;
        for (int x = 0; x < b; ++x)
            n += !((x >= 0x21 && x <= 0x7E) || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF));
        cp = 256 + n;
    }
    std::string s;
    if (cp < 0x80) {
        s += static_cast<char>(cp);
    } else {
        s += static_cast<char>(0xC0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
}

struct TinySpec {
    std::string architecture = "LlamaForCausalLM";
    int64_t n_embd = 64, n_layer = 2, n_head = 4, n_head_kv = 2, n_ff = 128, n_vocab = 264;
    bool qwen2 = false;        // biases, Qwen2 regex
    std::string weight_dtype = "BF16";
    nlohmann::json rope_scaling;   // null: none
    int shards = 1;
};

constexpr const char* kLlama3Regex =
    R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
constexpr const char* kQwen2Regex =
    R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";

/// 256 byte tokens, 4 merges, 3 special tokens (ids 260..262); vocab_size 264 leaves one pad.
inline nlohmann::json tiny_tokenizer_json(bool qwen2) {
    nlohmann::json vocab = nlohmann::json::object();
    for (int b = 0; b < 256; ++b)
        vocab[byte_token(b)] = b;
    const std::vector<std::pair<std::string, std::string>> merges = {{"\xC4\xA0", "t"}, {"h", "e"}, {"\xC4\xA0t", "he"}, {"i", "n"}};
    nlohmann::json merge_list = nlohmann::json::array();
    int id = 256;
    for (const auto& [a, b] : merges) {
        vocab[a + b] = id++;
        merge_list.push_back(a + " " + b);
    }
    nlohmann::json added = nlohmann::json::array();
    for (const char* s : {"<|endoftext|>", "<|im_start|>", "<|im_end|>"})
        added.push_back({{"id", id++}, {"content", s}, {"single_word", false}, {"lstrip", false}, {"rstrip", false},
                         {"normalized", false}, {"special", true}});
    nlohmann::json j;
    j["version"] = "1.0";
    j["added_tokens"] = added;
    j["normalizer"] = nullptr;
    j["pre_tokenizer"] = {{"type", "Sequence"},
                          {"pretokenizers",
                           {{{"type", "Split"}, {"pattern", {{"Regex", qwen2 ? kQwen2Regex : kLlama3Regex}}}, {"behavior", "Isolated"}, {"invert", false}},
                            {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", false}}}}};
    j["post_processor"] = {{"type", "ByteLevel"}};
    j["decoder"] = {{"type", "ByteLevel"}};
    j["model"] = {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"byte_fallback", false},
                  {"vocab", vocab}, {"merges", merge_list}};
    return j;
}

inline const char* kTinyChatTemplate =
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}";

/// The HF tensors of a tiny model (PyTorch shapes), random weights, deterministic.
inline std::map<std::string, StTensor> tiny_tensors(const TinySpec& s) {
    std::mt19937 rng(1234);
    std::normal_distribution<float> dist(0.0f, 0.08f);
    auto make = [&](std::string dtype, std::vector<int64_t> shape, bool ones = false) {
        StTensor t{std::move(dtype), std::move(shape), {}};
        int64_t n = 1;
        for (const int64_t d : t.shape)
            n *= d;
        for (int64_t i = 0; i < n; ++i)
            t.values.push_back(ones ? 1.0f + 0.01f * dist(rng) : dist(rng));
        return t;
    };
    const int64_t hd = s.n_embd / s.n_head, q = s.n_head * hd, kv = s.n_head_kv * hd;
    std::map<std::string, StTensor> m;
    m["model.embed_tokens.weight"] = make("F32", {s.n_vocab, s.n_embd});
    m["model.norm.weight"] = make("F32", {s.n_embd}, true);
    m["lm_head.weight"] = make(s.weight_dtype, {s.n_vocab, s.n_embd});
    for (int64_t i = 0; i < s.n_layer; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        m[p + "input_layernorm.weight"] = make("F32", {s.n_embd}, true);
        m[p + "post_attention_layernorm.weight"] = make("F32", {s.n_embd}, true);
        m[p + "self_attn.q_proj.weight"] = make("F32", {q, s.n_embd});
        m[p + "self_attn.k_proj.weight"] = make(s.weight_dtype, {kv, s.n_embd});
        m[p + "self_attn.v_proj.weight"] = make(s.weight_dtype, {kv, s.n_embd});
        m[p + "self_attn.o_proj.weight"] = make(s.weight_dtype, {s.n_embd, q});
        m[p + "mlp.gate_proj.weight"] = make(s.weight_dtype, {s.n_ff, s.n_embd});
        m[p + "mlp.up_proj.weight"] = make(s.weight_dtype, {s.n_ff, s.n_embd});
        m[p + "mlp.down_proj.weight"] = make(s.weight_dtype, {s.n_embd, s.n_ff});
        if (s.qwen2) {
            m[p + "self_attn.q_proj.bias"] = make("F32", {q});
            m[p + "self_attn.k_proj.bias"] = make("F32", {kv});
            m[p + "self_attn.v_proj.bias"] = make("F32", {kv});
        }
    }
    return m;
}

/// Write the folder; returns the tensors written.
inline std::map<std::string, StTensor> write_tiny_hf_folder(const std::filesystem::path& dir, const TinySpec& s) {
    std::filesystem::create_directories(dir);
    nlohmann::json c;
    c["architectures"] = {s.architecture};
    c["model_type"] = s.qwen2 ? "qwen2" : "llama";
    c["hidden_size"] = s.n_embd;
    c["num_hidden_layers"] = s.n_layer;
    c["num_attention_heads"] = s.n_head;
    c["num_key_value_heads"] = s.n_head_kv;
    c["intermediate_size"] = s.n_ff;
    c["vocab_size"] = s.n_vocab;
    c["max_position_embeddings"] = 256;
    c["rope_theta"] = s.qwen2 ? 1000000.0 : 10000.0;
    c["rms_norm_eps"] = 1e-5;
    c["tie_word_embeddings"] = false;
    c["bos_token_id"] = 261;
    c["eos_token_id"] = 262;
    c["torch_dtype"] = "bfloat16";
    c["rope_scaling"] = s.rope_scaling;
    write_text(dir / "config.json", c.dump(2));
    write_text(dir / "generation_config.json", nlohmann::json{{"bos_token_id", 261}, {"eos_token_id", {262, 260}}}.dump());
    write_text(dir / "tokenizer.json", tiny_tokenizer_json(s.qwen2).dump());
    nlohmann::json tc;
    tc["add_bos_token"] = false;
    tc["bos_token"] = "<|im_start|>";
    tc["eos_token"] = "<|im_end|>";
    tc["pad_token"] = "<|endoftext|>";
    tc["chat_template"] = kTinyChatTemplate;
    write_text(dir / "tokenizer_config.json", tc.dump(2));

    auto tensors = tiny_tensors(s);
    if (s.shards <= 1) {
        write_bytes(dir / "model.safetensors", safetensors_bytes(tensors));
        return tensors;
    }
    std::vector<std::map<std::string, StTensor>> parts(static_cast<size_t>(s.shards));
    nlohmann::json index;
    index["metadata"] = {{"total_size", 0}};
    size_t i = 0;
    for (const auto& [name, t] : tensors) {
        const size_t shard = i++ % parts.size();
        parts[shard][name] = t;
        char file[64];
        std::snprintf(file, sizeof file, "model-%05zu-of-%05d.safetensors", shard + 1, s.shards);
        index["weight_map"][name] = file;
    }
    for (size_t k = 0; k < parts.size(); ++k) {
        char file[64];
        std::snprintf(file, sizeof file, "model-%05zu-of-%05d.safetensors", k + 1, s.shards);
        write_bytes(dir / file, safetensors_bytes(parts[k]));
    }
    write_text(dir / "model.safetensors.index.json", index.dump(2));
    return tensors;
}

/// A fresh temporary folder, removed at destruction.
struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& tag) {
        path = std::filesystem::temp_directory_path() /
               ("quanta-hfi-" + tag + "-" + std::to_string(getpid()) + "-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

inline std::vector<std::string> list_dir(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace quanta::test
