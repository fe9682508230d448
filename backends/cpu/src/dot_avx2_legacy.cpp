// SPDX-License-Identifier: MIT
// AVX2 micro-kernels for the 32-element block formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) and the
// activation quantizer. Each weight block becomes 32 bytes of codes; _mm256_maddubs_epi16 +
// _mm256_madd_epi16 give its integer dot product with each token's 8-bit activations, which is
// scaled by d_w * d_a in f32. Offsets and mins never touch the vector loop: they are folded into
// one scalar multiply with the activation block sum (ActQ8::s).
#include "matmul_internal.h"
#include "simd_avx2.h"

QUANTA_AVX2_BEGIN

namespace quanta::cpu::detail {

namespace {

/// Low nibbles of 16 bytes in the low lane, high nibbles in the high lane: element order of
/// Q4_0 / Q4_1 / Q5_x (element j in the low nibble of byte j, element j + 16 in the high one).
inline __m256i unpack_nibbles(const uint8_t* p) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(v, 4), v);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

/// 32 bits -> 32 bytes, byte i = 0x10 if bit i is set (the 5th bit of Q5_x codes).
inline __m256i bits_to_0x10(uint32_t bits) {
    const __m256i shuf = _mm256_setr_epi64x(0x0000000000000000, 0x0101010101010101, 0x0202020202020202,
                                            0x0303030303030303);
    __m256i x = _mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(bits)), shuf);
    const __m256i bit = _mm256_set1_epi64x(static_cast<int64_t>(0x8040201008040201ull));
    x = _mm256_cmpeq_epi8(_mm256_and_si256(x, bit), bit);
    return _mm256_and_si256(x, _mm256_set1_epi8(0x10));
}

// Decoders: 32 unsigned codes q, the block scale d, and the coefficient of the activation sum
// (block contribution = d * d_a * sum(q * a) + cm * s_a).
struct Q4_0 {
    static constexpr size_t kBytes = 18;
    static __m256i decode(const uint8_t* b, float& d, float& cm) {
        d = fp16_load(b);
        cm = -8.0f * d;
        return unpack_nibbles(b + 2);
    }
};
struct Q4_1 {
    static constexpr size_t kBytes = 20;
    static __m256i decode(const uint8_t* b, float& d, float& cm) {
        d = fp16_load(b);
        cm = fp16_load(b + 2);
        return unpack_nibbles(b + 4);
    }
};
struct Q5_0 {
    static constexpr size_t kBytes = 22;
    static __m256i decode(const uint8_t* b, float& d, float& cm) {
        d = fp16_load(b);
        cm = -16.0f * d;
        return _mm256_or_si256(unpack_nibbles(b + 6), bits_to_0x10(read_u32(b + 2)));
    }
};
struct Q5_1 {
    static constexpr size_t kBytes = 24;
    static __m256i decode(const uint8_t* b, float& d, float& cm) {
        d = fp16_load(b);
        cm = fp16_load(b + 2);
        return _mm256_or_si256(unpack_nibbles(b + 8), bits_to_0x10(read_u32(b + 4)));
    }
};

// Consecutive blocks alternate between two accumulator sets: one FMA chain per token would stall
// on the FMA latency (4 cycles) at every block, which is longer than the rest of the block's work.
template <class F, int NT>
void tile_unsigned(const TileArgs& a) {
    constexpr size_t kBlockBytes = F::kBytes;
    constexpr int U = NT >= 4 ? 1 : 2; // with 4+ tokens their chains already hide the FMA latency
    const int64_t nb = a.w->k / 32;
    const ActQ8* act[NT];
    for (int t = 0; t < NT; ++t)
        act[t] = reinterpret_cast<const ActQ8*>(static_cast<const uint8_t*>(a.act) + t * a.act_stride);
    for (int64_t r = 0; r < a.n_rows; ++r) {
        const uint8_t* row = a.w_rows + r * a.w_stride;
        __m256 acc[U][NT];
        float accm[U][NT];
        for (int u = 0; u < U; ++u) {
            for (int t = 0; t < NT; ++t) {
                acc[u][t] = _mm256_setzero_ps();
                accm[u][t] = 0.0f;
            }
        }
        auto step = [&](int64_t b, int u_hint) {
            const int u = u_hint % U;
            float d, cm;
            const __m256i q = F::decode(row + b * F::kBytes, d, cm);
            for (int t = 0; t < NT; ++t) {
                const ActQ8& x = act[t][b];
                const __m256i s = dot_u8s8(q, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.q)));
                acc[u][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(d * x.d), acc[u][t]);
                accm[u][t] += cm * x.s;
            }
        };
        int64_t b = 0;
        for (; b + 2 <= nb; b += 2) {
            prefetch_ahead(row + b * kBlockBytes);
            step(b, 0);
            step(b + 1, 1);
        }
        if (b < nb)
            step(b, 0);
        for (int t = 0; t < NT; ++t) {
            if constexpr (U == 2)
                a.y[t * a.y_stride + r] = hsum_ps(_mm256_add_ps(acc[0][t], acc[1][t])) + (accm[0][t] + accm[1][t]);
            else
                a.y[t * a.y_stride + r] = hsum_ps(acc[0][t]) + accm[0][t];
        }
    }
}

