// SPDX-License-Identifier: MIT
// Weight formats, in their GGUF file layouts (FORMATS.md), read from binding 0 as 32-bit words.
// The including shader defines exactly one FMT_<format>. Two families, the same as the CPU
// kernels (backends/cpu/src/dot_scalar.cpp), so both make the same rounding decisions:
//   FAMILY_Q: 32-element chunks of small integers, W[e] = (e < 16 ? d_lo : d_hi) * v[e] + m,
//             multiplied against 8-bit activations (Q4_0 .. Q6_K);
//   FAMILY_F: one f32 per element, multiplied against f32 activations (F32, F16, BF16, NF4, INT8).
// Multi-part formats keep their extra parts in the same buffer, at byte offsets given by the
// push constants (aux0..aux2, auxf).
layout(binding = 0) readonly buffer WeightWords { uint W[]; };

layout(push_constant) uniform Params {
    uint k;          // elements per weight row
    uint n;          // weight rows
    uint row_stride; // bytes per row of the main part
    uint aux0;       // NF4: absmax byte offset; INT8: SCB byte offset
    uint aux1;       // NF4: nested absmax byte offset
    uint aux2;       // NF4: nested map byte offset
    float auxf;      // NF4: nested offset; INT8: outlier threshold
    uint n_tokens;   // activation rows (get_rows: ids)
    uint x_off;      // input offset in words (get_rows: ids in the upload arena)
    uint y_off;      // output offset in floats
    uint act_off;    // quantized activations / INT8 scratch offset in words
    uint rows_per_group; // matmul: rows a workgroup computes
    // 1/127 and 1/127^2 of LLM.int8(), as push constants: a literal factor lets an optimizing
    // driver (llvmpipe) regroup a product of several factors, which changes the last bit.
    float inv127;
    float inv127sq;
} P;

uint w_byte(uint off) { return (W[off >> 2] >> ((off & 3u) * 8u)) & 0xFFu; }
uint w_u16(uint off) { return (W[off >> 2] >> ((off & 2u) * 8u)) & 0xFFFFu; } // off is even
uint w_u32(uint off) {
    const uint s = (off & 3u) * 8u;
    const uint lo = W[off >> 2];
    return s == 0u ? lo : (lo >> s) | (W[(off >> 2) + 1u] << (32u - s));
}
float w_half(uint off) { return half_to_float(w_u16(off)); }
int w_int8(uint off) { return bitfieldExtract(int(W[off >> 2]), int((off & 3u) * 8u), 8); }
float w_float(uint off) { return uintBitsToFloat(W[off >> 2]); } // off is a multiple of 4

#if defined(FMT_Q4_0) || defined(FMT_Q4_1) || defined(FMT_Q5_0) || defined(FMT_Q5_1) || defined(FMT_Q8_0) || \
    defined(FMT_Q4_K) || defined(FMT_Q5_K) || defined(FMT_Q6_K)
#define FAMILY_Q 1

// 6-bit scale and min of sub-block j of a Q4_K / Q5_K super-block (FORMATS.md 7.3).
void kquant_scale_min(uint s, uint j, out uint sc, out uint m) {
    if (j < 4u) {
        sc = w_byte(s + j) & 63u;
        m = w_byte(s + j + 4u) & 63u;
    } else {
        sc = (w_byte(s + j + 4u) & 0xFu) | ((w_byte(s + j - 4u) >> 6) << 4);
        m = (w_byte(s + j + 4u) >> 4) | ((w_byte(s + j) >> 6) << 4);
    }
}

