// SPDX-License-Identifier: MIT
// matmul: every format x awkward shape x kernel set against the reference dequantization.
//
// Two checks per case:
//  1. against y_ref = W_deq . x in double (W_deq from dequantize_tensor_reference). Formats with
//     8-bit activations lose ~3e-5 of the signal to activation rounding (a Gaussian block of 32 has
//     amax ~2.2 sigma, step amax/127, error variance step^2/12); the bound is 3e-4.
//     Float formats (F32/F16/BF16/NF4) only differ by f32 summation order: 1e-10.
//  2. for 8-bit-activation formats, against W_deq . dequant(q(x)) in double with the very
//     activations the kernel used: only f32 rounding remains, bound 1e-10. This catches a wrong
//     element anywhere, which the looser first check could hide in a large K.
// Errors are normalized by sum over outputs of sum_k (W[r][k] x[t][k])^2 (the energy of the terms,
// not of their sum), so an output that cancels to ~0 cannot inflate the ratio.
#include "matmul_internal.h"
#include "test_util.h"

#include "quanta/int8_matmul.h"

#include <cmath>
#include <sstream>

namespace quanta::cpu::test {
namespace {

struct Case {
    Isa isa;
    Format format;
    int64_t k, n, t;
};

std::string case_name(const testing::TestParamInfo<Case>& info) {
    const Case& c = info.param;
    std::ostringstream s;
    s << isa_name(c.isa) << "_" << format_name(c.format) << "_k" << c.k << "_n" << c.n << "_t" << c.t;
    return s.str();
}

bool uses_q8_activations(Format f) {
    return f != Format::F32 && f != Format::F16 && f != Format::BF16 && f != Format::NF4 && f != Format::INT8;
}

struct Reference {
    std::vector<double> y;
    double energy = 0.0; // sum of (W x)^2 term by term
};

Reference reference(const std::vector<float>& w, const std::vector<float>& x, int64_t k, int64_t n, int64_t t) {
    Reference r;
    r.y.resize(static_cast<size_t>(n * t));
    for (int64_t ti = 0; ti < t; ++ti)
        for (int64_t ri = 0; ri < n; ++ri) {
            double s = 0.0;
            for (int64_t c = 0; c < k; ++c) {
                const double p = static_cast<double>(w[ri * k + c]) * x[ti * k + c];
                s += p;
                r.energy += p * p;
            }
            r.y[ti * n + ri] = s;
        }
    return r;
}

double error(const std::vector<float>& y, const Reference& r) {
    double num = 0.0;
    for (size_t i = 0; i < y.size(); ++i) {
        const double d = y[i] - r.y[i];
        num += d * d;
    }
    return num / r.energy;
}

class MatmulTest : public testing::TestWithParam<Case> {};

TEST_P(MatmulTest, MatchesReference) {
    const Case c = GetParam();
    if (c.isa == Isa::Avx2 && best_isa() != Isa::Avx2)
        GTEST_SKIP() << "no AVX2 on this CPU";
    Context ctx(2, c.isa);
    ASSERT_EQ(ctx.isa(), c.isa);
    const uint32_t seed = static_cast<uint32_t>(c.k * 131 + c.n * 7 + static_cast<int>(c.format));
    TestWeight tw = make_weight(c.format, c.k, c.n, seed);
    std::vector<float> x = random_floats(static_cast<size_t>(c.k * c.t), seed + 1);
    std::vector<float> y(static_cast<size_t>(c.n * c.t), std::nanf(""));
    matmul(ctx, tw.w, x.data(), c.t, y.data());
    for (float v : y)
        ASSERT_TRUE(std::isfinite(v));

    if (c.format == Format::INT8) {
        // The kernel implements the reference procedure exactly (same rounding of x to fp16,
        // exact int32 dot, same f32 rescale); only the f32 outlier sum may be contracted.
        std::vector<float> ref(y.size());
        int8_matmul_reference(x.data(), c.t, c.k, static_cast<const int8_t*>(tw.w.data), tw.w.int8_scb, c.n,
                              nullptr, ref.data());
        for (size_t i = 0; i < y.size(); ++i)
            ASSERT_NEAR(y[i], ref[i], 1e-5 * (std::fabs(ref[i]) + 1e-3)) << "output " << i;
        const Reference r = reference(tw.deq, x, c.k, c.n, c.t);
        EXPECT_LT(error(y, r), 3e-4);
        return;
    }

    const Reference r = reference(tw.deq, x, c.k, c.n, c.t);
    const bool q8 = uses_q8_activations(c.format);
    EXPECT_LT(error(y, r), q8 ? 3e-4 : 1e-10);

    if (q8) {
        std::vector<detail::ActQ8> q(static_cast<size_t>(c.k / 32));
        std::vector<float> xq(x.size());
        for (int64_t ti = 0; ti < c.t; ++ti) {
            detail::quantize_act_q8_scalar(x.data() + ti * c.k, c.k, q.data());
            for (int64_t i = 0; i < c.k; ++i)
                xq[ti * c.k + i] = q[i / 32].d * q[i / 32].q[i % 32];
        }
        EXPECT_LT(error(y, reference(tw.deq, xq, c.k, c.n, c.t)), 1e-10);
    }
}

std::vector<Case> all_cases() {
    std::vector<Case> v;
    for (Isa isa : {Isa::Scalar, Isa::Avx2}) {
        for (const FormatTraits& f : all_formats()) {
            const int64_t b = f.format == Format::INT8 ? 32 : std::max<int64_t>(f.block_elements, 32);
            const int64_t mid = 576 % b == 0 ? 576 : 768;
            const struct { int64_t k, n, t; } shapes[] = {
                {b, 1, 1}, {b, 3, 5}, {3 * b, 17, 2}, {mid, 576, 1}, {mid, 17, 33},
                {1536, 3, 5}, {1536, 576, 4}, {16384, 3, 2}, {16384, 17, 1},
            };
            for (auto s : shapes)
                v.push_back({isa, f.format, s.k, s.n, s.t});
            // Plain float rows need not be a multiple of anything: odd K exercises the tails.
            if (!f.quantized())
                v.push_back({isa, f.format, 37, 5, 3});
        }
    }
    return v;
}

INSTANTIATE_TEST_SUITE_P(Cpu, MatmulTest, testing::ValuesIn(all_cases()), case_name);

TEST(ActivationQuant, Avx2MatchesScalarBitForBit) {
    if (best_isa() != Isa::Avx2)
        GTEST_SKIP() << "no AVX2 on this CPU";
    std::vector<float> x = random_floats(1536, 5, 3.0f);
    x[40] = 0.0f;
    for (int i = 64; i < 96; ++i)
        x[static_cast<size_t>(i)] = 0.0f; // an all-zero block: d = 0, codes 0
    x[100] = 1e-30f;
    std::vector<detail::ActQ8> a(48), b(48);
    detail::quantize_act_q8_scalar(x.data(), 1536, a.data());
    detail::quantize_act_q8_avx2(x.data(), 1536, b.data());
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(detail::ActQ8)));
    EXPECT_EQ(a[2].d, 0.0f);
    EXPECT_EQ(a[2].s, 0.0f);
    // The largest |x| of a block maps to +-127 exactly.
    int extreme = 0;
    for (int i = 0; i < 32; ++i)
        extreme = std::max(extreme, std::abs(static_cast<int>(a[0].q[i])));
    EXPECT_EQ(extreme, 127);
}

