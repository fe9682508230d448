// SPDX-License-Identifier: MIT
// Q4_K (ggml type 12): 256 weights in 144 bytes, 8 sub-blocks with 6-bit scales and mins
// (FORMATS.md §7.4).
#include "quant/kquant_common.h"
#include "quant/quant_internal.h"
#include "quanta/format.h"

#include <cstring>

namespace quanta::detail {

namespace {

struct BlockQ4K {
    uint16_t d;           // fp16 super-scale of the 6-bit scales
    uint16_t dmin;        // fp16 super-scale of the 6-bit mins
    uint8_t scales[12];   // 8 x (scale, min), packed by pack_scale_min_k4
    uint8_t qs[kQkK / 2]; // element e: qs[32*(e/64) + e%32], low nibble if e%64 < 32
};
static_assert(sizeof(BlockQ4K) == 144, "Q4_K block is 144 bytes");

} // namespace

void quantize_row_q4_k_ref(const float* x, void* dst, int64_t n) { quantize_row_q4_k_with(x, dst, n, fit_subblocks_ref); }

void quantize_row_q4_k_with(const float* x, void* dst, int64_t n, SubblockFit fit) {
    auto* out = static_cast<uint8_t*>(dst);
    uint8_t L[kQkK];
    for (int64_t b = 0; b < n / kQkK; ++b, x += kQkK) {
        BlockQ4K blk{};
        quantize_superblock_scale_min(x, 15, -1.0f, 0.1f, 20, L, blk.d, blk.dmin, blk.scales, fit);
        for (int g = 0; g < 4; ++g)
            for (int l = 0; l < 32; ++l)
                blk.qs[32 * g + l] = static_cast<uint8_t>(L[64 * g + l] | (L[64 * g + 32 + l] << 4));
        std::memcpy(out + b * sizeof blk, &blk, sizeof blk);
    }
}

void dequantize_row_q4_k_ref(const void* src, float* y, int64_t n) {
    const auto* in = static_cast<const uint8_t*>(src);
    for (int64_t b = 0; b < n / kQkK; ++b) {
        BlockQ4K blk;
        std::memcpy(&blk, in + b * sizeof blk, sizeof blk);
        const float d = fp16_to_f32(blk.d);
        const float dmin = fp16_to_f32(blk.dmin);
        for (int e = 0; e < kQkK; ++e) {
            uint8_t sc = 0;
            uint8_t m = 0;
            unpack_scale_min_k4(e / 32, blk.scales, sc, m);
            const uint8_t byte = blk.qs[32 * (e / 64) + e % 32];
            const int q = (e % 64) < 32 ? (byte & 0x0f) : (byte >> 4);
            y[b * kQkK + e] = (d * static_cast<float>(sc)) * static_cast<float>(q) - dmin * static_cast<float>(m);
        }
    }
}

} // namespace quanta::detail
