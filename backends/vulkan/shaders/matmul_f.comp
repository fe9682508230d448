// SPDX-License-Identifier: MIT
// y[t][row] = W[row] . x[t] for the formats multiplied in f32 (F32, F16, BF16, NF4); each weight
// is decoded once per tile of TILE tokens.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "formats.glsl"

#define WG 64u
#define TILE 8u
layout(local_size_x = 64) in;
layout(binding = 1) readonly buffer In { float X[]; };

void row_dot(uint row, uint lane, uint lanes, uint t0, uint nt, inout precise float acc[TILE]) {
    const uint rb = row * P.row_stride;
#ifdef USE_SEQUENTIAL
    // The CPU's scalar order: a partial sum per 64-element chunk, added to the row's total.
    for (uint c0 = 0u; c0 < P.k; c0 += 64u) {
        precise float part[TILE];
        [[unroll]] for (uint t = 0u; t < TILE; ++t)
            part[t] = 0.0;
        const uint c1 = min(c0 + 64u, P.k);
        for (uint e = c0; e < c1; ++e) {
            const float w = decode_element(rb, row, e);
            [[unroll]] for (uint t = 0u; t < TILE; ++t) {
                if (t < nt)
                    part[t] += w * X[P.x_off + (t0 + t) * P.k + e];
            }
        }
        [[unroll]] for (uint t = 0u; t < TILE; ++t)
            acc[t] += part[t];
    }
    return;
#endif
    for (uint e = lane; e < P.k; e += lanes) {
        const float w = decode_element(rb, row, e);
        [[unroll]] for (uint t = 0u; t < TILE; ++t) {
            if (t < nt)
                acc[t] += w * X[P.x_off + (t0 + t) * P.k + e];
        }
    }
}

#include "matvec.glsl"
