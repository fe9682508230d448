// SPDX-License-Identifier: MIT
// config.json + safetensors headers -> a validated conversion plan (FORMATS.md §3-§5).
//
// Tensor names follow llama.cpp's convert_hf_to_gguf.py: model.embed_tokens -> token_embd,
// model.layers.N.{input_layernorm, self_attn.{q,k,v,o}_proj, post_attention_layernorm,
// mlp.{gate,up,down}_proj} -> blk.N.{attn_norm, attn_q/k/v/output, ffn_norm, ffn_gate/up/down},
// model.norm -> output_norm, lm_head -> output. For llama/mistral the rows of q_proj and k_proj are
// permuted for ggml's adjacent-pair RoPE; qwen2 keeps them (NEOX RoPE) and has q/k/v biases.
#include "hf_import/hf_internal.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <set>

namespace quanta::hf {

namespace {

Error corrupt(std::string m) { return make_error(ErrorCode::Corrupt, std::move(m)); }

struct Architecture {
    const char* hf_name;
    const char* gguf_name;
    bool permute_qk;
    bool attention_bias;
};

constexpr Architecture kArchitectures[] = {
    {"LlamaForCausalLM", "llama", true, false},
    {"MistralForCausalLM", "llama", true, false},
    {"Qwen2ForCausalLM", "qwen2", false, true},
};

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

/// A positive integer config value; `fallback` when absent (or null) and fallback > 0.
Result<int64_t> config_int(const nlohmann::json& config, const char* key, int64_t max, int64_t fallback = 0) {
    const auto it = config.find(key);
    if (it == config.end() || it->is_null()) {
        if (fallback > 0)
            return fallback;
        return corrupt(std::string("config.json: missing '") + key + "'");
    }
    if (!it->is_number_integer() || it->get<int64_t>() <= 0 || it->get<int64_t>() > max)
        return corrupt(std::string("config.json: '") + key + "' must be an integer in 1.." + std::to_string(max));
    return it->get<int64_t>();
}

Result<double> config_float(const nlohmann::json& obj, const char* key, double fallback, const char* where = "config.json") {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null())
        return fallback;
    if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() <= 0)
        return corrupt(std::string(where) + ": '" + key + "' must be a positive number");
    return it->get<double>();
}

struct Expected {
    std::string hf;
    std::string gguf;
    std::vector<int64_t> shape;   // PyTorch order
    int64_t permute_heads = 0;
    bool optional = false;
};

std::vector<Expected> expected_tensors(const HfModelInfo& m, bool permute) {
    const int64_t q = m.n_head * m.head_dim, kv = m.n_head_kv * m.head_dim;
    std::vector<Expected> e;
    e.push_back({"model.embed_tokens.weight", "token_embd.weight", {m.n_vocab, m.n_embd}});
    for (int64_t i = 0; i < m.n_layer; ++i) {
        const std::string h = "model.layers." + std::to_string(i) + ".";
        const std::string g = "blk." + std::to_string(i) + ".";
        e.push_back({h + "input_layernorm.weight", g + "attn_norm.weight", {m.n_embd}});
        e.push_back({h + "self_attn.q_proj.weight", g + "attn_q.weight", {q, m.n_embd}, permute ? m.n_head : 0});
        e.push_back({h + "self_attn.k_proj.weight", g + "attn_k.weight", {kv, m.n_embd}, permute ? m.n_head_kv : 0});
        e.push_back({h + "self_attn.v_proj.weight", g + "attn_v.weight", {kv, m.n_embd}});
        e.push_back({h + "self_attn.o_proj.weight", g + "attn_output.weight", {m.n_embd, q}});
        if (m.attention_bias) {
            e.push_back({h + "self_attn.q_proj.bias", g + "attn_q.bias", {q}});
            e.push_back({h + "self_attn.k_proj.bias", g + "attn_k.bias", {kv}});
            e.push_back({h + "self_attn.v_proj.bias", g + "attn_v.bias", {kv}});
        }
        e.push_back({h + "post_attention_layernorm.weight", g + "ffn_norm.weight", {m.n_embd}});
        e.push_back({h + "mlp.gate_proj.weight", g + "ffn_gate.weight", {m.n_ff, m.n_embd}});
        e.push_back({h + "mlp.up_proj.weight", g + "ffn_up.weight", {m.n_ff, m.n_embd}});
        e.push_back({h + "mlp.down_proj.weight", g + "ffn_down.weight", {m.n_embd, m.n_ff}});
    }
    e.push_back({"model.norm.weight", "output_norm.weight", {m.n_embd}});
    e.push_back({"lm_head.weight", "output.weight", {m.n_vocab, m.n_embd}, 0, true});
    return e;
}

