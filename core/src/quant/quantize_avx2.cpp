// SPDX-License-Identifier: MIT
// AVX2 quantizers that produce the reference quantizers' bytes exactly (tests/quant compares them
// on random and adversarial data). The k-quant searches are sequential per sub-block: every
// accumulation runs over the elements in index order, so vectorizing along the elements would
// change the rounding. Instead each of the 8 lanes runs the reference algorithm on its own
// sub-block, with the same f32 operations in the same order (no FMA: quanta_quant is built
// with -ffp-contract=off and this file uses no fma intrinsics).
#include "quant/kquant_common.h"
#include "quant/quant_internal.h"
#include "quanta/format.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>

#include <cmath>
#include <cstring>

#define QUANTA_TARGET_AVX2 __attribute__((target("avx2")))

namespace quanta::detail {

namespace {

/// nearest_int() on 8 lanes: the same 1.5·2^23 trick, bit for bit.
QUANTA_TARGET_AVX2 inline __m256i nearest_int8(__m256 v) {
    const __m256i bits = _mm256_castps_si256(_mm256_add_ps(v, _mm256_set1_ps(12582912.0f)));
    return _mm256_sub_epi32(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x00400000));
}

QUANTA_TARGET_AVX2 inline __m256i clamp8(__m256i v, int lo, int hi) {
    return _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(lo)), _mm256_set1_epi32(hi));
}

QUANTA_TARGET_AVX2 inline __m256 abs8(__m256 v) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v); }

QUANTA_TARGET_AVX2 float horizontal_max(__m256 m) {
    m = _mm256_max_ps(m, _mm256_permute2f128_ps(m, m, 1));
    m = _mm256_max_ps(m, _mm256_shuffle_ps(m, m, 0x4e));
    m = _mm256_max_ps(m, _mm256_shuffle_ps(m, m, 0xb1));
    return _mm256_cvtss_f32(m);
}

/// Lane j of the result: (mask_j ? b_j : a_j).
QUANTA_TARGET_AVX2 inline __m256 select(__m256 mask, __m256 a, __m256 b) { return _mm256_blendv_ps(a, b, mask); }
QUANTA_TARGET_AVX2 inline __m256i select(__m256 mask, __m256i a, __m256i b) {
    return _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), mask));
}

/// xt[i] lane j = x[stride * j + i]: lane j walks sub-block j.
template <int N>
QUANTA_TARGET_AVX2 void transpose_subblocks(const float* x, int stride, __m256 (&xt)[N]) {
    alignas(32) float t[N][8];
    for (int j = 0; j < 8; ++j)
        for (int i = 0; i < N; ++i)
            t[i][j] = x[stride * j + i];
    for (int i = 0; i < N; ++i)
        xt[i] = _mm256_load_ps(t[i]);
}

template <int N, class T>
QUANTA_TARGET_AVX2 void scatter_subblocks(const __m256i (&lt)[N], int offset, int stride, T* out) {
    alignas(32) int32_t t[8];
    for (int i = 0; i < N; ++i) {
        _mm256_store_si256(reinterpret_cast<__m256i*>(t), lt[i]);
        for (int j = 0; j < 8; ++j)
            out[stride * j + i] = static_cast<T>(t[j] + offset);
    }
}

} // namespace

