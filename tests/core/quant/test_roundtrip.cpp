// SPDX-License-Identifier: MIT
// Round trips of every format through quantize_tensor_reference / dequantize_tensor_reference on
// seeded Gaussian data at awkward shapes, held to formats.def's max_nmse; zero and constant
// blocks; agreement of the tensor and row paths; the reference dot product.
#include "quant_test_util.h"
#include "quanta/format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>

namespace quanta {
namespace {

std::vector<PartView> views(const std::vector<QuantizedPart>& parts) {
    std::vector<PartView> out;
    for (const QuantizedPart& p : parts)
        out.push_back(PartView{p.suffix, p.ggml_type, p.ne, p.bytes});
    return out;
}

std::vector<float> round_trip(Format format, const std::vector<float>& x, int64_t ne0, int64_t rows) {
    auto parts = quantize_tensor_reference(format, x.data(), ne0, rows);
    EXPECT_TRUE(parts.ok()) << parts.error().message;
    std::vector<float> y(x.size(), NAN);
    if (!parts.ok())
        return y;
    uint64_t stored = 0;
    for (const QuantizedPart& p : *parts)
        stored += p.bytes.size();
    EXPECT_EQ(stored, tensor_storage_bytes(format, ne0, rows));
    const std::vector<PartView> v = views(*parts);
    const Result<void> r = dequantize_tensor_reference(format, v, ne0, rows, y.data());
    EXPECT_TRUE(r.ok()) << r.error().message;
    return y;
}

int64_t block_of(Format format) { return format == Format::NF4 ? kNf4BlockSize : format_traits(format).block_elements; }

class RoundTrip : public ::testing::TestWithParam<Format> {};

TEST_P(RoundTrip, GaussianErrorWithinBoundAtAwkwardShapes) {
    const Format format = GetParam();
    const FormatTraits& t = format_traits(format);
    const int64_t b = std::max<int64_t>(block_of(format), 32);
    struct Shape {
        int64_t ne0, rows;
    };
    const Shape shapes[] = {
        {b, 1},         // one block
        {b, 7},         // rows of one block
        {3 * b, 1},     // one row of a few blocks
        {2 * b, 37},    // many rows (NF4: 74 blocks, one short nested block)
        {16640, 1},     // a long row (NF4: 260 blocks, nested boundary at 256)
        {576, 37},      // SmolLM's width (NF4: 333 blocks); skipped where 576 % block != 0
    };
    uint32_t seed = 100;
    for (const Shape& s : shapes) {
        if (s.ne0 % block_of(format) != 0)
            continue;
        const std::vector<float> x = test::gaussian(static_cast<size_t>(s.ne0 * s.rows), seed++);
        const std::vector<float> y = round_trip(format, x, s.ne0, s.rows);
        const double e = test::nmse(x, y);
        EXPECT_LE(e, t.max_nmse) << t.name << " " << s.ne0 << " x " << s.rows;
        if (format == Format::F32) {
            EXPECT_EQ(e, 0.0);
        } else if (s.ne0 * s.rows >= 1024) { // tiny samples can land far below the expected error
            EXPECT_GT(e, t.max_nmse / 50.0) << "bound too loose: " << t.name << " " << s.ne0 << " x " << s.rows;
        }
        char measured[32];
        std::snprintf(measured, sizeof measured, "%.4g", e);
        RecordProperty(std::string(t.name) + "_" + std::to_string(s.ne0) + "x" + std::to_string(s.rows), measured);
    }
}

TEST_P(RoundTrip, ZeroAndConstantTensors) {
    const Format format = GetParam();
    const int64_t ne0 = std::max<int64_t>(block_of(format), 64);
    for (float c : {0.0f, 0.3f, -1.7f}) {
        const std::vector<float> x(static_cast<size_t>(ne0 * 2), c);
        const std::vector<float> y = round_trip(format, x, ne0, 2);
        for (size_t i = 0; i < y.size(); ++i) {
            if (c == 0.0f) {
                ASSERT_EQ(y[i], 0.0f) << format_name(format) << " element " << i;
            } else {
                ASSERT_NEAR(y[i], c, std::fabs(c) * 4e-3f) << format_name(format) << " element " << i;
            }
        }
    }
}

TEST_P(RoundTrip, TensorPathEqualsRowPath) {
    const Format format = GetParam();
    if (format_traits(format).multi_part())
        GTEST_SKIP() << "no row kernels for multi-part formats";
    const int64_t ne0 = 512;
    const std::vector<float> x = test::gaussian(3 * ne0, 77);
    auto parts = quantize_tensor_reference(format, x.data(), ne0, 3);
    ASSERT_TRUE(parts.ok());
    ASSERT_EQ(parts->size(), 1u);
    const QuantizedPart& p = (*parts)[0];
    EXPECT_EQ(p.suffix, "");
    EXPECT_EQ(p.ggml_type, static_cast<uint32_t>(format_traits(format).ggml_type));
    EXPECT_EQ(p.ne, (std::vector<int64_t>{ne0, 3}));
    const size_t rb = row_bytes(format, ne0);
    std::vector<uint8_t> row(rb);
    std::vector<float> y(static_cast<size_t>(ne0));
    for (int64_t r = 0; r < 3; ++r) {
        quantize_row_reference(format, x.data() + r * ne0, row.data(), ne0);
        EXPECT_EQ(0, std::memcmp(row.data(), p.bytes.data() + r * static_cast<int64_t>(rb), rb)) << "row " << r;
        dequantize_row_reference(format, row.data(), y.data(), ne0);
        // The reference dot product: dequantize, then a sequential f32 sum.
        const std::vector<float> a = test::gaussian(static_cast<size_t>(ne0), 78);
        float expected = 0.0f;
        double exact = 0.0;
        for (int64_t i = 0; i < ne0; ++i) {
            expected += y[static_cast<size_t>(i)] * a[static_cast<size_t>(i)];
            exact += static_cast<double>(y[static_cast<size_t>(i)]) * a[static_cast<size_t>(i)];
        }
        const float dot = dot_row_reference(format, row.data(), a.data(), ne0);
        EXPECT_EQ(test::bits(dot), test::bits(expected));
        EXPECT_NEAR(dot, exact, 1e-3);
    }
}

std::string format_param_name(const ::testing::TestParamInfo<Format>& param_info) {
    return std::string(format_name(param_info.param));
}

INSTANTIATE_TEST_SUITE_P(AllFormats, RoundTrip,
                         ::testing::Values(Format::F32, Format::F16, Format::BF16, Format::Q8_0, Format::Q6_K,
                                           Format::Q5_K, Format::Q5_1, Format::Q5_0, Format::Q4_K, Format::Q4_1,
                                           Format::Q4_0, Format::NF4, Format::INT8),
                         format_param_name);

TEST(RoundTrip, EveryFormatIsCovered) { EXPECT_EQ(kFormatCount, 13); }

TEST(RoundTrip, LargerFormatsAreMoreAccurate) {
    // Sanity of the ordering on the same data, measured rather than assumed.
    const std::vector<float> x = test::gaussian(256 * 64, 9);
    auto err = [&](Format f) { return test::nmse(x, round_trip(f, x, 256, 64)); };
    EXPECT_LT(err(Format::Q8_0), err(Format::Q6_K));
    EXPECT_LT(err(Format::Q6_K), err(Format::Q5_K));
    EXPECT_LT(err(Format::Q5_K), err(Format::Q4_K));
    EXPECT_LT(err(Format::Q4_K), err(Format::Q4_0));
    EXPECT_LT(err(Format::INT8), err(Format::Q6_K));
}

} // namespace
} // namespace quanta
