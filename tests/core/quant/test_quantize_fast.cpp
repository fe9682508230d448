// SPDX-License-Identifier: MIT
// quantize_row (the SIMD quantizers) must write exactly the bytes of quantize_row_reference,
// for every single-part format, on data chosen to hit every branch of the k-quant searches:
// Gaussian rows at several scales, heavy outliers, constant and zero sub-blocks, all-positive
// and all-negative sub-blocks (the min clamp), tiny values (the GROUP_MAX_EPS branch), exact
// ties in |x| with opposite signs, and values on rounding boundaries.
#include "quanta/format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace quanta {
namespace {

std::vector<float> adversarial_row(int64_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_int_distribution<int> kind(0, 13);
    std::vector<float> x(static_cast<size_t>(n));
    for (int64_t b = 0; b < n; b += 16) { // each 16-element piece gets its own character
        const int k = kind(rng);
        const float scale = std::ldexp(1.0f, static_cast<int>(rng() % 24) - 16);
        for (int64_t i = b; i < std::min(n, b + 16); ++i) {
            float v = normal(rng) * scale;
            switch (k) {
            case 0: v = 0.0f; break;
            case 1: v = 0.37f * scale; break;                          // constant
            case 2: v = std::fabs(v) + scale; break;                   // all positive
            case 3: v = -std::fabs(v) - scale; break;                  // all negative
            case 4: v *= 1e-17f; break;                                // below GROUP_MAX_EPS
            case 5: v = (i % 2 ? 1.0f : -1.0f) * scale; break;         // |x| ties, both signs
            case 6: v = static_cast<float>(static_cast<int>(rng() % 33) - 16) * scale / 16.0f; break; // grid
            case 7: if (i % 16 == 3) v *= 40.0f; break;                // an outlier
            case 8: v = (i % 16 == 0) ? scale : 0.0f; break;           // one spike
            case 9: v = (i % 3 == 0) ? -0.0f : (i % 3 == 1 ? 0.0f : v); break; // signed zeros
            case 10: // amax 127 (scale 1): x * id lands exactly on halves, both signs
                v = (i % 16 == 0) ? 127.0f : static_cast<float>(static_cast<int>(rng() % 41) - 20) + 0.5f;
                break;
            default: break;
            }
            x[static_cast<size_t>(i)] = v;
        }
    }
    return x;
}

class QuantizeFast : public ::testing::TestWithParam<Format> {};

TEST_P(QuantizeFast, SameBytesAsTheReference) {
    const Format f = GetParam();
    const int64_t block = format_traits(f).block_elements;
    for (int64_t n : {block, 3 * block, 11 * block, 4096 + block}) {
        for (uint32_t seed = 1; seed <= 40; ++seed) {
            const std::vector<float> x = adversarial_row(n, seed * 7919u + static_cast<uint32_t>(n));
            std::vector<uint8_t> want(row_bytes(f, n));
            std::vector<uint8_t> got(want.size(), 0xAA);
            quantize_row_reference(f, x.data(), want.data(), n);
            quantize_row(f, x.data(), got.data(), n);
            ASSERT_EQ(got, want) << format_traits(f).name << " n=" << n << " seed=" << seed;
        }
    }
}

TEST_P(QuantizeFast, SameBytesOnGaussianRowsAtManyScales) {
    const Format f = GetParam();
    const int64_t n = 256 * 9;
    std::mt19937 rng(42);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (int e = -30; e <= 30; e += 3) {
        std::vector<float> x(static_cast<size_t>(n));
        for (float& v : x)
            v = std::ldexp(normal(rng), e);
        std::vector<uint8_t> want(row_bytes(f, n));
        std::vector<uint8_t> got(want.size());
        quantize_row_reference(f, x.data(), want.data(), n);
        quantize_row(f, x.data(), got.data(), n);
        ASSERT_EQ(got, want) << format_traits(f).name << " scale 2^" << e;
    }
}

/// Bit-identical, except that any NaN equals any NaN: when both operands of q * d + m are NaN,
/// which payload survives depends on the operand order the compiler picked for the reference.
bool same_bits_or_both_nan(const std::vector<float>& a, const std::vector<float>& b) {
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::isnan(a[i]) && std::isnan(b[i]))
            continue;
        if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0)
            return false;
    }
    return a.size() == b.size();
}

// Every bit pattern of the blocks: random bytes (fp16 scales included: NaN, inf, subnormals)
// must dequantize to the same bits.
TEST_P(QuantizeFast, DequantizeGivesTheReferenceBits) {
    const Format f = GetParam();
    const int64_t n = format_traits(f).block_elements * 37;
    std::mt19937 rng(7);
    for (int round = 0; round < 20; ++round) {
        std::vector<uint8_t> src(row_bytes(f, n));
        for (uint8_t& b : src)
            b = static_cast<uint8_t>(rng());
        std::vector<float> want(static_cast<size_t>(n));
        std::vector<float> got(static_cast<size_t>(n), -1.0f);
        dequantize_row_reference(f, src.data(), want.data(), n);
        dequantize_row(f, src.data(), got.data(), n);
        ASSERT_TRUE(same_bits_or_both_nan(got, want)) << format_traits(f).name;
    }
}

TEST(DequantizeFast, EveryFp16Value) {
    std::vector<uint16_t> all(65536);
    for (size_t i = 0; i < all.size(); ++i)
        all[i] = static_cast<uint16_t>(i);
    std::vector<float> want(all.size());
    std::vector<float> got(all.size());
    dequantize_row_reference(Format::F16, all.data(), want.data(), 65536);
    dequantize_row(Format::F16, all.data(), got.data(), 65536);
    EXPECT_EQ(0, std::memcmp(got.data(), want.data(), want.size() * sizeof(float)));
}

std::vector<Format> single_part_formats() {
    std::vector<Format> out;
    for (const FormatTraits& t : all_formats())
        if (!t.multi_part())
            out.push_back(t.format);
    return out;
}

INSTANTIATE_TEST_SUITE_P(AllFormats, QuantizeFast, ::testing::ValuesIn(single_part_formats()),
                         [](const auto& p) { return std::string(format_traits(p.param).name); });

} // namespace
} // namespace quanta
