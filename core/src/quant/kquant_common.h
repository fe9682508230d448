// SPDX-License-Identifier: MIT
// Helpers shared by the k-quant reference quantizers (FORMATS.md §7.3). Internal to quanta_quant.
#pragma once

#include <cstdint>

namespace quanta::detail {

inline constexpr int kQkK = 256; ///< elements per k-quant super-block

/// Asymmetric scale + min fit (make_qkx2_quants, squared error). Writes L[n] in 0..nmax and
/// returns the scale; *the_min receives the non-negative min (y ~= scale * L - the_min).
/// laux is scratch space of n bytes.
float make_qkx2_quants(int n, int nmax, const float* x, const float* w, uint8_t* L, float* the_min, uint8_t* laux,
                       float rmin, float rdelta, int nstep);

/// Symmetric signed fit with weights x^2 (make_qx_quants, rmse_type 1). L[i] = l + nmax in
/// 0..2*nmax-1. Returns the scale (0 for an all-(near-)zero input, with L all 0).
float make_qx_quants(int n, int nmax, const float* x, int8_t* L);

/// 6-bit scale/min packing of Q4_K / Q5_K (12 bytes for 8 sub-blocks).
void pack_scale_min_k4(const uint8_t sc[8], const uint8_t m[8], uint8_t bytes[12]);
void unpack_scale_min_k4(int j, const uint8_t bytes[12], uint8_t& sc, uint8_t& m);

/// The sub-block fits of one Q4_K/Q5_K super-block: make_qkx2_quants with weights
/// av_x + |x| on each of the 8 sub-blocks of 32. Fast paths (quantize_avx2.cpp) compute exactly
/// the same floats, so they can replace fit_subblocks_ref without changing a byte.
using SubblockFit = void (*)(const float* x, int nmax, float rmin, float rdelta, int nstep, uint8_t L[kQkK],
                             float sub_scale[8], float sub_min[8]);
void fit_subblocks_ref(const float* x, int nmax, float rmin, float rdelta, int nstep, uint8_t L[kQkK],
                       float sub_scale[8], float sub_min[8]);

/// The common part of the Q4_K and Q5_K quantizers for one super-block of 256 values:
/// sub-block fits, 6-bit scales, fp16 super-scales, and the re-fit of every quant against the
/// rounded scales. Outputs L[256] in 0..nmax.
void quantize_superblock_scale_min(const float* x, int nmax, float rmin, float rdelta, int nstep, uint8_t L[kQkK],
                                   uint16_t& d, uint16_t& dmin, uint8_t scales[12], SubblockFit fit);

/// The sub-block fits of one Q6_K super-block: make_qx_quants(16, 32) on each of the 16
/// sub-blocks of 16, giving scales[16] and L[256] in 0..63. Same contract as SubblockFit.
using Q6kFit = void (*)(const float* x, int8_t L[kQkK], float scales[16]);
void fit_q6_k_ref(const float* x, int8_t L[kQkK], float scales[16]);

/// Row quantizers parameterized by the fit, shared by the reference and the fast paths.
void quantize_row_q4_k_with(const float* x, void* dst, int64_t n, SubblockFit fit);
void quantize_row_q5_k_with(const float* x, void* dst, int64_t n, SubblockFit fit);
void quantize_row_q6_k_with(const float* x, void* dst, int64_t n, Q6kFit fit);

/// SIMD fits (quantize_avx2.cpp); call only when the CPU has AVX2.
void fit_subblocks_avx2(const float* x, int nmax, float rmin, float rdelta, int nstep, uint8_t L[kQkK],
                        float sub_scale[8], float sub_min[8]);
void fit_q6_k_avx2(const float* x, int8_t L[kQkK], float scales[16]);

} // namespace quanta::detail
