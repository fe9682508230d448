// SPDX-License-Identifier: MIT
// The row loop of the matmul shaders. The includer defines
//   void row_dot(uint row, uint lane, uint lanes, uint t0, uint nt, inout float acc[TILE])
// which adds lane `lane`'s share (of `lanes`) of W[row] . x[t0 + t] to acc[t] for t < nt.
//
// USE_SEQUENTIAL: one invocation per row (P.rows_per_group = 64 per workgroup), summing in the
//   order of the CPU's scalar kernels, bit for bit; what a CPU Vulkan device (llvmpipe) runs best,
//   each SIMD lane a row.
// USE_SUBGROUP: each subgroup takes whole rows (P.rows_per_group per workgroup, any subgroup size)
//   and reduces with subgroupAdd: no barrier at all.
// Otherwise one row per workgroup and a shared-memory tree reduction (devices without subgroup
// arithmetic).
#ifdef USE_SUBGROUP
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif

layout(binding = 2) writeonly buffer Out { float Y[]; };

#if !defined(USE_SUBGROUP) && !defined(USE_SEQUENTIAL)
shared float partial[TILE][WG];
#endif

void main() {
    const uint t0 = gl_WorkGroupID.z * TILE;
    const uint nt = min(TILE, P.n_tokens - t0);
#if defined(USE_SEQUENTIAL)
    const uint row = group_index() * P.rows_per_group + gl_LocalInvocationID.x;
    if (row >= P.n)
        return; // no barrier follows
    precise float acc[TILE];
    [[unroll]] for (uint t = 0u; t < TILE; ++t)
        acc[t] = 0.0;
    row_dot(row, 0u, 1u, t0, nt, acc);
    [[unroll]] for (uint t = 0u; t < TILE; ++t) {
        if (t < nt)
            Y[P.y_off + (t0 + t) * P.n + row] = acc[t];
    }
#elif defined(USE_SUBGROUP)
    for (uint r = gl_SubgroupID; r < P.rows_per_group; r += gl_NumSubgroups) {
        const uint row = group_index() * P.rows_per_group + r;
        if (row >= P.n)
            break; // the same row for the whole subgroup
        float acc[TILE];
        [[unroll]] for (uint t = 0u; t < TILE; ++t)
            acc[t] = 0.0;
        row_dot(row, gl_SubgroupInvocationID, gl_SubgroupSize, t0, nt, acc);
        [[unroll]] for (uint t = 0u; t < TILE; ++t) {
            const float s = subgroupAdd(acc[t]);
            if (gl_SubgroupInvocationID == 0u && t < nt)
                Y[P.y_off + (t0 + t) * P.n + row] = s;
        }
    }
#else
    const uint row = group_index();
    if (row >= P.n)
        return; // uniform across the workgroup
    const uint tid = gl_LocalInvocationID.x;
    float acc[TILE];
    [[unroll]] for (uint t = 0u; t < TILE; ++t)
        acc[t] = 0.0;
    row_dot(row, tid, WG, t0, nt, acc);
    [[unroll]] for (uint t = 0u; t < TILE; ++t)
        partial[t][tid] = acc[t];
    barrier();
    [[unroll]] for (uint s = WG / 2u; s > 0u; s >>= 1) {
        if (tid < s) {
            [[unroll]] for (uint t = 0u; t < TILE; ++t)
                partial[t][tid] += partial[t][tid + s];
        }
        barrier();
    }
    if (tid < nt)
        Y[P.y_off + (t0 + tid) * P.n + row] = partial[tid][0];
#endif
}