TEST(Int8Matmul, OutlierColumnsGoThroughFloat) {
    // One token with a column of |x| >= 6: that column must use the dequantized weights, the
    // others the int8 path scaled by the inlier absmax (not by the outlier).
    for (Isa isa : test_isas()) {
        Context ctx(2, isa);
        const int64_t k = 64, n = 3;
        TestWeight tw = make_weight(Format::INT8, k, n, 9);
        std::vector<float> x = random_floats(static_cast<size_t>(2 * k), 10);
        x[5] = 7.5f;         // token 0, column 5: outlier
        x[k + 9] = -6.0f;    // token 1, column 9: exactly tau counts as an outlier
        std::vector<float> y(static_cast<size_t>(2 * n)), ref(y.size());
        matmul(ctx, tw.w, x.data(), 2, y.data());
        int8_matmul_reference(x.data(), 2, k, static_cast<const int8_t*>(tw.w.data), tw.w.int8_scb, n, nullptr,
                              ref.data());
        for (size_t i = 0; i < y.size(); ++i)
            EXPECT_NEAR(y[i], ref[i], 1e-6) << isa_name(isa) << " output " << i;
        // Without decomposition (tau = 0) the outliers set the int8 scale and the result differs.
        tw.w.int8_threshold = 0.0f;
        std::vector<float> y0(y.size()), ref0(y.size());
        matmul(ctx, tw.w, x.data(), 2, y0.data());
        Int8MatmulOptions opt;
        opt.threshold = 0.0f;
        int8_matmul_reference(x.data(), 2, k, static_cast<const int8_t*>(tw.w.data), tw.w.int8_scb, n, nullptr,
                              ref0.data(), opt);
        for (size_t i = 0; i < y.size(); ++i)
            EXPECT_NEAR(y0[i], ref0[i], 1e-6) << isa_name(isa) << " output " << i;
        EXPECT_NE(y0[0], y[0]);
    }
}