// fit_subblocks_ref + make_qkx2_quants (kquant_common.cpp) with sub-block j in lane j.
QUANTA_TARGET_AVX2 void fit_subblocks_avx2(const float* x, int nmax, float rmin, float rdelta, int nstep,
                                           uint8_t L[kQkK], float sub_scale[8], float sub_min[8]) {
    constexpr int n = 32;
    __m256 X[n];
    __m256 W[n];
    transpose_subblocks(x, n, X);
    __m256 sum_x2 = _mm256_setzero_ps();
    for (int i = 0; i < n; ++i)
        sum_x2 = _mm256_add_ps(sum_x2, _mm256_mul_ps(X[i], X[i]));
    const __m256 av_x = _mm256_sqrt_ps(_mm256_div_ps(sum_x2, _mm256_set1_ps(32.0f)));
    for (int i = 0; i < n; ++i)
        W[i] = _mm256_add_ps(av_x, abs8(X[i]));

    __m256 mn = X[0];
    __m256 mx = X[0];
    __m256 sum_w = W[0];
    __m256 sum_x = _mm256_mul_ps(W[0], X[0]);
    for (int i = 1; i < n; ++i) {
        mn = _mm256_min_ps(X[i], mn); // (x < mn) ? x : mn, as the scalar `if`
        mx = _mm256_max_ps(X[i], mx);
        sum_w = _mm256_add_ps(sum_w, W[i]);
        sum_x = _mm256_add_ps(sum_x, _mm256_mul_ps(W[i], X[i]));
    }
    const __m256 zero = _mm256_setzero_ps();
    mn = select(_mm256_cmp_ps(mn, zero, _CMP_GT_OQ), mn, zero);
    const __m256 constant = _mm256_cmp_ps(mx, mn, _CMP_EQ_OQ);
    const __m256 mn_start = mn;
    const __m256 fnmax = _mm256_set1_ps(static_cast<float>(nmax));

    __m256 iscale = _mm256_div_ps(fnmax, _mm256_sub_ps(mx, mn));
    __m256 scale = _mm256_div_ps(_mm256_set1_ps(1.0f), iscale);
    __m256 best = zero;
    __m256i Lbest[n];
    for (int i = 0; i < n; ++i) {
        Lbest[i] = clamp8(nearest_int8(_mm256_mul_ps(iscale, _mm256_sub_ps(X[i], mn))), 0, nmax);
        const __m256 diff = _mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(scale, _mm256_cvtepi32_ps(Lbest[i])), mn), X[i]);
        best = _mm256_add_ps(best, _mm256_mul_ps(W[i], _mm256_mul_ps(diff, diff)));
    }
    __m256i laux[n];
    for (int is = 0; is <= nstep; ++is) {
        const float step = (rmin + rdelta * static_cast<float>(is)) + static_cast<float>(nmax);
        iscale = _mm256_div_ps(_mm256_set1_ps(step), _mm256_sub_ps(mx, mn)); // mn moves with the best fit
        __m256 sum_l = zero;
        __m256 sum_l2 = zero;
        __m256 sum_xl = zero;
        for (int i = 0; i < n; ++i) {
            laux[i] = clamp8(nearest_int8(_mm256_mul_ps(iscale, _mm256_sub_ps(X[i], mn))), 0, nmax);
            const __m256 l = _mm256_cvtepi32_ps(laux[i]);
            const __m256 wl = _mm256_mul_ps(W[i], l);
            sum_l = _mm256_add_ps(sum_l, wl);
            sum_l2 = _mm256_add_ps(sum_l2, _mm256_mul_ps(wl, l));
            sum_xl = _mm256_add_ps(sum_xl, _mm256_mul_ps(wl, X[i]));
        }
        const __m256 D = _mm256_sub_ps(_mm256_mul_ps(sum_w, sum_l2), _mm256_mul_ps(sum_l, sum_l));
        const __m256 positive = _mm256_cmp_ps(D, zero, _CMP_GT_OQ);
        if (_mm256_movemask_ps(positive) == 0)
            continue;
        __m256 this_scale =
            _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(sum_w, sum_xl), _mm256_mul_ps(sum_x, sum_l)), D);
        __m256 this_min =
            _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(sum_l2, sum_x), _mm256_mul_ps(sum_l, sum_xl)), D);
        const __m256 min_positive = _mm256_cmp_ps(this_min, zero, _CMP_GT_OQ);
        this_min = select(min_positive, this_min, zero);
        this_scale = select(min_positive, this_scale, _mm256_div_ps(sum_xl, sum_l2));
        __m256 err = zero;
        for (int i = 0; i < n; ++i) {
            const __m256 l = _mm256_cvtepi32_ps(laux[i]);
            const __m256 diff = _mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(this_scale, l), this_min), X[i]);
            err = _mm256_add_ps(err, _mm256_mul_ps(W[i], _mm256_mul_ps(diff, diff)));
        }
        const __m256 better = _mm256_and_ps(positive, _mm256_cmp_ps(err, best, _CMP_LT_OQ));
        if (_mm256_movemask_ps(better) == 0)
            continue;
        for (int i = 0; i < n; ++i)
            Lbest[i] = select(better, Lbest[i], laux[i]);
        best = select(better, best, err);
        scale = select(better, scale, this_scale);
        mn = select(better, mn, this_min);
    }
    // A constant sub-block: all quants 0, scale 0, min -mn (the scalar early return).
    for (int i = 0; i < n; ++i)
        Lbest[i] = select(constant, Lbest[i], _mm256_setzero_si256());
    scale = select(constant, scale, zero);
    mn = select(constant, mn, mn_start);
    _mm256_storeu_ps(sub_scale, scale);
    _mm256_storeu_ps(sub_min, _mm256_xor_ps(mn, _mm256_set1_ps(-0.0f))); // -mn, keeping -0.0f
    scatter_subblocks(Lbest, 0, n, L);
}

