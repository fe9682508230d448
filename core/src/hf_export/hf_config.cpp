// SPDX-License-Identifier: MIT
// config.json and generation_config.json from the GGUF hyperparameters (FORMATS.md §3).
#include "hf_export/hf_export_internal.h"
#include "quanta/format.h"
#include "quanta/model_info.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace quanta::hf_export {

namespace {

using json = nlohmann::ordered_json;

Error corrupt(std::string message) {
    return make_error(ErrorCode::Corrupt, std::move(message));
}

std::optional<int64_t> token_id(const GgufFile& file, const char* key) {
    const GgufValue* v = file.find(key);
    if (!v || !v->as_uint() || *v->as_uint() > static_cast<uint64_t>(INT64_MAX))
        return std::nullopt;
    return static_cast<int64_t>(*v->as_uint());
}

std::optional<double> float_key(const GgufFile& file, const std::string& key) {
    const GgufValue* v = file.find(key);
    if (!v)
        return std::nullopt;
    if (auto f = v->as_float())
        return f;
    if (auto u = v->as_uint())
        return static_cast<double>(*u);
    return std::nullopt;
}

std::optional<uint64_t> uint_key(const GgufFile& file, const std::string& key) {
    const GgufValue* v = file.find(key);
    return v ? v->as_uint() : std::nullopt;
}

/// llama.cpp's convert_hf_to_gguf.py rope_freqs for "llama3" rope scaling (FORMATS.md §4).
std::vector<double> llama3_factors(double base, int64_t head_dim, double factor, double lo, double hi, double l0) {
    std::vector<double> out;
    const double pi = 3.14159265358979323846;
    for (int64_t i = 0; i < head_dim; i += 2) {
        const double freq = 1.0 / std::pow(base, static_cast<double>(i) / static_cast<double>(head_dim));
        const double wavelen = 2.0 * pi / freq;
        if (wavelen < l0 / hi) {
            out.push_back(1.0);
        } else if (wavelen > l0 / lo) {
            out.push_back(factor);
        } else {
            const double smooth = (l0 / wavelen - lo) / (hi - lo);
            out.push_back(1.0 / ((1.0 - smooth) / factor + smooth));
        }
    }
    return out;
}

/// rope_scaling for config.json: from rope.scaling.* keys, or fitted to rope_freqs.weight.
json rope_scaling(const GgufFile& file, const ModelFacts& f, std::vector<std::string>& warnings) {
    const std::string a = f.arch + ".rope.scaling.";
    std::string type;
    if (const GgufValue* v = file.find(a + "type"); v && v->as_string())
        type = std::string(*v->as_string());
    const double factor = float_key(file, a + "factor").value_or(0.0);
    if (type == "linear" && factor > 0.0 && factor != 1.0)
        return {{"factor", float32_decimal(factor)}, {"rope_type", "linear"}};
    if (type == "yarn" && factor > 0.0) {
        json j = {{"factor", float32_decimal(factor)}, {"rope_type", "yarn"}};
        if (auto l0 = uint_key(file, a + "original_context_length"))
            j["original_max_position_embeddings"] = *l0;
        return j;
    }
    if (!type.empty() && type != "none" && type != "linear")
        warnings.push_back("rope scaling type '" + type + "' is not exported (config.json has rope_scaling null)");

    const GgufTensorInfo* t = file.find_tensor("rope_freqs.weight");
    if (!t)
        return nullptr;
    if (t->ggml_type != kGgmlTypeF32 || t->n_elements() != f.head_dim / 2) {
        warnings.push_back("rope_freqs.weight is not F32 [head_dim/2]; rope_scaling not exported");
        return nullptr;
    }
    std::vector<float> r(static_cast<size_t>(t->n_elements()));
    std::memcpy(r.data(), t->data, r.size() * sizeof(float));
    const double fmax = r.back();
    bool all_ones = true;
    for (float x : r)
        all_ones = all_ones && x == 1.0f;
    if (all_ones)
        return nullptr;
    // The converter does not store the llama3 parameters, only their result: find the usual ones.
    for (double l0 : {8192.0, 4096.0, 16384.0, 32768.0, 2048.0, 65536.0, 131072.0}) {
        for (double lo : {1.0, 2.0, 0.5}) {
            for (double hi : {4.0, 8.0, 2.0, 16.0}) {
                if (hi <= lo)
                    continue;
                const auto want = llama3_factors(f.rope_theta, f.head_dim, fmax, lo, hi, l0);
                bool same = true;
                for (size_t i = 0; i < r.size() && same; ++i)
                    same = std::fabs(want[i] - r[i]) <= 1e-5 * std::max(1.0, std::fabs(want[i]));
                if (same)
                    return {{"factor", float32_decimal(fmax)},
                            {"high_freq_factor", hi},
                            {"low_freq_factor", lo},
                            {"original_max_position_embeddings", static_cast<int64_t>(l0)},
                            {"rope_type", "llama3"}};
            }
        }
    }
    warnings.push_back("rope_freqs.weight does not match llama3 rope scaling; rope_scaling not exported");
    return nullptr;
}

} // namespace

double float32_decimal(double v) {
    const float target = static_cast<float>(v);
    if (!std::isfinite(target))
        return v;
    char buf[64];
    for (int digits = 1; digits <= 9; ++digits) {
        std::snprintf(buf, sizeof buf, "%.*g", digits, static_cast<double>(target));
        if (std::strtof(buf, nullptr) == target)
            return std::strtod(buf, nullptr);
    }
    return static_cast<double>(target);
}

