// SPDX-License-Identifier: MIT
#include "quanta/synth_model.h"

#include "quanta/gguf.h"

#include <cmath>
#include <random>
#include <string>

namespace quanta {

namespace {

// GPT-2's byte -> printable code point table (FORMATS.md §6): printable Latin-1 bytes map to
// themselves, the rest to 256, 257, ... in byte order.
std::vector<std::string> byte_tokens() {
    std::vector<std::string> out(256);
    int next = 256;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174);
        const uint32_t cp = printable ? static_cast<uint32_t>(b) : static_cast<uint32_t>(next++);
        std::string s;
        if (cp < 0x80) {
            s += static_cast<char>(cp);
        } else {
            s += static_cast<char>(0xC0 | (cp >> 6));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        }
        out[static_cast<size_t>(b)] = s;
    }
    return out;
}

struct Tensor {
    std::string name;
    std::vector<QuantizedPart> parts;
};

class Generator {
public:
    explicit Generator(uint64_t seed) : m_rng(seed) {}

    std::vector<float> normal(int64_t n, float stddev) {
        std::normal_distribution<float> dist(0.0f, stddev);
        std::vector<float> v(static_cast<size_t>(n));
        for (float& x : v)
            x = dist(m_rng);
        return v;
    }

private:
    std::mt19937_64 m_rng;
};

Result<Tensor> make_tensor(const std::string& name, Format format, const std::vector<float>& x, int64_t k, int64_t n) {
    if (k % format_traits(format).block_elements != 0)
        return Error{ErrorCode::InvalidArgument, "synth: " + name + " has rows of " + std::to_string(k) +
                                                     ", not a multiple of " + std::string(format_traits(format).name) +
                                                     "'s block"};
    QUANTA_TRY_ASSIGN(auto parts, quantize_tensor_reference(format, x.data(), k, n));
    return Tensor{name, std::move(parts)};
}

} // namespace

SynthModelSpec smollm2_135m_shapes() {
    SynthModelSpec s;
    s.n_vocab = 49152;
    s.n_embd = 576;
    s.n_layer = 30;
    s.n_ff = 1536;
    s.n_head = 9;
    s.n_head_kv = 3;
    s.n_ctx_train = 8192;
    s.rope_freq_base = 100000.0f;
    return s;
}

namespace {

SynthModelSpec llama3_shapes(int64_t n_embd, int64_t n_layer, int64_t n_ff, bool tied) {
    SynthModelSpec s;
    s.n_vocab = 128256;
    s.n_embd = n_embd;
    s.n_layer = n_layer;
    s.n_ff = n_ff;
    s.n_head = 32;
    s.n_head_kv = 8;
    s.n_ctx_train = 131072;
    s.rope_freq_base = 500000.0f;
    s.rope_factors = true;
    s.tied_output = tied;
    return s;
}

SynthModelSpec qwen2_7b_shapes() {
    SynthModelSpec s;
    s.architecture = "qwen2";
    s.n_vocab = 152064;
    s.n_embd = 3584;
    s.n_layer = 28;
    s.n_ff = 18944;
    s.n_head = 28;
    s.n_head_kv = 4;
    s.n_ctx_train = 32768;
    s.rope_freq_base = 1000000.0f;
    s.tied_output = false;
    return s;
}

constexpr std::string_view kShapeNames[] = {"smollm2-135m", "llama-1b", "llama-8b", "qwen2-7b"};

} // namespace

std::optional<SynthModelSpec> synth_shape(std::string_view name) {
    if (name == "smollm2-135m")
        return smollm2_135m_shapes();
    if (name == "llama-1b")
        return llama3_shapes(2048, 16, 8192, true);
    if (name == "llama-8b")
        return llama3_shapes(4096, 32, 14336, false);
    if (name == "qwen2-7b")
        return qwen2_7b_shapes();
    return std::nullopt;
}

std::span<const std::string_view> synth_shape_names() {
    return kShapeNames;
}