// fit_q6_k_ref + make_qx_quants(16, 32) with sub-block j of each half in lane j.
QUANTA_TARGET_AVX2 void fit_q6_k_avx2(const float* x, int8_t L[kQkK], float scales[16]) {
    constexpr int n = 16;
    constexpr int nmax = 32;
    const __m256 zero = _mm256_setzero_ps();
    for (int half = 0; half < 2; ++half) {
        const float* xh = x + 128 * half;
        __m256 X[n];
        transpose_subblocks(xh, n, X);
        __m256 amax = zero;
        __m256 max = zero;
        for (int i = 0; i < n; ++i) {
            const __m256 ax = abs8(X[i]);
            const __m256 larger = _mm256_cmp_ps(ax, amax, _CMP_GT_OQ);
            amax = select(larger, amax, ax);
            max = select(larger, max, X[i]);
        }
        const __m256 tiny = _mm256_cmp_ps(amax, _mm256_set1_ps(1e-15f), _CMP_LT_OQ); // GROUP_MAX_EPS
        __m256i Lbest[n];
        __m256 sumlx = zero;
        __m256 suml2 = zero;
        __m256 iscale = _mm256_div_ps(_mm256_set1_ps(-static_cast<float>(nmax)), max);
        for (int i = 0; i < n; ++i) {
            Lbest[i] = clamp8(nearest_int8(_mm256_mul_ps(iscale, X[i])), -nmax, nmax - 1);
            const __m256 w = _mm256_mul_ps(X[i], X[i]);
            const __m256 l = _mm256_cvtepi32_ps(Lbest[i]);
            sumlx = _mm256_add_ps(sumlx, _mm256_mul_ps(_mm256_mul_ps(w, X[i]), l));
            suml2 = _mm256_add_ps(suml2, _mm256_mul_ps(_mm256_mul_ps(w, l), l));
        }
        __m256 scale = select(_mm256_cmp_ps(suml2, zero, _CMP_NEQ_UQ), zero, _mm256_div_ps(sumlx, suml2));
        __m256 best = _mm256_mul_ps(scale, sumlx);
        __m256i laux[n];
        for (int is = -9; is <= 9; ++is) {
            if (is == 0)
                continue;
            const float step = -(static_cast<float>(nmax) + 0.1f * static_cast<float>(is));
            iscale = _mm256_div_ps(_mm256_set1_ps(step), max);
            sumlx = zero;
            suml2 = zero;
            for (int i = 0; i < n; ++i) {
                laux[i] = clamp8(nearest_int8(_mm256_mul_ps(iscale, X[i])), -nmax, nmax - 1);
                const __m256 w = _mm256_mul_ps(X[i], X[i]);
                const __m256 l = _mm256_cvtepi32_ps(laux[i]);
                sumlx = _mm256_add_ps(sumlx, _mm256_mul_ps(_mm256_mul_ps(w, X[i]), l));
                suml2 = _mm256_add_ps(suml2, _mm256_mul_ps(_mm256_mul_ps(w, l), l));
            }
            const __m256 better = _mm256_and_ps(
                _mm256_cmp_ps(suml2, zero, _CMP_GT_OQ),
                _mm256_cmp_ps(_mm256_mul_ps(sumlx, sumlx), _mm256_mul_ps(best, suml2), _CMP_GT_OQ));
            if (_mm256_movemask_ps(better) == 0)
                continue;
            for (int i = 0; i < n; ++i)
                Lbest[i] = select(better, Lbest[i], laux[i]);
            scale = select(better, scale, _mm256_div_ps(sumlx, suml2));
            best = select(better, best, _mm256_mul_ps(scale, sumlx));
        }
        // The scalar stores l + nmax; a (near-)zero sub-block keeps all quants 0 and scale 0.
        for (int i = 0; i < n; ++i)
            Lbest[i] = select(tiny, _mm256_add_epi32(Lbest[i], _mm256_set1_epi32(nmax)), _mm256_setzero_si256());
        _mm256_storeu_ps(scales + 8 * half, select(tiny, scale, zero));
        scatter_subblocks(Lbest, 0, n, L + 128 * half);
    }
}

