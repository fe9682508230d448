// SPDX-License-Identifier: MIT
// Overflow-checked unsigned 64-bit arithmetic for sizes and offsets read from untrusted files.
// Each function returns nullopt instead of wrapping around.
#pragma once

#include <cstdint>
#include <optional>

namespace quanta {

inline std::optional<uint64_t> checked_add(uint64_t a, uint64_t b) {
    uint64_t r = 0;
    if (__builtin_add_overflow(a, b, &r))
        return std::nullopt;
    return r;
}

inline std::optional<uint64_t> checked_mul(uint64_t a, uint64_t b) {
    uint64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r))
        return std::nullopt;
    return r;
}

/// Round `x` up to a multiple of `alignment`, which must be a non-zero power of two.
inline std::optional<uint64_t> checked_align_up(uint64_t x, uint64_t alignment) {
    const auto bumped = checked_add(x, alignment - 1);
    if (!bumped)
        return std::nullopt;
    return *bumped & ~(alignment - 1);
}

inline constexpr bool is_power_of_two(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

} // namespace quanta
