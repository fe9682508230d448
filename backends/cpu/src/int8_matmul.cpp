// SPDX-License-Identifier: MIT
// LLM.int8() matmul (FORMATS.md §10.2), in f32 activations:
//   1. outlier columns O = { c : |x[t][c]| >= tau for some t } (none when tau == 0);
//   2. SCA[t] = max |x[t][c]| over the elements below tau;
//   3. CA[t][c] = round_half_even(x[t][c] * (127 / SCA[t])), 0 for outlier elements and columns in O;
//   4. C[t][r] = sum_c CA[t][c] * CB[r][c] in int32 (exact);
//   5. y[t][r] = C * SCA[t] * SCB[r] * (1/127^2) + sum_{c in O} x[t][c] * (CB[r][c] * SCB[r] / 127).
// Like bitsandbytes (and quanta::int8_matmul_reference), the input is first rounded to fp16; the
// output stays f32 (no fp16 rounding of y). Integer work is exact and the f32 steps follow the
// reference's order, so the result equals int8_matmul_reference(fp16_output = false) exactly.
#include "matmul_internal.h"
#include "simd_avx2.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace quanta::cpu::detail {

namespace {

constexpr float kInv127Sq = 6.2000124e-05f; // 1 / (127 * 127)
constexpr float kInv127 = 7.874015718698502e-3f;

struct Int8Args {
    const Weight* w;
    const float* x;
    const int8_t* ca;     // [T][k]
    const float* sca;     // [T]
    const int32_t* outliers;
    int64_t n_outliers;
    int64_t n_tokens;
    float* y;
};

// Finishes one output: rescale the int32 dot and add the f32 outlier columns.
inline float finish(const Int8Args& a, int64_t t, int64_t r, int32_t c) {
    const Weight& w = *a.w;
    const float scb = w.int8_scb[r];
    const float v = ((static_cast<float>(c) * a.sca[t]) * scb) * kInv127Sq;
    const auto* cb = static_cast<const int8_t*>(w.data) + r * w.k;
    const float* xt = a.x + t * w.k;
    float outlier = 0.0f;
    for (int64_t i = 0; i < a.n_outliers; ++i) {
        const int32_t col = a.outliers[i];
        outlier += xt[col] * ((static_cast<float>(cb[col]) * scb) * kInv127);
    }
    return v + outlier;
}

void rows_scalar(const Int8Args& a, int64_t r0, int64_t r1) {
    const int64_t k = a.w->k;
    for (int64_t r = r0; r < r1; ++r) {
        const auto* cb = static_cast<const int8_t*>(a.w->data) + r * k;
        for (int64_t t = 0; t < a.n_tokens; ++t) {
            const int8_t* ca = a.ca + t * k;
            int32_t c = 0;
            for (int64_t i = 0; i < k; ++i)
                c += static_cast<int32_t>(cb[i]) * ca[i];
            a.y[t * a.w->n + r] = finish(a, t, r, c);
        }
    }
}

__attribute__((target("avx2,fma,f16c"))) void rows_avx2(const Int8Args& a, int64_t r0, int64_t r1) {
    const int64_t k = a.w->k;
    const int64_t k32 = k / 32 * 32;
    for (int64_t r = r0; r < r1; ++r) {
        const auto* cb = static_cast<const int8_t*>(a.w->data) + r * k;
        for (int64_t t0 = 0; t0 < a.n_tokens; t0 += kMaxTokTile) {
            const int nt = static_cast<int>(std::min<int64_t>(kMaxTokTile, a.n_tokens - t0));
            __m256i acc[kMaxTokTile];
            for (int t = 0; t < kMaxTokTile; ++t)
                acc[t] = _mm256_setzero_si256();
            for (int64_t i = 0; i < k32; i += 32) {
                const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(cb + i));
                const __m256i aw = _mm256_sign_epi8(wv, wv);
                for (int t = 0; t < nt; ++t) {
                    const __m256i xv =
                        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.ca + (t0 + t) * k + i));
                    acc[t] = _mm256_add_epi32(acc[t], dot_u8s8(aw, _mm256_sign_epi8(xv, wv)));
                }
            }
            for (int t = 0; t < nt; ++t) {
                int32_t c = hsum_epi32(acc[t]);
                const int8_t* ca = a.ca + (t0 + t) * k;
                for (int64_t i = k32; i < k; ++i)
                    c += static_cast<int32_t>(cb[i]) * ca[i];
                a.y[(t0 + t) * a.w->n + r] = finish(a, t0 + t, r, c);
            }
        }
    }
}

