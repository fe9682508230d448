// SPDX-License-Identifier: MIT
// Q6_K (ggml type 14): 256 weights in 210 bytes, 16 sub-blocks of 16 with int8 scales and a
// trailing fp16 super-scale (FORMATS.md §7.6).
#include "quant/kquant_common.h"
#include "quant/quant_internal.h"
#include "quanta/format.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace quanta::detail {

namespace {

struct BlockQ6K {
    uint8_t ql[kQkK / 2];     // low 4 bits
    uint8_t qh[kQkK / 4];     // high 2 bits
    int8_t scales[kQkK / 16]; // one per 16 weights
    uint16_t d;               // fp16 super-scale, at the end of the block
};
static_assert(sizeof(BlockQ6K) == 210, "Q6_K block is 210 bytes");

} // namespace

void fit_q6_k_ref(const float* x, int8_t L[kQkK], float scales[16]) {
    for (int ib = 0; ib < kQkK / 16; ++ib)
        scales[ib] = make_qx_quants(16, 32, x + 16 * ib, L + 16 * ib);
}

void quantize_row_q6_k_ref(const float* x, void* dst, int64_t n) { quantize_row_q6_k_with(x, dst, n, fit_q6_k_ref); }

void quantize_row_q6_k_with(const float* x, void* dst, int64_t n, Q6kFit fit) {
    auto* out = static_cast<uint8_t*>(dst);
    int8_t L[kQkK];
    float scales[kQkK / 16];
    for (int64_t b = 0; b < n / kQkK; ++b, x += kQkK) {
        BlockQ6K blk{};
        float max_scale = 0.0f;
        float max_abs_scale = 0.0f;
        fit(x, L, scales);
        for (int ib = 0; ib < kQkK / 16; ++ib) {
            const float abs_scale = std::fabs(scales[ib]);
            if (abs_scale > max_abs_scale) {
                max_abs_scale = abs_scale;
                max_scale = scales[ib];
            }
        }
        if (max_abs_scale < 1e-15f) { // the whole block is zero bytes
            std::memcpy(out + b * sizeof blk, &blk, sizeof blk);
            continue;
        }
        const float iscale = -128.0f / max_scale;
        blk.d = f32_to_fp16(1.0f / iscale);
        for (int ib = 0; ib < kQkK / 16; ++ib)
            blk.scales[ib] = static_cast<int8_t>(std::min(127, nearest_int(iscale * scales[ib])));
        const float d = fp16_to_f32(blk.d);
        for (int j = 0; j < kQkK / 16; ++j) {
            const float dd = d * static_cast<float>(blk.scales[j]);
            if (dd == 0.0f)
                continue; // keep the quants of make_qx_quants
            for (int ii = 0; ii < 16; ++ii) {
                const int l = clamp_int(nearest_int(x[16 * j + ii] / dd), -32, 31);
                L[16 * j + ii] = static_cast<int8_t>(l + 32);
            }
        }
        for (int h = 0; h < 2; ++h) {
            for (int l = 0; l < 32; ++l) {
                const int base = 128 * h;
                const int q1 = L[base + l];
                const int q2 = L[base + l + 32];
                const int q3 = L[base + l + 64];
                const int q4 = L[base + l + 96];
                blk.ql[64 * h + l] = static_cast<uint8_t>((q1 & 0x0f) | ((q3 & 0x0f) << 4));
                blk.ql[64 * h + l + 32] = static_cast<uint8_t>((q2 & 0x0f) | ((q4 & 0x0f) << 4));
                blk.qh[32 * h + l] = static_cast<uint8_t>((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
        std::memcpy(out + b * sizeof blk, &blk, sizeof blk);
    }
}

void dequantize_row_q6_k_ref(const void* src, float* y, int64_t n) {
    const auto* in = static_cast<const uint8_t*>(src);
    for (int64_t b = 0; b < n / kQkK; ++b) {
        BlockQ6K blk;
        std::memcpy(&blk, in + b * sizeof blk, sizeof blk);
        const float d = fp16_to_f32(blk.d);
        for (int e = 0; e < kQkK; ++e) {
            const int h = e / 128;
            const int r = e % 128;
            const int k = r / 32;
            const int l = r % 32;
            const uint8_t lo_byte = blk.ql[64 * h + l + ((k & 1) ? 32 : 0)];
            const int lo = k < 2 ? (lo_byte & 0x0f) : (lo_byte >> 4);
            const int hi = (blk.qh[32 * h + l] >> (2 * k)) & 3;
            const int q = (lo | (hi << 4)) - 32;
            y[b * kQkK + e] = (d * static_cast<float>(blk.scales[e / 16])) * static_cast<float>(q);
        }
    }
}

} // namespace quanta::detail
