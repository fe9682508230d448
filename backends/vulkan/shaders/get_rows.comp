// SPDX-License-Identifier: MIT
// out[i][:] = row ids[i] of W as f32 (embedding lookup). Integer-block formats: one thread per
// 32-element chunk; the others: one thread per element.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "formats.glsl"

layout(local_size_x = 64) in;
layout(binding = 1) readonly buffer Ids { int IDS[]; };
layout(binding = 2) writeonly buffer Out { float Y[]; };

void main() {
    const uint item = group_index() * 64u + gl_LocalInvocationID.x;
#ifdef FAMILY_Q
    const uint per_row = P.k / 32u;
#else
    const uint per_row = P.k;
#endif
    if (item >= P.n_tokens * per_row)
        return;
    const uint i = item / per_row, c = item % per_row;
    const uint row = uint(IDS[P.x_off + i]);
    const uint rb = row * P.row_stride;
#ifdef FAMILY_Q
    int v[32];
    float d_lo, d_hi, m;
    decode_chunk(rb, c, v, d_lo, d_hi, m);
    const uint o = P.y_off + i * P.k + c * 32u;
    [[unroll]] for (uint e = 0u; e < 32u; ++e) {
        precise float y = (e < 16u ? d_lo : d_hi) * float(v[e]) + m; // the reference's steps, unfused
        Y[o + e] = y;
    }
#else
    Y[P.y_off + i * P.k + c] = decode_element(rb, row, c);
#endif
}
