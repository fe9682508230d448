// SPDX-License-Identifier: MIT
// Internal contract between the matmul driver (matmul.cpp) and the per-ISA micro-kernels.
#pragma once

#include "quanta/cpu/kernels.h"

#include <cstddef>
#include <cstdint>
#include <bit>
#include <cmath>
#include <cstring>

namespace quanta::cpu::detail {

/// Activations quantized to 8 bits in blocks of 32: x ~= d * q with d = fp16(amax / 127) and
/// q = RNE(x * 127 / amax), the same values as ggml's Q8_0 / Q8_1 activations, so that both engines
/// make the same rounding decisions. s = d * sum(q) is exact in f32 (ggml rounds its Q8_1 sum to
/// fp16; exact keeps Q4_0/Q5_0 equal to a signed product and Q4_1/Q5_1 slightly more accurate). `s` = d * sum(q), needed by weight
/// formats with an offset or a min (Q4_0: -8, Q4_1: +m, K-quants: -dmin*m) so the offset term costs
/// one multiply per block instead of a pass over the block. One format for every weight format keeps
/// the activation pass single and shared; K-quant sub-blocks (32, or two 16s for Q6_K) fit in it.
struct ActQ8 {
    float d;
    float s;
    int8_t q[32];
};
static_assert(sizeof(ActQ8) == 40);

inline float fp16_round(float x) { return fp16_to_f32(f32_to_fp16(x)); }

/// What a kernel wants as its activations.
enum class ActKind {
    Q8,   ///< ActQ8 blocks, k/32 per token
    F32,  ///< the raw f32 activations
};

/// The largest token tile a micro-kernel handles at once (prefill reuses each decoded weight
/// block across this many tokens).
inline constexpr int kMaxTokTile = 4;
/// Kernels whose per-token work is a few instructions per block (the 32-element block formats)
/// take tiles of up to 8 tokens: their weight decoding is then shared by twice as many tokens.
inline constexpr int kMaxTokTileWide = 8;

/// One tile of work: rows [row0, row0 + n_rows) of W against tokens [0, n_tok) of `act`.
struct TileArgs {
    const Weight* w;
    int64_t row0;
    int64_t n_rows;
    const uint8_t* w_rows;  ///< first byte of row row0 in the main part
    size_t w_stride;        ///< bytes per row of the main part
    const void* act;        ///< first token of the tile: ActQ8 blocks or f32
    size_t act_stride;      ///< bytes between consecutive tokens of `act`
    int n_tok;              ///< 1 .. the kernel's max_tile
    float* y;               ///< y[t * y_stride + r] for the tile's rows (already offset by row0)
    size_t y_stride;        ///< floats between consecutive tokens of y
};

using TileKernel = void (*)(const TileArgs& a);

struct KernelEntry {
    ActKind act = ActKind::F32;
    TileKernel kernel = nullptr;
    int max_tile = kMaxTokTile; ///< the largest n_tok the kernel takes (kMaxTokTileWide at most)
};

/// The micro-kernel for a format on an ISA (INT8 is handled separately by matmul_int8).
KernelEntry scalar_kernel(Format format);
KernelEntry avx2_kernel(Format format);
KernelEntry avx2_kernel_legacy(Format format);  ///< Q4_0, Q4_1, Q5_0, Q5_1, Q8_0
KernelEntry avx2_kernel_kquant(Format format);  ///< Q4_K, Q5_K, Q6_K
KernelEntry avx2_kernel_float(Format format);   ///< F32, F16, BF16, NF4

/// Quantize n_tok rows of k floats into ActQ8 blocks (k/32 per row, rows contiguous).
void quantize_act_q8_scalar(const float* x, int64_t k, ActQ8* out);
void quantize_act_q8_avx2(const float* x, int64_t k, ActQ8* out);

/// LLM.int8() matmul (int8_matmul.cpp).
void matmul_int8(Context& ctx, const Weight& w, const float* x, int64_t n_tokens, float* y);

/// Dequantize one NF4 row of W (k values) to f32; shared by get_rows and the scalar kernel.
void dequantize_nf4_row(const Weight& w, int64_t row, float* out);
/// The NF4 table (FORMATS.md §9.2), exact f32 values.
extern const float kNf4Values[16];
/// Scale of NF4 block `b` (global block index): map[qabsmax[b]] * nested_absmax[b/256] + offset.
inline float nf4_block_scale(const Weight& w, int64_t b) {
    return w.nf4_nested_map[w.nf4_absmax[b]] * w.nf4_nested_absmax[b / 256] + w.nf4_nested_offset;
}

/// exp(x) by the steps of exp_ps (simd_avx2.h) on one value: a Cody-Waite reduction and a degree-6
/// polynomial, but every product and sum rounded on its own (this file is compiled without FMA
/// contraction). The scalar kernels and the SIMD tails use it; the Vulkan shaders compute the same
/// steps (common.glsl's exp_poly, `precise`), which lets a GPU backend match the CPU's scalar
/// kernels bit for bit; a driver's fused multiply-add is not reliably there to match.
inline float exp_poly(float x) {
    if (x > 88.7f)
        return __builtin_inff();
    if (x < -87.3f)
        return 0.0f;
    const float n = std::nearbyint(x * 1.44269504089f);
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const int ni = static_cast<int>(n);
    const int n1 = ni >> 1, n2 = ni - n1;
    const float s1 = std::bit_cast<float>(static_cast<uint32_t>(n1 + 127) << 23);
    const float s2 = std::bit_cast<float>(static_cast<uint32_t>(n2 + 127) << 23);
    return (p * s1) * s2;
}

/// Softmax of one row in place (ops.cpp; shared with attention).
void softmax_row(bool avx2, float* x, int64_t n);

inline uint16_t read_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}
inline uint32_t read_u32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

/// 6-bit scale and min j of a Q4_K / Q5_K block (FORMATS.md §7.3).
inline void kquant_scale_min(const uint8_t* scales, int j, int& sc, int& m) {
    if (j < 4) {
        sc = scales[j] & 63;
        m = scales[j + 4] & 63;
    } else {
        sc = (scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4);
        m = (scales[j + 4] >> 4) | ((scales[j] >> 6) << 4);
    }
}

} // namespace quanta::cpu::detail
