// SPDX-License-Identifier: MIT
// AVX2 micro-kernels for formats multiplied in f32: F32, F16 (F16C), BF16 (a shift) and NF4
// (a 16-entry table lookup with two permutevar8x32 + blend; the table is pre-scaled by each block's
// absmax so the lookup yields finished weights). Accuracy equals dequantize-then-dot in f32.
#include "matmul_internal.h"
#include "simd_avx2.h"

QUANTA_AVX2_BEGIN

namespace quanta::cpu::detail {

namespace {

struct LoadF32 {
    static constexpr int64_t kElemBytes = 4;
    static __m256 load8(const uint8_t* row, int64_t e) {
        return _mm256_loadu_ps(reinterpret_cast<const float*>(row) + e);
    }
    static float load1(const uint8_t* row, int64_t e) { return reinterpret_cast<const float*>(row)[e]; }
};
struct LoadF16 {
    static constexpr int64_t kElemBytes = 2;
    static __m256 load8(const uint8_t* row, int64_t e) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * e)));
    }
    static float load1(const uint8_t* row, int64_t e) { return fp16_load(row + 2 * e); }
};
struct LoadBF16 {
    static constexpr int64_t kElemBytes = 2;
    static __m256 load8(const uint8_t* row, int64_t e) {
        const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * e));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    }
    static float load1(const uint8_t* row, int64_t e) { return bf16_to_f32(read_u16(row + 2 * e)); }
};

template <class L, int NT>
void tile_plain(const TileArgs& a) {
    const int64_t k = a.w->k;
    const float* x[NT];
    for (int t = 0; t < NT; ++t)
        x[t] = reinterpret_cast<const float*>(static_cast<const uint8_t*>(a.act) + t * a.act_stride);
    for (int64_t r = 0; r < a.n_rows; ++r) {
        const uint8_t* row = a.w_rows + r * a.w_stride;
        // Two accumulators per token hide the FMA latency at NT = 1.
        __m256 acc0[NT], acc1[NT];
        for (int t = 0; t < NT; ++t)
            acc0[t] = acc1[t] = _mm256_setzero_ps();
        int64_t e = 0;
        for (; e + 16 <= k; e += 16) {
            prefetch_ahead(row + e * L::kElemBytes);
            const __m256 w0 = L::load8(row, e);
            const __m256 w1 = L::load8(row, e + 8);
            for (int t = 0; t < NT; ++t) {
                acc0[t] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x[t] + e), acc0[t]);
                acc1[t] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x[t] + e + 8), acc1[t]);
            }
        }
        for (int t = 0; t < NT; ++t) {
            float s = hsum_ps(_mm256_add_ps(acc0[t], acc1[t]));
            for (int64_t i = e; i < k; ++i)
                s += L::load1(row, i) * x[t][i];
            a.y[t * a.y_stride + r] = s;
        }
    }
}

template <int NT>
void tile_nf4(const TileArgs& a) {
    const Weight& w = *a.w;
    const int64_t nb = w.k / 64;
    const float* x[NT];
    for (int t = 0; t < NT; ++t)
        x[t] = reinterpret_cast<const float*>(static_cast<const uint8_t*>(a.act) + t * a.act_stride);
    const __m256 tlo = _mm256_loadu_ps(kNf4Values);
    const __m256 thi = _mm256_loadu_ps(kNf4Values + 8);
    const __m128i m4 = _mm_set1_epi8(0x0F);
    for (int64_t r = 0; r < a.n_rows; ++r) {
        const uint8_t* row = a.w_rows + r * a.w_stride;
        const int64_t b0 = (a.row0 + r) * nb;
        __m256 acc[2][NT]; // two FMA chains per token (latency)
        for (int t = 0; t < NT; ++t)
            acc[0][t] = acc[1][t] = _mm256_setzero_ps();
        for (int64_t b = 0; b < nb; ++b) {
            prefetch_ahead(row + b * 32);
            const __m256 scale = _mm256_set1_ps(nf4_block_scale(w, b0 + b));
            const __m256 slo = _mm256_mul_ps(tlo, scale);
            const __m256 shi = _mm256_mul_ps(thi, scale);
            for (int half = 0; half < 2; ++half) {
                const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + b * 32 + half * 16));
                const __m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), m4);
                const __m128i lo = _mm_and_si128(v, m4);
                // Even elements are the high nibbles: interleave hi, lo to get element order.
                const __m128i codes[2] = {_mm_unpacklo_epi8(hi, lo), _mm_unpackhi_epi8(hi, lo)};
                for (int c = 0; c < 4; ++c) {
                    const __m128i src = c % 2 == 0 ? codes[c / 2] : _mm_srli_si128(codes[c / 2], 8);
                    const __m256i idx = _mm256_cvtepu8_epi32(src);
                    const __m256 vlo = _mm256_permutevar8x32_ps(slo, idx);
                    const __m256 vhi = _mm256_permutevar8x32_ps(shi, idx);
                    const __m256 wv = _mm256_blendv_ps(vlo, vhi, _mm256_castsi256_ps(_mm256_slli_epi32(idx, 28)));
                    const int64_t e = b * 64 + half * 32 + c * 8;
                    for (int t = 0; t < NT; ++t)
                        acc[c & 1][t] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(x[t] + e), acc[c & 1][t]);
                }
            }
        }
        for (int t = 0; t < NT; ++t)
            a.y[t * a.y_stride + r] = hsum_ps(_mm256_add_ps(acc[0][t], acc[1][t]));
    }
}

template <void (*K1)(const TileArgs&), void (*K2)(const TileArgs&), void (*K3)(const TileArgs&),
          void (*K4)(const TileArgs&)>
void by_tile(const TileArgs& a) {
    switch (a.n_tok) {
    case 1: K1(a); break;
    case 2: K2(a); break;
    case 3: K3(a); break;
    default: K4(a); break;
    }
}

template <class L>
constexpr TileKernel plain_kernel() {
    return by_tile<tile_plain<L, 1>, tile_plain<L, 2>, tile_plain<L, 3>, tile_plain<L, 4>>;
}

} // namespace

KernelEntry avx2_kernel_float(Format format) {
    switch (format) {
    case Format::F32: return {ActKind::F32, plain_kernel<LoadF32>()};
    case Format::F16: return {ActKind::F32, plain_kernel<LoadF16>()};
    case Format::BF16: return {ActKind::F32, plain_kernel<LoadBF16>()};
    case Format::NF4: return {ActKind::F32, by_tile<tile_nf4<1>, tile_nf4<2>, tile_nf4<3>, tile_nf4<4>>};
    default: return {};
    }
}

} // namespace quanta::cpu::detail

QUANTA_AVX2_END