Result<ModelFacts> read_model_facts(const GgufFile& file) {
    QUANTA_TRY_ASSIGN(ModelSummary s, summarize_model(file));
    ModelFacts f;
    f.arch = s.architecture;
    if (f.arch != "llama" && f.arch != "qwen2")
        return make_error(ErrorCode::Unsupported,
                          "architecture '" + f.arch + "' cannot be exported to Hugging Face (llama and qwen2 only)");
    const ModelHparams& h = s.hparams;
    auto need = [&](const std::optional<uint64_t>& v, const char* key, int64_t& out) -> Result<void> {
        if (!v || *v == 0 || *v > (1ull << 40))
            return corrupt(f.arch + "." + key + " is missing or out of range");
        out = static_cast<int64_t>(*v);
        return {};
    };
    QUANTA_TRY(need(h.embedding_length, "embedding_length", f.n_embd));
    QUANTA_TRY(need(h.block_count, "block_count", f.n_layer));
    QUANTA_TRY(need(h.feed_forward_length, "feed_forward_length", f.n_ff));
    QUANTA_TRY(need(h.head_count, "attention.head_count", f.n_head));
    QUANTA_TRY(need(h.context_length, "context_length", f.n_ctx));
    f.n_head_kv = h.head_count_kv ? static_cast<int64_t>(*h.head_count_kv) : f.n_head;
    if (f.n_head_kv <= 0 || f.n_head % f.n_head_kv != 0)
        return corrupt("attention.head_count_kv does not divide attention.head_count");
    f.head_dim = static_cast<int64_t>(uint_key(file, f.arch + ".attention.key_length").value_or(0));
    if (f.head_dim == 0)
        f.head_dim = f.n_embd / f.n_head;
    if (f.head_dim <= 0 || f.head_dim % 2 != 0)
        return corrupt("head dimension " + std::to_string(f.head_dim) + " is not a positive even number");
    f.rope_theta = float32_decimal(h.rope_freq_base.value_or(10000.0));
    if (!h.rms_epsilon)
        return corrupt(f.arch + ".attention.layer_norm_rms_epsilon is missing");
    f.rms_eps = float32_decimal(*h.rms_epsilon);
    const GgufTensorInfo* embd = file.find_tensor("token_embd.weight");
    if (!embd)
        return corrupt("token_embd.weight is missing");
    if (embd->ne[0] != f.n_embd)
        return corrupt("token_embd.weight has width " + std::to_string(embd->ne[0]) + ", expected " +
                       std::to_string(f.n_embd));
    f.vocab_size = embd->ne[1];
    f.tied = file.find_tensor("output.weight") == nullptr;
    f.bos_id = token_id(file, "tokenizer.ggml.bos_token_id");
    f.eos_id = token_id(file, "tokenizer.ggml.eos_token_id");
    f.pad_id = token_id(file, "tokenizer.ggml.padding_token_id");
    return f;
}

Result<std::string> config_json(const GgufFile& file, const ModelFacts& f, const std::string& torch_dtype,
                                std::vector<std::string>& warnings) {
    const bool qwen2 = f.arch == "qwen2";
    json j;
    j["architectures"] = json::array({qwen2 ? "Qwen2ForCausalLM" : "LlamaForCausalLM"});
    if (!qwen2)
        j["attention_bias"] = file.find_tensor("blk.0.attn_q.bias") != nullptr;
    j["attention_dropout"] = 0.0;
    j["bos_token_id"] = f.bos_id ? json(*f.bos_id) : json(nullptr);
    j["eos_token_id"] = f.eos_id ? json(*f.eos_id) : json(nullptr);
    if (!qwen2)
        j["head_dim"] = f.head_dim;
    j["hidden_act"] = "silu";
    j["hidden_size"] = f.n_embd;
    j["initializer_range"] = 0.02;
    j["intermediate_size"] = f.n_ff;
    j["max_position_embeddings"] = f.n_ctx;
    if (qwen2)
        j["max_window_layers"] = f.n_layer;
    else
        j["mlp_bias"] = false;
    j["model_type"] = f.arch;
    j["num_attention_heads"] = f.n_head;
    j["num_hidden_layers"] = f.n_layer;
    j["num_key_value_heads"] = f.n_head_kv;
    if (!qwen2)
        j["pretraining_tp"] = 1;
    j["rms_norm_eps"] = f.rms_eps;
    j["rope_scaling"] = rope_scaling(file, f, warnings);
    j["rope_theta"] = f.rope_theta;
    if (qwen2)
        j["sliding_window"] = f.n_ctx;
    j["tie_word_embeddings"] = f.tied;
    j["torch_dtype"] = torch_dtype;
    j["transformers_version"] = "4.45.0";
    j["use_cache"] = true;
    if (qwen2)
        j["use_sliding_window"] = false;
    j["vocab_size"] = f.vocab_size;
    return j.dump(2) + "\n";
}

std::string generation_config_json(const ModelFacts& f) {
    json j;
    j["_from_model_config"] = true;
    if (f.bos_id)
        j["bos_token_id"] = *f.bos_id;
    if (f.eos_id)
        j["eos_token_id"] = *f.eos_id;
    if (f.pad_id)
        j["pad_token_id"] = *f.pad_id;
    j["transformers_version"] = "4.45.0";
    return j.dump(2) + "\n";
}

} // namespace quanta::hf_export
