// SPDX-License-Identifier: MIT
// Scalar fp16 / bf16 conversions (FORMATS.md §1). Pure integer bit manipulation, so the result
// does not depend on F16C, the FPU rounding mode or flush-to-zero settings.
#include "quanta/format.h"

#include <cstring>

namespace quanta {

namespace {

uint32_t f32_bits(float f) {
    uint32_t u = 0;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

float bits_f32(uint32_t u) {
    float f = 0;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

} // namespace

float fp16_to_f32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    const uint32_t mant = h & 0x3ffu;
    if (exp == 0) {
        // Zero or subnormal: mant * 2^-24, exact in f32 (the factor is a power of two).
        const float magnitude = static_cast<float>(mant) * 5.9604644775390625e-8f;
        return bits_f32(sign | f32_bits(magnitude));
    }
    if (exp == 31) // inf, or NaN with its payload kept in the top mantissa bits
        return bits_f32(sign | 0x7f800000u | (mant << 13));
    return bits_f32(sign | ((exp + 112u) << 23) | (mant << 13));
}

uint16_t f32_to_fp16(float f) {
    const uint32_t u = f32_bits(f);
    const uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000u);
    const uint32_t a = u & 0x7fffffffu;
    if (a > 0x7f800000u) // NaN: quiet it and keep the top payload bits, like F16C / CUDA
        return static_cast<uint16_t>(sign | 0x7e00u | ((a >> 13) & 0x3ffu));
    if (a >= 0x477ff000u) // >= 65520 rounds to infinity (65504 is the largest finite fp16)
        return static_cast<uint16_t>(sign | 0x7c00u);
    if (a >= 0x38800000u) { // normal fp16 result: round the 13 dropped bits to nearest even
        const uint32_t rounded = a + 0x0fffu + ((a >> 13) & 1u);
        return static_cast<uint16_t>(sign | ((rounded - 0x38000000u) >> 13));
    }
    if (a <= 0x33000000u) // <= 2^-25: rounds to zero (2^-25 itself is a tie, even is zero)
        return sign;
    // Subnormal fp16: value in units of 2^-24 is mant24 >> (126 - exp), rounded to nearest even.
    // A carry into bit 10 yields the smallest normal, which is the correct encoding.
    const uint32_t exp = a >> 23;
    const uint32_t mant = (a & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126u - exp; // 14..24
    const uint32_t half = 1u << (shift - 1);
    const uint32_t rest = mant & ((1u << shift) - 1u);
    uint32_t q = mant >> shift;
    if (rest > half || (rest == half && (q & 1u)))
        ++q;
    return static_cast<uint16_t>(sign | q);
}

float bf16_to_f32(uint16_t h) { return bits_f32(static_cast<uint32_t>(h) << 16); }

uint16_t f32_to_bf16(float f) {
    const uint32_t u = f32_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) // NaN: keep the upper bits, force quiet
        return static_cast<uint16_t>((u >> 16) | 64u);
    return static_cast<uint16_t>((u + (0x7fffu + ((u >> 16) & 1u))) >> 16);
}

} // namespace quanta
