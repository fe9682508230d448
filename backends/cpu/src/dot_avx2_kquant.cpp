// SPDX-License-Identifier: MIT
// AVX2 micro-kernels for the 256-element K-quants (Q4_K, Q5_K, Q6_K) against ActQ8 activations.
// A super-block is walked as 8 chunks of 32 weights, each lining up with one activation block, so
// the per-chunk integer dot is scaled by (super-scale * sub-scale) * d_a in f32 and mins are folded
// into the activation block sums.
#include "matmul_internal.h"
#include "simd_avx2.h"

QUANTA_AVX2_BEGIN

namespace quanta::cpu::detail {

namespace {

template <int NT>
inline void load_act(const TileArgs& a, const ActQ8* (&act)[NT]) {
    for (int t = 0; t < NT; ++t)
        act[t] = reinterpret_cast<const ActQ8*>(static_cast<const uint8_t*>(a.act) + t * a.act_stride);
}

inline __m256i load256(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

/// d * sc[j] and dmin * m[j] for the 8 sub-blocks of a Q4_K / Q5_K block. The 6-bit fields
/// (FORMATS.md §7.3) are unpacked four at a time in 32-bit words: for j >= 4 the top bits come from
/// bits 6-7 of bytes j-4 / j, i.e. (word >> 2) & 0x30 per byte.
inline void kquant_scales_avx2(const uint8_t* blk, float* dsc, float* dm) {
    const uint32_t w0 = read_u32(blk + 4), w1 = read_u32(blk + 8), w2 = read_u32(blk + 12);
    const uint32_t sc_lo = w0 & 0x3F3F3F3Fu, m_lo = w1 & 0x3F3F3F3Fu;
    const uint32_t sc_hi = (w2 & 0x0F0F0F0Fu) | ((w0 >> 2) & 0x30303030u);
    const uint32_t m_hi = ((w2 >> 4) & 0x0F0F0F0Fu) | ((w1 >> 2) & 0x30303030u);
    const __m256 sc = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_setr_epi32(static_cast<int>(sc_lo), static_cast<int>(sc_hi), 0, 0)));
    const __m256 m = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_setr_epi32(static_cast<int>(m_lo), static_cast<int>(m_hi), 0, 0)));
    _mm256_store_ps(dsc, _mm256_mul_ps(sc, _mm256_set1_ps(fp16_load(blk))));
    _mm256_store_ps(dm, _mm256_mul_ps(m, _mm256_set1_ps(fp16_load(blk + 2))));
}

// Q4_K and Q5_K share everything but the 5th bit; kBits selects it.
template <int kBits, int NT>
void tile_q45_k(const TileArgs& a) {
    constexpr size_t kBytes = kBits == 4 ? 144 : 176;
    constexpr size_t kQs = kBits == 4 ? 16 : 48;
    const int64_t nsb = a.w->k / 256;
    const ActQ8* act[NT];
    load_act<NT>(a, act);
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i one = _mm256_set1_epi8(1);
    for (int64_t r = 0; r < a.n_rows; ++r) {
        const uint8_t* row = a.w_rows + r * a.w_stride;
        // Two accumulator sets (by sub-block parity) keep two FMA chains in flight.
        __m256 acc[2][NT];
        float accm[NT];
        for (int t = 0; t < NT; ++t) {
            acc[0][t] = acc[1][t] = _mm256_setzero_ps();
            accm[t] = 0.0f;
        }
        for (int64_t sb = 0; sb < nsb; ++sb) {
            const uint8_t* blk = row + sb * kBytes;
            for (size_t o = 0; o < kBytes; o += 64)
                prefetch_ahead(blk + o);
            alignas(32) float dsc[8], dm[8];
            kquant_scales_avx2(blk, dsc, dm);
            __m256i qh = kBits == 5 ? load256(blk + 16) : _mm256_setzero_si256();
            for (int g = 0; g < 4; ++g) {
                const __m256i v = load256(blk + kQs + 32 * g);
                __m256i q[2] = {_mm256_and_si256(v, m4), _mm256_and_si256(_mm256_srli_epi16(v, 4), m4)};
                if constexpr (kBits == 5) {
                    for (int h = 0; h < 2; ++h) {
                        q[h] = _mm256_or_si256(q[h], _mm256_slli_epi16(_mm256_and_si256(qh, one), 4));
                        qh = _mm256_srli_epi16(qh, 1);
                    }
                }
                for (int h = 0; h < 2; ++h) {
                    const int j = 2 * g + h;
                    for (int t = 0; t < NT; ++t) {
                        const ActQ8& x = act[t][sb * 8 + j];
                        const __m256i s = dot_u8s8(q[h], load256(x.q));
                        acc[h][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(dsc[j] * x.d), acc[h][t]);
                        accm[t] += dm[j] * x.s;
                    }
                }
            }
        }
        for (int t = 0; t < NT; ++t)
            a.y[t * a.y_stride + r] = hsum_ps(_mm256_add_ps(acc[0][t], acc[1][t])) - accm[t];
    }
}

