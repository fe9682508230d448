// SPDX-License-Identifier: MIT
// The per-tensor type choice: llama.cpp's llama_tensor_get_type (src/llama-quant.cpp) for the
// GGUF file types, as FORMATS.md §8 describes it, and Quanta's rule for NF4/INT8.
#include "quantize/quantize_internal.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <set>
#include <unordered_map>

namespace quanta {

namespace {

constexpr std::array<std::string_view, 11> kTypeNames{"F32",    "F16",    "BF16",   "Q8_0", "Q6_K", "Q5_K_M",
                                                      "Q4_K_M", "Q4_K_S", "Q4_0",   "NF4",  "INT8"};

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

/// Layer number of "blk.N.*", -1 otherwise (llama.cpp's weight_name_comparer uses sscanf).
int layer_of(const std::string& name) {
    int layer = -1;
    if (std::sscanf(name.c_str(), "blk.%d.", &layer) != 1)
        return -1;
    return layer;
}

enum class Category { Output, TokenEmbd, AttnQkv, AttnKvB, AttnV, AttnK, AttnQ, AttnOutput, FfnUp, FfnGate, FfnDown, Other };

Category category_of(std::string_view name) {
    if (name == "output.weight")
        return Category::Output;
    if (name == "token_embd.weight")
        return Category::TokenEmbd;
    if (contains(name, "attn_qkv.weight"))
        return Category::AttnQkv;
    if (contains(name, "attn_kv_b.weight"))
        return Category::AttnKvB;
    if (contains(name, "attn_v.weight"))
        return Category::AttnV;
    if (contains(name, "attn_k.weight"))
        return Category::AttnK;
    if (contains(name, "attn_q.weight"))
        return Category::AttnQ;
    if (contains(name, "attn_output.weight"))
        return Category::AttnOutput;
    if (contains(name, "ffn_up"))
        return Category::FfnUp;
    if (contains(name, "ffn_gate"))
        return Category::FfnGate;
    if (contains(name, "ffn_down"))
        return Category::FfnDown;
    return Category::Other;
}

bool is_attn_v_like(Category c) { return c == Category::AttnV || c == Category::AttnQkv || c == Category::AttnKvB; }

/// llama.cpp's "should this tensor be quantized at all" (llama_model_quantize_impl).
bool wants_quantization(const detail::SourceTensor& t) {
    const std::string_view name = t.name;
    if (!ends_with(name, "weight") || t.n_dims_trimmed < 2)
        return false;
    static constexpr std::array<std::string_view, 23> kNever{
        "_norm.weight",         "ffn_gate_inp.weight",      "altup",
        "laurel",               "per_layer_model_proj",     "ssm_conv1d.weight",
        "shortconv.conv.weight", "time_mix_first.weight",   "time_mix_w0.weight",
        "time_mix_w1.weight",   "time_mix_w2.weight",       "time_mix_v0.weight",
        "time_mix_v1.weight",   "time_mix_v2.weight",       "time_mix_a0.weight",
        "time_mix_a1.weight",   "time_mix_a2.weight",       "time_mix_g1.weight",
        "time_mix_g2.weight",   "time_mix_decay_w1.weight", "time_mix_decay_w2.weight",
        "time_mix_lerp_fused.weight", "attn_rel_b.weight",
    };
    for (std::string_view s : kNever)
        if (contains(name, s))
            return false;
    if (name == "position_embd.weight" || name == "token_types.weight" || contains(name, ".position_embd."))
        return false;
    return true;
}

bool fits(Format f, int64_t ne0) { return ne0 % format_traits(f).block_elements == 0; }

struct RecipeState {
    QuantizeType type;
    std::string arch;
    int64_t n_layer = 0;
    int64_t n_attn_v = 0;
    int64_t i_attn_v = 0;
    int64_t i_ffn_down = 0;
    int64_t n_expert = 0;
    bool has_output = false;
    bool is_70b = false;
};

Format default_format(QuantizeType type) {
    switch (type) {
    case QuantizeType::F32: return Format::F32;
    case QuantizeType::F16: return Format::F16;
    case QuantizeType::BF16: return Format::BF16;
    case QuantizeType::Q8_0: return Format::Q8_0;
    case QuantizeType::Q6_K: return Format::Q6_K;
    case QuantizeType::Q5_K_M: return Format::Q5_K;
    case QuantizeType::Q4_K_M: return Format::Q4_K;
    case QuantizeType::Q4_K_S: return Format::Q4_K;
    case QuantizeType::Q4_0: return Format::Q4_0;
    case QuantizeType::NF4: return Format::NF4;
    case QuantizeType::INT8: return Format::INT8;
    }
    return Format::F32;
}

/// llama_tensor_get_type for the quantized file types; `fallback` is set when the shape fallback fired.
Format ggml_recipe(RecipeState& s, const detail::SourceTensor& t, bool& fallback) {
    const QuantizeType ft = s.type;
    const bool falcon = s.arch == "falcon";
    Format f = default_format(ft);
    const Category cat = category_of(t.name);
    const int64_t nx = t.ne0;
    if (cat == Category::Output || (!s.has_output && cat == Category::TokenEmbd)) {
        if (falcon || !fits(f, nx))
            f = Format::Q8_0;
        else if (f != Format::Q8_0)
            f = Format::Q6_K;
    } else if (cat == Category::TokenEmbd) {
        // the default type (only the IQ/TQ file types change it)
    } else if (is_attn_v_like(cat)) {
        if ((ft == QuantizeType::Q4_K_M || ft == QuantizeType::Q5_K_M) && quantize_use_more_bits(s.i_attn_v, s.n_attn_v))
            f = Format::Q6_K;
        else if (ft == QuantizeType::Q4_K_S && s.i_attn_v < 4)
            f = Format::Q5_K;
        if (s.is_70b && f == Format::Q4_K)
            f = Format::Q5_K;
        if (s.n_expert == 8)
            f = Format::Q8_0;
        ++s.i_attn_v;
    } else if (cat == Category::AttnK) {
        if (s.n_expert == 8)
            f = Format::Q8_0;
    } else if (cat == Category::FfnDown) {
        int64_t i_layer = s.i_ffn_down;
        if (s.n_expert > 1) { // MoE: the layer comes from the name (llama.cpp's layer_info)
            const int l = layer_of(t.name);
            if (l >= 0)
                i_layer = l;
        }
        const int64_t n = s.n_layer;
        if (ft == QuantizeType::Q4_K_M) {
            if (falcon)
                f = i_layer < n / 16 ? Format::Q6_K : quantize_use_more_bits(i_layer, n) ? Format::Q5_K : Format::Q4_K;
            else if (quantize_use_more_bits(i_layer, n))
                f = Format::Q6_K;
        } else if (ft == QuantizeType::Q5_K_M && quantize_use_more_bits(i_layer, n)) {
            f = Format::Q6_K;
        } else if (ft == QuantizeType::Q4_K_S && !falcon && i_layer < n / 8) {
            f = Format::Q5_K;
        }
        ++s.i_ffn_down;
    } else if (cat == Category::AttnOutput) {
        if (!falcon && s.n_expert == 8 && (ft == QuantizeType::Q4_K_S || ft == QuantizeType::Q4_K_M))
            f = Format::Q5_K;
    }

    if (!fits(f, nx)) {
        fallback = true;
        switch (f) {
        case Format::Q4_K: f = Format::Q5_0; break;
        case Format::Q5_K: f = Format::Q5_1; break;
        case Format::Q6_K: f = Format::Q8_0; break;
        default: f = Format::F16; break; // llama.cpp stops here ("unsupported tensor size"); Quanta keeps going in F16
        }
        if (!fits(f, nx))
            f = Format::F16;
    }
    return f;
}

/// NF4/INT8: the linear-layer weights in the target, everything else that llama.cpp would
/// quantize (embeddings, output, other matrices) in F16 (docs/formats.md).
Format bnb_recipe(QuantizeType type, const detail::SourceTensor& t, bool& fallback) {
    const Category cat = category_of(t.name);
    const bool linear = cat == Category::AttnQ || cat == Category::AttnK || cat == Category::AttnV ||
                        cat == Category::AttnOutput || cat == Category::AttnQkv || cat == Category::AttnKvB ||
                        cat == Category::FfnUp || cat == Category::FfnGate || cat == Category::FfnDown;
    if (!linear || t.n_dims_trimmed != 2)
        return Format::F16;
    if (type == QuantizeType::NF4 && t.ne0 % kNf4BlockSize != 0) {
        fallback = true;
        return Format::F16;
    }
    return type == QuantizeType::NF4 ? Format::NF4 : Format::INT8;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? " x " : "") + std::to_string(shape[i]);
    return s;
}

} // namespace