__attribute__((target("avx2,fma,f16c"))) void round_fp16_avx2(const float* x, int64_t n, float* out) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT)));
    for (; i < n; ++i)
        out[i] = fp16_to_f32(f32_to_fp16(x[i]));
}

} // namespace

void matmul_int8(Context& ctx, const Weight& w, const float* x_in, int64_t n_tokens, float* y) {
    const int64_t k = w.k;
    const float tau = w.int8_threshold;
    // Scratch: x rounded to fp16 [T][k] f32 | CA [T][k] int8 | SCA [T] f32 | outlier columns [k]
    // int32 (each part 64-aligned).
    const size_t xh_bytes = static_cast<size_t>(n_tokens * k) * 4;
    const size_t ca_bytes = (static_cast<size_t>(n_tokens * k) + 63) / 64 * 64;
    const size_t sca_bytes = (static_cast<size_t>(n_tokens) * 4 + 63) / 64 * 64;
    auto* base = static_cast<uint8_t*>(ctx.scratch(xh_bytes + ca_bytes + sca_bytes + static_cast<size_t>(k) * 4));
    auto* xh = reinterpret_cast<float*>(base);
    auto* ca = reinterpret_cast<int8_t*>(base + xh_bytes);
    auto* sca = reinterpret_cast<float*>(base + xh_bytes + ca_bytes);
    auto* outliers = reinterpret_cast<int32_t*>(base + xh_bytes + ca_bytes + sca_bytes);
    const bool avx2 = ctx.isa() == Isa::Avx2;
    if (avx2) {
        round_fp16_avx2(x_in, n_tokens * k, xh);
    } else {
        for (int64_t i = 0; i < n_tokens * k; ++i)
            xh[i] = fp16_to_f32(f32_to_fp16(x_in[i]));
    }
    const float* x = xh;

    int64_t n_outliers = 0;
    if (tau > 0.0f) {
        for (int64_t c = 0; c < k; ++c) {
            for (int64_t t = 0; t < n_tokens; ++t) {
                if (std::fabs(x[t * k + c]) >= tau) {
                    outliers[n_outliers++] = static_cast<int32_t>(c);
                    break;
                }
            }
        }
    }
    for (int64_t t = 0; t < n_tokens; ++t) {
        const float* xt = x + t * k;
        float amax = 0.0f;
        for (int64_t c = 0; c < k; ++c) {
            const float v = std::fabs(xt[c]);
            if (tau <= 0.0f || v < tau)
                amax = std::max(amax, v);
        }
        sca[t] = amax;
        const float inv = amax > 0.0f ? 127.0f / amax : 0.0f;
        int8_t* cat = ca + t * k;
        for (int64_t c = 0; c < k; ++c) {
            const float v = xt[c];
            const bool inlier = tau <= 0.0f || std::fabs(v) < tau;
            cat[c] = inlier ? static_cast<int8_t>(std::nearbyint(v * inv)) : int8_t{0};
        }
        for (int64_t i = 0; i < n_outliers; ++i)
            cat[outliers[i]] = 0;
    }

    const Int8Args args{&w, x, ca, sca, outliers, n_outliers, n_tokens, y};
    const int64_t rows = std::clamp<int64_t>(w.n / (ctx.n_threads() * 8), 4, 64);
    const int64_t n_chunks = (w.n + rows - 1) / rows;
    ctx.pool().parallel_for(n_chunks, 1, [&](int64_t c0, int64_t c1, int) {
        for (int64_t c = c0; c < c1; ++c) {
            const int64_t r0 = c * rows, r1 = std::min(w.n, r0 + rows);
            if (avx2)
                rows_avx2(args, r0, r1);
            else
                rows_scalar(args, r0, r1);
        }
    });
}

} // namespace quanta::cpu::detail