namespace {

/// The reference's signed_absmax: the first element of largest magnitude (0 when all are 0).
/// max |x| does not depend on the order; the first index that reaches it does.
QUANTA_TARGET_AVX2 float signed_absmax32(const float* x) {
    __m256 a[4];
    for (int k = 0; k < 4; ++k)
        a[k] = abs8(_mm256_loadu_ps(x + 8 * k));
    const float amax = horizontal_max(_mm256_max_ps(_mm256_max_ps(a[0], a[1]), _mm256_max_ps(a[2], a[3])));
    if (amax == 0.0f)
        return 0.0f;
    const __m256 m = _mm256_set1_ps(amax);
    uint32_t hits = 0;
    for (int k = 0; k < 4; ++k)
        hits |= static_cast<uint32_t>(_mm256_movemask_ps(_mm256_cmp_ps(a[k], m, _CMP_EQ_OQ))) << (8 * k);
    return x[__builtin_ctz(hits)];
}

} // namespace

namespace {

constexpr int kBlock = 32; ///< elements of the legacy blocks

/// qs[j] = low nibble of q[j] | low nibble of q[j + 16] << 4 (q: 32 values in 4 vectors).
QUANTA_TARGET_AVX2 void store_nibbles(const __m256i (&q)[4], uint8_t* qs) {
    const __m256i nibble = _mm256_set1_epi32(0x0f);
    const __m256i lo = _mm256_or_si256(_mm256_and_si256(q[0], nibble), _mm256_slli_epi32(_mm256_and_si256(q[2], nibble), 4));
    const __m256i hi = _mm256_or_si256(_mm256_and_si256(q[1], nibble), _mm256_slli_epi32(_mm256_and_si256(q[3], nibble), 4));
    const __m256i words = _mm256_permute4x64_epi64(_mm256_packus_epi32(lo, hi), 0xd8); // 16 x u16, in order
    _mm_storeu_si128(reinterpret_cast<__m128i*>(qs),
                     _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1)));
}

/// Bit j = bit 4 of q[j] (the fifth bit of Q5_0/Q5_1).
QUANTA_TARGET_AVX2 uint32_t fifth_bits(const __m256i (&q)[4]) {
    uint32_t qh = 0;
    for (int k = 0; k < 4; ++k)
        qh |= static_cast<uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_slli_epi32(q[k], 27)))) << (8 * k);
    return qh;
}

