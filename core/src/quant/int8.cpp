// SPDX-License-Identifier: MIT
// bitsandbytes LLM.int8() weights (FORMATS.md §10.1): row-wise absmax over the fp16 weights.
#include "quant/quant_internal.h"
#include "quanta/format.h"

#include <algorithm>
#include <cmath>

namespace quanta {

void int8_quantize_row_reference(const float* w, int64_t n, int8_t* cb, float* scb) {
    float amax = 0.0f;
    for (int64_t i = 0; i < n; ++i)
        amax = std::max(amax, std::fabs(fp16_to_f32(f32_to_fp16(w[i]))));
    *scb = amax;
    if (amax == 0.0f) { // bitsandbytes divides by zero here; CUDA yields code 0
        std::fill(cb, cb + n, int8_t{0});
        return;
    }
    const float factor = 127.0f / amax;
    for (int64_t i = 0; i < n; ++i) {
        const float wh = fp16_to_f32(f32_to_fp16(w[i]));
        cb[i] = static_cast<int8_t>(detail::clamp_int(detail::nearest_int(wh * factor), -127, 127));
    }
}

void int8_dequantize_row_reference(const int8_t* cb, float scb, int64_t n, float* y) {
    for (int64_t i = 0; i < n; ++i)
        y[i] = (static_cast<float>(cb[i]) * scb) * kInt8InvScale;
}

} // namespace quanta
