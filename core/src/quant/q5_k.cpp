// SPDX-License-Identifier: MIT
// Q5_K (ggml type 13): 256 weights in 176 bytes; Q4_K plus a fifth bit per weight in qh
// (FORMATS.md §7.5).
#include "quant/kquant_common.h"
#include "quant/quant_internal.h"
#include "quanta/format.h"

#include <cstring>

namespace quanta::detail {

namespace {

struct BlockQ5K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[12];
    uint8_t qh[kQkK / 8];  // element e: bit e/32 of qh[e%32]
    uint8_t qs[kQkK / 2];  // low 4 bits, arranged as in Q4_K
};
static_assert(sizeof(BlockQ5K) == 176, "Q5_K block is 176 bytes");

} // namespace

void quantize_row_q5_k_ref(const float* x, void* dst, int64_t n) { quantize_row_q5_k_with(x, dst, n, fit_subblocks_ref); }

void quantize_row_q5_k_with(const float* x, void* dst, int64_t n, SubblockFit fit) {
    auto* out = static_cast<uint8_t*>(dst);
    uint8_t L[kQkK];
    for (int64_t b = 0; b < n / kQkK; ++b, x += kQkK) {
        BlockQ5K blk{};
        quantize_superblock_scale_min(x, 31, -0.5f, 0.1f, 15, L, blk.d, blk.dmin, blk.scales, fit);
        for (int e = 0; e < kQkK; ++e) {
            const int q = L[e];
            const int byte = 32 * (e / 64) + e % 32;
            blk.qs[byte] = static_cast<uint8_t>(blk.qs[byte] | ((q & 0x0f) << ((e % 64) < 32 ? 0 : 4)));
            blk.qh[e % 32] = static_cast<uint8_t>(blk.qh[e % 32] | ((q >> 4) << (e / 32)));
        }
        std::memcpy(out + b * sizeof blk, &blk, sizeof blk);
    }
}

void dequantize_row_q5_k_ref(const void* src, float* y, int64_t n) {
    const auto* in = static_cast<const uint8_t*>(src);
    for (int64_t b = 0; b < n / kQkK; ++b) {
        BlockQ5K blk;
        std::memcpy(&blk, in + b * sizeof blk, sizeof blk);
        const float d = fp16_to_f32(blk.d);
        const float dmin = fp16_to_f32(blk.dmin);
        for (int e = 0; e < kQkK; ++e) {
            uint8_t sc = 0;
            uint8_t m = 0;
            unpack_scale_min_k4(e / 32, blk.scales, sc, m);
            const uint8_t byte = blk.qs[32 * (e / 64) + e % 32];
            const int lo = (e % 64) < 32 ? (byte & 0x0f) : (byte >> 4);
            const int q = lo | (((blk.qh[e % 32] >> (e / 32)) & 1) << 4);
            y[b * kQkK + e] = (d * static_cast<float>(sc)) * static_cast<float>(q) - dmin * static_cast<float>(m);
        }
    }
}

} // namespace quanta::detail
