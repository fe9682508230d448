// SPDX-License-Identifier: MIT
// fp16 and bf16 conversions (FORMATS.md §1): round to nearest even, overflow, NaN, subnormals.
#include "quant_test_util.h"
#include "quanta/format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace quanta {
namespace {

using test::bits;
using test::from_bits;

TEST(Fp16, ExactValues) {
    EXPECT_EQ(f32_to_fp16(0.0f), 0x0000);
    EXPECT_EQ(f32_to_fp16(-0.0f), 0x8000);
    EXPECT_EQ(f32_to_fp16(1.0f), 0x3c00);
    EXPECT_EQ(f32_to_fp16(-2.0f), 0xc000);
    EXPECT_EQ(f32_to_fp16(65504.0f), 0x7bff);
    EXPECT_EQ(f32_to_fp16(std::ldexp(1.0f, -14)), 0x0400); // smallest normal
    EXPECT_EQ(f32_to_fp16(std::ldexp(1.0f, -24)), 0x0001); // smallest subnormal
    EXPECT_EQ(f32_to_fp16(std::ldexp(1023.0f, -24)), 0x03ff);
}

TEST(Fp16, RoundsToNearestEven) {
    EXPECT_EQ(f32_to_fp16(1.0f + std::ldexp(1.0f, -11)), 0x3c00);        // tie -> even
    EXPECT_EQ(f32_to_fp16(1.0f + 3.0f * std::ldexp(1.0f, -11)), 0x3c02); // tie -> even (up)
    EXPECT_EQ(f32_to_fp16(std::nextafter(1.0f + std::ldexp(1.0f, -11), 2.0f)), 0x3c01);
    EXPECT_EQ(f32_to_fp16(std::ldexp(1.0f, -25)), 0x0000);               // subnormal tie -> 0
    EXPECT_EQ(f32_to_fp16(std::nextafter(std::ldexp(1.0f, -25), 1.0f)), 0x0001);
    EXPECT_EQ(f32_to_fp16(3.0f * std::ldexp(1.0f, -25)), 0x0002);        // 1.5 units -> 2
    EXPECT_EQ(f32_to_fp16(5.0f * std::ldexp(1.0f, -25)), 0x0002);        // 2.5 units -> 2
    EXPECT_EQ(f32_to_fp16(std::ldexp(1.0f, -14) - std::ldexp(1.0f, -25)), 0x0400); // carry into normal
    EXPECT_EQ(f32_to_fp16(-std::ldexp(1.0f, -30)), 0x8000);             // underflow keeps the sign
}

TEST(Fp16, OverflowInfinityAndNaN) {
    EXPECT_EQ(f32_to_fp16(65519.0f), 0x7bff);
    EXPECT_EQ(f32_to_fp16(65520.0f), 0x7c00); // the tie rounds up to infinity
    EXPECT_EQ(f32_to_fp16(-1e6f), 0xfc00);
    EXPECT_EQ(f32_to_fp16(std::numeric_limits<float>::infinity()), 0x7c00);
    EXPECT_EQ(f32_to_fp16(-std::numeric_limits<float>::infinity()), 0xfc00);
    EXPECT_EQ(f32_to_fp16(from_bits(0x7fc00000u)), 0x7e00);
    EXPECT_EQ(f32_to_fp16(from_bits(0xffc00000u)), 0xfe00);
    EXPECT_EQ(f32_to_fp16(from_bits(0x7f800001u)), 0x7e00); // signalling NaN is quieted, not inf
    EXPECT_EQ(f32_to_fp16(from_bits(0x7fa02000u)), 0x7f01); // top payload bits kept
}

TEST(Fp16, DecodeIsExactForEveryPattern) {
    EXPECT_EQ(fp16_to_f32(0x0001), std::ldexp(1.0f, -24));
    EXPECT_EQ(fp16_to_f32(0x3555), 0.333251953125f);
    EXPECT_EQ(bits(fp16_to_f32(0x8000)), 0x80000000u);
    EXPECT_EQ(bits(fp16_to_f32(0x7c00)), 0x7f800000u);
    EXPECT_EQ(bits(fp16_to_f32(0x7e01)), 0x7fc02000u);
    for (uint32_t h = 0; h < 0x10000; ++h) {
        const float f = fp16_to_f32(static_cast<uint16_t>(h));
        const uint32_t exp = (h >> 10) & 31;
        if (exp == 31 && (h & 0x3ff)) {
            EXPECT_TRUE(std::isnan(f));
            EXPECT_EQ(f32_to_fp16(f), h | 0x200) << h;
            continue;
        }
        EXPECT_EQ(f32_to_fp16(f), h) << "pattern " << h;
        // The value itself, from the definition.
        const double mant = exp == 0 ? (h & 0x3ff) / 1024.0 : 1.0 + (h & 0x3ff) / 1024.0;
        const double value = exp == 31 ? INFINITY : std::ldexp(mant, exp == 0 ? -14 : static_cast<int>(exp) - 15);
        EXPECT_EQ(static_cast<double>(f), (h & 0x8000) ? -value : value) << "pattern " << h;
    }
}

TEST(Fp16, MatchesNearestValueOnRandomFloats) {
    // Brute-force check against the definition: the result is one of the two neighbours and the
    // nearer one (even on ties).
    std::mt19937 rng(5);
    for (int i = 0; i < 200000; ++i) {
        const float f = std::ldexp(static_cast<float>(rng() % 0x1000000) / 16777216.0f, static_cast<int>(rng() % 44) - 28);
        const uint16_t h = f32_to_fp16(f);
        const double v = fp16_to_f32(h);
        const double up = fp16_to_f32(static_cast<uint16_t>(h + 1));
        const double down = h > 0 ? static_cast<double>(fp16_to_f32(static_cast<uint16_t>(h - 1))) : -up;
        const double err = std::fabs(v - f);
        ASSERT_LE(err, std::fabs(up - f)) << f;
        ASSERT_LE(err, std::fabs(down - f)) << f;
        if (err == std::fabs(up - f) && err > 0.0) {
            ASSERT_EQ(h & 1, 0) << f;
        }
    }
}

TEST(Bf16, GgmlRounding) {
    EXPECT_EQ(f32_to_bf16(1.0f), 0x3f80);
    EXPECT_EQ(f32_to_bf16(1.0f + std::ldexp(1.0f, -8)), 0x3f80);        // tie -> even
    EXPECT_EQ(f32_to_bf16(1.0f + 3.0f * std::ldexp(1.0f, -8)), 0x3f82); // tie -> even (up)
    EXPECT_EQ(f32_to_bf16(std::nextafter(1.0f + std::ldexp(1.0f, -8), 2.0f)), 0x3f81);
    EXPECT_EQ(f32_to_bf16(-0.0f), 0x8000);
    EXPECT_EQ(f32_to_bf16(from_bits(0x7f7fffffu)), 0x7f80);             // FLT_MAX rounds to inf
    EXPECT_EQ(f32_to_bf16(from_bits(0x00018000u)), 0x0002);             // subnormals are not flushed
    EXPECT_EQ(f32_to_bf16(from_bits(0x00008000u)), 0x0000);
    EXPECT_EQ(f32_to_bf16(std::numeric_limits<float>::infinity()), 0x7f80);
    EXPECT_EQ(f32_to_bf16(from_bits(0x7f800001u)), 0x7fc0);             // NaN: upper bits | 0x40
    EXPECT_EQ(f32_to_bf16(from_bits(0xff812345u)), 0xffc1);
    EXPECT_EQ(bits(bf16_to_f32(0xbf80)), 0xbf800000u);
    EXPECT_EQ(bits(bf16_to_f32(0x0001)), 0x00010000u);
    for (uint32_t h = 0; h < 0x10000; ++h) {
        const float f = bf16_to_f32(static_cast<uint16_t>(h));
        if (!std::isnan(f)) {
            EXPECT_EQ(f32_to_bf16(f), h) << "pattern " << h;
        }
    }
}

} // namespace
} // namespace quanta
