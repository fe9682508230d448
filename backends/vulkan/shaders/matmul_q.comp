// SPDX-License-Identifier: MIT
// y[t][row] = W[row] . x[t] for the integer-block formats, against 8-bit activations (ActQ8
// blocks from quantize_q8.comp): integer dot products per 32-element chunk, scaled in f32, the
// same arithmetic as the CPU kernels. Each chunk is decoded once per tile of TILE tokens.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "formats.glsl"

#define WG 64u
#define TILE 8u
layout(local_size_x = 64) in;
layout(binding = 1) readonly buffer ActWords { uint A[]; }; // per block: d, s, 8 words of 4 int8

int sbyte(uint w, uint j) { return bitfieldExtract(int(w), int(j * 8u), 8); }

void row_dot(uint row, uint lane, uint lanes, uint t0, uint nt, inout precise float acc[TILE]) {
    const uint nb = P.k / 32u;
    const uint rb = row * P.row_stride;
    for (uint c = lane; c < nb; c += lanes) {
        int v[32];
        float d_lo, d_hi, m;
        decode_chunk(rb, c, v, d_lo, d_hi, m);
        [[unroll]] for (uint t = 0u; t < TILE; ++t) {
            if (t < nt) {
                const uint a = P.act_off + ((t0 + t) * nb + c) * 10u;
                int lo = 0, hi = 0;
                [[unroll]] for (uint w = 0u; w < 4u; ++w) {
                    const uint ql = A[a + 2u + w], qh = A[a + 6u + w];
                    [[unroll]] for (uint j = 0u; j < 4u; ++j) {
                        lo += v[4u * w + j] * sbyte(ql, j);
                        hi += v[16u + 4u * w + j] * sbyte(qh, j);
                    }
                }
                // The CPU's order and roundings (no fused multiply-add).
                precise float block = uintBitsToFloat(A[a]) * (d_lo * float(lo) + d_hi * float(hi)) +
                                      m * uintBitsToFloat(A[a + 1u]);
                acc[t] += block;
            }
        }
    }
}

#include "matvec.glsl"