Result<void> read_config(const nlohmann::json& c, HfModelInfo& m, const Architecture*& arch) {
    std::string name;
    if (const auto it = c.find("architectures"); it != c.end() && it->is_array() && !it->empty() && (*it)[0].is_string())
        name = (*it)[0].get<std::string>();
    else
        return corrupt("config.json: missing 'architectures'");
    arch = nullptr;
    for (const Architecture& a : kArchitectures) {
        if (name == a.hf_name)
            arch = &a;
    }
    if (!arch)
        return make_error(ErrorCode::Unsupported, "architecture '" + name +
                                                      "' is not supported (supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM)");
    m.hf_architecture = name;
    m.architecture = arch->gguf_name;
    m.attention_bias = arch->attention_bias;
    if (!arch->attention_bias && c.contains("attention_bias") && c["attention_bias"].is_boolean() && c["attention_bias"].get<bool>())
        return make_error(ErrorCode::Unsupported, "config.json: attention_bias in a " + name + " model is not supported");
    constexpr int64_t kMaxWidth = int64_t{1} << 20;
    QUANTA_TRY_ASSIGN(m.n_embd, config_int(c, "hidden_size", kMaxWidth));
    QUANTA_TRY_ASSIGN(m.n_layer, config_int(c, "num_hidden_layers", 4096));
    QUANTA_TRY_ASSIGN(m.n_ff, config_int(c, "intermediate_size", kMaxWidth));
    QUANTA_TRY_ASSIGN(m.n_head, config_int(c, "num_attention_heads", 4096));
    QUANTA_TRY_ASSIGN(m.n_head_kv, config_int(c, "num_key_value_heads", 4096, m.n_head));
    QUANTA_TRY_ASSIGN(m.n_vocab, config_int(c, "vocab_size", int64_t{1} << 24));
    QUANTA_TRY_ASSIGN(m.n_ctx_train, config_int(c, "max_position_embeddings", int64_t{1} << 26, 2048));
    const int64_t default_head_dim = m.n_embd % m.n_head == 0 ? m.n_embd / m.n_head : 0;
    QUANTA_TRY_ASSIGN(m.head_dim, config_int(c, "head_dim", 4096, default_head_dim));
    if (m.head_dim % 2 != 0)
        return corrupt("config.json: head size " + std::to_string(m.head_dim) + " is odd");
    if (m.n_head % m.n_head_kv != 0)
        return corrupt("config.json: num_attention_heads " + std::to_string(m.n_head) +
                       " is not a multiple of num_key_value_heads " + std::to_string(m.n_head_kv));
    QUANTA_TRY_ASSIGN(m.rope_freq_base, config_float(c, "rope_theta", 10000.0));
    QUANTA_TRY_ASSIGN(m.rms_eps, config_float(c, "rms_norm_eps", 1e-6));
    if (const auto it = c.find("tie_word_embeddings"); it != c.end() && it->is_boolean())
        m.tied_embeddings = it->get<bool>();

    if (const auto it = c.find("rope_scaling"); it != c.end() && !it->is_null()) {
        if (!it->is_object())
            return corrupt("config.json: 'rope_scaling' is not an object");
        std::string type;
        for (const char* k : {"rope_type", "type"}) {
            if (it->contains(k) && (*it)[k].is_string()) {
                type = (*it)[k].get<std::string>();
                break;
            }
        }
        if (type == "linear" || type == "llama3") {
            m.rope_scaling = type;
            QUANTA_TRY_ASSIGN(m.rope_scaling_factor, config_float(*it, "factor", type == "llama3" ? 8.0 : 1.0, "config.json rope_scaling"));
        } else if (type != "default" && !type.empty()) {
            return make_error(ErrorCode::Unsupported, "config.json: rope scaling '" + type +
                                                          "' is not supported (supported: linear, llama3)");
        }
    }
    return {};
}

} // namespace

