// SPDX-License-Identifier: MIT
// NF4 (FORMATS.md §9): table, thresholds, code choice, packing, the §9.10 vector, the dynamic
// map of §9.7 and double quantization.
#include "quant_test_util.h"
#include "quanta/format.h"

#include <gtest/gtest.h>

#include <cmath>

namespace quanta {
namespace {

using test::bits;
using test::from_bits;

TEST(Nf4, TableMatchesSpecHex) {
    const uint32_t expected[16] = {0xBF800000, 0xBF3239B1, 0xBF066B30, 0xBECA32A0, 0xBE91A24D, 0xBE3D353F,
                                   0xBDBA7871, 0x00000000, 0x3DA2FAFF, 0x3E24CAE3, 0x3E7C04DD, 0x3EAD033A,
                                   0x3EE1A4B8, 0x3F1007AB, 0x3F3913B3, 0x3F800000};
    const auto values = nf4_values();
    for (int i = 0; i < 16; ++i)
        EXPECT_EQ(bits(values[static_cast<size_t>(i)]), expected[i]) << "code " << i;
    // The decimals of the spec convert to the same f32.
    EXPECT_EQ(values[1], -0.6961928009986877f);
    EXPECT_EQ(values[13], 0.5626170039176941f);
}

TEST(Nf4, ThresholdsAreTheF32Midpoints) {
    const uint32_t expected[15] = {0xBF591CD8, 0xBF1C5270, 0xBEEB8480, 0xBEADEA76, 0xBE703CEC,
                                   0xBE0D38BC, 0xBD3A7871, 0x3D22FAFF, 0x3DF64862, 0x3E5067E0,
                                   0x3E9582D4, 0x3EC753F9, 0x3F006D04, 0x3F248DAF, 0x3F5C89DA};
    const auto t = nf4_thresholds();
    const auto v = nf4_values();
    for (size_t k = 0; k < 15; ++k) {
        EXPECT_EQ(bits(t[k]), expected[k]) << "threshold " << k;
        // Each one lies within an ulp of the exact midpoint of its neighbours.
        const double mid = (static_cast<double>(v[k]) + static_cast<double>(v[k + 1])) / 2.0;
        EXPECT_NEAR(static_cast<double>(t[k]), mid, std::fabs(mid) * 1.2e-7) << "threshold " << k;
    }
}

TEST(Nf4, CodeChoiceTiesGoToTheLowerCode) {
    const auto t = nf4_thresholds();
    for (int k = 0; k < 15; ++k) {
        const float tk = t[static_cast<size_t>(k)];
        EXPECT_EQ(nf4_code(tk), k) << "exactly on T[" << k << "]";
        EXPECT_EQ(nf4_code(std::nextafter(tk, 2.0f)), k + 1) << "just above T[" << k << "]";
    }
    EXPECT_EQ(nf4_code(-1.0f), 0);
    EXPECT_EQ(nf4_code(1.0f), 15);
    EXPECT_EQ(nf4_code(0.0f), 7);
    EXPECT_EQ(nf4_code(-0.0f), 7);
    for (int c = 0; c < 16; ++c) // every table value picks its own code
        EXPECT_EQ(nf4_code(nf4_values()[static_cast<size_t>(c)]), c);
}

TEST(Nf4, SpecTestVector) { // FORMATS.md §9.10
    const std::vector<float> x = test::spec_vector(128);
    std::vector<uint8_t> packed(64);
    std::vector<float> absmax(2);
    nf4_quantize_reference(x.data(), 128, packed.data(), absmax.data());
    EXPECT_EQ(absmax[0], 3.1875f);
    EXPECT_EQ(absmax[1], 5.8125f);
    EXPECT_EQ(test::to_hex(packed.data(), packed.size()),
              "2357b38394ca866679c47c6d852baaabf16e2c2e9310ff025c06f71d73111249"
              "d29192ea643346ae3b2b3eb743347be3c1c2fb632236bf1a0a1e94111137d07f");
    const int codes[16] = {2, 3, 5, 7, 11, 3, 8, 3, 9, 4, 12, 10, 8, 6, 6, 6};
    for (int i = 0; i < 16; ++i) {
        const uint8_t byte = packed[static_cast<size_t>(i / 2)];
        EXPECT_EQ(i % 2 == 0 ? byte >> 4 : byte & 15, codes[i]) << "element " << i; // even element: high nibble
    }
    std::vector<float> y(128);
    nf4_dequantize_reference(packed.data(), absmax.data(), 128, y.data());
    EXPECT_EQ(y[0], -1.6736702919006348f);
    EXPECT_EQ(y[1], -1.2587995529174805f);
    EXPECT_EQ(y[2], -0.5889652967453003f);
    EXPECT_EQ(y[3], 0.0f);
}

TEST(Nf4, ZeroBlockShortBlockAndOddLength) {
    std::vector<float> x(64 + 5, 0.0f);
    x[64] = -2.0f;
    x[66] = 1.0f;
    std::vector<uint8_t> packed(35);
    std::vector<float> absmax(2);
    nf4_quantize_reference(x.data(), 69, packed.data(), absmax.data());
    EXPECT_EQ(absmax[0], 0.0f);
    EXPECT_EQ(absmax[1], 2.0f);
    for (int i = 0; i < 32; ++i)
        EXPECT_EQ(packed[static_cast<size_t>(i)], 0x77) << "all-zero block is code 7";
    EXPECT_EQ(packed[32], 0x07);      // -1.0 -> code 0, 0 -> code 7
    EXPECT_EQ(packed[33], 0xC7);      // 0.5 -> 0.4407 is code 12 (0.5 < T[12] = 0.50166)
    EXPECT_EQ(packed[34], 0x77);      // element 68 (0) and the padding nibble
    std::vector<float> y(69);
    nf4_dequantize_reference(packed.data(), absmax.data(), 69, y.data());
    EXPECT_EQ(y[64], -2.0f);
    EXPECT_EQ(y[66], nf4_values()[12] * 2.0f);
    EXPECT_EQ(y[0], 0.0f);
}

// FORMATS.md §9.7, positive half, 9 significant digits.
const double kMapPositive[128] = {
    5.50000038e-07, 3.25000019e-06, 7.7499999e-06,  2.12499981e-05, 4.37499984e-05, 6.62500024e-05, 8.87499991e-05,
    0.000156250011, 0.000268750038, 0.000381249993, 0.000493749976, 0.000606250076, 0.00071875006,  0.000831249985,
    0.000943750085, 0.00128124992,  0.00184375001,  0.00240624999,  0.00296874996,  0.00353124971,  0.00409374991,
    0.00465624966,  0.00521875033,  0.00578125007,  0.00634375028,  0.00690625003,  0.00746874977,  0.00803124998,
    0.00859375019,  0.00915624946,  0.00971874967,  0.0114062503,   0.0142187504,   0.0170312505,   0.0198437497,
    0.0226562507,   0.0254687499,   0.0282812472,   0.0310937501,   0.0339062475,   0.0367187522,   0.0395312496,
    0.0423437469,   0.0451562479,   0.047968749,    0.05078125,     0.0535937548,   0.0564062484,   0.0592187531,
    0.0620312504,   0.0648437515,   0.0676562563,   0.0704687461,   0.0732812509,   0.0760937557,   0.078906253,
    0.0817187577,   0.0845312476,   0.0873437524,   0.0901562497,   0.0929687545,   0.0957812592,   0.0985937491,
    0.107031256,    0.12109375,     0.135156244,    0.149218753,    0.163281247,    0.177343741,    0.19140625,
    0.205468744,    0.219531253,    0.233593747,    0.247656241,    0.26171875,     0.275781244,    0.289843738,
    0.303906262,    0.317968726,    0.33203125,     0.346093714,    0.360156238,    0.374218762,    0.388281226,
    0.40234375,     0.416406214,    0.430468738,    0.444531232,    0.458593726,    0.47265625,     0.486718714,
    0.500781238,    0.514843762,    0.528906226,    0.54296875,     0.557031274,    0.571093738,    0.585156262,
    0.599218786,    0.61328125,     0.627343774,    0.641406238,    0.655468762,    0.669531286,    0.68359375,
    0.697656274,    0.711718738,    0.725781262,    0.739843786,    0.75390625,     0.767968774,    0.782031238,
    0.796093762,    0.810156226,    0.82421875,     0.838281274,    0.852343738,    0.866406262,    0.880468726,
    0.89453125,     0.908593774,    0.922656238,    0.936718762,    0.950781226,    0.96484375,     0.978906274,
    0.992968738,    1.0};

int ulp_distance(float a, float b) {
    const auto ia = static_cast<int64_t>(bits(a));
    const auto ib = static_cast<int64_t>(bits(b));
    return static_cast<int>(ia > ib ? ia - ib : ib - ia);
}

TEST(Nf4, DynamicMapMatchesSpecTable) {
    const auto map = nf4_dynamic_map();
    int exact = 0;
    for (size_t k = 0; k < 128; ++k) {
        const auto expected = static_cast<float>(kMapPositive[k]);
        EXPECT_LE(ulp_distance(map[128 + k], expected), 1) << "index " << 128 + k;
        exact += map[128 + k] == expected ? 1 : 0;
    }
    EXPECT_GE(exact, 120); // the construction is the one the table was computed with
    EXPECT_EQ(bits(map[127]), 0u);
    EXPECT_EQ(map[255], 1.0f);
    for (size_t k = 0; k < 127; ++k)
        EXPECT_EQ(map[126 - k], -map[128 + k]) << "k " << k;
    for (size_t i = 1; i < 256; ++i)
        EXPECT_LT(map[i - 1], map[i]) << "sorted, distinct";
}

TEST(Nf4, DynamicMapNearestUsesTheCudaTieRule) {
    const auto map = nf4_dynamic_map();
    EXPECT_EQ(dynamic_map_nearest(map, 0.0f), 127);
    EXPECT_EQ(dynamic_map_nearest(map, 1.0f), 255);
    EXPECT_EQ(dynamic_map_nearest(map, 2.0f), 255);
    EXPECT_EQ(dynamic_map_nearest(map, -1.0f), 0);
    for (size_t i = 0; i < 256; ++i)
        EXPECT_EQ(dynamic_map_nearest(map, map[i]), i);
    for (size_t lo = 0; lo + 1 < 256; ++lo) {
        const float mid = (map[lo] + map[lo + 1]) * 0.5f;
        const size_t even = lo % 2 == 0 ? lo : lo + 1;
        EXPECT_EQ(dynamic_map_nearest(map, mid), even) << "midpoint " << lo;
        EXPECT_EQ(dynamic_map_nearest(map, std::nextafter(mid, -2.0f)), lo) << "below midpoint " << lo;
        EXPECT_EQ(dynamic_map_nearest(map, std::nextafter(mid, 2.0f)), lo + 1) << "above midpoint " << lo;
    }
}

TEST(Nf4, DoubleQuantizationAcrossNestedBoundary) {
    // 300 blocks: one full nested block of 256 and a short one of 44.
    std::vector<float> absmax = test::gaussian(300, 7, 0.5f);
    for (float& a : absmax)
        a = std::fabs(a) + 0.1f;
    const Nf4DoubleQuant dq = nf4_double_quantize(absmax);
    ASSERT_EQ(dq.qabsmax.size(), 300u);
    ASSERT_EQ(dq.nested_absmax.size(), 2u);
    ASSERT_EQ(dq.nested_map.size(), 256u);
    double sum = 0.0;
    for (float a : absmax)
        sum += a;
    EXPECT_EQ(dq.nested_offset, static_cast<float>(sum / 300.0));
    for (size_t g = 0; g < 2; ++g) {
        float gmax = 0.0f;
        for (size_t b = 256 * g; b < std::min<size_t>(300, 256 * g + 256); ++b)
            gmax = std::max(gmax, std::fabs(absmax[b] - dq.nested_offset));
        EXPECT_EQ(dq.nested_absmax[g], gmax);
    }
    std::vector<float> decoded(300);
    nf4_double_dequantize(dq.qabsmax, dq.nested_absmax, dq.nested_offset, dq.nested_map, decoded.data());
    const auto map = nf4_dynamic_map();
    for (size_t b = 0; b < 300; ++b) {
        const float c = absmax[b] - dq.nested_offset;
        const float t = c * (1.0f / dq.nested_absmax[b / 256]);
        EXPECT_EQ(dq.qabsmax[b], dynamic_map_nearest(map, t)) << "block " << b;
        EXPECT_EQ(decoded[b], map[dq.qabsmax[b]] * dq.nested_absmax[b / 256] + dq.nested_offset);
        // The map's step near 1 is ~0.014, so the error is at most ~0.7% of the nested absmax.
        EXPECT_NEAR(decoded[b], absmax[b], 0.008f * dq.nested_absmax[b / 256]) << "block " << b;
    }
}

TEST(Nf4, DoubleQuantizationOfConstantAbsmaxIsExact) {
    const std::vector<float> absmax(10, 0.75f);
    const Nf4DoubleQuant dq = nf4_double_quantize(absmax);
    EXPECT_EQ(dq.nested_offset, 0.75f);
    EXPECT_EQ(dq.nested_absmax[0], 0.0f);
    std::vector<float> decoded(10);
    nf4_double_dequantize(dq.qabsmax, dq.nested_absmax, dq.nested_offset, dq.nested_map, decoded.data());
    for (size_t b = 0; b < 10; ++b) {
        EXPECT_EQ(dq.qabsmax[b], 127);
        EXPECT_EQ(decoded[b], 0.75f);
    }
}

} // namespace
} // namespace quanta
