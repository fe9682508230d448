// SPDX-License-Identifier: MIT
// Activations to 8-bit blocks of 32 (the CPU's ActQ8): d = fp16(amax / 127), q = RNE(x * 127 /
// amax), s = d * sum(q). Block layout in words: d, s, then 32 int8 in 8 words. One thread a block.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 64) in;
layout(binding = 0) readonly buffer In { float X[]; };
layout(binding = 1) writeonly buffer ActWords { uint A[]; };
layout(push_constant) uniform Params {
    uint k;        // elements per row, a multiple of 32
    uint n_blocks; // rows * k / 32
    uint x_off;    // floats
    uint act_off;  // words
    float c127;    // 127, a push constant so that amax / 127 stays a division (see formats.glsl)
} P;

void main() {
    const uint blk = group_index() * 64u + gl_LocalInvocationID.x;
    if (blk >= P.n_blocks)
        return;
    const uint nb = P.k / 32u;
    const uint x0 = P.x_off + (blk / nb) * P.k + (blk % nb) * 32u;
    float amax = 0.0;
    for (uint e = 0u; e < 32u; ++e)
        amax = max(amax, abs(X[x0 + e]));
    const float id = amax != 0.0 ? P.c127 / amax : 0.0;
    const uint a = P.act_off + blk * 10u;
    int sum = 0;
    for (uint w = 0u; w < 8u; ++w) {
        uint packed = 0u;
        for (uint j = 0u; j < 4u; ++j) {
            const int q = int(roundEven(X[x0 + 4u * w + j] * id));
            sum += q;
            packed |= (uint(q) & 0xFFu) << (8u * j);
        }
        A[a + 2u + w] = packed;
    }
    const float d = round_to_half(amax / P.c127);
    precise float s = d * float(sum);
    A[a] = floatBitsToUint(d);
    A[a + 1u] = floatBitsToUint(s);
}
