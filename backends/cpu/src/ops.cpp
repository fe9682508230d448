// SPDX-License-Identifier: MIT
// The element-wise and row-wise ops of a llama forward pass: get_rows, rms_norm, rope, kv_store,
// silu_mul, add, softmax, argmax. Each has a plain path and, where the op is on the per-token hot
// path, an AVX2 one (function-level target attributes, chosen by Context::isa()).
#include "matmul_internal.h"
#include "simd_avx2.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#define QUANTA_TARGET_AVX2 __attribute__((target("avx2,fma,f16c")))

namespace quanta::cpu {

using namespace detail;

namespace {

// Element-wise ops are split across threads only when the work outweighs a dispatch (~1-2 us).
constexpr int64_t kParallelElems = 1 << 15;

template <class Fn>
void for_rows(Context& ctx, int64_t n_rows, int64_t row_elems, Fn&& fn) {
    if (n_rows > 1 && n_rows * row_elems >= kParallelElems)
        ctx.pool().parallel_for(n_rows, std::max<int64_t>(1, n_rows / (ctx.n_threads() * 4)),
                                [&](int64_t r0, int64_t r1, int) { fn(r0, r1); });
    else
        fn(0, n_rows);
}

template <class Fn>
void for_span(Context& ctx, int64_t n, Fn&& fn) {
    if (n >= kParallelElems && ctx.n_threads() > 1) {
        const int64_t chunk = (n / ctx.n_threads() + 63) / 64 * 64;
        ctx.pool().parallel_for((n + chunk - 1) / chunk, 1, [&](int64_t c0, int64_t c1, int) {
            fn(c0 * chunk, std::min(n, c1 * chunk));
        });
    } else {
        fn(0, n);
    }
}

QUANTA_TARGET_AVX2 float sum_sq_avx2(const float* x, int64_t n) {
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        acc = _mm256_fmadd_ps(v, v, acc);
    }
    float s = hsum_ps(acc);
    for (; i < n; ++i)
        s += x[i] * x[i];
    return s;
}

QUANTA_TARGET_AVX2 void scale_mul_avx2(const float* x, const float* w, float scale, int64_t n, float* y) {
    const __m256 s = _mm256_set1_ps(scale);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + i), s);
        if (w)
            v = _mm256_mul_ps(v, _mm256_loadu_ps(w + i));
        _mm256_storeu_ps(y + i, v);
    }
    for (; i < n; ++i)
        y[i] = x[i] * scale * (w ? w[i] : 1.0f);
}

QUANTA_TARGET_AVX2 void silu_mul_avx2(const float* g, const float* u, int64_t n, float* out) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 gv = _mm256_loadu_ps(g + i);
        const __m256 e = exp_ps(_mm256_xor_ps(gv, sign));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_div_ps(gv, _mm256_add_ps(one, e)), _mm256_loadu_ps(u + i)));
    }
    for (; i < n; ++i)
        out[i] = g[i] / (1.0f + exp_poly(-g[i])) * u[i];
}

QUANTA_TARGET_AVX2 void add_avx2(const float* a, const float* b, int64_t n, float* out) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
    for (; i < n; ++i)
        out[i] = a[i] + b[i];
}

QUANTA_TARGET_AVX2 void f32_to_f16_avx2(const float* src, int64_t n, uint16_t* dst) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), h);
    }
    for (; i < n; ++i)
        dst[i] = f32_to_fp16(src[i]);
}

// exp(x - max) in place, returns the sum.
QUANTA_TARGET_AVX2 float exp_sum_avx2(float* x, int64_t n, float max) {
    const __m256 m = _mm256_set1_ps(max);
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 e = exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), m));
        _mm256_storeu_ps(x + i, e);
        acc = _mm256_add_ps(acc, e);
    }
    float s = hsum_ps(acc);
    for (; i < n; ++i) {
        x[i] = exp_poly(x[i] - max);
        s += x[i];
    }
    return s;
}

float exp_sum_scalar(float* x, int64_t n, float max) {
    float s = 0.0f;
    for (int64_t i = 0; i < n; ++i) {
        x[i] = exp_poly(x[i] - max);
        s += x[i];
    }
    return s;
}

} // namespace

namespace detail {

/// Softmax of one row in place (shared with attention).
void softmax_row(bool avx2, float* x, int64_t n) {
    float max = -std::numeric_limits<float>::infinity();
    for (int64_t i = 0; i < n; ++i)
        max = std::max(max, x[i]);
    const float sum = avx2 ? exp_sum_avx2(x, n, max) : exp_sum_scalar(x, n, max);
    const float inv = 1.0f / sum;
    for (int64_t i = 0; i < n; ++i)
        x[i] *= inv;
}

} // namespace detail

void get_rows(Context& ctx, const Weight& w, const int32_t* ids, int64_t n_ids, float* out) {
    for_rows(ctx, n_ids, w.k, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
            const int64_t r = ids[i];
            QUANTA_ASSERT(r >= 0 && r < w.n);
            float* o = out + i * w.k;
            switch (w.format) {
            case Format::NF4: dequantize_nf4_row(w, r, o); break;
            case Format::INT8: {
                const auto* cb = static_cast<const int8_t*>(w.data) + r * w.k;
                const float scb = w.int8_scb[r];
                for (int64_t c = 0; c < w.k; ++c)
                    o[c] = (static_cast<float>(cb[c]) * scb) * 7.874015718698502e-3f;
                break;
            }
            default: {
                const size_t rb = row_bytes(w.format, w.k);
                dequantize_row_reference(w.format, static_cast<const uint8_t*>(w.data) + r * rb, o, w.k);
            }
            }
        }
    });
}

