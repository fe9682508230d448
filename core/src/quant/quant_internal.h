// SPDX-License-Identifier: MIT
// Internal to quanta_quant: the per-format row kernels that format_traits.cpp dispatches to, and
// the small helpers several format files share. Not a public API.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace quanta::detail {

static_assert(std::endian::native == std::endian::little,
              "block structs are read in place; a big-endian host would need byte swapping");

// Row kernels: x/y hold n floats, the block side holds n / block_elements blocks.
// Preconditions (checked by the dispatcher): n is a multiple of the block size; inputs are finite.
#define QUANTA_DECLARE_ROW_KERNELS(fmt)                                         \
    void quantize_row_##fmt##_ref(const float* x, void* dst, int64_t n);        \
    void dequantize_row_##fmt##_ref(const void* src, float* y, int64_t n);

QUANTA_DECLARE_ROW_KERNELS(f32)
QUANTA_DECLARE_ROW_KERNELS(f16)
QUANTA_DECLARE_ROW_KERNELS(bf16)
QUANTA_DECLARE_ROW_KERNELS(q4_0)
QUANTA_DECLARE_ROW_KERNELS(q4_1)
QUANTA_DECLARE_ROW_KERNELS(q5_0)
QUANTA_DECLARE_ROW_KERNELS(q5_1)
QUANTA_DECLARE_ROW_KERNELS(q8_0)
QUANTA_DECLARE_ROW_KERNELS(q4_k)
QUANTA_DECLARE_ROW_KERNELS(q5_k)
QUANTA_DECLARE_ROW_KERNELS(q6_k)
#undef QUANTA_DECLARE_ROW_KERNELS

/// ggml's nearest_int (FORMATS.md §1): round half to even via the 1.5·2^23 trick. Valid for
/// |v| <= 4194303; the quantizers only call it on values well inside that range. Kept literal
/// (not std::rint) so the behaviour does not depend on the current rounding mode.
inline int nearest_int(float fval) {
    const float val = fval + 12582912.0f;
    int32_t i = 0;
    std::memcpy(&i, &val, sizeof i);
    return (i & 0x007fffff) - 0x00400000;
}

inline int clamp_int(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

} // namespace quanta::detail
