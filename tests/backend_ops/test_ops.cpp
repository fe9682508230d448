// SPDX-License-Identifier: MIT
// The non-matmul ops against straightforward double-precision formulas, on every kernel set.
#include "test_util.h"

#include <cmath>
#include <limits>

namespace quanta::cpu::test {
namespace {

class OpsTest : public testing::TestWithParam<Isa> {
protected:
    void SetUp() override {
        if (GetParam() == Isa::Avx2 && best_isa() != Isa::Avx2)
            GTEST_SKIP() << "no AVX2 on this CPU";
    }
    Context ctx{2, GetParam()};
};

std::string isa_param_name(const testing::TestParamInfo<Isa>& info) { return std::string(isa_name(info.param)); }

TEST_P(OpsTest, GetRowsEqualsReferenceDequantization) {
    for (const FormatTraits& f : all_formats()) {
        const int64_t k = f.format == Format::INT8 || !f.quantized() ? 96 : std::max<int64_t>(f.block_elements, 32) * 2;
        const int64_t n = 7;
        TestWeight tw = make_weight(f.format, k, n, 77);
        const int32_t ids[] = {6, 0, 3, 3};
        std::vector<float> out(4 * static_cast<size_t>(k));
        get_rows(ctx, tw.w, ids, 4, out.data());
        for (int i = 0; i < 4; ++i)
            for (int64_t c = 0; c < k; ++c)
                ASSERT_EQ(out[static_cast<size_t>(i * k + c)], tw.deq[static_cast<size_t>(ids[i] * k + c)])
                    << format_name(f.format) << " id " << ids[i] << " col " << c;
    }
}

TEST_P(OpsTest, RmsNorm) {
    for (int64_t n : {1, 13, 576}) {
        const int64_t t = 3;
        std::vector<float> x = random_floats(static_cast<size_t>(n * t), 3, 2.0f);
        std::vector<float> w = random_floats(static_cast<size_t>(n), 4);
        std::vector<float> y(x.size()), y_nw(x.size());
        rms_norm(ctx, x.data(), w.data(), t, n, 1e-5f, y.data());
        rms_norm(ctx, x.data(), nullptr, t, n, 1e-5f, y_nw.data());
        for (int64_t ti = 0; ti < t; ++ti) {
            double ss = 0.0;
            for (int64_t i = 0; i < n; ++i)
                ss += static_cast<double>(x[ti * n + i]) * x[ti * n + i];
            const double scale = 1.0 / std::sqrt(ss / static_cast<double>(n) + 1e-5);
            for (int64_t i = 0; i < n; ++i) {
                const double ref = x[ti * n + i] * scale;
                ASSERT_NEAR(y_nw[ti * n + i], ref, 2e-6 * (std::fabs(ref) + 1.0));
                ASSERT_NEAR(y[ti * n + i], ref * w[i], 2e-6 * (std::fabs(ref * w[i]) + 1.0));
            }
        }
    }
    // In place.
    std::vector<float> x{3.0f, 4.0f};
    rms_norm(ctx, x.data(), nullptr, 1, 2, 0.0f, x.data());
    EXPECT_NEAR(x[0], 3.0 / std::sqrt(12.5), 1e-6);
    EXPECT_NEAR(x[1], 4.0 / std::sqrt(12.5), 1e-6);
}

void rope_reference(std::vector<double>& x, int64_t t, int64_t heads, int64_t hd, const int32_t* pos,
                    const RopeParams& p) {
    const int64_t half = p.n_dims / 2;
    for (int64_t ti = 0; ti < t; ++ti)
        for (int64_t h = 0; h < heads; ++h)
            for (int64_t i = 0; i < half; ++i) {
                double theta = pos[ti] * static_cast<double>(p.freq_scale) *
                               std::pow(static_cast<double>(p.freq_base), -2.0 * i / static_cast<double>(p.n_dims));
                if (p.freq_factors)
                    theta /= p.freq_factors[i];
                double* v = &x[static_cast<size_t>((ti * heads + h) * hd)];
                const int64_t a = p.neox ? i : 2 * i, b = p.neox ? i + half : 2 * i + 1;
                const double x0 = v[a], x1 = v[b];
                v[a] = x0 * std::cos(theta) - x1 * std::sin(theta);
                v[b] = x0 * std::sin(theta) + x1 * std::cos(theta);
            }
}

TEST_P(OpsTest, RopeNormalNeoxScaledAndFactors) {
    const int64_t t = 3, heads = 4, hd = 64;
    const int32_t pos[] = {0, 17, 4095};
    std::vector<float> factors(32);
    for (size_t i = 0; i < factors.size(); ++i)
        factors[i] = 1.0f + 0.25f * static_cast<float>(i % 5);
    struct Variant {
        bool neox;
        int64_t n_dims;
        float base, scale;
        const float* ff;
    } variants[] = {{false, 64, 10000.0f, 1.0f, nullptr}, {true, 64, 100000.0f, 1.0f, nullptr},
                    {false, 64, 500000.0f, 0.25f, factors.data()}, {true, 32, 10000.0f, 1.0f, nullptr}};
    for (const Variant& v : variants) {
        RopeParams p;
        p.neox = v.neox;
        p.n_dims = v.n_dims;
        p.freq_base = v.base;
        p.freq_scale = v.scale;
        p.freq_factors = v.ff;
        std::vector<float> x = random_floats(static_cast<size_t>(t * heads * hd), 8);
        std::vector<double> ref(x.begin(), x.end());
        rope(ctx, x.data(), t, heads, hd, pos, p);
        rope_reference(ref, t, heads, hd, pos, p);
        for (size_t i = 0; i < x.size(); ++i)
            ASSERT_NEAR(x[i], ref[i], 2e-6) << "neox " << v.neox << " n_dims " << v.n_dims << " element " << i;
        // Dimensions past n_dims pass through; position 0 is the identity.
        if (v.n_dims < hd) {
            EXPECT_EQ(x[static_cast<size_t>(hd - 1)], static_cast<float>(ref[static_cast<size_t>(hd - 1)]));
        }
    }
}

// The kernel's contract (attention.cpp): queries and softmax weights are rounded to fp16 before
// they meet the fp16 cache, as llama.cpp does.
void attention_reference(const AttentionParams& p, const std::vector<float>& q, const std::vector<uint16_t>& kc,
                         const std::vector<uint16_t>& vc, int64_t t, int64_t pos0, std::vector<double>& out) {
    const int64_t hd = p.head_dim, kv_row = p.n_head_kv * hd, group = p.n_head / p.n_head_kv;
    const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
    out.assign(static_cast<size_t>(t * p.n_head * hd), 0.0);
    for (int64_t ti = 0; ti < t; ++ti)
        for (int64_t h = 0; h < p.n_head; ++h) {
            const int64_t n_kv = pos0 + ti + 1, kvh = h / group;
            std::vector<double> s(static_cast<size_t>(n_kv));
            double mx = -1e300;
            for (int64_t j = 0; j < n_kv; ++j) {
                double d = 0.0;
                for (int64_t e = 0; e < hd; ++e)
                    d += fp16_to_f32(f32_to_fp16(q[static_cast<size_t>((ti * p.n_head + h) * hd + e)])) *
                         static_cast<double>(fp16_to_f32(kc[static_cast<size_t>(j * kv_row + kvh * hd + e)]));
                s[static_cast<size_t>(j)] = d * scale;
                mx = std::max(mx, d * scale);
            }
            double sum = 0.0;
            for (auto& v : s)
                sum += (v = std::exp(v - mx));
            for (int64_t j = 0; j < n_kv; ++j)
                for (int64_t e = 0; e < hd; ++e)
                    out[static_cast<size_t>((ti * p.n_head + h) * hd + e)] +=
                        fp16_to_f32(f32_to_fp16(static_cast<float>(s[static_cast<size_t>(j)] / sum))) *
                        fp16_to_f32(vc[static_cast<size_t>(j * kv_row + kvh * hd + e)]);
        }
}

TEST_P(OpsTest, AttentionGqaCausal) {
    struct Shape {
        int64_t n_head, n_head_kv, head_dim, t, pos0;
    } shapes[] = {{9, 3, 64, 1, 0}, {9, 3, 64, 1, 40}, {9, 3, 64, 5, 7}, {4, 4, 128, 3, 2},
                  {2, 1, 12, 4, 0}, {8, 2, 256, 2, 5}};
    for (const Shape& s : shapes) {
        AttentionParams p;
        p.n_head = s.n_head;
        p.n_head_kv = s.n_head_kv;
        p.head_dim = s.head_dim;
        const int64_t n_ctx = s.pos0 + s.t + 3, kv_row = s.n_head_kv * s.head_dim;
        std::vector<float> q = random_floats(static_cast<size_t>(s.t * s.n_head * s.head_dim), 11);
        std::vector<float> kf = random_floats(static_cast<size_t>(n_ctx * kv_row), 12);
        std::vector<float> vf = random_floats(static_cast<size_t>(n_ctx * kv_row), 13);
        std::vector<uint16_t> kc(kf.size()), vc(vf.size());
        // Rows past pos0 + t are garbage that causality must never read: make them huge.
        for (size_t i = 0; i < kf.size(); ++i) {
            const bool future = static_cast<int64_t>(i) >= (s.pos0 + s.t) * kv_row;
            kc[i] = f32_to_fp16(future ? 6e4f : kf[i]);
            vc[i] = f32_to_fp16(future ? 6e4f : vf[i]);
        }
        std::vector<float> out(q.size());
        attention(ctx, p, q.data(), kc.data(), vc.data(), s.t, s.pos0, out.data());
        std::vector<double> ref;
        attention_reference(p, q, kc, vc, s.t, s.pos0, ref);
        for (size_t i = 0; i < out.size(); ++i)
            ASSERT_NEAR(out[i], ref[i], 2e-5) << "head_dim " << s.head_dim << " element " << i;
    }
}

TEST_P(OpsTest, KvStoreRoundsToNearestEven) {
    std::vector<float> src = random_floats(3 * 20, 14, 100.0f);
    src[0] = 1.0f + 1.0f / 2048.0f;  // halfway between two halves: rounds to even (1.0)
    src[1] = 70000.0f;               // overflows to inf
    std::vector<uint16_t> cache(5 * 20, 0xFFFF);
    kv_store(ctx, src.data(), 3, 20, cache.data(), 2);
    for (int64_t i = 0; i < 40; ++i)
        EXPECT_EQ(cache[static_cast<size_t>(i)], 0xFFFF);
    for (size_t i = 0; i < src.size(); ++i)
        ASSERT_EQ(cache[40 + i], f32_to_fp16(src[i])) << i;
    EXPECT_EQ(cache[40], 0x3C00);
    EXPECT_EQ(cache[41], 0x7C00);
}

TEST_P(OpsTest, SiluMulAddSoftmax) {
    const int64_t n = 1000;
    std::vector<float> g = random_floats(n, 15, 4.0f), u = random_floats(n, 16);
    g[0] = -100.0f;
    g[1] = 100.0f;
    std::vector<float> out(n);
    silu_mul(ctx, g.data(), u.data(), n, out.data());
    for (int64_t i = 0; i < n; ++i) {
        const double ref = g[i] / (1.0 + std::exp(-static_cast<double>(g[i]))) * u[i];
        ASSERT_NEAR(out[i], ref, 1e-6 * std::fabs(ref) + 1e-30) << i;
    }
    add(ctx, g.data(), u.data(), n, out.data());
    for (int64_t i = 0; i < n; ++i)
        ASSERT_EQ(out[i], g[i] + u[i]);

    std::vector<float> x = random_floats(3 * 333, 17, 5.0f);
    std::vector<float> y = x;
    softmax(ctx, y.data(), 3, 333);
    for (int r = 0; r < 3; ++r) {
        double mx = -1e300, sum = 0.0;
        for (int i = 0; i < 333; ++i)
            mx = std::max(mx, static_cast<double>(x[r * 333 + i]));
        for (int i = 0; i < 333; ++i)
            sum += std::exp(x[r * 333 + i] - mx);
        for (int i = 0; i < 333; ++i) {
            const double ref = std::exp(x[r * 333 + i] - mx) / sum;
            // exp of an f32 argument as large as -40 carries |arg| * 6e-8 of relative error.
            ASSERT_NEAR(y[r * 333 + i], ref, 5e-6 * ref + 1e-12);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Cpu, OpsTest, testing::Values(Isa::Scalar, Isa::Avx2), isa_param_name);

TEST(Ops, ArgmaxFirstOfTiesAndNanNeverWins) {
    const float a[] = {1.0f, 3.0f, -2.0f, 3.0f};
    EXPECT_EQ(argmax(a, 4), 1);
    const float b[] = {std::numeric_limits<float>::quiet_NaN(), 0.5f, 2.0f};
    EXPECT_EQ(argmax(b, 3), 2);
    const float c[] = {-std::numeric_limits<float>::infinity()};
    EXPECT_EQ(argmax(c, 1), 0);
}

} // namespace
} // namespace quanta::cpu::test
