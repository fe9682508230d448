// SPDX-License-Identifier: MIT
// Causal attention over the F16 KV cache, one workgroup per (token, query head), any context
// length: the scores go to a scratch row in device memory. The steps and roundings of the CPU's
// scalar kernel, so both compute the same bits: the query is rounded to fp16; each score is a
// sequential dot product times the scale; softmax with exp_poly, summed in order by one
// invocation; the weights are rounded to fp16 before they meet V; each output dimension sums
// over the positions in order.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

#define WG 64u
layout(local_size_x = 64) in;
layout(binding = 0) readonly buffer Q { float QV[]; };
layout(binding = 1) readonly buffer KCache { uint K[]; };
layout(binding = 2) readonly buffer VCache { uint V[]; };
layout(binding = 3) writeonly buffer Out { float O[]; };
layout(binding = 4) buffer Scores { float S[]; };
layout(push_constant) uniform Params {
    uint n_tokens;
    uint n_head;
    uint n_head_kv;
    uint head_dim; // even, <= 256
    uint pos0;
    uint kv_row;   // halves per cache position
    uint q_off;    // floats
    uint k_off;    // halves, even
    uint v_off;    // halves, even
    uint o_off;    // floats
    float scale;
    uint s_stride; // floats per score row: pos0 + n_tokens
} P;

shared float qs[256];
shared float red[WG];
shared float inv_sum;

float cache_half(uint w, uint d) { return half_to_float((d & 1u) == 0u ? w & 0xFFFFu : w >> 16); }

void main() {
    const uint item = group_index();
    if (item >= P.n_tokens * P.n_head)
        return;
    const uint tid = gl_LocalInvocationID.x;
    const uint t = item / P.n_head, h = item % P.n_head;
    const uint kv_head = h / (P.n_head / P.n_head_kv);
    const uint n_kv = P.pos0 + t + 1u;
    const uint s0 = item * P.s_stride;
    for (uint d = tid; d < P.head_dim; d += WG)
        qs[d] = round_to_half(QV[P.q_off + item * P.head_dim + d]);
    barrier();

    float m = uintBitsToFloat(0xFF800000u); // -inf
    for (uint pos = tid; pos < n_kv; pos += WG) {
        const uint base = (P.k_off + pos * P.kv_row + kv_head * P.head_dim) / 2u;
        precise float s = 0.0;
        for (uint d = 0u; d < P.head_dim; ++d)
            s += qs[d] * cache_half(K[base + d / 2u], d);
        precise float scaled = s * P.scale;
        S[s0 + pos] = scaled;
        m = max(m, scaled);
    }
    red[tid] = m;
    barrier();
    for (uint s = WG / 2u; s > 0u; s >>= 1) {
        if (tid < s)
            red[tid] = max(red[tid], red[tid + s]);
        barrier();
    }
    const float max_score = red[0];
    for (uint pos = tid; pos < n_kv; pos += WG)
        S[s0 + pos] = exp_poly(S[s0 + pos] - max_score);
    memoryBarrierBuffer();
    barrier();
    if (tid == 0u) {
        precise float sum = 0.0;
        for (uint pos = 0u; pos < n_kv; ++pos)
            sum += S[s0 + pos];
        precise float inv = 1.0 / sum;
        inv_sum = inv;
    }
    barrier();
    for (uint pos = tid; pos < n_kv; pos += WG) {
        precise float p = S[s0 + pos] * inv_sum;
        S[s0 + pos] = round_to_half(p);
    }
    memoryBarrierBuffer();
    barrier();
    for (uint d = tid; d < P.head_dim; d += WG) {
        precise float acc = 0.0;
        const uint base = (P.v_off + kv_head * P.head_dim + d) / 2u;
        for (uint pos = 0u; pos < n_kv; ++pos)
            acc += S[s0 + pos] * cache_half(V[base + pos * (P.kv_row / 2u)], d);
        O[P.o_off + item * P.head_dim + d] = acc;
    }
}
