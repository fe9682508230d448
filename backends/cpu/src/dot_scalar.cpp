// SPDX-License-Identifier: MIT
// Portable micro-kernels: the same arithmetic as the SIMD kernels (8-bit activations, integer
// block dot products, f32 block scaling), written plainly. They run on CPUs without AVX2 and are
// what QUANTA_CPU_ISA=scalar selects.
#include "matmul_internal.h"

#include <algorithm>
#include <cmath>

namespace quanta::cpu::detail {

namespace {

/// One 32-element chunk of a weight row as small integers: W[e] ~= scale(e) * v[e] + m, where
/// scale is `d_lo` for e < 16 and `d_hi` for e >= 16 (they differ only for Q6_K).
struct Chunk {
    int v[32];
    float d_lo, d_hi, m;
};

void decode_q4_0(const uint8_t* row, int64_t c, Chunk& o) {
    const uint8_t* b = row + c * 18;
    o.d_lo = o.d_hi = fp16_to_f32(read_u16(b));
    o.m = 0.0f;
    for (int j = 0; j < 16; ++j) {
        o.v[j] = (b[2 + j] & 0xF) - 8;
        o.v[j + 16] = (b[2 + j] >> 4) - 8;
    }
}

void decode_q4_1(const uint8_t* row, int64_t c, Chunk& o) {
    const uint8_t* b = row + c * 20;
    o.d_lo = o.d_hi = fp16_to_f32(read_u16(b));
    o.m = fp16_to_f32(read_u16(b + 2));
    for (int j = 0; j < 16; ++j) {
        o.v[j] = b[4 + j] & 0xF;
        o.v[j + 16] = b[4 + j] >> 4;
    }
}

void decode_q5_0(const uint8_t* row, int64_t c, Chunk& o) {
    const uint8_t* b = row + c * 22;
    o.d_lo = o.d_hi = fp16_to_f32(read_u16(b));
    o.m = 0.0f;
    const uint32_t qh = read_u32(b + 2);
    for (int j = 0; j < 16; ++j) {
        o.v[j] = ((b[6 + j] & 0xF) | (((qh >> j) & 1) << 4)) - 16;
        o.v[j + 16] = ((b[6 + j] >> 4) | (((qh >> (j + 16)) & 1) << 4)) - 16;
    }
}

void decode_q5_1(const uint8_t* row, int64_t c, Chunk& o) {
    const uint8_t* b = row + c * 24;
    o.d_lo = o.d_hi = fp16_to_f32(read_u16(b));
    o.m = fp16_to_f32(read_u16(b + 2));
    const uint32_t qh = read_u32(b + 4);
    for (int j = 0; j < 16; ++j) {
        o.v[j] = (b[8 + j] & 0xF) | (((qh >> j) & 1) << 4);
        o.v[j + 16] = (b[8 + j] >> 4) | (((qh >> (j + 16)) & 1) << 4);
    }
}

void decode_q8_0(const uint8_t* row, int64_t c, Chunk& o) {
    const uint8_t* b = row + c * 34;
    o.d_lo = o.d_hi = fp16_to_f32(read_u16(b));
    o.m = 0.0f;
    for (int j = 0; j < 32; ++j)
        o.v[j] = static_cast<int8_t>(b[2 + j]);
}

// K-quants: chunk c is sub-block c % 8 of super-block c / 8.
void decode_q4_k(const uint8_t* row, int64_t c, Chunk& o) {
    const uint8_t* b = row + (c / 8) * 144;
    const int j = static_cast<int>(c % 8);
    int sc = 0, m = 0;
    kquant_scale_min(b + 4, j, sc, m);
    o.d_lo = o.d_hi = fp16_to_f32(read_u16(b)) * static_cast<float>(sc);
    o.m = -(fp16_to_f32(read_u16(b + 2)) * static_cast<float>(m));
    const uint8_t* qs = b + 16 + 32 * (j / 2);
    const int shift = (j % 2) * 4;
    for (int l = 0; l < 32; ++l)
        o.v[l] = (qs[l] >> shift) & 0xF;
}

void decode_q5_k(const uint8_t* row, int64_t c, Chunk& o) {
    const uint8_t* b = row + (c / 8) * 176;
    const int j = static_cast<int>(c % 8);
    int sc = 0, m = 0;
    kquant_scale_min(b + 4, j, sc, m);
    o.d_lo = o.d_hi = fp16_to_f32(read_u16(b)) * static_cast<float>(sc);
    o.m = -(fp16_to_f32(read_u16(b + 2)) * static_cast<float>(m));
    const uint8_t* qh = b + 16;
    const uint8_t* qs = b + 48 + 32 * (j / 2);
    const int shift = (j % 2) * 4;
    for (int l = 0; l < 32; ++l)
        o.v[l] = ((qs[l] >> shift) & 0xF) | (((qh[l] >> j) & 1) << 4);
}

void decode_q6_k(const uint8_t* row, int64_t c, Chunk& o) {
    const uint8_t* b = row + (c / 8) * 210;
    const int i = static_cast<int>(c % 8); // 32-element chunk within the super-block
    const int h = i / 4, k = i % 4;
    const uint8_t* ql = b + 64 * h + (k & 1) * 32;
    const uint8_t* qh = b + 128 + 32 * h;
    const auto* scales = reinterpret_cast<const int8_t*>(b + 192);
    const float d = fp16_to_f32(read_u16(b + 208));
    o.d_lo = d * static_cast<float>(scales[2 * i]);
    o.d_hi = d * static_cast<float>(scales[2 * i + 1]);
    o.m = 0.0f;
    const int shift = (k >> 1) * 4;
    for (int l = 0; l < 32; ++l)
        o.v[l] = (((ql[l] >> shift) & 0xF) | (((qh[l] >> (2 * k)) & 3) << 4)) - 32;
}

template <void (*Decode)(const uint8_t*, int64_t, Chunk&)>
void tile_q8(const TileArgs& a) {
    const int64_t n_chunks = a.w->k / 32;
    for (int64_t r = 0; r < a.n_rows; ++r) {
        const uint8_t* row = a.w_rows + r * a.w_stride;
        float acc[kMaxTokTile] = {};
        for (int64_t c = 0; c < n_chunks; ++c) {
            Chunk ch;
            Decode(row, c, ch);
            for (int t = 0; t < a.n_tok; ++t) {
                const auto* act =
                    reinterpret_cast<const ActQ8*>(static_cast<const uint8_t*>(a.act) + t * a.act_stride) + c;
                int lo = 0, hi = 0;
                for (int e = 0; e < 16; ++e) {
                    lo += ch.v[e] * act->q[e];
                    hi += ch.v[e + 16] * act->q[e + 16];
                }
                acc[t] += act->d * (ch.d_lo * static_cast<float>(lo) + ch.d_hi * static_cast<float>(hi)) +
                          ch.m * act->s;
            }
        }
        for (int t = 0; t < a.n_tok; ++t)
            a.y[t * a.y_stride + r] = acc[t];
    }
}

// --- f32-activation formats: decode 64 weights at a time, dot in f32 ------------------------------

// Chunk c covers elements [64c, 64c + n), n <= 64 (only plain float rows have a short last chunk).
void decode_f32(const Weight&, int64_t, const uint8_t* row, int64_t c, float* out, int n) {
    std::memcpy(out, row + c * 256, static_cast<size_t>(n) * 4);
}
void decode_f16(const Weight&, int64_t, const uint8_t* row, int64_t c, float* out, int n) {
    for (int e = 0; e < n; ++e)
        out[e] = fp16_to_f32(read_u16(row + (c * 64 + e) * 2));
}
void decode_bf16(const Weight&, int64_t, const uint8_t* row, int64_t c, float* out, int n) {
    for (int e = 0; e < n; ++e)
        out[e] = bf16_to_f32(read_u16(row + (c * 64 + e) * 2));
}
void decode_nf4(const Weight& w, int64_t r, const uint8_t* row, int64_t c, float* out, int) {
    const float scale = nf4_block_scale(w, r * (w.k / 64) + c);
    const uint8_t* b = row + c * 32;
    for (int e = 0; e < 32; ++e) {
        out[2 * e] = kNf4Values[b[e] >> 4] * scale;
        out[2 * e + 1] = kNf4Values[b[e] & 0xF] * scale;
    }
}

template <void (*Decode)(const Weight&, int64_t, const uint8_t*, int64_t, float*, int)>
void tile_f32(const TileArgs& a) {
    const int64_t n_chunks = (a.w->k + 63) / 64;
    for (int64_t r = 0; r < a.n_rows; ++r) {
        const uint8_t* row = a.w_rows + r * a.w_stride;
        float acc[kMaxTokTile] = {};
        for (int64_t c = 0; c < n_chunks; ++c) {
            float wv[64];
            const int n = static_cast<int>(std::min<int64_t>(64, a.w->k - c * 64));
            Decode(*a.w, a.row0 + r, row, c, wv, n);
            for (int t = 0; t < a.n_tok; ++t) {
                const float* x =
                    reinterpret_cast<const float*>(static_cast<const uint8_t*>(a.act) + t * a.act_stride) + c * 64;
                float s = 0.0f;
                for (int e = 0; e < n; ++e)
                    s += wv[e] * x[e];
                acc[t] += s;
            }
        }
        for (int t = 0; t < a.n_tok; ++t)
            a.y[t * a.y_stride + r] = acc[t];
    }
}

} // namespace

const float kNf4Values[16] = {
    -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
    -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
    0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
    0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
};

void dequantize_nf4_row(const Weight& w, int64_t row, float* out) {
    const auto* codes = static_cast<const uint8_t*>(w.data) + row * (w.k / 2);
    for (int64_t c = 0; c < w.k / 64; ++c)
        decode_nf4(w, row, codes, c, out + c * 64, 64);
}

void quantize_act_q8_scalar(const float* x, int64_t k, ActQ8* out) {
    for (int64_t b = 0; b < k / 32; ++b) {
        const float* xb = x + b * 32;
        float amax = 0.0f;
        for (int e = 0; e < 32; ++e)
            amax = std::max(amax, std::fabs(xb[e]));
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        int sum = 0;
        for (int e = 0; e < 32; ++e) {
            // nearbyint rounds half to even in the default mode, like cvtps_epi32 in the AVX2 path.
            const int q = static_cast<int>(std::nearbyint(xb[e] * id));
            out[b].q[e] = static_cast<int8_t>(q);
            sum += q;
        }
        out[b].d = fp16_round(d);
        out[b].s = out[b].d * static_cast<float>(sum); // exact: 11-bit d times a 13-bit sum
    }
}

KernelEntry scalar_kernel(Format format) {
    switch (format) {
    case Format::Q4_0: return {ActKind::Q8, tile_q8<decode_q4_0>};
    case Format::Q4_1: return {ActKind::Q8, tile_q8<decode_q4_1>};
    case Format::Q5_0: return {ActKind::Q8, tile_q8<decode_q5_0>};
    case Format::Q5_1: return {ActKind::Q8, tile_q8<decode_q5_1>};
    case Format::Q8_0: return {ActKind::Q8, tile_q8<decode_q8_0>};
    case Format::Q4_K: return {ActKind::Q8, tile_q8<decode_q4_k>};
    case Format::Q5_K: return {ActKind::Q8, tile_q8<decode_q5_k>};
    case Format::Q6_K: return {ActKind::Q8, tile_q8<decode_q6_k>};
    case Format::F32: return {ActKind::F32, tile_f32<decode_f32>};
    case Format::F16: return {ActKind::F32, tile_f32<decode_f16>};
    case Format::BF16: return {ActKind::F32, tile_f32<decode_bf16>};
    case Format::NF4: return {ActKind::F32, tile_f32<decode_nf4>};
    case Format::INT8: break;
    }
    return {};
}

} // namespace quanta::cpu::detail