std::span<const std::string_view> quantize_type_names() { return kTypeNames; }

std::string_view quantize_type_name(QuantizeType type) { return kTypeNames[static_cast<size_t>(type)]; }

std::optional<QuantizeType> quantize_type_from_name(std::string_view name) {
    for (size_t i = 0; i < kTypeNames.size(); ++i) {
        const std::string_view n = kTypeNames[i];
        if (n.size() != name.size())
            continue;
        bool same = true;
        for (size_t k = 0; k < n.size() && same; ++k)
            same = std::toupper(static_cast<unsigned char>(name[k])) == n[k];
        if (same)
            return static_cast<QuantizeType>(i);
    }
    return std::nullopt;
}

std::optional<uint32_t> quantize_type_file_type(QuantizeType type) {
    switch (type) {
    case QuantizeType::F32: return 0;
    case QuantizeType::F16: return 1;
    case QuantizeType::BF16: return 32;
    case QuantizeType::Q8_0: return 7;
    case QuantizeType::Q6_K: return 18;
    case QuantizeType::Q5_K_M: return 17;
    case QuantizeType::Q4_K_M: return 15;
    case QuantizeType::Q4_K_S: return 14;
    case QuantizeType::Q4_0: return 2;
    case QuantizeType::NF4:
    case QuantizeType::INT8: return std::nullopt;
    }
    return std::nullopt;
}

