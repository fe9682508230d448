// SPDX-License-Identifier: MIT
// F32, F16 and BF16: one element per "block", conversions from FORMATS.md §1.
#include "quant/quant_internal.h"
#include "quanta/format.h"

#include <cstring>

namespace quanta::detail {

void quantize_row_f32_ref(const float* x, void* dst, int64_t n) {
    std::memcpy(dst, x, static_cast<size_t>(n) * sizeof(float));
}

void dequantize_row_f32_ref(const void* src, float* y, int64_t n) {
    std::memcpy(y, src, static_cast<size_t>(n) * sizeof(float));
}

void quantize_row_f16_ref(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t i = 0; i < n; ++i) {
        const uint16_t h = f32_to_fp16(x[i]);
        std::memcpy(out + 2 * i, &h, 2);
    }
}

void dequantize_row_f16_ref(const void* src, float* y, int64_t n) {
    const auto* in = static_cast<const uint8_t*>(src);
    for (int64_t i = 0; i < n; ++i) {
        uint16_t h = 0;
        std::memcpy(&h, in + 2 * i, 2);
        y[i] = fp16_to_f32(h);
    }
}

void quantize_row_bf16_ref(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t i = 0; i < n; ++i) {
        const uint16_t h = f32_to_bf16(x[i]);
        std::memcpy(out + 2 * i, &h, 2);
    }
}

void dequantize_row_bf16_ref(const void* src, float* y, int64_t n) {
    const auto* in = static_cast<const uint8_t*>(src);
    for (int64_t i = 0; i < n; ++i) {
        uint16_t h = 0;
        std::memcpy(&h, in + 2 * i, 2);
        y[i] = bf16_to_f32(h);
    }
}

} // namespace quanta::detail