std::vector<float> llama3_rope_factors(int64_t head_dim, double base, double factor, double low_freq_factor,
                                       double high_freq_factor, double original_context) {
    std::vector<float> out;
    const double low_wavelen = original_context / low_freq_factor;
    const double high_wavelen = original_context / high_freq_factor;
    for (int64_t i = 0; i < head_dim; i += 2) {
        // torch computes the frequencies in float32.
        const float freq = 1.0f / std::pow(static_cast<float>(base), static_cast<float>(i) / static_cast<float>(head_dim));
        const double wavelen = 2.0 * std::numbers::pi / freq;
        if (wavelen < high_wavelen) {
            out.push_back(1.0f);
        } else if (wavelen > low_wavelen) {
            out.push_back(static_cast<float>(factor));
        } else {
            const double smooth = (original_context / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor);
            out.push_back(static_cast<float>(1.0 / ((1.0 - smooth) / factor + smooth)));
        }
    }
    return out;
}

Result<nlohmann::json> read_json_file(const std::filesystem::path& path, bool required, uint64_t max_bytes) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        if (!required)
            return nlohmann::json();
        return make_error(ErrorCode::NotFound, path.string() + ": not found");
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return make_error(ErrorCode::Io, path.string() + ": " + ec.message());
    if (size > max_bytes)
        return corrupt(path.string() + ": " + std::to_string(size) + " bytes is too large for a JSON file");
    std::ifstream in(path, std::ios::binary);
    std::string text(size, '\0');
    if (!in || !in.read(text.data(), static_cast<std::streamsize>(size)))
        return make_error(ErrorCode::Io, path.string() + ": cannot read");
    nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        return corrupt(path.string() + ": not valid JSON");
    return j;
}

Result<Checkpoint> open_checkpoint(const std::filesystem::path& dir) {
    Checkpoint ck;
    std::vector<std::string> files;
    QUANTA_TRY_ASSIGN(nlohmann::json index, read_json_file(dir / "model.safetensors.index.json", false));
    std::unordered_map<std::string, std::string> weight_map;
    if (!index.is_null()) {
        const auto it = index.find("weight_map");
        if (!index.is_object() || it == index.end() || !it->is_object())
            return corrupt("model.safetensors.index.json: missing 'weight_map' object");
        std::set<std::string> seen;
        for (auto w = it->begin(); w != it->end(); ++w) {
            if (!w->is_string())
                return corrupt("model.safetensors.index.json: weight_map['" + w.key() + "'] is not a file name");
            const std::string f = w->get<std::string>();
            if (f.empty() || f.find('/') != std::string::npos || f.find('\\') != std::string::npos || f == "." || f == "..")
                return corrupt("model.safetensors.index.json: '" + f + "' is not a plain file name");
            weight_map[w.key()] = f;
            if (seen.insert(f).second)
                files.push_back(f);
        }
        if (files.empty())
            return corrupt("model.safetensors.index.json: empty weight_map");
    } else {
        std::error_code ec;
        if (!std::filesystem::exists(dir / "model.safetensors", ec)) {
            const bool bin = std::filesystem::exists(dir / "pytorch_model.bin", ec) ||
                             std::filesystem::exists(dir / "pytorch_model.bin.index.json", ec);
            return make_error(bin ? ErrorCode::Unsupported : ErrorCode::NotFound,
                              dir.string() + (bin ? ": PyTorch .bin checkpoints are not supported (safetensors only)"
                                                  : ": no model.safetensors nor model.safetensors.index.json"));
        }
        files.push_back("model.safetensors");
    }
    ck.shards.reserve(files.size());
    for (const std::string& f : files) {
        QUANTA_TRY_ASSIGN(SafetensorsFile shard, SafetensorsFile::open(dir / f));
        ck.shards.push_back(std::move(shard));
        const size_t s = ck.shards.size() - 1;
        for (const SafetensorsTensor& t : ck.shards[s].tensors()) {
            if (!weight_map.empty()) {
                const auto w = weight_map.find(t.name);
                if (w == weight_map.end() || w->second != f)
                    continue; // the index is authoritative
            }
            if (!ck.tensors.emplace(t.name, &t).second)
                return corrupt(f + ": tensor '" + t.name + "' is also in another shard");
            ck.shard_of[t.name] = s;
        }
    }
    for (const auto& [name, file] : weight_map) {
        if (!ck.tensors.count(name))
            return corrupt("model.safetensors.index.json: tensor '" + name + "' is not in " + file);
    }
    return ck;
}

