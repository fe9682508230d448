// SPDX-License-Identifier: MIT
// LLM.int8() product (the CPU's matmul_int8): y[t][r] = C * SCA[t] * SCB[r] / 127^2 + the f32
// product of the outlier columns, where C = sum_c CA[t][c] * CB[r][c] in int32 (exact). Uses the
// scratch of int8_prepare.comp. Rows are spread like matvec.glsl's (subgroups or one workgroup).
#version 450
#extension GL_GOOGLE_include_directive : require
#define FMT_INT8 1
#include "common.glsl"
#include "formats.glsl"
#ifdef USE_SUBGROUP
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif

#define WG 64u
#define TILE 8u
layout(local_size_x = 64) in;
layout(binding = 1) readonly buffer In { float X[]; };
layout(binding = 2) writeonly buffer Out { float Y[]; };
layout(binding = 3) readonly buffer Scratch { uint S[]; };

#if !defined(USE_SUBGROUP) && !defined(USE_SEQUENTIAL)
shared int ipart[TILE][WG];
shared float fpart[TILE][WG];
#endif

void row_dot(uint row, uint lane, uint lanes, uint t0, uint nt, inout int iacc[TILE], inout precise float facc[TILE]) {
    const uint rb = row * P.row_stride;
    const float scb = w_float(P.aux0 + 4u * row);
    const uint ca0 = P.act_off + P.k + P.n_tokens;
    for (uint c = lane; c < P.k; c += lanes) {
        const int cb = w_int8(rb + c);
        if (S[P.act_off + c] != 0u) {
            precise float wb = float(cb) * scb;
            precise float w = wb * P.inv127;
            [[unroll]] for (uint t = 0u; t < TILE; ++t) {
                if (t < nt)
                    facc[t] += round_to_half(X[P.x_off + (t0 + t) * P.k + c]) * w;
            }
        } else {
            [[unroll]] for (uint t = 0u; t < TILE; ++t) {
                if (t < nt)
                    iacc[t] += int(S[ca0 + (t0 + t) * P.k + c]) * cb;
            }
        }
    }
}

float finish(uint row, uint t, int c, float outliers) {
    const float sca = uintBitsToFloat(S[P.act_off + P.k + t]);
    // One rounding per step in this order (a compiler must not regroup the constant factor).
    precise float a = float(c) * sca;
    precise float b = a * w_float(P.aux0 + 4u * row);
    precise float y = b * P.inv127sq;
    precise float total = y + outliers;
    return total;
}

void main() {
    const uint t0 = gl_WorkGroupID.z * TILE;
    const uint nt = min(TILE, P.n_tokens - t0);
    int iacc[TILE];
    precise float facc[TILE];
#if defined(USE_SEQUENTIAL)
    const uint row = group_index() * P.rows_per_group + gl_LocalInvocationID.x;
    if (row >= P.n)
        return;
    [[unroll]] for (uint t = 0u; t < TILE; ++t) {
        iacc[t] = 0;
        facc[t] = 0.0;
    }
    row_dot(row, 0u, 1u, t0, nt, iacc, facc);
    [[unroll]] for (uint t = 0u; t < TILE; ++t) {
        if (t < nt)
            Y[P.y_off + (t0 + t) * P.n + row] = finish(row, t0 + t, iacc[t], facc[t]);
    }
#elif defined(USE_SUBGROUP)
    for (uint r = gl_SubgroupID; r < P.rows_per_group; r += gl_NumSubgroups) {
        const uint row = group_index() * P.rows_per_group + r;
        if (row >= P.n)
            break;
        [[unroll]] for (uint t = 0u; t < TILE; ++t) {
            iacc[t] = 0;
            facc[t] = 0.0;
        }
        row_dot(row, gl_SubgroupInvocationID, gl_SubgroupSize, t0, nt, iacc, facc);
        [[unroll]] for (uint t = 0u; t < TILE; ++t) {
            const int c = subgroupAdd(iacc[t]);
            const float o = subgroupAdd(facc[t]);
            if (gl_SubgroupInvocationID == 0u && t < nt)
                Y[P.y_off + (t0 + t) * P.n + row] = finish(row, t0 + t, c, o);
        }
    }
#else
    const uint row = group_index();
    if (row >= P.n)
        return;
    const uint tid = gl_LocalInvocationID.x;
    [[unroll]] for (uint t = 0u; t < TILE; ++t) {
        iacc[t] = 0;
        facc[t] = 0.0;
    }
    row_dot(row, tid, WG, t0, nt, iacc, facc);
    [[unroll]] for (uint t = 0u; t < TILE; ++t) {
        ipart[t][tid] = iacc[t];
        fpart[t][tid] = facc[t];
    }
    barrier();
    [[unroll]] for (uint s = WG / 2u; s > 0u; s >>= 1) {
        if (tid < s) {
            [[unroll]] for (uint t = 0u; t < TILE; ++t) {
                ipart[t][tid] += ipart[t][tid + s];
                fpart[t][tid] += fpart[t][tid + s];
            }
        }
        barrier();
    }
    if (tid < nt)
        Y[P.y_off + (t0 + tid) * P.n + row] = finish(row, t0 + tid, ipart[tid][0], fpart[tid][0]);
#endif
}