void rms_norm(Context& ctx, const float* x, const float* weight, int64_t n_tokens, int64_t n, float eps, float* y) {
    const bool avx2 = ctx.isa() == Isa::Avx2;
    for_rows(ctx, n_tokens, n, [&](int64_t t0, int64_t t1) {
        for (int64_t t = t0; t < t1; ++t) {
            const float* xt = x + t * n;
            float* yt = y + t * n;
            float ss = 0.0f;
            if (avx2) {
                ss = sum_sq_avx2(xt, n);
            } else {
                for (int64_t i = 0; i < n; ++i)
                    ss += xt[i] * xt[i];
            }
            const float scale = 1.0f / std::sqrt(ss / static_cast<float>(n) + eps);
            if (avx2) {
                scale_mul_avx2(xt, weight, scale, n, yt);
            } else {
                for (int64_t i = 0; i < n; ++i)
                    yt[i] = xt[i] * scale * (weight ? weight[i] : 1.0f);
            }
        }
    });
}

void rope(Context& ctx, float* x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, const int32_t* pos,
          const RopeParams& p) {
    QUANTA_ASSERT(p.n_dims > 0 && p.n_dims <= head_dim && p.n_dims % 2 == 0);
    const int64_t half = p.n_dims / 2;
    for_rows(ctx, n_tokens, n_heads * head_dim, [&](int64_t t0, int64_t t1) {
        // cos/sin per pair, computed once per token and shared by every head. Double precision
        // keeps large positions exact to f32 rounding.
        std::vector<float> cs(static_cast<size_t>(2 * half));
        for (int64_t t = t0; t < t1; ++t) {
            for (int64_t i = 0; i < half; ++i) {
                double theta = static_cast<double>(pos[t]) * static_cast<double>(p.freq_scale) *
                               std::pow(static_cast<double>(p.freq_base), -2.0 * static_cast<double>(i) /
                                                                              static_cast<double>(p.n_dims));
                if (p.freq_factors)
                    theta /= static_cast<double>(p.freq_factors[i]);
                cs[2 * i] = static_cast<float>(std::cos(theta));
                cs[2 * i + 1] = static_cast<float>(std::sin(theta));
            }
            for (int64_t h = 0; h < n_heads; ++h) {
                float* v = x + (t * n_heads + h) * head_dim;
                for (int64_t i = 0; i < half; ++i) {
                    const int64_t i0 = p.neox ? i : 2 * i;
                    const int64_t i1 = p.neox ? i + half : 2 * i + 1;
                    const float c = cs[2 * i], s = cs[2 * i + 1];
                    const float a = v[i0], b = v[i1];
                    v[i0] = a * c - b * s;
                    v[i1] = a * s + b * c;
                }
            }
        }
    });
}

void kv_store(Context& ctx, const float* src, int64_t n_tokens, int64_t row, uint16_t* cache, int64_t pos0) {
    const bool avx2 = ctx.isa() == Isa::Avx2;
    uint16_t* dst = cache + pos0 * row;
    for_span(ctx, n_tokens * row, [&](int64_t i0, int64_t i1) {
        if (avx2) {
            f32_to_f16_avx2(src + i0, i1 - i0, dst + i0);
        } else {
            for (int64_t i = i0; i < i1; ++i)
                dst[i] = f32_to_fp16(src[i]);
        }
    });
}

void silu_mul(Context& ctx, const float* gate, const float* up, int64_t n, float* out) {
    const bool avx2 = ctx.isa() == Isa::Avx2;
    for_span(ctx, n, [&](int64_t i0, int64_t i1) {
        if (avx2) {
            silu_mul_avx2(gate + i0, up + i0, i1 - i0, out + i0);
        } else {
            for (int64_t i = i0; i < i1; ++i)
                out[i] = gate[i] / (1.0f + exp_poly(-gate[i])) * up[i];
        }
    });
}

void add(Context& ctx, const float* a, const float* b, int64_t n, float* out) {
    const bool avx2 = ctx.isa() == Isa::Avx2;
    for_span(ctx, n, [&](int64_t i0, int64_t i1) {
        if (avx2) {
            add_avx2(a + i0, b + i0, i1 - i0, out + i0);
        } else {
            for (int64_t i = i0; i < i1; ++i)
                out[i] = a[i] + b[i];
        }
    });
}

void softmax(Context& ctx, float* x, int64_t n_rows, int64_t n) {
    const bool avx2 = ctx.isa() == Isa::Avx2;
    for_rows(ctx, n_rows, n, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r)
            softmax_row(avx2, x + r * n, n);
    });
}

int64_t argmax(const float* x, int64_t n) {
    int64_t best = 0;
    float best_v = x[0];
    for (int64_t i = 1; i < n; ++i) {
        if (x[i] > best_v || (std::isnan(best_v) && !std::isnan(x[i]))) {
            best_v = x[i];
            best = i;
        }
    }
    return best;
}

} // namespace quanta::cpu
