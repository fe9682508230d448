// SPDX-License-Identifier: MIT
// Rotary embedding in place. The cos/sin table [n_tokens][n_dims/2][2] comes from the host,
// computed in double precision like the CPU's, so both backends rotate by the same f32 values.
// One thread per (token, head, pair).
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 64) in;
layout(binding = 0) buffer Data { float X[]; };
layout(binding = 1) readonly buffer Table { float CS[]; };
layout(push_constant) uniform Params {
    uint n_tokens;
    uint n_heads;
    uint head_dim;
    uint half_dims; // n_dims / 2
    uint neox;
    uint x_off;     // floats
    uint cs_off;    // floats
} P;

void main() {
    const uint item = group_index() * 64u + gl_LocalInvocationID.x;
    if (item >= P.n_tokens * P.n_heads * P.half_dims)
        return;
    const uint i = item % P.half_dims;
    const uint th = item / P.half_dims; // token * n_heads + head
    const uint t = th / P.n_heads;
    const uint base = P.x_off + th * P.head_dim;
    const uint i0 = base + (P.neox != 0u ? i : 2u * i);
    const uint i1 = base + (P.neox != 0u ? i + P.half_dims : 2u * i + 1u);
    const float c = CS[P.cs_off + 2u * (t * P.half_dims + i)];
    const float s = CS[P.cs_off + 2u * (t * P.half_dims + i) + 1u];
    const float a = X[i0], b = X[i1];
    precise float y0 = a * c - b * s; // unfused, like the CPU
    precise float y1 = a * s + b * c;
    X[i0] = y0;
    X[i1] = y1;
}
