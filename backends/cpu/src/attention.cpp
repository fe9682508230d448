// SPDX-License-Identifier: MIT
// Causal multi-head attention with grouped KV heads over an F16 cache, one layer. Work items are
// (token, query head) pairs; each computes its scores into a per-thread row of scratch, applies a
// softmax and accumulates the weighted V rows in f32.
//
// The query and the softmax weights are rounded to fp16 before they meet the fp16 cache, as in
// llama.cpp's CPU attention (its K*Q and V*softmax products convert the f32 side to fp16): the same
// rounding keeps greedy decoding in step with llama.cpp over long continuations.
#include "matmul_internal.h"
#include "simd_avx2.h"

#include <algorithm>
#include <cmath>

#define QUANTA_TARGET_AVX2 __attribute__((target("avx2,fma,f16c")))

namespace quanta::cpu {

using namespace detail;

namespace {

struct Job {
    const AttentionParams* p;
    const float* q;
    const uint16_t* k_cache;
    const uint16_t* v_cache;
    int64_t pos0;
    float* out;
    float scale;
    int64_t kv_row;   // halves per cache position: n_head_kv * head_dim
};

void round_query(const float* q, int64_t n, float* out) {
    for (int64_t i = 0; i < n; ++i)
        out[i] = fp16_round(q[i]);
}

void round_weights(float* p, int64_t n) {
    for (int64_t i = 0; i < n; ++i)
        p[i] = fp16_round(p[i]);
}

void head_scalar(const Job& j, int64_t t, int64_t h, float* scores) {
    const int64_t hd = j.p->head_dim;
    const int64_t kvh = h / (j.p->n_head / j.p->n_head_kv);
    const int64_t n_kv = j.pos0 + t + 1;
    float q[256];
    round_query(j.q + (t * j.p->n_head + h) * hd, hd, q);
    for (int64_t pos = 0; pos < n_kv; ++pos) {
        const uint16_t* k = j.k_cache + pos * j.kv_row + kvh * hd;
        float s = 0.0f;
        for (int64_t d = 0; d < hd; ++d)
            s += q[d] * fp16_to_f32(k[d]);
        scores[pos] = s * j.scale;
    }
    softmax_row(false, scores, n_kv);
    round_weights(scores, n_kv);
    float* o = j.out + (t * j.p->n_head + h) * hd;
    std::fill(o, o + hd, 0.0f);
    for (int64_t pos = 0; pos < n_kv; ++pos) {
        const uint16_t* v = j.v_cache + pos * j.kv_row + kvh * hd;
        for (int64_t d = 0; d < hd; ++d)
            o[d] += scores[pos] * fp16_to_f32(v[d]);
    }
}

// head_dim is a multiple of 8 here.
QUANTA_TARGET_AVX2 void head_avx2(const Job& j, int64_t t, int64_t h, float* scores) {
    const int64_t hd = j.p->head_dim;
    const int64_t kvh = h / (j.p->n_head / j.p->n_head_kv);
    const int64_t n_kv = j.pos0 + t + 1;
    alignas(32) float q[256];
    round_query(j.q + (t * j.p->n_head + h) * hd, hd, q);
    for (int64_t pos = 0; pos < n_kv; ++pos) {
        const uint16_t* k = j.k_cache + pos * j.kv_row + kvh * hd;
        __m256 acc = _mm256_setzero_ps();
        for (int64_t d = 0; d < hd; d += 8) {
            const __m256 kv = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k + d)));
            acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), kv, acc);
        }
        scores[pos] = hsum_ps(acc) * j.scale;
    }
    softmax_row(true, scores, n_kv);
    round_weights(scores, n_kv);
    float* o = j.out + (t * j.p->n_head + h) * hd;
    // Accumulate 64 lanes of the output in registers per pass (head_dim up to 256: 4 passes).
    for (int64_t d0 = 0; d0 < hd; d0 += 64) {
        const int64_t nv = std::min<int64_t>(8, (hd - d0) / 8);
        __m256 acc[8];
        for (int i = 0; i < 8; ++i)
            acc[i] = _mm256_setzero_ps();
        for (int64_t pos = 0; pos < n_kv; ++pos) {
            const uint16_t* v = j.v_cache + pos * j.kv_row + kvh * hd + d0;
            const __m256 w = _mm256_set1_ps(scores[pos]);
            for (int64_t i = 0; i < nv; ++i) {
                const __m256 vv = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v + 8 * i)));
                acc[i] = _mm256_fmadd_ps(w, vv, acc[i]);
            }
        }
        for (int64_t i = 0; i < nv; ++i)
            _mm256_storeu_ps(o + d0 + 8 * i, acc[i]);
    }
}

} // namespace

void attention(Context& ctx, const AttentionParams& p, const float* q, const uint16_t* k_cache,
               const uint16_t* v_cache, int64_t n_tokens, int64_t pos0, float* out) {
    QUANTA_ASSERT(p.n_head > 0 && p.n_head_kv > 0 && p.n_head % p.n_head_kv == 0);
    QUANTA_ASSERT(p.head_dim > 0 && p.head_dim <= 256);
    Job j{&p, q, k_cache, v_cache, pos0, out,
          p.scale != 0.0f ? p.scale : 1.0f / std::sqrt(static_cast<float>(p.head_dim)), p.n_head_kv * p.head_dim};
    const int64_t max_kv = pos0 + n_tokens;
    const int64_t stride = (max_kv + 15) / 16 * 16;
    auto* scores = static_cast<float*>(ctx.scratch(static_cast<size_t>(stride * ctx.n_threads()) * sizeof(float)));
    const bool avx2 = ctx.isa() == Isa::Avx2 && p.head_dim % 8 == 0;
    ctx.pool().parallel_for(n_tokens * p.n_head, 1, [&](int64_t i0, int64_t i1, int thread) {
        float* s = scores + thread * stride;
        for (int64_t i = i0; i < i1; ++i) {
            const int64_t t = i / p.n_head, h = i % p.n_head;
            if (avx2)
                head_avx2(j, t, h, s);
            else
                head_scalar(j, t, h, s);
        }
    });
}

} // namespace quanta::cpu
