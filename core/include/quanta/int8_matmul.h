// SPDX-License-Identifier: MIT
// Reference LLM.int8() matrix multiply with mixed-precision outlier decomposition (FORMATS.md
// §10.2). Scalar and slow on purpose: it is the executable specification that the engine's CPU,
// CUDA and Vulkan INT8 kernels are tested against. Thread-safe (no shared state).
#pragma once

#include <cstdint>

namespace quanta {

struct Int8MatmulOptions {
    /// llm_int8_threshold (τ). An activation element with |x| >= τ is an outlier and its whole
    /// input column is computed in floating point. τ = 0 disables the decomposition.
    float threshold = 6.0f;
    /// Round as bitsandbytes does with fp16 activations: the int8 part is converted to fp16 after
    /// the rescale and bias (step 5), and the final sum to fp16 again. When false everything
    /// stays f32, which is what a kernel that accumulates in f32 should be compared with.
    bool fp16_output = false;
};

/// Y = X · Wᵀ + bias with W given as LLM.int8() weights (CB, SCB; see int8_quantize_row_reference).
///   x    [n_tokens, n_in]  row-major activations; converted to fp16 first (bitsandbytes casts
///                          the input to fp16), so values must be within the fp16 range
///   cb   [n_out, n_in]     int8 weight codes, row-major
///   scb  [n_out]           row absmax of the fp16 weights
///   bias [n_out] or null
///   y    [n_tokens, n_out] output
/// Procedure, literally §10.2:
///   1. O = { c : |Xh[t, c]| >= τ for some t } (empty when τ = 0);
///   2. SCA[t] = max |Xh[t, c]| over the elements with |Xh[t, c]| < τ (all elements when τ = 0);
///   3. CA[t, c] = round_half_even(Xh[t, c] · f32(127 / SCA[t])) for inliers, 0 for outlier
///      elements and for every column in O (SCA = 0 gives codes 0);
///   4. C[t, r] = Σ_c CA[t, c] · CB[r, c] in int32;
///   5. Y[t, r] = f32(f32(f32(C · SCA[t]) · SCB[r]) · f32(1/127²)) + bias[r]
///      (f32, no FMA; the CUDA kernel fuses this into an fma, ≤ 1 ulp apart);
///   6. Y[t, r] += Σ_{c in O} Xh[t, c] · W[r, c] with W[r, c] = f32(CB[r, c] · SCB[r]) · f32(1/127),
///      accumulated in f32 in increasing c (bitsandbytes runs this in 16 bit with no fixed order).
void int8_matmul_reference(const float* x, int64_t n_tokens, int64_t n_in, const int8_t* cb, const float* scb,
                           int64_t n_out, const float* bias, float* y, const Int8MatmulOptions& options = {});

} // namespace quanta
