// SPDX-License-Identifier: MIT
// LLM.int8() activations (FORMATS.md 10.2, the CPU's matmul_int8), in two passes over x rounded
// to fp16:
//   PASS 0, one thread per column c: outlier[c] = 1 when |x[t][c]| >= tau for some token t;
//   PASS 1, one workgroup per token t: SCA[t] = max |x[t][c]| over elements below tau, and
//           CA[t][c] = RNE(x[t][c] * 127 / SCA[t]), 0 for elements >= tau and outlier columns.
// Scratch layout in words from act_off: outlier[k] | SCA[n_tokens] | CA[n_tokens][k] (int).
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 64) in;
layout(binding = 0) readonly buffer In { float X[]; };
layout(binding = 1) buffer Scratch { uint S[]; };
layout(push_constant) uniform Params {
    uint k;
    uint n_tokens;
    uint x_off;   // floats
    uint act_off; // words
    float tau;    // 0: no outliers
    uint pass;
    float c127;   // 127 (see quantize_q8.comp)
} P;

shared float amax_part[64];

bool is_inlier(float v) { return P.tau <= 0.0 || abs(v) < P.tau; }

void main() {
    const uint tid = gl_LocalInvocationID.x;
    if (P.pass == 0u) {
        const uint c = group_index() * 64u + tid;
        if (c >= P.k)
            return;
        uint outlier = 0u;
        for (uint t = 0u; t < P.n_tokens && outlier == 0u; ++t)
            outlier = is_inlier(round_to_half(X[P.x_off + t * P.k + c])) ? 0u : 1u;
        S[P.act_off + c] = outlier;
        return;
    }
    const uint t = group_index();
    if (t >= P.n_tokens)
        return;
    const uint x0 = P.x_off + t * P.k;
    float amax = 0.0;
    for (uint c = tid; c < P.k; c += 64u) {
        const float v = round_to_half(X[x0 + c]);
        if (is_inlier(v))
            amax = max(amax, abs(v));
    }
    amax_part[tid] = amax;
    barrier();
    for (uint s = 32u; s > 0u; s >>= 1) {
        if (tid < s)
            amax_part[tid] = max(amax_part[tid], amax_part[tid + s]);
        barrier();
    }
    amax = amax_part[0];
    const float inv = amax > 0.0 ? P.c127 / amax : 0.0;
    if (tid == 0u)
        S[P.act_off + P.k + t] = floatBitsToUint(amax);
    const uint ca0 = P.act_off + P.k + P.n_tokens + t * P.k;
    for (uint c = tid; c < P.k; c += 64u) {
        const float v = round_to_half(X[x0 + c]);
        const bool quantized = is_inlier(v) && S[P.act_off + c] == 0u;
        S[ca0 + c] = uint(quantized ? int(roundEven(v * inv)) : 0);
    }
}
