// SPDX-License-Identifier: MIT
// The 32-element ggml formats Q8_0, Q4_0, Q4_1, Q5_0, Q5_1 (FORMATS.md §7.1, §7.2).
// Every expression is evaluated in f32 in the order the spec writes it; this file is built with
// -ffp-contract=off so that no multiply-add is fused (the bytes must match llama.cpp's).
#include "quant/quant_internal.h"
#include "quanta/format.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace quanta::detail {

namespace {

constexpr int kQk = 32;

struct BlockQ8_0 {
    uint16_t d;     // fp16 scale
    int8_t qs[kQk]; // element j in qs[j]
};
static_assert(sizeof(BlockQ8_0) == 34, "Q8_0 block is 34 bytes");

struct BlockQ4_0 {
    uint16_t d;
    uint8_t qs[kQk / 2]; // element j low nibble of qs[j], element j+16 high nibble
};
static_assert(sizeof(BlockQ4_0) == 18, "Q4_0 block is 18 bytes");

struct BlockQ4_1 {
    uint16_t d;
    uint16_t m; // fp16 min
    uint8_t qs[kQk / 2];
};
static_assert(sizeof(BlockQ4_1) == 20, "Q4_1 block is 20 bytes");

struct BlockQ5_0 {
    uint16_t d;
    uint8_t qh[4]; // bit j = 5th bit of element j (little-endian uint32)
    uint8_t qs[kQk / 2];
};
static_assert(sizeof(BlockQ5_0) == 22, "Q5_0 block is 22 bytes");

struct BlockQ5_1 {
    uint16_t d;
    uint16_t m;
    uint8_t qh[4];
    uint8_t qs[kQk / 2];
};
static_assert(sizeof(BlockQ5_1) == 24, "Q5_1 block is 24 bytes");

/// The signed value of largest magnitude, the first one on ties (strict >).
float signed_absmax(const float* x) {
    float amax = 0.0f;
    float max = 0.0f;
    for (int j = 0; j < kQk; ++j) {
        if (amax < std::fabs(x[j])) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    }
    return max;
}

void min_max(const float* x, float& min, float& max) {
    min = x[0];
    max = x[0];
    for (int j = 1; j < kQk; ++j) {
        if (x[j] < min)
            min = x[j];
        if (x[j] > max)
            max = x[j];
    }
}

uint32_t load_qh(const uint8_t* qh) {
    uint32_t v = 0;
    std::memcpy(&v, qh, 4);
    return v;
}

} // namespace

// --- Q8_0 ---------------------------------------------------------------------------------------

void quantize_row_q8_0_ref(const float* x, void* dst, int64_t n) {
    auto* blocks = static_cast<BlockQ8_0*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b, x += kQk) {
        float amax = 0.0f;
        for (int j = 0; j < kQk; ++j)
            amax = std::fmax(amax, std::fabs(x[j]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        BlockQ8_0 blk{};
        blk.d = f32_to_fp16(d);
        for (int j = 0; j < kQk; ++j)
            blk.qs[j] = static_cast<int8_t>(std::round(x[j] * id)); // half away from zero
        std::memcpy(&blocks[b], &blk, sizeof blk);
    }
}

void dequantize_row_q8_0_ref(const void* src, float* y, int64_t n) {
    const auto* in = static_cast<const uint8_t*>(src);
    for (int64_t b = 0; b < n / kQk; ++b, y += kQk) {
        BlockQ8_0 blk;
        std::memcpy(&blk, in + b * sizeof blk, sizeof blk);
        const float d = fp16_to_f32(blk.d);
        for (int j = 0; j < kQk; ++j)
            y[j] = static_cast<float>(blk.qs[j]) * d;
    }
}

// --- Q4_0 ---------------------------------------------------------------------------------------

void quantize_row_q4_0_ref(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b, x += kQk) {
        const float d = signed_absmax(x) / -8.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        BlockQ4_0 blk{};
        blk.d = f32_to_fp16(d);
        for (int j = 0; j < kQk / 2; ++j) {
            // Truncation toward zero; the sums are >= 0, so this is floor (spec §1).
            const int q0 = std::min(15, static_cast<int>(static_cast<int8_t>(x[j] * id + 8.5f)));
            const int q1 = std::min(15, static_cast<int>(static_cast<int8_t>(x[j + kQk / 2] * id + 8.5f)));
            blk.qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
        }
        std::memcpy(out + b * sizeof blk, &blk, sizeof blk);
    }
}

void dequantize_row_q4_0_ref(const void* src, float* y, int64_t n) {
    const auto* in = static_cast<const uint8_t*>(src);
    for (int64_t b = 0; b < n / kQk; ++b, y += kQk) {
        BlockQ4_0 blk;
        std::memcpy(&blk, in + b * sizeof blk, sizeof blk);
        const float d = fp16_to_f32(blk.d);
        for (int j = 0; j < kQk / 2; ++j) {
            y[j] = static_cast<float>((blk.qs[j] & 0x0f) - 8) * d;
            y[j + kQk / 2] = static_cast<float>((blk.qs[j] >> 4) - 8) * d;
        }
    }
}

// --- Q4_1 ---------------------------------------------------------------------------------------