/// q[k] = min(top, trunc(x * id + bias)) for the block's 32 values: the reference's
/// (int8_t)(x * id + bias) (a multiply, then an add), non-negative here, so truncation is floor.
QUANTA_TARGET_AVX2 void truncated_codes(const float* x, float sub, float id, float bias, int top, __m256i (&q)[4]) {
    for (int k = 0; k < 4; ++k) {
        const __m256 v = _mm256_sub_ps(_mm256_loadu_ps(x + 8 * k), _mm256_set1_ps(sub));
        const __m256 t = _mm256_add_ps(_mm256_mul_ps(v, _mm256_set1_ps(id)), _mm256_set1_ps(bias));
        q[k] = _mm256_min_epi32(_mm256_cvttps_epi32(t), _mm256_set1_epi32(top));
    }
}

/// The reference's min_max over 32 values. The order of a vector min does not matter except
/// for the sign of a zero minimum (stored in the block): that case takes the scalar loop.
QUANTA_TARGET_AVX2 void min_max32(const float* x, float& min, float& max) {
    __m256 lo = _mm256_loadu_ps(x);
    __m256 hi = lo;
    for (int k = 1; k < 4; ++k) {
        const __m256 v = _mm256_loadu_ps(x + 8 * k);
        lo = _mm256_min_ps(v, lo);
        hi = _mm256_max_ps(v, hi);
    }
    min = -horizontal_max(_mm256_xor_ps(lo, _mm256_set1_ps(-0.0f)));
    max = horizontal_max(hi);
    if (min == 0.0f || max == 0.0f) {
        min = max = x[0];
        for (int j = 1; j < kBlock; ++j) {
            if (x[j] < min)
                min = x[j];
            if (x[j] > max)
                max = x[j];
        }
    }
}

void store_fp16(uint8_t* dst, float v) {
    const uint16_t h = f32_to_fp16(v);
    std::memcpy(dst, &h, 2);
}

} // namespace

// The legacy 32-element formats: the same arithmetic as q_legacy.cpp, per element on 8 lanes
// (each element's code depends only on the block's scale, so the order does not matter).
QUANTA_TARGET_AVX2 void quantize_row_q4_0_avx2(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, out += 18) { // fp16 d, 16 bytes qs
        const float d = signed_absmax32(x) / -8.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        __m256i q[4];
        truncated_codes(x, 0.0f, id, 8.5f, 15, q);
        store_fp16(out, d);
        store_nibbles(q, out + 2);
    }
}

QUANTA_TARGET_AVX2 void quantize_row_q5_0_avx2(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, out += 22) { // fp16 d, 4 bytes qh, 16 bytes qs
        const float d = signed_absmax32(x) / -16.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        __m256i q[4];
        truncated_codes(x, 0.0f, id, 16.5f, 31, q);
        const uint32_t qh = fifth_bits(q);
        store_fp16(out, d);
        std::memcpy(out + 2, &qh, 4);
        store_nibbles(q, out + 6);
    }
}

QUANTA_TARGET_AVX2 void quantize_row_q4_1_avx2(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, out += 20) { // fp16 d, fp16 m, 16 bytes qs
        float min = 0.0f;
        float max = 0.0f;
        min_max32(x, min, max);
        const float d = (max - min) / 15.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        __m256i q[4];
        truncated_codes(x, min, id, 0.5f, 15, q);
        store_fp16(out, d);
        store_fp16(out + 2, min);
        store_nibbles(q, out + 4);
    }
}

QUANTA_TARGET_AVX2 void quantize_row_q5_1_avx2(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, out += 24) { // d, m, 4 bytes qh, 16 bytes qs
        float min = 0.0f;
        float max = 0.0f;
        min_max32(x, min, max);
        const float d = (max - min) / 31.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        __m256i q[4];
        truncated_codes(x, min, id, 0.5f, 31, q); // <= 31.5 by construction, as the reference notes
        const uint32_t qh = fifth_bits(q);
        store_fp16(out, d);
        store_fp16(out + 2, min);
        std::memcpy(out + 4, &qh, 4);
        store_nibbles(q, out + 8);
    }
}

