// SPDX-License-Identifier: MIT
// Known-answer vectors of FORMATS.md §7.9, generated with llama.cpp's reference code: our
// reference quantizers must produce the same bytes and our decoders the same floats.
#include "quant_test_util.h"
#include "quanta/format.h"

#include <gtest/gtest.h>

namespace quanta {
namespace {

using test::from_hex;
using test::spec_vector;
using test::to_hex;

struct KnownAnswer {
    Format format;
    int n;
    const char* hex;
    float first[4];
    float last;  // y[n-1]; NaN when the spec gives none
    double sum;  // Σ y in double, to 9 significant digits
};

const char* kQ4KHex =
    "fa22362e505eaaf750a1ebf7100e1efff03174d74cb248e199542e0af8f61536"
    "77ba0d72f88e16cf8954302d2b3a6b9cad12a930f9a37e4a36344363a4e72a9f"
    "039a21da945f2b1715244475c70b7ff427e1ab8663617f8fb0f245a91d942bc4"
    "8c47130ffc0b2b5c8dd135a92fb75e186d5a6978a9da2d81e56bf29a430dd8b5"
    "a2b0cfe02274c83cb249d18a442f0be8";

const char* kQ6KHex =
    "616782f1744a366549e12e2ec32c490a00369735fe033410a9fdfda81f3201fb"
    "3e9c3e051f4e21c91515d9416e4f348dfa8e606daf9f4393a164dbf7c8ed1706"
    "8dc35d2b5dc38f1e610884b5c9913e2f7bd214e28be1f2df58adad79f03423de"
    "47756500667855ed31400096ddda87fbeffe58feb0ee57fcfd1aa256468109fc"
    "4cf055fe1378869ceae5b3b26e2dd141f659f0176d84d2ece9e6a36020d18528"
    "bda0a6a96828fb4714b00d668ff52e10b4bacffc306ddd08b453fe956c0618dd"
    "20e0413baba88a8f20e0c4bf579d807d8416";

const KnownAnswer kAnswers[] = {
    {Format::Q8_0, 32, "8d22869ec8024ea9179525c476380befe4ea012a63ac0774f07f1dcd8d6043373c52",
     {-1.56092834f, -1.25386047f, -0.716491699f, 0.0255889893f}, NAN, 3.10906219},
    {Format::Q5_0, 32, "80aeafe249060fbc47b0f61b2d0ecb68e1498f928463",
     {-1.5234375f, -1.21875f, -0.7109375f, -0.0f}, NAN, 3.046875},
    {Format::Q4_K, 256, kQ4KHex, {-1.55273438f, -1.3347168f, -0.680664062f, -0.0266113281f}, 5.90432739f,
     -23.423645},
    {Format::Q6_K, 256, kQ6KHex, {-1.57800293f, -1.27258301f, -0.712646484f, 0.0509033203f}, 6.16407394f,
     -21.6498184},
};

class KnownAnswerTest : public ::testing::TestWithParam<KnownAnswer> {};

TEST_P(KnownAnswerTest, QuantizerReproducesLlamaCppBytes) {
    const KnownAnswer& ka = GetParam();
    const std::vector<float> x = spec_vector(ka.n);
    std::vector<uint8_t> out(row_bytes(ka.format, ka.n));
    quantize_row_reference(ka.format, x.data(), out.data(), ka.n);
    EXPECT_EQ(to_hex(out.data(), out.size()), ka.hex);
}

TEST_P(KnownAnswerTest, DecoderReproducesLlamaCppValues) {
    const KnownAnswer& ka = GetParam();
    const std::vector<uint8_t> bytes = from_hex(ka.hex);
    ASSERT_EQ(bytes.size(), row_bytes(ka.format, ka.n));
    std::vector<float> y(static_cast<size_t>(ka.n));
    dequantize_row_reference(ka.format, bytes.data(), y.data(), ka.n);
    for (int i = 0; i < 4; ++i) {
        // The spec prints 9 significant digits, which identifies an f32 uniquely.
        EXPECT_EQ(y[static_cast<size_t>(i)], ka.first[i]) << "element " << i;
        EXPECT_EQ(std::signbit(y[static_cast<size_t>(i)]), std::signbit(ka.first[i])) << "element " << i;
    }
    if (!std::isnan(ka.last)) {
        EXPECT_EQ(y.back(), ka.last);
    }
    EXPECT_NEAR(test::sum_double(y.data(), y.size()), ka.sum, std::fabs(ka.sum) * 1e-8);
}

std::string known_answer_name(const ::testing::TestParamInfo<KnownAnswer>& param_info) {
    return std::string(format_name(param_info.param.format));
}

INSTANTIATE_TEST_SUITE_P(Spec, KnownAnswerTest, ::testing::ValuesIn(kAnswers), known_answer_name);

TEST(KnownAnswer, SpecVectorFirstValues) {
    const std::vector<float> x = spec_vector(8);
    const float expected[] = {-1.5625f, -1.25f, -0.71875f, 0.03125f, 1.0f, -1.109375f, 0.296875f, -1.375f};
    for (int i = 0; i < 8; ++i)
        EXPECT_EQ(x[static_cast<size_t>(i)], expected[i]);
}

} // namespace
} // namespace quanta
