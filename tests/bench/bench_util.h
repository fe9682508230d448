// SPDX-License-Identifier: MIT
// Shared by the CPU kernel benchmarks: test weights quantized with the reference quantizers.
#pragma once

#include "quanta/cpu/kernels.h"
#include "quanta/format.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace quanta::cpu::bench {

inline constexpr size_t kRingBytes = size_t{256} << 20; // well past the 32 MB L3

inline std::vector<float> gaussian(size_t n, uint32_t seed, float sigma) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.0f, sigma);
    std::vector<float> v(n);
    for (auto& x : v)
        x = d(rng);
    return v;
}

/// Copies of one weight, laid out back to back, so consecutive runs read cold memory.
struct WeightRing {
    std::vector<std::vector<uint8_t>> parts_storage; // part i for all copies
    std::vector<Weight> copies;
    size_t bytes_per_copy = 0;
};

inline std::unique_ptr<WeightRing> make_ring(Format f, int64_t k, int64_t n, bool cold) {
    auto ring = std::make_unique<WeightRing>();
    // The reference quantizers are slow for K-quants: quantize up to 256 rows and repeat them.
    const bool multi = format_traits(f).multi_part();
    const int64_t src_rows = multi ? n : std::min<int64_t>(n, 256);
    const std::vector<float> src = gaussian(static_cast<size_t>(k * src_rows), 1, 0.05f);
    auto q = quantize_tensor_reference(f, src.data(), k, src_rows);
    if (!q.ok())
        std::abort();
    std::vector<QuantizedPart> parts = std::move(q.value());
    if (!multi) {
        const size_t rb = row_bytes(f, k);
        std::vector<uint8_t> full(rb * static_cast<size_t>(n));
        for (int64_t r = 0; r < n; ++r)
            std::memcpy(full.data() + r * rb, parts[0].bytes.data() + (r % src_rows) * rb, rb);
        parts[0].bytes = std::move(full);
    }
    size_t total = 0;
    for (const auto& p : parts)
        total += p.bytes.size();
    ring->bytes_per_copy = total;
    const size_t n_copies = cold ? std::max<size_t>(2, kRingBytes / total) : 1;
    Weight base;
    base.format = f;
    base.k = k;
    base.n = n;
    for (const auto& p : parts) {
        std::vector<uint8_t> all(p.bytes.size() * n_copies);
        for (size_t c = 0; c < n_copies; ++c)
            std::memcpy(all.data() + c * p.bytes.size(), p.bytes.data(), p.bytes.size());
        ring->parts_storage.push_back(std::move(all));
    }
    for (size_t c = 0; c < n_copies; ++c) {
        Weight w = base;
        for (size_t i = 0; i < parts.size(); ++i) {
            const uint8_t* at = ring->parts_storage[i].data() + c * parts[i].bytes.size();
            const std::string_view s = parts[i].suffix;
            if (s.empty() || s == kNf4CodesSuffix || s == kInt8CodesSuffix)
                w.data = at;
            else if (s == kNf4AbsmaxSuffix)
                w.nf4_absmax = at;
            else if (s == kNf4NestedAbsmaxSuffix)
                w.nf4_nested_absmax = reinterpret_cast<const float*>(at);
            else if (s == kNf4NestedOffsetSuffix)
                std::memcpy(&w.nf4_nested_offset, at, 4);
            else if (s == kNf4NestedMapSuffix)
                w.nf4_nested_map = reinterpret_cast<const float*>(at);
            else if (s == kInt8ScaleSuffix)
                w.int8_scb = reinterpret_cast<const float*>(at);
        }
        ring->copies.push_back(w);
    }
    return ring;
}

} // namespace quanta::cpu::bench