// quantize_row_q8_0_ref: d = amax / 127 and round(x * id), half away from zero. roundf has no
// vector instruction: truncate, then step away from zero when the dropped part is >= 0.5
// (exact: |x * id| <= 127, so x * id - trunc is computed without rounding).
QUANTA_TARGET_AVX2 void quantize_row_q8_0_avx2(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    const __m256 sign_bit = _mm256_set1_ps(-0.0f);
    for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, out += 34) { // fp16 d, 32 x int8
        __m256 v[4];
        __m256 amax = _mm256_setzero_ps();
        for (int k = 0; k < 4; ++k) {
            v[k] = _mm256_loadu_ps(x + 8 * k);
            amax = _mm256_max_ps(amax, abs8(v[k]));
        }
        const float d = horizontal_max(amax) / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        __m256i q[4];
        for (int k = 0; k < 4; ++k) {
            const __m256 s = _mm256_mul_ps(v[k], _mm256_set1_ps(id));
            const __m256 t = _mm256_round_ps(s, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
            const __m256 away = _mm256_cmp_ps(abs8(_mm256_sub_ps(s, t)), _mm256_set1_ps(0.5f), _CMP_GE_OQ);
            const __m256 step = _mm256_and_ps(away, _mm256_or_ps(_mm256_and_ps(s, sign_bit), _mm256_set1_ps(1.0f)));
            q[k] = _mm256_cvttps_epi32(_mm256_add_ps(t, step));
        }
        const __m256i words01 = _mm256_packs_epi32(q[0], q[1]);
        const __m256i words23 = _mm256_packs_epi32(q[2], q[3]);
        const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(words01, words23),
                                                          _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        store_fp16(out, d);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 2), bytes);
    }
}

// dequantize_row_q4_1_ref: q * d + m (a multiply, then an add: no FMA, as the reference).
QUANTA_TARGET_AVX2 void dequantize_row_q4_1_avx2(const void* src, float* y, int64_t n) {
    const auto* in = static_cast<const uint8_t*>(src);
    for (int64_t b = 0; b < n / 32; ++b, in += 20, y += 32) {
        uint16_t dh = 0;
        uint16_t mh = 0;
        std::memcpy(&dh, in, 2);
        std::memcpy(&mh, in + 2, 2);
        const __m256 d = _mm256_set1_ps(fp16_to_f32(dh));
        const __m256 m = _mm256_set1_ps(fp16_to_f32(mh));
        const __m128i qs = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 4));
        const __m128i lo = _mm_and_si128(qs, _mm_set1_epi8(0x0f));
        const __m128i hi = _mm_and_si128(_mm_srli_epi16(qs, 4), _mm_set1_epi8(0x0f));
        const __m128i parts[4] = {lo, _mm_srli_si128(lo, 8), hi, _mm_srli_si128(hi, 8)};
        for (int k = 0; k < 4; ++k) {
            const __m256 q = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(parts[k]));
            _mm256_storeu_ps(y + 8 * k, _mm256_add_ps(_mm256_mul_ps(q, d), m));
        }
    }
}

// fp16_to_f32 on 8 lanes with F16C; groups holding a NaN take the scalar path, which keeps a
// signalling NaN's payload exactly (the instruction would quiet it).
__attribute__((target("avx2,f16c"))) void dequantize_row_f16_f16c(const void* src, float* y, int64_t n) {
    const auto* in = static_cast<const uint16_t*>(src);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i)));
        if (_mm256_movemask_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q)) != 0) {
            for (int64_t k = i; k < i + 8; ++k)
                y[k] = fp16_to_f32(in[k]);
            continue;
        }
        _mm256_storeu_ps(y + i, v);
    }
    for (; i < n; ++i)
        y[i] = fp16_to_f32(in[i]);
}

} // namespace quanta::detail

#endif