bool quantize_use_more_bits(int64_t i, int64_t n) {
    return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

namespace detail {

Result<std::vector<SourceTensor>> collect_sources(const GgufFile& file) {
    const auto& tensors = file.tensors();
    std::unordered_map<std::string_view, const GgufTensorInfo*> by_name;
    for (const auto& t : tensors)
        by_name.emplace(t.name, &t);

    struct Layout {
        Format format;
        std::string_view main;
        std::vector<std::string_view> others;
        int64_t ne0_factor;
    };
    const std::array<Layout, 2> layouts{{
        {Format::NF4, kNf4CodesSuffix, {kNf4AbsmaxSuffix, kNf4NestedAbsmaxSuffix, kNf4NestedOffsetSuffix, kNf4NestedMapSuffix}, 2},
        {Format::INT8, kInt8CodesSuffix, {kInt8ScaleSuffix}, 1},
    }};

    std::set<std::string_view> absorbed;
    std::vector<SourceTensor> out;
    for (const auto& t : tensors) {
        for (const Layout& l : layouts) {
            if (!ends_with(t.name, l.main) || t.name.size() == l.main.size())
                continue;
            SourceTensor s;
            s.name = t.name.substr(0, t.name.size() - l.main.size());
            s.parts.push_back(&t);
            for (std::string_view suffix : l.others) {
                auto it = by_name.find(s.name + std::string(suffix));
                if (it == by_name.end())
                    return make_error(ErrorCode::Corrupt, std::string(format_name(l.format)) + " weight '" + s.name +
                                                              "': part '" + std::string(suffix) + "' is missing");
                s.parts.push_back(it->second);
                absorbed.insert(it->second->name);
            }
            absorbed.insert(t.name);
            s.format = l.format;
            s.format_name = std::string(format_name(l.format));
            s.shape.assign(t.ne.begin(), t.ne.begin() + t.n_dims);
            s.shape[0] *= l.ne0_factor;
            for (const auto* p : s.parts)
                s.bytes += p->n_bytes;
            out.push_back(std::move(s));
            break;
        }
    }
    for (const auto& t : tensors) {
        if (absorbed.count(t.name))
            continue;
        SourceTensor s;
        s.name = t.name;
        s.parts.push_back(&t);
        s.shape.assign(t.ne.begin(), t.ne.begin() + t.n_dims);
        s.format = format_from_ggml_type(t.ggml_type);
        const char* type_name = ggml_type_name(t.ggml_type);
        s.format_name = type_name ? type_name : "type " + std::to_string(t.ggml_type);
        s.bytes = t.n_bytes;
        out.push_back(std::move(s));
    }
    for (SourceTensor& s : out) {
        s.ne0 = s.shape[0];
        s.n_rows = 1;
        for (size_t i = 1; i < s.shape.size(); ++i)
            s.n_rows *= s.shape[i];
        s.n_dims_trimmed = 1;
        for (size_t i = 0; i < s.shape.size(); ++i)
            if (s.shape[i] != 1)
                s.n_dims_trimmed = static_cast<int>(i) + 1;
    }
    std::stable_sort(out.begin(), out.end(), [](const SourceTensor& a, const SourceTensor& b) {
        const int la = layer_of(a.name), lb = layer_of(b.name);
        if (la != lb)
            return la < lb;
        return a.name < b.name;
    });
    return out;
}

Result<std::vector<TensorPlan>> plan_sources(const GgufFile& file, const std::vector<SourceTensor>& sources,
                                             QuantizeType type) {
    if (sources.empty())
        return make_error(ErrorCode::InvalidArgument, "the file has no tensors: nothing to quantize");
    RecipeState s;
    s.type = type;
    if (const GgufValue* a = file.find("general.architecture"))
        if (auto v = a->as_string())
            s.arch = std::string(*v);
    auto hparam = [&](const std::string& key) -> int64_t {
        const GgufValue* v = file.find(s.arch + "." + key);
        if (!v)
            return 0;
        if (auto i = v->as_int())
            return *i;
        if (auto arr = v->as_int_array(); arr && !arr->empty())
            return *std::max_element(arr->begin(), arr->end());
        return 0;
    };
    s.n_layer = hparam("block_count");
    s.n_expert = hparam("expert_count");
    std::set<int> layers;
    for (const SourceTensor& t : sources) {
        if (is_attn_v_like(category_of(t.name)))
            ++s.n_attn_v;
        if (t.name == "output.weight")
            s.has_output = true;
        if (int l = layer_of(t.name); l >= 0)
            layers.insert(l);
    }
    if (s.n_layer <= 0)
        s.n_layer = static_cast<int64_t>(layers.size());
    const int64_t n_head = hparam("attention.head_count");
    const int64_t n_head_kv = hparam("attention.head_count_kv");
    s.is_70b = s.arch == "llama" && s.n_layer == 80 && n_head_kv > 0 && n_head_kv != n_head;

    const bool bnb = type == QuantizeType::NF4 || type == QuantizeType::INT8;
    const bool plain = type == QuantizeType::F32 || type == QuantizeType::F16 || type == QuantizeType::BF16;
    std::vector<TensorPlan> plans;
    plans.reserve(sources.size());
    for (const SourceTensor& t : sources) {
        TensorPlan p;
        p.name = t.name;
        p.shape = t.shape;
        p.source_format = t.format_name;
        p.source = t.format;
        p.source_bytes = t.bytes;
        if (wants_quantization(t)) {
            bool fallback = false;
            const Format f = bnb ? bnb_recipe(type, t, fallback) : plain ? default_format(type) : ggml_recipe(s, t, fallback);
            if (t.format != f) {
                if (!t.format)
                    return make_error(ErrorCode::Unsupported,
                                      "tensor '" + t.name + "' has type " + t.format_name +
                                          ", which Quanta cannot dequantize (needed to convert it to " +
                                          std::string(format_name(f)) + ")");
                p.quantize = true;
                p.fallback = fallback;
                p.target = f;
                p.target_format = std::string(format_name(f));
                if (t.ne0 % (f == Format::NF4 ? kNf4BlockSize : format_traits(f).block_elements) != 0)
                    return make_error(ErrorCode::Internal, "tensor '" + t.name + "' (" + shape_text(t.shape) +
                                                               ") does not fit " + p.target_format);
                p.target_bytes = tensor_storage_bytes(f, t.ne0, t.n_rows);
            } else {
                p.fallback = fallback;
            }
        }
        if (!p.quantize) {
            p.target = t.format;
            p.target_format = t.format_name;
            p.target_bytes = t.bytes;
        }
        plans.push_back(std::move(p));
    }
    return plans;
}

} // namespace detail

Result<std::vector<TensorPlan>> plan_quantization(const GgufFile& input, QuantizeType type) {
    auto sources = detail::collect_sources(input);
    if (!sources)
        return sources.take_error();
    return detail::plan_sources(input, *sources, type);
}

} // namespace quanta