template <int NT>
void tile_q8_0(const TileArgs& a) {
    constexpr size_t kBlockBytes = 34;
    constexpr int U = NT >= 4 ? 1 : 2;
    const int64_t nb = a.w->k / 32;
    const ActQ8* act[NT];
    for (int t = 0; t < NT; ++t)
        act[t] = reinterpret_cast<const ActQ8*>(static_cast<const uint8_t*>(a.act) + t * a.act_stride);
    for (int64_t r = 0; r < a.n_rows; ++r) {
        const uint8_t* row = a.w_rows + r * a.w_stride;
        __m256 acc[U][NT];
        for (int u = 0; u < U; ++u)
            for (int t = 0; t < NT; ++t)
                acc[u][t] = _mm256_setzero_ps();
        auto step = [&](int64_t b, int u_hint) {
            const int u = u_hint % U;
            const uint8_t* blk = row + b * 34;
            const float d = fp16_load(blk);
            const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 2));
            // maddubs wants unsigned x signed: |w| x (a with w's sign).
            const __m256i aw = _mm256_sign_epi8(w, w);
            for (int t = 0; t < NT; ++t) {
                const ActQ8& x = act[t][b];
                const __m256i xs =
                    _mm256_sign_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.q)), w);
                const __m256i s = dot_u8s8(aw, xs);
                acc[u][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(d * x.d), acc[u][t]);
            }
        };
        int64_t b = 0;
        for (; b + 2 <= nb; b += 2) {
            prefetch_ahead(row + b * kBlockBytes);
            step(b, 0);
            step(b + 1, 1);
        }
        if (b < nb)
            step(b, 0);
        for (int t = 0; t < NT; ++t) {
            if constexpr (U == 2)
                a.y[t * a.y_stride + r] = hsum_ps(_mm256_add_ps(acc[0][t], acc[1][t]));
            else
                a.y[t * a.y_stride + r] = hsum_ps(acc[0][t]);
        }
    }
}

template <template <int> class K>
void by_tile(const TileArgs& a) {
    switch (a.n_tok) {
    case 1: K<1>::run(a); break;
    case 2: K<2>::run(a); break;
    case 3: K<3>::run(a); break;
    case 4: K<4>::run(a); break;
    case 5: K<5>::run(a); break;
    case 6: K<6>::run(a); break;
    case 7: K<7>::run(a); break;
    default: K<8>::run(a); break;
    }
}

template <class F>
struct Unsigned {
    template <int NT>
    struct K {
        static void run(const TileArgs& a) { tile_unsigned<F, NT>(a); }
    };
};
template <int NT>
struct Q8K {
    static void run(const TileArgs& a) { tile_q8_0<NT>(a); }
};

} // namespace

void quantize_act_q8_avx2(const float* x, int64_t k, ActQ8* out) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int64_t b = 0; b < k / 32; ++b) {
        const float* xb = x + b * 32;
        __m256 v[4];
        __m256 m = _mm256_setzero_ps();
        for (int i = 0; i < 4; ++i) {
            v[i] = _mm256_loadu_ps(xb + 8 * i);
            m = _mm256_max_ps(m, _mm256_andnot_ps(sign, v[i]));
        }
        const float amax = hmax_ps(m);
        const float d = amax / 127.0f;
        const __m256 id = _mm256_set1_ps(amax != 0.0f ? 127.0f / amax : 0.0f);
        __m256i q[4];
        for (int i = 0; i < 4; ++i)
            q[i] = _mm256_cvtps_epi32(_mm256_mul_ps(v[i], id)); // round half to even (MXCSR default)
        const __m256i sum = _mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3]));
        // packs works per 128-bit lane: restore element order with a dword permute.
        const __m256i p16 = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
        const __m256i p8 = _mm256_permutevar8x32_epi32(p16, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[b].q), p8);
        out[b].d = fp16_round(d);
        out[b].s = out[b].d * static_cast<float>(hsum_epi32(sum)); // exact: 11-bit d times a 13-bit sum
    }
}

KernelEntry avx2_kernel_legacy(Format format) {
    switch (format) {
    case Format::Q4_0: return {ActKind::Q8, by_tile<Unsigned<Q4_0>::K>, kMaxTokTileWide};
    case Format::Q4_1: return {ActKind::Q8, by_tile<Unsigned<Q4_1>::K>, kMaxTokTileWide};
    case Format::Q5_0: return {ActKind::Q8, by_tile<Unsigned<Q5_0>::K>, kMaxTokTileWide};
    case Format::Q5_1: return {ActKind::Q8, by_tile<Unsigned<Q5_1>::K>, kMaxTokTileWide};
    case Format::Q8_0: return {ActKind::Q8, by_tile<Q8K>, kMaxTokTileWide};
    default: return {};
    }
}

} // namespace quanta::cpu::detail

QUANTA_AVX2_END
