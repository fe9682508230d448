// SPDX-License-Identifier: MIT
// Element-wise ops, one thread per element:
//   OP 0 add:      out[i] = a[i] + b[i]
//   OP 1 silu_mul: out[i] = silu(a[i]) * b[i], silu(g) = g / (1 + exp(-g))
//   OP 2 add_rows: out[i] = a[i] + b[i % row]   (b: a bias weight)
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 64) in;
layout(binding = 0) readonly buffer A { float XA[]; };
layout(binding = 1) readonly buffer B { uint XB[]; };
layout(binding = 2) writeonly buffer Out { float Y[]; };
layout(push_constant) uniform Params {
    uint op;
    uint n;
    uint row;
    uint a_off;
    uint b_off;
    uint y_off;
} P;

void main() {
    const uint i = group_index() * 64u + gl_LocalInvocationID.x;
    if (i >= P.n)
        return;
    const float a = XA[P.a_off + i];
    if (P.op == 0u) {
        Y[P.y_off + i] = a + uintBitsToFloat(XB[P.b_off + i]);
    } else if (P.op == 1u) {
        precise float y = a / (1.0 + exp_poly(-a)) * uintBitsToFloat(XB[P.b_off + i]);
        Y[P.y_off + i] = y;
    } else {
        Y[P.y_off + i] = a + uintBitsToFloat(XB[P.b_off + i % P.row]);
    }
}