void quantize_row_q4_1_ref(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b, x += kQk) {
        float min = 0.0f;
        float max = 0.0f;
        min_max(x, min, max);
        const float d = (max - min) / 15.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        BlockQ4_1 blk{};
        blk.d = f32_to_fp16(d);
        blk.m = f32_to_fp16(min);
        for (int j = 0; j < kQk / 2; ++j) {
            const int q0 = std::min(15, static_cast<int>(static_cast<int8_t>((x[j] - min) * id + 0.5f)));
            const int q1 = std::min(15, static_cast<int>(static_cast<int8_t>((x[j + kQk / 2] - min) * id + 0.5f)));
            blk.qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
        }
        std::memcpy(out + b * sizeof blk, &blk, sizeof blk);
    }
}

void dequantize_row_q4_1_ref(const void* src, float* y, int64_t n) {
    const auto* in = static_cast<const uint8_t*>(src);
    for (int64_t b = 0; b < n / kQk; ++b, y += kQk) {
        BlockQ4_1 blk;
        std::memcpy(&blk, in + b * sizeof blk, sizeof blk);
        const float d = fp16_to_f32(blk.d);
        const float m = fp16_to_f32(blk.m);
        for (int j = 0; j < kQk / 2; ++j) {
            y[j] = static_cast<float>(blk.qs[j] & 0x0f) * d + m;
            y[j + kQk / 2] = static_cast<float>(blk.qs[j] >> 4) * d + m;
        }
    }
}

// --- Q5_0 ---------------------------------------------------------------------------------------

void quantize_row_q5_0_ref(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b, x += kQk) {
        const float d = signed_absmax(x) / -16.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        BlockQ5_0 blk{};
        blk.d = f32_to_fp16(d);
        uint32_t qh = 0;
        for (int j = 0; j < kQk / 2; ++j) {
            const int q0 = std::min(31, static_cast<int>(static_cast<int8_t>(x[j] * id + 16.5f)));
            const int q1 = std::min(31, static_cast<int>(static_cast<int8_t>(x[j + kQk / 2] * id + 16.5f)));
            blk.qs[j] = static_cast<uint8_t>((q0 & 0x0f) | ((q1 & 0x0f) << 4));
            qh |= static_cast<uint32_t>((q0 >> 4) & 1) << j;
            qh |= static_cast<uint32_t>((q1 >> 4) & 1) << (j + kQk / 2);
        }
        std::memcpy(blk.qh, &qh, 4);
        std::memcpy(out + b * sizeof blk, &blk, sizeof blk);
    }
}

void dequantize_row_q5_0_ref(const void* src, float* y, int64_t n) {
    const auto* in = static_cast<const uint8_t*>(src);
    for (int64_t b = 0; b < n / kQk; ++b, y += kQk) {
        BlockQ5_0 blk;
        std::memcpy(&blk, in + b * sizeof blk, sizeof blk);
        const float d = fp16_to_f32(blk.d);
        const uint32_t qh = load_qh(blk.qh);
        for (int j = 0; j < kQk / 2; ++j) {
            const int q0 = (blk.qs[j] & 0x0f) | static_cast<int>(((qh >> j) & 1u) << 4);
            const int q1 = (blk.qs[j] >> 4) | static_cast<int>(((qh >> (j + kQk / 2)) & 1u) << 4);
            y[j] = static_cast<float>(q0 - 16) * d;
            y[j + kQk / 2] = static_cast<float>(q1 - 16) * d;
        }
    }
}

// --- Q5_1 ---------------------------------------------------------------------------------------

void quantize_row_q5_1_ref(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b, x += kQk) {
        float min = 0.0f;
        float max = 0.0f;
        min_max(x, min, max);
        const float d = (max - min) / 31.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        BlockQ5_1 blk{};
        blk.d = f32_to_fp16(d);
        blk.m = f32_to_fp16(min);
        uint32_t qh = 0;
        for (int j = 0; j < kQk / 2; ++j) {
            // No clamp in the reference: (x - min) * id + 0.5 <= 31.5 by construction.
            const int q0 = static_cast<uint8_t>((x[j] - min) * id + 0.5f);
            const int q1 = static_cast<uint8_t>((x[j + kQk / 2] - min) * id + 0.5f);
            blk.qs[j] = static_cast<uint8_t>((q0 & 0x0f) | ((q1 & 0x0f) << 4));
            qh |= static_cast<uint32_t>((q0 >> 4) & 1) << j;
            qh |= static_cast<uint32_t>((q1 >> 4) & 1) << (j + kQk / 2);
        }
        std::memcpy(blk.qh, &qh, 4);
        std::memcpy(out + b * sizeof blk, &blk, sizeof blk);
    }
}

void dequantize_row_q5_1_ref(const void* src, float* y, int64_t n) {
    const auto* in = static_cast<const uint8_t*>(src);
    for (int64_t b = 0; b < n / kQk; ++b, y += kQk) {
        BlockQ5_1 blk;
        std::memcpy(&blk, in + b * sizeof blk, sizeof blk);
        const float d = fp16_to_f32(blk.d);
        const float m = fp16_to_f32(blk.m);
        const uint32_t qh = load_qh(blk.qh);
        for (int j = 0; j < kQk / 2; ++j) {
            const int q0 = (blk.qs[j] & 0x0f) | static_cast<int>(((qh >> j) & 1u) << 4);
            const int q1 = (blk.qs[j] >> 4) | static_cast<int>(((qh >> (j + kQk / 2)) & 1u) << 4);
            y[j] = static_cast<float>(q0) * d + m;
            y[j + kQk / 2] = static_cast<float>(q1) * d + m;
        }
    }
}

} // namespace quanta::detail