template <int NT>
void tile_q6_k(const TileArgs& a) {
    const int64_t nsb = a.w->k / 256;
    const ActQ8* act[NT];
    load_act<NT>(a, act);
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i m2 = _mm256_set1_epi8(0x03);
    const __m256i k32 = _mm256_set1_epi8(32);
    const __m256i pick = _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2,
                                          3, 2, 3, 2, 3);
    for (int64_t r = 0; r < a.n_rows; ++r) {
        const uint8_t* row = a.w_rows + r * a.w_stride;
        __m256 acc[2][NT];
        for (int t = 0; t < NT; ++t)
            acc[0][t] = acc[1][t] = _mm256_setzero_ps();
        for (int64_t sb = 0; sb < nsb; ++sb) {
            const uint8_t* blk = row + sb * 210;
            for (size_t o = 0; o < 210; o += 64)
                prefetch_ahead(blk + o);
            const float d = fp16_load(blk + 208);
            const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + 192)));
            for (int h = 0; h < 2; ++h) {
                const __m256i ql0 = load256(blk + 64 * h);
                const __m256i ql1 = load256(blk + 64 * h + 32);
                const __m256i qh = load256(blk + 128 + 32 * h);
                // Quarter k of this half: low nibbles of ql0/ql1 for k = 0/1, high nibbles for 2/3;
                // the top two bits are bits 2k, 2k+1 of qh.
                const __m256i lo[4] = {_mm256_and_si256(ql0, m4), _mm256_and_si256(ql1, m4),
                                       _mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4),
                                       _mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4)};
                const __m256i hi[4] = {_mm256_and_si256(qh, m2), _mm256_and_si256(_mm256_srli_epi16(qh, 2), m2),
                                       _mm256_and_si256(_mm256_srli_epi16(qh, 4), m2),
                                       _mm256_and_si256(_mm256_srli_epi16(qh, 6), m2)};
                for (int k = 0; k < 4; ++k) {
                    const int i = 4 * h + k; // 32-element chunk in the super-block
                    // Signed codes q - 32; maddubs takes |w| and moves w's sign onto the activations.
                    const __m256i w = _mm256_sub_epi8(_mm256_or_si256(lo[k], _mm256_slli_epi16(hi[k], 4)), k32);
                    const __m256i aw = _mm256_sign_epi8(w, w);
                    // Elements 0-15 of the chunk (low lane) use scale 2i, 16-31 scale 2i+1: pick the
                    // (2i, 2i+1) pair of int16 scales into every dword, then one of the two per lane.
                    const __m256i sc = _mm256_shuffle_epi8(_mm256_permutevar8x32_epi32(sc16, _mm256_set1_epi32(i)), pick);
                    for (int t = 0; t < NT; ++t) {
                        const ActQ8& x = act[t][sb * 8 + i];
                        const __m256i p = _mm256_maddubs_epi16(aw, _mm256_sign_epi8(load256(x.q), w));
                        const __m256i s = _mm256_madd_epi16(p, sc);
                        acc[k & 1][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(d * x.d), acc[k & 1][t]);
                    }
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

} // namespace

KernelEntry avx2_kernel_kquant(Format format) {
    switch (format) {
    case Format::Q4_K:
        return {ActKind::Q8, by_tile<tile_q45_k<4, 1>, tile_q45_k<4, 2>, tile_q45_k<4, 3>, tile_q45_k<4, 4>>};
    case Format::Q5_K:
        return {ActKind::Q8, by_tile<tile_q45_k<5, 1>, tile_q45_k<5, 2>, tile_q45_k<5, 3>, tile_q45_k<5, 4>>};
    case Format::Q6_K:
        return {ActKind::Q8, by_tile<tile_q6_k<1>, tile_q6_k<2>, tile_q6_k<3>, tile_q6_k<4>>};
    default: return {};
    }
}

} // namespace quanta::cpu::detail

QUANTA_AVX2_END