TEST(Context, EnvironmentSelectsIsa) {
    setenv("QUANTA_CPU_ISA", "scalar", 1);
    EXPECT_EQ(Context(1).isa(), Isa::Scalar);
    EXPECT_EQ(isa_from_env(), Isa::Scalar);
    setenv("QUANTA_CPU_ISA", "avx2", 1);
    EXPECT_EQ(Context(1).isa(), best_isa());
    setenv("QUANTA_CPU_ISA", "bogus", 1);
    EXPECT_EQ(isa_from_env(), std::nullopt);
    unsetenv("QUANTA_CPU_ISA");
    EXPECT_EQ(Context(1).isa(), best_isa());
    // An explicit choice wins over the environment.
    setenv("QUANTA_CPU_ISA", "avx2", 1);
    EXPECT_EQ(Context(1, Isa::Scalar).isa(), Isa::Scalar);
    unsetenv("QUANTA_CPU_ISA");
}

} // namespace
} // namespace quanta::cpu::test

namespace quanta::cpu {
namespace {

using namespace test;

// matmul_group (Q/K/V, gate/up fused) must equal one matmul per weight, bit for bit, also when
// the members mix formats or cannot share activations (then it falls back to separate calls).
TEST(MatmulGroup, EqualsSeparateMatmulsBitForBit) {
    const int64_t k = 576, t = 5;
    const std::vector<float> x = random_floats(static_cast<size_t>(k * t), 3);
    for (Isa isa : {Isa::Scalar, best_isa()}) {
        Context ctx(2, isa);
        const TestWeight a = make_weight(Format::Q4_1, k, 576, 1), b = make_weight(Format::Q8_0, k, 192, 2),
                         c = make_weight(Format::F16, k, 37, 4);
        const Weight* ws[3] = {&a.w, &b.w, &c.w};
        std::vector<float> y[3], z[3];
        float* ys[3];
        for (int i = 0; i < 3; ++i) {
            y[i].assign(static_cast<size_t>(ws[i]->n * t), 0.0f);
            z[i].assign(y[i].size(), 1.0f);
            ys[i] = y[i].data();
            matmul(ctx, *ws[i], x.data(), t, z[i].data());
        }
        matmul_group(ctx, std::span<const Weight* const>(ws, 2), x.data(), t, std::span<float* const>(ys, 2));
        matmul_group(ctx, std::span<const Weight* const>(ws + 2, 1), x.data(), t, std::span<float* const>(ys + 2, 1));
        for (int i = 0; i < 3; ++i)
            EXPECT_EQ(y[i], z[i]) << "member " << i << " on " << isa_name(isa);
        const Weight* mixed[2] = {&a.w, &c.w}; // Q8 activations and f32 activations: no sharing
        float* mixed_out[2] = {y[0].data(), y[2].data()};
        matmul_group(ctx, mixed, x.data(), t, mixed_out);
        EXPECT_EQ(y[0], z[0]);
        EXPECT_EQ(y[2], z[2]);
    }
}

} // namespace
} // namespace quanta::cpu
