// SPDX-License-Identifier: MIT
// INT8 (FORMATS.md §10): weight codes and SCB, dequantization, and the reference LLM.int8()
// matmul with outlier decomposition, checked by hand-made cases and against float64.
#include "quant_test_util.h"
#include "quanta/format.h"
#include "quanta/int8_matmul.h"

#include <gtest/gtest.h>

#include <cmath>

namespace quanta {
namespace {

TEST(Int8, InverseScaleConstant) {
    EXPECT_EQ(test::bits(kInt8InvScale), test::bits(1.0f / 127.0f));
    EXPECT_EQ(static_cast<double>(kInt8InvScale), 7.874015718698502e-3);
}

TEST(Int8, RowCodesRoundHalfToEven) {
    // SCB = 127, so 127/SCB = 1 and the codes are the fp16 values rounded half to even.
    const float w[] = {127.0f, 0.5f, 1.5f, -2.5f, -0.5f, 3.49f, -127.0f, 0.0f};
    int8_t cb[8];
    float scb = 0.0f;
    int8_quantize_row_reference(w, 8, cb, &scb);
    EXPECT_EQ(scb, 127.0f);
    const int8_t expected[] = {127, 0, 2, -2, 0, 3, -127, 0};
    for (int i = 0; i < 8; ++i)
        EXPECT_EQ(cb[i], expected[i]) << "element " << i;
}

TEST(Int8, ScaleIsTakenFromTheFp16Weights) {
    // 1.0001 is not an fp16 value; it rounds to 1.0 first, so SCB = 1 and the code is 127.
    const float w[] = {1.0001f, -0.25f};
    int8_t cb[2];
    float scb = 0.0f;
    int8_quantize_row_reference(w, 2, cb, &scb);
    EXPECT_EQ(scb, 1.0f);
    EXPECT_EQ(cb[0], 127);
    EXPECT_EQ(cb[1], -32); // -31.75 -> -32
    float y[2];
    int8_dequantize_row_reference(cb, scb, 2, y);
    EXPECT_EQ(y[0], (127.0f * 1.0f) * kInt8InvScale);
    EXPECT_EQ(y[1], (-32.0f * 1.0f) * kInt8InvScale);
}

TEST(Int8, AllZeroRowHasZeroScaleAndCodes) {
    const std::vector<float> w(40, 0.0f);
    std::vector<int8_t> cb(40, 5);
    float scb = -1.0f;
    int8_quantize_row_reference(w.data(), 40, cb.data(), &scb);
    EXPECT_EQ(scb, 0.0f);
    for (int8_t c : cb)
        EXPECT_EQ(c, 0);
}

TEST(Int8, GaussianRowCodesAndError) {
    const std::vector<float> w = test::gaussian(4096, 11, 0.02f);
    std::vector<int8_t> cb(4096);
    float scb = 0.0f;
    int8_quantize_row_reference(w.data(), 4096, cb.data(), &scb);
    float amax = 0.0f;
    for (float v : w)
        amax = std::max(amax, std::fabs(fp16_to_f32(f32_to_fp16(v))));
    EXPECT_EQ(scb, amax);
    int n127 = 0;
    for (size_t i = 0; i < w.size(); ++i) {
        const float wh = fp16_to_f32(f32_to_fp16(w[i]));
        EXPECT_EQ(cb[i], static_cast<int8_t>(std::nearbyint(wh * (127.0f / scb)))) << "element " << i;
        n127 += std::abs(cb[i]) == 127 ? 1 : 0;
    }
    EXPECT_GE(n127, 1);
    std::vector<float> y(4096);
    int8_dequantize_row_reference(cb.data(), scb, 4096, y.data());
    for (size_t i = 0; i < w.size(); ++i)
        EXPECT_LE(std::fabs(y[i] - w[i]), scb / 254.0f * 1.001f + 1e-5f) << "element " << i;
}

TEST(Int8Matmul, HandMadeCaseWithOutlierExactlyAtThreshold) {
    // Token 0: SCA = 127/64 so 127/SCA = 64 exactly and codes of k/64 + 1/128 are ties.
    // Column 4 holds 6.0 == τ: an outlier (>= test), so column 4 runs in float for both tokens.
    const float x[] = {
        1.984375f, 0.0078125f, 0.0234375f, -0.0390625f, 6.0f, // token 0
        1.0f,      1.0f,       1.0f,       3.0f,        3.0f, // token 1: 3.0 is an inlier element
    };
    const int8_t cb[] = {1, 1, 1, 1, 127, -2, 0, 5, 1, -64};
    const float scb[] = {2.0f, 0.5f};
    const float bias[] = {0.25f, -1.0f};
    float y[4];
    int8_matmul_reference(x, 2, 5, cb, scb, 2, bias, y);

    const float k2 = 1.0f / (127.0f * 127.0f);
    // Token 0: CA = [127, 0, 2, -2, 0] (0.5 -> 0, 1.5 -> 2, -2.5 -> -2: half to even).
    const float w04 = (127.0f * 2.0f) * kInt8InvScale;
    const float w14 = (-64.0f * 0.5f) * kInt8InvScale;
    const float y00 = ((((127.0f + 2.0f - 2.0f) * 1.984375f) * 2.0f) * k2 + 0.25f) + 6.0f * w04;
    const float y01 = ((((-254.0f + 10.0f - 2.0f) * 1.984375f) * 0.5f) * k2 - 1.0f) + 6.0f * w14;
    // Token 1: SCA = 3 over the inliers (column 4 included, it is not an outlier element), then
    // column 4 is zeroed: 127/3 = 42.33 -> codes [42, 42, 42, 127, 0].
    const float y10 = ((((42.0f * 3.0f + 127.0f) * 3.0f) * 2.0f) * k2 + 0.25f) + 3.0f * w04;
    const float y11 = ((((-84.0f + 210.0f + 127.0f) * 3.0f) * 0.5f) * k2 - 1.0f) + 3.0f * w14;
    EXPECT_EQ(y[0], y00);
    EXPECT_EQ(y[1], y01);
    EXPECT_EQ(y[2], y10);
    EXPECT_EQ(y[3], y11);

    // Just below τ nothing is an outlier: SCA = 5.99609375 and column 4 is quantized.
    Int8MatmulOptions high;
    high.threshold = 6.0001f;
    float z[4];
    int8_matmul_reference(x, 2, 5, cb, scb, 2, bias, z, high);
    EXPECT_NE(z[0], y[0]);
    EXPECT_NEAR(z[0], y[0], 0.05f);
}

struct MatmulCase {
    int tokens, n_in, n_out;
    float threshold;
    int outlier_cols; // columns scaled up to exceed 6 in some token
};

/// |Y - X·Wdeqᵀ| is bounded by the activation rounding: per inlier element at most SCA/254 times
/// |W|, plus f32 rounding of the sums.
void check_against_float64(const MatmulCase& mc, uint32_t seed) {
    const auto tokens = static_cast<size_t>(mc.tokens), in = static_cast<size_t>(mc.n_in),
               out = static_cast<size_t>(mc.n_out);
    std::vector<float> x = test::gaussian(tokens * in, seed, 1.0f);
    for (int c = 0; c < mc.outlier_cols; ++c) // a few hot columns, like LLM activations
        for (size_t t = 0; t < tokens; ++t)
            x[t * in + static_cast<size_t>(7 * c + 3) % in] *= 12.0f;
    for (float& v : x)
        v = fp16_to_f32(f32_to_fp16(v));
    const std::vector<float> w = test::gaussian(out * in, seed + 1, 0.05f);
    std::vector<int8_t> cb(out * in);
    std::vector<float> scb(out);
    for (size_t r = 0; r < out; ++r)
        int8_quantize_row_reference(&w[r * in], mc.n_in, &cb[r * in], &scb[r]);
    std::vector<float> y(tokens * out);
    Int8MatmulOptions opt;
    opt.threshold = mc.threshold;
    int8_matmul_reference(x.data(), mc.tokens, mc.n_in, cb.data(), scb.data(), mc.n_out, nullptr, y.data(), opt);

    std::vector<bool> outlier(in, false);
    for (size_t t = 0; t < tokens; ++t)
        for (size_t c = 0; c < in; ++c)
            if (mc.threshold > 0.0f && std::fabs(x[t * in + c]) >= mc.threshold)
                outlier[c] = true;
    for (size_t t = 0; t < tokens; ++t) {
        double sca = 0.0;
        for (size_t c = 0; c < in; ++c)
            if (mc.threshold == 0.0f || std::fabs(x[t * in + c]) < mc.threshold)
                sca = std::max(sca, static_cast<double>(std::fabs(x[t * in + c])));
        for (size_t r = 0; r < out; ++r) {
            double exact = 0.0, bound = 0.0, mag = 0.0;
            for (size_t c = 0; c < in; ++c) {
                const double wd = static_cast<double>(cb[r * in + c]) * scb[r] / 127.0;
                exact += static_cast<double>(x[t * in + c]) * wd;
                mag += std::fabs(static_cast<double>(x[t * in + c]) * wd);
                if (!outlier[c])
                    bound += sca / 254.0 * std::fabs(wd);
            }
            const double tol = bound * 1.0001 + mag * 1e-5 + 1e-6;
            EXPECT_NEAR(static_cast<double>(y[t * out + r]), exact, tol) << "token " << t << " row " << r;
        }
    }
}

TEST(Int8Matmul, MatchesFloat64WithinActivationRounding) {
    check_against_float64({1, 64, 8, 6.0f, 0}, 21);
    check_against_float64({5, 256, 16, 6.0f, 3}, 22);
    check_against_float64({3, 200, 7, 6.0f, 2}, 23);
    check_against_float64({4, 256, 16, 0.0f, 3}, 24); // τ = 0: no decomposition
}

TEST(Int8Matmul, OutlierDecompositionReducesError) {
    // One huge column: without decomposition it inflates SCA and destroys the other columns.
    const size_t tokens = 4, in = 128, out = 8;
    std::vector<float> x = test::gaussian(tokens * in, 31, 1.0f);
    for (size_t t = 0; t < tokens; ++t)
        x[t * in + 5] = 60.0f + static_cast<float>(t);
    const std::vector<float> w = test::gaussian(out * in, 32, 0.05f);
    std::vector<int8_t> cb(out * in);
    std::vector<float> scb(out);
    for (size_t r = 0; r < out; ++r)
        int8_quantize_row_reference(&w[r * in], static_cast<int64_t>(in), &cb[r * in], &scb[r]);
    std::vector<float> y6(tokens * out), y0(tokens * out);
    int8_matmul_reference(x.data(), 4, 128, cb.data(), scb.data(), 8, nullptr, y6.data());
    Int8MatmulOptions none;
    none.threshold = 0.0f;
    int8_matmul_reference(x.data(), 4, 128, cb.data(), scb.data(), 8, nullptr, y0.data(), none);
    double err6 = 0.0, err0 = 0.0;
    for (size_t t = 0; t < tokens; ++t)
        for (size_t r = 0; r < out; ++r) {
            double exact = 0.0;
            for (size_t c = 0; c < in; ++c)
                exact += static_cast<double>(x[t * in + c]) * (static_cast<double>(cb[r * in + c]) * scb[r] / 127.0);
            err6 += std::fabs(y6[t * out + r] - exact);
            err0 += std::fabs(y0[t * out + r] - exact);
        }
    EXPECT_LT(err6 * 5.0, err0);
}

TEST(Int8Matmul, Fp16OutputIsRounded) {
    const std::vector<float> x = test::gaussian(3 * 64, 41, 1.0f);
    const std::vector<float> w = test::gaussian(4 * 64, 42, 0.1f);
    std::vector<int8_t> cb(4 * 64);
    std::vector<float> scb(4);
    for (size_t r = 0; r < 4; ++r)
        int8_quantize_row_reference(&w[r * 64], 64, &cb[r * 64], &scb[r]);
    std::vector<float> yf(12), yh(12);
    int8_matmul_reference(x.data(), 3, 64, cb.data(), scb.data(), 4, nullptr, yf.data());
    Int8MatmulOptions opt;
    opt.fp16_output = true;
    int8_matmul_reference(x.data(), 3, 64, cb.data(), scb.data(), 4, nullptr, yh.data(), opt);
    for (size_t i = 0; i < 12; ++i) {
        EXPECT_EQ(yh[i], fp16_to_f32(f32_to_fp16(yh[i])));
        EXPECT_NEAR(yh[i], yf[i], std::fabs(yf[i]) * 1e-3f + 1e-6f);
    }
}

} // namespace
} // namespace quanta