Result<Model> load_model(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        return make_error(ErrorCode::NotFound, dir.string() + ": not a folder");
    Model model;
    HfModelInfo& m = model.info;
    QUANTA_TRY_ASSIGN(nlohmann::json config, read_json_file(dir / "config.json", true, 16u << 20));
    if (!config.is_object())
        return corrupt("config.json: not a JSON object");
    const Architecture* arch = nullptr;
    QUANTA_TRY(read_config(config, m, arch));
    m.name = std::filesystem::absolute(dir, ec).lexically_normal().filename().string();
    if (m.name.empty())
        m.name = std::filesystem::absolute(dir, ec).lexically_normal().parent_path().filename().string();

    QUANTA_TRY_ASSIGN(model.checkpoint, open_checkpoint(dir));
    for (const SafetensorsFile& shard : model.checkpoint.shards)
        m.shards.push_back(shard.path().filename().string());

    // Map every checkpoint tensor; reject the unknown ones as llama.cpp does.
    std::vector<Expected> expected = expected_tensors(m, arch->permute_qk);
    std::unordered_map<std::string, const Expected*> by_name;
    for (const Expected& e : expected)
        by_name[e.hf] = &e;
    const bool skip_lm_head = m.tied_embeddings;
    for (const SafetensorsFile& shard : model.checkpoint.shards) {
        for (const SafetensorsTensor& t : shard.tensors()) {
            if (!model.checkpoint.tensors.count(t.name))
                continue;
            HfTensorInfo info{t.name, "", safetensors_dtype_name(t.dtype), t.shape, shard.path().filename().string()};
            const auto it = by_name.find(t.name);
            const bool ignored = t.name.ends_with("rotary_emb.inv_freq") || (skip_lm_head && t.name == "lm_head.weight");
            if (it == by_name.end() && !ignored)
                return make_error(ErrorCode::Unsupported, "tensor '" + t.name + "' is not part of a " + m.hf_architecture +
                                                              " model as Quanta converts it");
            if (!ignored)
                info.gguf_name = it->second->gguf;
            m.tensors.push_back(std::move(info));
        }
    }

    // Rope factors first, as llama.cpp writes them.
    if (m.rope_scaling == "llama3") {
        const nlohmann::json& rs = config["rope_scaling"];
        QUANTA_TRY_ASSIGN(double lo, config_float(rs, "low_freq_factor", 1.0, "config.json rope_scaling"));
        QUANTA_TRY_ASSIGN(double hi, config_float(rs, "high_freq_factor", 4.0, "config.json rope_scaling"));
        QUANTA_TRY_ASSIGN(double ctx, config_float(rs, "original_max_position_embeddings", 8192.0, "config.json rope_scaling"));
        if (!(hi > lo))
            return corrupt("config.json rope_scaling: high_freq_factor must be larger than low_freq_factor");
        PlannedTensor p{"rope_freqs.weight", nullptr, llama3_rope_factors(m.head_dim, m.rope_freq_base, m.rope_scaling_factor, lo, hi, ctx),
                        {m.head_dim / 2}, 0, true};
        model.plan.push_back(std::move(p));
    }
    for (const Expected& e : expected) {
        const auto it = model.checkpoint.tensors.find(e.hf);
        if (e.hf == "lm_head.weight" && (skip_lm_head || it == model.checkpoint.tensors.end())) {
            m.tied_embeddings = true;
            continue;
        }
        if (it == model.checkpoint.tensors.end())
            return make_error(ErrorCode::NotFound, "tensor '" + e.hf + "' is missing from the checkpoint");
        const SafetensorsTensor& t = *it->second;
        if (t.shape != e.shape)
            return corrupt("tensor '" + e.hf + "' has shape " + shape_text(t.shape) + ", expected " + shape_text(e.shape) +
                           " from config.json");
        if (t.dtype != SafetensorsDtype::F32 && t.dtype != SafetensorsDtype::F16 && t.dtype != SafetensorsDtype::BF16)
            return make_error(ErrorCode::Unsupported, "tensor '" + e.hf + "' has dtype " + safetensors_dtype_name(t.dtype) +
                                                          " (supported: F32, F16, BF16)");
        PlannedTensor p;
        p.gguf_name = e.gguf;
        p.source = &t;
        p.ne.assign(e.shape.rbegin(), e.shape.rend());
        p.permute_heads = e.permute_heads;
        p.keep_f32 = e.shape.size() == 1;
        m.parameter_count += static_cast<uint64_t>(t.n_elements());
        m.source_bytes += t.n_bytes;
        model.plan.push_back(std::move(p));
    }

    // Metadata in llama.cpp's order (general.file_type is added by the writer).
    auto& kv = model.metadata;
    const std::string a = m.architecture + ".";
    auto u32 = [](int64_t v) { return GgufValue::u32(static_cast<uint32_t>(v)); };
    kv.push_back({"general.architecture", GgufValue::string(m.architecture)});
    kv.push_back({"general.name", GgufValue::string(m.name)});
    kv.push_back({a + "block_count", u32(m.n_layer)});
    kv.push_back({a + "context_length", u32(m.n_ctx_train)});
    kv.push_back({a + "embedding_length", u32(m.n_embd)});
    kv.push_back({a + "feed_forward_length", u32(m.n_ff)});
    kv.push_back({a + "attention.head_count", u32(m.n_head)});
    kv.push_back({a + "attention.head_count_kv", u32(m.n_head_kv)});
    kv.push_back({a + "rope.freq_base", GgufValue::f32(static_cast<float>(m.rope_freq_base))});
    kv.push_back({a + "attention.layer_norm_rms_epsilon", GgufValue::f32(static_cast<float>(m.rms_eps))});
    if (m.head_dim != m.n_embd / m.n_head) {
        kv.push_back({a + "attention.key_length", u32(m.head_dim)});
        kv.push_back({a + "attention.value_length", u32(m.head_dim)});
    }
    kv.push_back({a + "vocab_size", u32(m.n_vocab)});
    kv.push_back({a + "rope.dimension_count", u32(m.head_dim)});
    if (m.rope_scaling == "linear") {
        kv.push_back({a + "rope.scaling.type", GgufValue::string("linear")});
        kv.push_back({a + "rope.scaling.factor", GgufValue::f32(static_cast<float>(m.rope_scaling_factor))});
    }
    QUANTA_TRY_ASSIGN(auto tok, read_tokenizer(dir, config, m.n_vocab, m));
    for (GgufKeyValue& t : tok)
        kv.push_back(std::move(t));
    return model;
}

} // namespace quanta::hf
