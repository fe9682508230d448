// SPDX-License-Identifier: MIT
// Shared helpers of the quantizer tests: a tiny llama-shaped GGUF written with the project's own
// writer (F32 or any other source format, tied or untied output), and dequantization of any
// logical tensor of a file (multi-part NF4/INT8 weights included).
#pragma once

#include "quanta/format.h"
#include "quanta/gguf.h"
#include "test_temp_dir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace quanta::test {

struct TinySpec {
    int64_t n_embd = 256;
    int64_t n_ff = 256;
    int64_t n_kv = 64;     ///< rows of attn_k / attn_v
    int64_t n_layer = 4;
    int64_t n_vocab = 64;
    bool tied = true;
    Format weight = Format::F32; ///< format of every 2-D tensor in the file
    uint32_t seed = 1;
};

inline std::vector<float> gaussian(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<float> v(n);
    for (size_t i = 0; i < n; i += 2) {
        // Box-Muller on 24-bit uniforms: the same numbers with every standard library.
        const double u1 = (static_cast<double>(rng() >> 8) + 1.0) / 16777217.0;
        const double u2 = static_cast<double>(rng() >> 8) / 16777216.0;
        const double r = std::sqrt(-2.0 * std::log(u1));
        v[i] = static_cast<float>(r * std::cos(6.283185307179586 * u2) * 0.05);
        if (i + 1 < n)
            v[i + 1] = static_cast<float>(r * std::sin(6.283185307179586 * u2) * 0.05);
    }
    return v;
}

struct TinyTensor {
    std::string name;
    std::vector<int64_t> ne;
};

/// The tensors of the tiny model in file order (as a llama.cpp converter writes them).
inline std::vector<TinyTensor> tiny_tensors(const TinySpec& s) {
    std::vector<TinyTensor> t;
    t.push_back({"token_embd.weight", {s.n_embd, s.n_vocab}});
    for (int64_t l = 0; l < s.n_layer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        t.push_back({p + "attn_norm.weight", {s.n_embd}});
        t.push_back({p + "attn_q.weight", {s.n_embd, s.n_embd}});
        t.push_back({p + "attn_k.weight", {s.n_embd, s.n_kv}});
        t.push_back({p + "attn_v.weight", {s.n_embd, s.n_kv}});
        t.push_back({p + "attn_output.weight", {s.n_embd, s.n_embd}});
        t.push_back({p + "ffn_norm.weight", {s.n_embd}});
        t.push_back({p + "ffn_gate.weight", {s.n_embd, s.n_ff}});
        t.push_back({p + "ffn_up.weight", {s.n_embd, s.n_ff}});
        t.push_back({p + "ffn_down.weight", {s.n_ff, s.n_embd}});
    }
    t.push_back({"output_norm.weight", {s.n_embd}});
    if (!s.tied)
        t.push_back({"output.weight", {s.n_embd, s.n_vocab}});
    return t;
}

/// Writes the tiny model; 1-D tensors are always F32 (norms near 1), 2-D ones in spec.weight.
inline void write_tiny_model(const std::filesystem::path& path, const TinySpec& s) {
    GgufWriter w;
    w.set("general.architecture", GgufValue::string("llama"));
    w.set("general.name", GgufValue::string("tiny test model"));
    w.set("general.file_type", GgufValue::u32(0));
    w.set("llama.block_count", GgufValue::u32(static_cast<uint32_t>(s.n_layer)));
    w.set("llama.embedding_length", GgufValue::u32(static_cast<uint32_t>(s.n_embd)));
    w.set("llama.feed_forward_length", GgufValue::u32(static_cast<uint32_t>(s.n_ff)));
    w.set("llama.attention.head_count", GgufValue::u32(4));
    w.set("llama.attention.head_count_kv", GgufValue::u32(1));
    std::vector<std::vector<uint8_t>> data;
    uint32_t seed = s.seed * 1000;
    for (const TinyTensor& t : tiny_tensors(s)) {
        const int64_t rows = t.ne.size() > 1 ? t.ne[1] : 1;
        std::vector<float> x = gaussian(static_cast<size_t>(t.ne[0] * rows), ++seed);
        if (t.ne.size() == 1) {
            for (float& v : x)
                v += 1.0f;
            EXPECT_TRUE(w.add_tensor(t.name, kGgmlTypeF32, t.ne).ok());
            data.emplace_back(reinterpret_cast<const uint8_t*>(x.data()),
                              reinterpret_cast<const uint8_t*>(x.data() + x.size()));
            continue;
        }
        auto parts = quantize_tensor_reference(s.weight, x.data(), t.ne[0], rows);
        ASSERT_TRUE(parts.ok()) << parts.error().message;
        for (QuantizedPart& p : *parts) {
            EXPECT_TRUE(w.add_tensor(t.name + p.suffix, p.ggml_type, p.ne).ok());
            data.push_back(std::move(p.bytes));
        }
    }
    std::vector<std::span<const uint8_t>> spans(data.begin(), data.end());
    auto r = w.write_file(path, spans);
    ASSERT_TRUE(r.ok()) << r.error().message;
}

/// Format of a logical tensor in a file: its GGUF type, or NF4/INT8 from the part names.
inline std::string format_in_file(const GgufFile& f, const std::string& name) {
    if (const GgufTensorInfo* t = f.find_tensor(name)) {
        const char* n = ggml_type_name(t->ggml_type);
        return n ? n : "?";
    }
    if (f.find_tensor(name + std::string(kNf4CodesSuffix)))
        return "NF4";
    if (f.find_tensor(name + std::string(kInt8CodesSuffix)))
        return "INT8";
    return "missing";
}

/// Dequantizes a logical tensor of `f` (any format of formats.def, multi-part included).
inline std::vector<float> dequantize_from_file(const GgufFile& f, const std::string& name, int64_t ne0, int64_t rows) {
    std::vector<float> y(static_cast<size_t>(ne0 * rows));
    const std::string format = format_in_file(f, name);
    const auto fmt = format_from_name(format);
    EXPECT_TRUE(fmt.has_value()) << name << " " << format;
    if (!fmt)
        return y;
    std::vector<PartView> views;
    for (const GgufTensorInfo& t : f.tensors()) {
        if (t.name.compare(0, name.size(), name) != 0)
            continue;
        const std::string_view suffix = std::string_view(t.name).substr(name.size());
        if (!suffix.empty() && suffix[0] != '.')
            continue;
        if (!format_traits(*fmt).multi_part() && !suffix.empty())
            continue;
        views.push_back(PartView{suffix, t.ggml_type, std::span<const int64_t>(t.ne.data(), t.n_dims), t.bytes()});
    }
    auto r = dequantize_tensor_reference(*fmt, views, ne0, rows, y.data());
    EXPECT_TRUE(r.ok()) << name << ": " << r.error().message;
    return y;
}

inline double nmse(const std::vector<float>& x, const std::vector<float>& y) {
    double num = 0, den = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double d = static_cast<double>(x[i]) - static_cast<double>(y[i]);
        num += d * d;
        den += static_cast<double>(x[i]) * static_cast<double>(x[i]);
    }
    return den > 0 ? num / den : num;
}


} // namespace quanta::test