// Chunk c (32 elements) of the row starting at byte rb.
void decode_chunk(uint rb, uint c, out int v[32], out float d_lo, out float d_hi, out float m) {
#if defined(FMT_Q4_0)
    const uint b = rb + c * 18u;
    d_lo = d_hi = w_half(b);
    m = 0.0;
    [[unroll]] for (uint j = 0u; j < 16u; ++j) {
        const uint q = w_byte(b + 2u + j);
        v[j] = int(q & 0xFu) - 8;
        v[j + 16u] = int(q >> 4) - 8;
    }
#elif defined(FMT_Q4_1)
    const uint b = rb + c * 20u;
    d_lo = d_hi = w_half(b);
    m = w_half(b + 2u);
    [[unroll]] for (uint j = 0u; j < 16u; ++j) {
        const uint q = w_byte(b + 4u + j);
        v[j] = int(q & 0xFu);
        v[j + 16u] = int(q >> 4);
    }
#elif defined(FMT_Q5_0)
    const uint b = rb + c * 22u;
    d_lo = d_hi = w_half(b);
    m = 0.0;
    const uint qh = w_u32(b + 2u);
    [[unroll]] for (uint j = 0u; j < 16u; ++j) {
        const uint q = w_byte(b + 6u + j);
        v[j] = int((q & 0xFu) | (((qh >> j) & 1u) << 4)) - 16;
        v[j + 16u] = int((q >> 4) | (((qh >> (j + 16u)) & 1u) << 4)) - 16;
    }
#elif defined(FMT_Q5_1)
    const uint b = rb + c * 24u;
    d_lo = d_hi = w_half(b);
    m = w_half(b + 2u);
    const uint qh = w_u32(b + 4u);
    [[unroll]] for (uint j = 0u; j < 16u; ++j) {
        const uint q = w_byte(b + 8u + j);
        v[j] = int((q & 0xFu) | (((qh >> j) & 1u) << 4));
        v[j + 16u] = int((q >> 4) | (((qh >> (j + 16u)) & 1u) << 4));
    }
#elif defined(FMT_Q8_0)
    const uint b = rb + c * 34u;
    d_lo = d_hi = w_half(b);
    m = 0.0;
    [[unroll]] for (uint j = 0u; j < 32u; ++j)
        v[j] = w_int8(b + 2u + j);
#elif defined(FMT_Q4_K) || defined(FMT_Q5_K)
#if defined(FMT_Q4_K)
    const uint b = rb + (c / 8u) * 144u;
    const uint qs = b + 16u + 32u * ((c % 8u) / 2u);
#else
    const uint b = rb + (c / 8u) * 176u;
    const uint qs = b + 48u + 32u * ((c % 8u) / 2u);
#endif
    const uint j = c % 8u;
    uint sc, mn;
    kquant_scale_min(b + 4u, j, sc, mn);
    d_lo = d_hi = w_half(b) * float(sc);
    m = -(w_half(b + 2u) * float(mn));
    const uint shift = (j % 2u) * 4u;
    [[unroll]] for (uint l = 0u; l < 32u; ++l) {
        uint q = (w_byte(qs + l) >> shift) & 0xFu;
#if defined(FMT_Q5_K)
        q |= ((w_byte(b + 16u + l) >> j) & 1u) << 4;
#endif
        v[l] = int(q);
    }
#elif defined(FMT_Q6_K)
    const uint b = rb + (c / 8u) * 210u;
    const uint i = c % 8u;
    const uint h = i / 4u, kk = i % 4u;
    const uint ql = b + 64u * h + (kk & 1u) * 32u;
    const uint qh = b + 128u + 32u * h;
    const float d = w_half(b + 208u);
    d_lo = d * float(w_int8(b + 192u + 2u * i));
    d_hi = d * float(w_int8(b + 193u + 2u * i));
    m = 0.0;
    const uint shift = (kk >> 1) * 4u;
    [[unroll]] for (uint l = 0u; l < 32u; ++l)
        v[l] = int(((w_byte(ql + l) >> shift) & 0xFu) | (((w_byte(qh + l) >> (2u * kk)) & 3u) << 4)) - 32;
#endif
}

#else
#define FAMILY_F 1

#if defined(FMT_NF4)
const float kNf4Values[16] = float[16](
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
    -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
    0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
    0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0);

// Double quantization: block b's absmax is map[qabsmax[b]] * nested_absmax[b / 256] + offset.
float nf4_block_scale(uint b) {
    precise float s = w_float(P.aux2 + 4u * w_byte(P.aux0 + b)) * w_float(P.aux1 + 4u * (b / 256u)) + P.auxf;
    return s;
}
#endif

// Element e of row `row`, whose main part starts at byte rb.
float decode_element(uint rb, uint row, uint e) {
#if defined(FMT_F32)
    return w_float(rb + 4u * e);
#elif defined(FMT_F16)
    return w_half(rb + 2u * e);
#elif defined(FMT_BF16)
    return uintBitsToFloat(w_u16(rb + 2u * e) << 16);
#elif defined(FMT_NF4)
    const uint q = w_byte(rb + e / 2u);  // the even element is in the high nibble
    const uint code = (e & 1u) == 0u ? q >> 4 : q & 0xFu;
    precise float w = kNf4Values[code] * nf4_block_scale(row * (P.k / 64u) + e / 64u);
    return w;
#elif defined(FMT_INT8)
    precise float wb = float(w_int8(rb + e)) * w_float(P.aux0 + 4u * row);
    precise float w = wb * P.inv127;
    return w;
#else
#error "define one FMT_<format>"
#endif
}

#endif
