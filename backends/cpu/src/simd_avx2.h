// SPDX-License-Identifier: MIT
// Small AVX2 helpers. Include only from files compiled under QUANTA_AVX2_BEGIN (a target pragma),
// so that the binary still runs on CPUs without AVX2 (kernels are chosen at run time).
#pragma once

#include <immintrin.h>

#include <cstdint>

#if defined(__clang__)
#define QUANTA_AVX2_BEGIN _Pragma("clang attribute push(__attribute__((target(\"avx2,fma,f16c\"))), apply_to = function)")
#define QUANTA_AVX2_END _Pragma("clang attribute pop")
#else
#define QUANTA_AVX2_BEGIN _Pragma("GCC push_options") _Pragma("GCC target(\"avx2,fma,f16c\")")
#define QUANTA_AVX2_END _Pragma("GCC pop_options")
#endif

QUANTA_AVX2_BEGIN

namespace quanta::cpu::detail {

/// Decode streams weights from DRAM and the hardware prefetcher alone leaves the core waiting on a
/// share of the lines (measured: Q8_0 matvec 7.8 -> 11.5 GB/s on one Zen 3 core), so kernels ask
/// for weight bytes this far ahead. Rows of a chunk are contiguous: running past a row's end
/// prefetches the next row.
inline constexpr int kPrefetchBytes = 1024;
inline void prefetch_ahead(const uint8_t* p) {
    _mm_prefetch(reinterpret_cast<const char*>(p) + kPrefetchBytes, _MM_HINT_T0);
}

inline float hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

inline int hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

inline float hmax_ps(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Sum of u8 x s8 products of 32 bytes, as 8 int32 partial sums (pairs can't overflow int16 for
/// |a| <= 127 and u <= 128).
inline __m256i dot_u8s8(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
}

inline float fp16_load(const uint8_t* p) {
    uint16_t h;
    __builtin_memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

/// exp(x) for 8 floats: 2^n * p(r), r = x - n ln2 in [-ln2/2, ln2/2], degree-6 polynomial
/// (relative error ~2e-7); inputs below -87.3 give 0 and above 88.7 give inf.
inline __m256 exp_ps(__m256 x) {
    const __m256 hi = _mm256_set1_ps(88.7f);
    const __m256 lo = _mm256_set1_ps(-87.3f);
    const __m256 big = _mm256_cmp_ps(x, hi, _CMP_GT_OQ);
    const __m256 tiny = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504089f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // Two-constant Cody-Waite reduction keeps r accurate for |n| up to ~128.
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.0f / 720.0f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    // 2^n split in two factors so n = 128 (x near 88.7) does not overflow the exponent field.
    const __m256i ni = _mm256_cvtps_epi32(n);
    const __m256i n1 = _mm256_srai_epi32(ni, 1);
    const __m256i n2 = _mm256_sub_epi32(ni, n1);
    const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, _mm256_set1_epi32(127)), 23));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, _mm256_set1_epi32(127)), 23));
    __m256 res = _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
    res = _mm256_blendv_ps(res, _mm256_set1_ps(__builtin_inff()), big);
    return _mm256_andnot_ps(tiny, res);
}

} // namespace quanta::cpu::detail

QUANTA_AVX2_END
