// SPDX-License-Identifier: MIT
// ModelConfig from `{arch}.*` metadata (FORMATS.md §3).
#include "inference/model_impl.h"

#include <cmath>
#include <string>

namespace quanta {

namespace {

struct ArchTraits {
    const char* name;
    bool rope_neox;
    bool attention_bias;
};

constexpr ArchTraits kArchitectures[] = {
    {"llama", false, false},
    {"qwen2", true, true},
};

Error missing(const std::string& key) {
    return Error{ErrorCode::Corrupt, "model metadata: missing or invalid '" + key + "'"};
}

/// An integer key; a per-layer array counts as its largest element (every layer must agree for
/// the engine, checked by the caller through the tensor shapes).
std::optional<int64_t> int_key(const GgufFile& file, const std::string& key) {
    const GgufValue* v = file.find(key);
    if (v == nullptr)
        return std::nullopt;
    if (auto i = v->as_int())
        return *i;
    if (auto arr = v->as_int_array(); arr && !arr->empty()) {
        int64_t m = (*arr)[0];
        for (int64_t x : *arr) {
            if (x != m)
                return std::nullopt; // per-layer variation is not supported
        }
        return m;
    }
    return std::nullopt;
}

std::optional<double> float_key(const GgufFile& file, const std::string& key) {
    const GgufValue* v = file.find(key);
    if (v == nullptr)
        return std::nullopt;
    if (auto f = v->as_float())
        return *f;
    if (auto i = v->as_int())
        return static_cast<double>(*i);
    return std::nullopt;
}

Result<int64_t> required_positive(const GgufFile& file, const std::string& key, int64_t max) {
    auto v = int_key(file, key);
    if (!v || *v <= 0 || *v > max)
        return missing(key);
    return *v;
}

} // namespace

Result<ModelConfig> read_model_config(const GgufFile& file) {
    const GgufValue* arch_value = file.find("general.architecture");
    if (arch_value == nullptr || !arch_value->as_string())
        return missing("general.architecture");
    const std::string arch(*arch_value->as_string());
    const ArchTraits* traits = nullptr;
    for (const ArchTraits& t : kArchitectures) {
        if (arch == t.name)
            traits = &t;
    }
    if (traits == nullptr)
        return Error{ErrorCode::Unsupported, "architecture '" + arch + "' is not supported (supported: llama, qwen2)"};

    ModelConfig c;
    c.architecture = arch;
    c.rope_neox = traits->rope_neox;
    c.attention_bias = traits->attention_bias;
    const std::string p = arch + ".";
    constexpr int64_t kMaxWidth = int64_t{1} << 20;
    QUANTA_TRY_ASSIGN(c.n_embd, required_positive(file, p + "embedding_length", kMaxWidth));
    QUANTA_TRY_ASSIGN(c.n_layer, required_positive(file, p + "block_count", 4096));
    QUANTA_TRY_ASSIGN(c.n_ff, required_positive(file, p + "feed_forward_length", kMaxWidth));
    QUANTA_TRY_ASSIGN(c.n_head, required_positive(file, p + "attention.head_count", 4096));
    c.n_head_kv = int_key(file, p + "attention.head_count_kv").value_or(c.n_head);
    if (c.n_head_kv <= 0 || c.n_head % c.n_head_kv != 0)
        return missing(p + "attention.head_count_kv");
    c.n_ctx_train = int_key(file, p + "context_length").value_or(2048);
    if (c.n_ctx_train <= 0)
        return missing(p + "context_length");
    c.head_dim = int_key(file, p + "attention.key_length").value_or(c.n_embd / c.n_head);
    if (c.head_dim <= 0 || c.head_dim > 256 || c.head_dim % 2 != 0)
        return Error{ErrorCode::Unsupported, "head size " + std::to_string(c.head_dim) + " is not supported"};
    if (auto vl = int_key(file, p + "attention.value_length"); vl && *vl != c.head_dim)
        return Error{ErrorCode::Unsupported, "value head size differs from key head size"};
    c.n_rot = int_key(file, p + "rope.dimension_count").value_or(c.head_dim);
    if (c.n_rot <= 0 || c.n_rot > c.head_dim || c.n_rot % 2 != 0)
        return missing(p + "rope.dimension_count");
    c.rms_eps = static_cast<float>(float_key(file, p + "attention.layer_norm_rms_epsilon").value_or(1e-5));
    if (!(c.rms_eps > 0.0f))
        return missing(p + "attention.layer_norm_rms_epsilon");
    c.rope_freq_base = static_cast<float>(float_key(file, p + "rope.freq_base").value_or(10000.0));
    if (!(c.rope_freq_base > 0.0f))
        return missing(p + "rope.freq_base");

    // Linear scaling: rope.scaling.type "linear" with rope.scaling.factor (or the older
    // rope.scale_linear). llama3 scaling comes as the rope_freqs tensor instead.
    double factor = 1.0;
    if (auto f = float_key(file, p + "rope.scale_linear"))
        factor = *f;
    const GgufValue* scaling_type = file.find(p + "rope.scaling.type");
    if (scaling_type && scaling_type->as_string()) {
        const std::string_view type = *scaling_type->as_string();
        if (type == "linear") {
            factor = float_key(file, p + "rope.scaling.factor").value_or(1.0);
        } else if (type != "none") {
            return Error{ErrorCode::Unsupported, "rope scaling '" + std::string(type) + "' is not supported"};
        }
    }
    if (!(factor > 0.0) || !std::isfinite(factor))
        return missing(p + "rope.scaling.factor");
    c.rope_freq_scale = static_cast<float>(1.0 / factor);
    return c;
}

} // namespace quanta
