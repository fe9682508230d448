// SPDX-License-Identifier: MIT
// cache halves [dst, dst + n) = fp16(src[0 .. n)), rounded to nearest even. One thread per
// 32-bit word (two halves); dst is even, so no two threads share a word.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 64) in;
layout(binding = 0) readonly buffer In { float X[]; };
layout(binding = 1) buffer Cache { uint C[]; };
layout(push_constant) uniform Params {
    uint n;       // halves to write
    uint x_off;   // floats
    uint dst_off; // halves, even
} P;

void main() {
    const uint w = group_index() * 64u + gl_LocalInvocationID.x;
    if (2u * w >= P.n)
        return;
    const uint lo = float_to_half(X[P.x_off + 2u * w]);
    const uint word = P.dst_off / 2u + w;
    const uint hi = 2u * w + 1u < P.n ? float_to_half(X[P.x_off + 2u * w + 1u]) : C[word] >> 16;
    C[word] = lo | (hi << 16);
}
