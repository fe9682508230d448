// SPDX-License-Identifier: MIT
// Shared helpers of the CPU backend op tests: deterministic data, weights built with the reference
// quantizers of quanta_quant, and the error measures.
#pragma once

#include "quanta/cpu/kernels.h"
#include "quanta/format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace quanta::cpu::test {

/// Normal(0, sigma) values, the same on every run.
inline std::vector<float> random_floats(size_t n, uint32_t seed, float sigma = 1.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, sigma);
    std::vector<float> v(n);
    for (auto& x : v)
        x = dist(rng);
    return v;
}

/// A weight quantized by the reference quantizer, its kernel view and its reference dequantization.
struct TestWeight {
    std::vector<QuantizedPart> parts;
    Weight w;
    std::vector<float> deq; ///< [n][k] dequantize_tensor_reference of the parts
};

inline const QuantizedPart* find_part(const std::vector<QuantizedPart>& parts, std::string_view suffix) {
    for (const auto& p : parts)
        if (p.suffix == suffix)
            return &p;
    return nullptr;
}

inline TestWeight make_weight(Format format, int64_t k, int64_t n, uint32_t seed) {
    TestWeight t;
    const std::vector<float> src = random_floats(static_cast<size_t>(k * n), seed, 0.05f);
    auto parts = quantize_tensor_reference(format, src.data(), k, n);
    EXPECT_TRUE(parts.ok()) << (parts.ok() ? "" : parts.error().message);
    t.parts = std::move(parts.value());
    t.w.format = format;
    t.w.k = k;
    t.w.n = n;
    if (format == Format::NF4) {
        t.w.data = find_part(t.parts, kNf4CodesSuffix)->bytes.data();
        t.w.nf4_absmax = find_part(t.parts, kNf4AbsmaxSuffix)->bytes.data();
        t.w.nf4_nested_absmax = reinterpret_cast<const float*>(find_part(t.parts, kNf4NestedAbsmaxSuffix)->bytes.data());
        t.w.nf4_nested_offset = *reinterpret_cast<const float*>(find_part(t.parts, kNf4NestedOffsetSuffix)->bytes.data());
        t.w.nf4_nested_map = reinterpret_cast<const float*>(find_part(t.parts, kNf4NestedMapSuffix)->bytes.data());
    } else if (format == Format::INT8) {
        t.w.data = find_part(t.parts, kInt8CodesSuffix)->bytes.data();
        t.w.int8_scb = reinterpret_cast<const float*>(find_part(t.parts, kInt8ScaleSuffix)->bytes.data());
    } else {
        t.w.data = t.parts.at(0).bytes.data();
    }
    std::vector<PartView> views;
    for (const auto& p : t.parts)
        views.push_back(PartView{p.suffix, p.ggml_type, p.ne, p.bytes});
    t.deq.resize(static_cast<size_t>(k * n));
    auto r = dequantize_tensor_reference(format, views, k, n, t.deq.data());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return t;
}

/// sum (y - ref)^2 / sum ref^2.
inline double nmse(const float* y, const double* ref, size_t n) {
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(y[i]) - ref[i];
        num += d * d;
        den += ref[i] * ref[i];
    }
    return den > 0.0 ? num / den : num;
}

/// Kernel sets to test: always scalar, AVX2 when the CPU has it.
inline std::vector<Isa> test_isas() {
    std::vector<Isa> v{Isa::Scalar};
    if (best_isa() == Isa::Avx2)
        v.push_back(Isa::Avx2);
    return v;
}

} // namespace quanta::cpu::test