Result<void> write_synth_model(const std::filesystem::path& path, const SynthModelSpec& spec) {
    const std::vector<std::string> bytes = byte_tokens();
    const int64_t n_special = 3;
    if (spec.n_vocab < 256 + n_special + static_cast<int64_t>(spec.merges.size()))
        return Error{ErrorCode::InvalidArgument, "synth: n_vocab is too small for the byte tokens"};
    if (spec.n_head <= 0 || spec.n_head_kv <= 0 || spec.n_head % spec.n_head_kv != 0 || spec.n_embd % spec.n_head != 0)
        return Error{ErrorCode::InvalidArgument, "synth: heads must divide the width and each other"};
    if (spec.architecture != "llama" && spec.architecture != "qwen2")
        return Error{ErrorCode::InvalidArgument, "synth: architecture must be llama or qwen2"};

    // Vocabulary: specials, bytes, merge results, filler.
    std::vector<std::string> tokens = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
    std::vector<int32_t> types = {3, 3, 3};
    for (const std::string& b : bytes) {
        tokens.push_back(b);
        types.push_back(1);
    }
    for (const std::string& m : spec.merges) {
        const size_t space = m.find(' ');
        if (space == std::string::npos)
            return Error{ErrorCode::InvalidArgument, "synth: merge '" + m + "' has no space"};
        tokens.push_back(m.substr(0, space) + m.substr(space + 1));
        types.push_back(1);
    }
    for (int64_t i = static_cast<int64_t>(tokens.size()); i < spec.n_vocab; ++i) {
        tokens.push_back("[unused" + std::to_string(i) + "]");
        types.push_back(5);
    }

    const std::string a = spec.architecture + ".";
    const int64_t head_dim = spec.n_embd / spec.n_head;
    GgufWriter w;
    w.set("general.architecture", GgufValue::string(spec.architecture));
    w.set("general.name", GgufValue::string("quanta synthetic " + spec.architecture));
    w.set(a + "context_length", GgufValue::u32(static_cast<uint32_t>(spec.n_ctx_train)));
    w.set(a + "embedding_length", GgufValue::u32(static_cast<uint32_t>(spec.n_embd)));
    w.set(a + "block_count", GgufValue::u32(static_cast<uint32_t>(spec.n_layer)));
    w.set(a + "feed_forward_length", GgufValue::u32(static_cast<uint32_t>(spec.n_ff)));
    w.set(a + "attention.head_count", GgufValue::u32(static_cast<uint32_t>(spec.n_head)));
    w.set(a + "attention.head_count_kv", GgufValue::u32(static_cast<uint32_t>(spec.n_head_kv)));
    w.set(a + "rope.freq_base", GgufValue::f32(spec.rope_freq_base));
    w.set(a + "rope.dimension_count", GgufValue::u32(static_cast<uint32_t>(head_dim)));
    w.set(a + "attention.layer_norm_rms_epsilon", GgufValue::f32(1e-5f));
    w.set("tokenizer.ggml.model", GgufValue::string("gpt2"));
    w.set("tokenizer.ggml.pre", GgufValue::string(spec.architecture == "qwen2" ? "qwen2" : "smollm"));
    w.set("tokenizer.ggml.tokens", GgufValue::string_array(tokens));
    w.set("tokenizer.ggml.token_type", GgufValue::i32_array(types));
    w.set("tokenizer.ggml.merges", GgufValue::string_array(spec.merges));
    w.set("tokenizer.ggml.bos_token_id", GgufValue::u32(0));
    w.set("tokenizer.ggml.eos_token_id", GgufValue::u32(2));
    w.set("tokenizer.ggml.add_bos_token", GgufValue::boolean(false));
    if (spec.weight_format == Format::NF4 || spec.weight_format == Format::INT8 ||
        spec.embedding_format == Format::NF4 || spec.embedding_format == Format::INT8) {
        w.set(std::string(kQuantaFormatVersionKey), GgufValue::u32(kQuantaFormatVersion));
        w.set(std::string(kQuantaInt8ThresholdKey), GgufValue::f32(6.0f));
    }

    Generator gen(spec.seed);
    std::vector<Tensor> tensors;
    auto add = [&](const std::string& name, Format format, int64_t k, int64_t n, float stddev) -> Result<void> {
        std::vector<float> x = gen.normal(k * n, stddev);
        QUANTA_TRY_ASSIGN(Tensor t, make_tensor(name, format, x, k, n));
        tensors.push_back(std::move(t));
        return {};
    };
    auto add_ones = [&](const std::string& name, int64_t n, float value) -> Result<void> {
        std::vector<float> x(static_cast<size_t>(n), value);
        QUANTA_TRY_ASSIGN(Tensor t, make_tensor(name, Format::F32, x, n, 1));
        tensors.push_back(std::move(t));
        return {};
    };

    const int64_t q_width = spec.n_head * head_dim;
    const int64_t kv_width = spec.n_head_kv * head_dim;
    const float in_std = 1.0f / std::sqrt(static_cast<float>(spec.n_embd));
    const float ff_std = 1.0f / std::sqrt(static_cast<float>(spec.n_ff));
    QUANTA_TRY(add("token_embd.weight", spec.embedding_format, spec.n_embd, spec.n_vocab, 1.0f));
    QUANTA_TRY(add_ones("output_norm.weight", spec.n_embd, 1.0f));
    if (!spec.tied_output)
        QUANTA_TRY(add("output.weight", spec.output_format, spec.n_embd, spec.n_vocab, in_std));
    if (spec.rope_factors) {
        std::vector<float> f(static_cast<size_t>(head_dim / 2));
        for (size_t i = 0; i < f.size(); ++i)
            f[i] = 1.0f + static_cast<float>(i) / static_cast<float>(f.size()) * 7.0f; // 1 .. 8, as llama3
        QUANTA_TRY_ASSIGN(Tensor t, make_tensor("rope_freqs.weight", Format::F32, f, head_dim / 2, 1));
        tensors.push_back(std::move(t));
    }
    for (int64_t i = 0; i < spec.n_layer; ++i) {
        const std::string b = "blk." + std::to_string(i) + ".";
        QUANTA_TRY(add_ones(b + "attn_norm.weight", spec.n_embd, 1.0f));
        QUANTA_TRY(add(b + "attn_q.weight", spec.weight_format, spec.n_embd, q_width, in_std));
        QUANTA_TRY(add(b + "attn_k.weight", spec.weight_format, spec.n_embd, kv_width, in_std));
        QUANTA_TRY(add(b + "attn_v.weight", spec.weight_format, spec.n_embd, kv_width, in_std));
        if (spec.architecture == "qwen2") {
            QUANTA_TRY(add(b + "attn_q.bias", Format::F32, q_width, 1, 0.1f));
            QUANTA_TRY(add(b + "attn_k.bias", Format::F32, kv_width, 1, 0.1f));
            QUANTA_TRY(add(b + "attn_v.bias", Format::F32, kv_width, 1, 0.1f));
        }
        QUANTA_TRY(add(b + "attn_output.weight", spec.weight_format, q_width, spec.n_embd, in_std));
        QUANTA_TRY(add_ones(b + "ffn_norm.weight", spec.n_embd, 1.0f));
        QUANTA_TRY(add(b + "ffn_gate.weight", spec.weight_format, spec.n_embd, spec.n_ff, in_std));
        QUANTA_TRY(add(b + "ffn_up.weight", spec.weight_format, spec.n_embd, spec.n_ff, in_std));
        QUANTA_TRY(add(b + "ffn_down.weight", spec.weight_format, spec.n_ff, spec.n_embd, ff_std));
    }

    std::vector<std::span<const uint8_t>> data;
    for (const Tensor& t : tensors) {
        for (const QuantizedPart& p : t.parts) {
            QUANTA_TRY(w.add_tensor(t.name + p.suffix, p.ggml_type, p.ne));
            data.emplace_back(p.bytes);
        }
    }
    return w.write_file(path, data);
}

} // namespace quanta
