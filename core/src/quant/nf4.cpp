// SPDX-License-Identifier: MIT
// bitsandbytes NF4 with double quantization (FORMATS.md §9): the code table, the code choice,
// the signed dynamic map and the nested quantization of the absmax vector.
#include "quant/quant_internal.h"
#include "quanta/format.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>

namespace quanta {

namespace {

// §9.2: the hex column is authoritative.
constexpr std::array<uint32_t, 16> kNf4Bits = {
    0xBF800000u, 0xBF3239B1u, 0xBF066B30u, 0xBECA32A0u, 0xBE91A24Du, 0xBE3D353Fu, 0xBDBA7871u, 0x00000000u,
    0x3DA2FAFFu, 0x3E24CAE3u, 0x3E7C04DDu, 0x3EAD033Au, 0x3EE1A4B8u, 0x3F1007ABu, 0x3F3913B3u, 0x3F800000u,
};

// §9.5: the comparison constants of the CUDA kernel.
constexpr std::array<uint32_t, 15> kThresholdBits = {
    0xBF591CD8u, 0xBF1C5270u, 0xBEEB8480u, 0xBEADEA76u, 0xBE703CECu, 0xBE0D38BCu, 0xBD3A7871u, 0x3D22FAFFu,
    0x3DF64862u, 0x3E5067E0u, 0x3E9582D4u, 0x3EC753F9u, 0x3F006D04u, 0x3F248DAFu, 0x3F5C89DAu,
};

template <size_t N>
constexpr std::array<float, N> floats_from_bits(const std::array<uint32_t, N>& bits) {
    std::array<float, N> out{};
    for (size_t i = 0; i < N; ++i)
        out[i] = std::bit_cast<float>(bits[i]);
    return out;
}

constexpr std::array<float, 16> kNf4Values = floats_from_bits(kNf4Bits);
constexpr std::array<float, 15> kThresholds = floats_from_bits(kThresholdBits);

/// torch.linspace(start, end, steps) on the CPU, in f32: the first half counts up from start, the
/// second half down from end (halfway = steps / 2, integer division).
std::vector<float> linspace_f32(float start, float end, int steps) {
    std::vector<float> out(static_cast<size_t>(steps));
    const float step = (end - start) / static_cast<float>(steps - 1);
    const int halfway = steps / 2;
    for (int idx = 0; idx < steps; ++idx) {
        out[static_cast<size_t>(idx)] = idx < halfway ? start + step * static_cast<float>(idx)
                                                      : end - step * static_cast<float>(steps - 1 - idx);
    }
    return out;
}

std::array<float, 256> build_dynamic_map() {
    std::vector<float> data;
    data.reserve(256);
    for (int i = 0; i < 7; ++i) {
        const int k = (1 << i) + 1;
        const std::vector<float> bnd = linspace_f32(0.1f, 1.0f, k);
        const auto scale = static_cast<float>(std::pow(10.0, i - 6));
        std::vector<float> means(static_cast<size_t>(k - 1));
        for (size_t j = 0; j + 1 < bnd.size(); ++j)
            means[j] = (bnd[j] + bnd[j + 1]) / 2.0f;
        for (float m : means)
            data.push_back(scale * m);
        for (float m : means)
            data.push_back(-(scale * m));
    }
    data.push_back(0.0f);
    data.push_back(1.0f);
    QUANTA_ASSERT(data.size() == 256);
    std::sort(data.begin(), data.end());
    std::array<float, 256> map{};
    std::copy(data.begin(), data.end(), map.begin());
    return map;
}

} // namespace

std::span<const float, 16> nf4_values() { return kNf4Values; }
std::span<const float, 15> nf4_thresholds() { return kThresholds; }

std::span<const float, 256> nf4_dynamic_map() {
    static const std::array<float, 256> map = build_dynamic_map(); // thread-safe initialization
    return map;
}

uint8_t nf4_code(float s) {
    if (std::isnan(s))
        return 7;
    uint8_t code = 0;
    for (float t : kThresholds)
        code = static_cast<uint8_t>(code + (s > t ? 1 : 0));
    return code;
}

uint8_t dynamic_map_nearest(std::span<const float, 256> map, float t) {
    if (!(t > map[0])) // also maps NaN to the first code; callers never pass NaN
        return 0;
    if (t >= map[255])
        return 255;
    // lo = the last index with map[lo] <= t, so map[lo] <= t < map[lo + 1].
    const auto it = std::upper_bound(map.begin(), map.end(), t);
    const auto lo = static_cast<int>(it - map.begin()) - 1;
    const float mid = (map[static_cast<size_t>(lo)] + map[static_cast<size_t>(lo) + 1]) * 0.5f;
    if (t < mid)
        return static_cast<uint8_t>(lo);
    if (t > mid)
        return static_cast<uint8_t>(lo + 1);
    return static_cast<uint8_t>(lo % 2 == 0 ? lo : lo + 1); // exact midpoint: even index
}

void nf4_quantize_reference(const float* x, int64_t n, uint8_t* packed, float* absmax) {
    const int64_t n_blocks = (n + kNf4BlockSize - 1) / kNf4BlockSize;
    std::fill(packed, packed + (n + 1) / 2, uint8_t{0x77}); // code 7 pads an odd tail
    for (int64_t b = 0; b < n_blocks; ++b) {
        const int64_t begin = b * kNf4BlockSize;
        const int64_t end = std::min(n, begin + kNf4BlockSize);
        float amax = 0.0f;
        for (int64_t i = begin; i < end; ++i)
            amax = std::max(amax, std::fabs(x[i]));
        absmax[b] = amax;
        const float inv = 1.0f / amax; // multiply by the reciprocal, as bitsandbytes does
        for (int64_t i = begin; i < end; ++i) {
            const uint8_t code = amax == 0.0f ? uint8_t{7} : nf4_code(x[i] * inv);
            uint8_t& byte = packed[i / 2];
            byte = (i % 2 == 0) ? static_cast<uint8_t>((byte & 0x0f) | (code << 4))
                                : static_cast<uint8_t>((byte & 0xf0) | code);
        }
    }
}

void nf4_dequantize_reference(const uint8_t* packed, const float* absmax, int64_t n, float* y) {
    for (int64_t i = 0; i < n; ++i) {
        const uint8_t byte = packed[i / 2];
        const int code = (i % 2 == 0) ? (byte >> 4) : (byte & 0x0f);
        y[i] = kNf4Values[static_cast<size_t>(code)] * absmax[i / kNf4BlockSize];
    }
}

Nf4DoubleQuant nf4_double_quantize(std::span<const float> absmax) {
    QUANTA_ASSERT(!absmax.empty());
    Nf4DoubleQuant out;
    const auto map = nf4_dynamic_map();
    out.nested_map.assign(map.begin(), map.end());
    double sum = 0.0;
    for (float a : absmax)
        sum += a;
    out.nested_offset = static_cast<float>(sum / static_cast<double>(absmax.size()));

    const size_t n = absmax.size();
    const size_t n_groups = (n + kNf4NestedBlockSize - 1) / kNf4NestedBlockSize;
    out.qabsmax.resize(n);
    out.nested_absmax.resize(n_groups);
    std::vector<float> c(n);
    for (size_t b = 0; b < n; ++b)
        c[b] = absmax[b] - out.nested_offset;
    for (size_t g = 0; g < n_groups; ++g) {
        const size_t begin = g * kNf4NestedBlockSize;
        const size_t end = std::min(n, begin + kNf4NestedBlockSize);
        float gmax = 0.0f;
        for (size_t b = begin; b < end; ++b)
            gmax = std::max(gmax, std::fabs(c[b]));
        out.nested_absmax[g] = gmax;
        const float inv2 = 1.0f / gmax;
        for (size_t b = begin; b < end; ++b)
            out.qabsmax[b] = gmax == 0.0f ? uint8_t{127} : dynamic_map_nearest(map, c[b] * inv2);
    }
    return out;
}

void nf4_double_dequantize(std::span<const uint8_t> qabsmax, std::span<const float> nested_absmax,
                           float nested_offset, std::span<const float> map, float* absmax) {
    QUANTA_ASSERT(map.size() == 256);
    QUANTA_ASSERT(nested_absmax.size() * kNf4NestedBlockSize >= qabsmax.size());
    for (size_t b = 0; b < qabsmax.size(); ++b)
        absmax[b] = map[qabsmax[b]] * nested_absmax[b / kNf4NestedBlockSize] + nested_offset;
}

} // namespace quanta
