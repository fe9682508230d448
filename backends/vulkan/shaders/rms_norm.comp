// SPDX-License-Identifier: MIT
// y[t] = x[t] / sqrt(mean(x[t]^2) + eps) * weight. One workgroup per token: one invocation sums the
// squares in order (the CPU scalar kernel's sum, bit for bit), then all scale. In place is fine.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 64) in;
layout(binding = 0) readonly buffer In { float X[]; };
layout(binding = 1) readonly buffer WeightWords { uint W[]; };
layout(binding = 2) buffer Out { float Y[]; };
layout(push_constant) uniform Params {
    uint n;
    uint n_tokens;
    uint x_off;
    uint y_off;
    float eps;
} P;

shared float scale;

void main() {
    const uint t = group_index();
    if (t >= P.n_tokens)
        return;
    const uint tid = gl_LocalInvocationID.x;
    const uint x0 = P.x_off + t * P.n, y0 = P.y_off + t * P.n;
    if (tid == 0u) {
        precise float ss = 0.0;
        for (uint i = 0u; i < P.n; ++i)
            ss += X[x0 + i] * X[x0 + i];
        precise float s = 1.0 / sqrt(ss / float(P.n) + P.eps);
        scale = s;
    }
    barrier();
    for (uint i = tid; i < P.n; i += 64u) {
        precise float y = X[x0 + i] * scale * uintBitsToFloat(W[i]);
        Y[y0 + i] = y;
    }
}
