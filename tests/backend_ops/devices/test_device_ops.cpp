// SPDX-License-Identifier: MIT
// Every op of the backend interface on each Vulkan device against the CPU backend: all weight
// formats at awkward shapes (one row, rows and token counts that are not multiples of the shader
// tiles, nested NF4 scales across 256-block groups, INT8 outlier columns), prefill and decode,
// long contexts. Both sides run through the same interface calls; the CPU results are those of the
// reference-checked kernels (tests/backend_ops). Any Khronos validation message fails the test.
#include "device_test_util.h"

#include <cstring>
#include <functional>
#include <string>

namespace quanta::devtest {
namespace {

using cpu::test::make_weight;
using cpu::test::random_floats;

class DeviceOps : public ::testing::Test {
protected:
    void SetUp() override {
        Devices& d = devices();
        if (vulkan::validation_requested_by_env()) {
            ASSERT_TRUE(d.validation) << "QUANTA_VULKAN_VALIDATION=1 but VK_LAYER_KHRONOS_validation is not installed";
        }
        if (!d.vulkan_backend || d.vulkan_backend->devices().empty())
            GTEST_SKIP() << "no Vulkan device (install mesa-vulkan-drivers for llvmpipe)";
        m_messages_before = d.validation_messages();
    }
    void TearDown() override {
        Devices& d = devices();
        EXPECT_EQ(d.validation_messages(), m_messages_before) << "Vulkan validation messages";
    }

    /// Runs `body(device)` on the CPU and on each Vulkan device; `compare(gpu_result, cpu_result)`.
    void on_each_device(const std::function<std::vector<float>(TestDevice&)>& body,
                        const std::function<void(const std::vector<float>&, const std::vector<float>&)>& compare) {
        TestDevice cpu_side = make_test_device(devices().cpu_backend->devices().at(0));
        const std::vector<float> want = body(cpu_side);
        for (backend::Device* gpu : devices().gpus()) {
            SCOPED_TRACE(gpu->info().name + ": " + gpu->info().description);
            TestDevice gpu_side = make_test_device(gpu);
            compare(body(gpu_side), want);
        }
    }
    void expect_nmse_below(const std::function<std::vector<float>(TestDevice&)>& body, double limit) {
        on_each_device(body, [&](const std::vector<float>& got, const std::vector<float>& want) {
            const double e = nmse_against(got, want);
            EXPECT_LT(e, limit);
            if (std::getenv("QUANTA_TEST_VERBOSE")) std::printf("nmse %g\n", e);
        });
    }
    void expect_bit_equal(const std::function<std::vector<float>(TestDevice&)>& body) {
        on_each_device(body, [&](const std::vector<float>& got, const std::vector<float>& want) {
            ASSERT_EQ(got.size(), want.size());
            EXPECT_EQ(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)), 0);
        });
    }

private:
    uint64_t m_messages_before = 0;
};

// --- matmul ------------------------------------------------------------------------------------

struct MatmulCase {
    Format format;
    int64_t k, n, tokens;
};

std::vector<MatmulCase> matmul_cases() {
    std::vector<MatmulCase> cases;
    for (Format f : {Format::Q4_0, Format::Q4_1, Format::Q5_0, Format::Q5_1, Format::Q8_0}) {
        cases.push_back({f, 32, 1, 1});
        cases.push_back({f, 96, 13, 9});
        cases.push_back({f, 2080, 67, 17});
    }
    for (Format f : {Format::Q4_K, Format::Q5_K, Format::Q6_K}) {
        cases.push_back({f, 256, 1, 1});
        cases.push_back({f, 768, 13, 9});
        cases.push_back({f, 4352, 33, 17});
    }
    for (Format f : {Format::F32, Format::F16, Format::BF16, Format::INT8}) {
        cases.push_back({f, 1, 3, 2});
        cases.push_back({f, 37, 13, 9});
        cases.push_back({f, 1000, 67, 17});
    }
    cases.push_back({Format::NF4, 64, 1, 1});
    cases.push_back({Format::NF4, 320, 13, 9});
    cases.push_back({Format::NF4, 1024, 40, 17}); // 640 blocks: three nested-absmax groups
    return cases;
}

class Matmul : public DeviceOps, public ::testing::WithParamInterface<MatmulCase> {};

TEST_P(Matmul, MatchesCpu) {
    const MatmulCase c = GetParam();
    const auto tw = make_weight(c.format, c.k, c.n, 7);
    std::vector<float> x = random_floats(static_cast<size_t>(c.k * c.tokens), 11);
    if (c.format == Format::INT8 && c.k > 3) { // outlier columns for the LLM.int8() decomposition
        x[3] = 9.5f;
        x[static_cast<size_t>(c.k * (c.tokens - 1) + 2)] = -7.25f;
    }
    const double limit = (c.format == Format::F32 || c.format == Format::F16 || c.format == Format::BF16 ||
                          c.format == Format::NF4) ? 1e-10 : 1e-7;
    expect_nmse_below(
        [&](TestDevice& d) {
            const auto& w = d.place(weight_data(tw.w));
            const View xv = d.input(x);
            const View y = d.zeros(static_cast<size_t>(c.n * c.tokens) * 4);
            d.ex->matmul(w, xv, c.tokens, y);
            return d.read(y, c.n * c.tokens);
        },
        limit);
}

std::string matmul_name(const ::testing::TestParamInfo<MatmulCase>& info) {
    const MatmulCase& c = info.param;
    return std::string(format_traits(c.format).name) + "_k" + std::to_string(c.k) + "_n" + std::to_string(c.n) +
           "_t" + std::to_string(c.tokens);
}

INSTANTIATE_TEST_SUITE_P(Vulkan, Matmul, ::testing::ValuesIn(matmul_cases()), matmul_name);

// The row kernels (Kernels::Sequential, llvmpipe's default) sum in the order of the CPU's scalar
// kernels: the same bits, which is what keeps a whole forward pass identical on both.
TEST_P(Matmul, SequentialKernelsEqualTheCpuScalarKernelsBitForBit) {
    const MatmulCase c = GetParam();
    const auto tw = make_weight(c.format, c.k, c.n, 7);
    std::vector<float> x = random_floats(static_cast<size_t>(c.k * c.tokens), 11);
    if (c.format == Format::INT8 && c.k > 3)
        x[3] = 9.5f;
    auto run = [&](backend::Device* device) {
        TestDevice d = make_test_device(device);
        const auto& w = d.place(weight_data(tw.w));
        const View y = d.zeros(static_cast<size_t>(c.n * c.tokens) * 4);
        d.ex->matmul(w, d.input(x), c.tokens, y);
        return d.read(y, c.n * c.tokens);
    };
    const auto want = run(devices().cpu_scalar_backend->devices().at(0));
    const auto got = run(devices().sequential_backend->devices().at(0));
    ASSERT_EQ(got.size(), want.size());
    size_t differ = 0, first = 0;
    for (size_t i = got.size(); i-- > 0;) {
        if (std::memcmp(&got[i], &want[i], 4) != 0) {
            ++differ;
            first = i;
        }
    }
    EXPECT_EQ(differ, 0u) << "of " << got.size() << "; first at " << first << ": " << std::hexfloat << got[first]
                          << " vs " << want[first];
}

TEST_F(DeviceOps, MatmulGroupOfMixedFormatsMatchesCpu) {
    const int64_t k = 512, T = 3;
    const Format formats[] = {Format::Q4_K, Format::Q8_0, Format::INT8, Format::F16, Format::Q6_K, Format::NF4};
    std::vector<cpu::test::TestWeight> tws;
    for (size_t i = 0; i < std::size(formats); ++i)
        tws.push_back(make_weight(formats[i], k, 5 + static_cast<int64_t>(i), 20 + static_cast<uint32_t>(i)));
    const std::vector<float> x = random_floats(static_cast<size_t>(k * T), 3);
    expect_nmse_below(
        [&](TestDevice& d) {
            std::vector<const backend::DeviceWeight*> ws;
            std::vector<View> ys;
            for (const auto& tw : tws) {
                ws.push_back(&d.place(weight_data(tw.w)));
                ys.push_back(d.zeros(static_cast<size_t>(tw.w.n * T) * 4));
            }
            d.ex->matmul_group(ws, d.input(x), T, ys);
            std::vector<float> all;
            for (size_t i = 0; i < ys.size(); ++i) {
                const auto part = d.read(ys[i], tws[i].w.n * T);
                all.insert(all.end(), part.begin(), part.end());
            }
            return all;
        },
        1e-7);
}

// --- get_rows ----------------------------------------------------------------------------------

class GetRows : public DeviceOps, public ::testing::WithParamInterface<Format> {};

TEST_P(GetRows, MatchesCpu) {
    const Format f = GetParam();
    const int64_t block = format_traits(f).block_elements;
    const int64_t k = f == Format::NF4 ? 192 : (block == 1 ? 45 : 3 * block);
    const auto tw = make_weight(f, k, 9, 5);
    const int32_t ids[] = {8, 0, 2, 2, 5};
    expect_nmse_below(
        [&](TestDevice& d) {
            const View out = d.zeros(std::size(ids) * static_cast<size_t>(k) * 4);
            d.ex->get_rows(d.place(weight_data(tw.w)), ids, out);
            return d.read(out, static_cast<int64_t>(std::size(ids)) * k);
        },
        1e-12);
}

INSTANTIATE_TEST_SUITE_P(Vulkan, GetRows,
                         ::testing::Values(Format::F32, Format::F16, Format::BF16, Format::Q4_0, Format::Q4_1,
                                           Format::Q5_0, Format::Q5_1, Format::Q8_0, Format::Q4_K, Format::Q5_K,
                                           Format::Q6_K, Format::NF4, Format::INT8),
                         [](const ::testing::TestParamInfo<Format>& i) { return std::string(format_traits(i.param).name); });

// --- row and element ops -----------------------------------------------------------------------

TEST_F(DeviceOps, RmsNormMatchesCpuInAndOutOfPlace) {
    for (int64_t n : {1, 7, 576, 4097}) {
        for (int64_t T : {1, 5}) {
            SCOPED_TRACE("n=" + std::to_string(n) + " T=" + std::to_string(T));
            const auto x = random_floats(static_cast<size_t>(n * T), 1, 3.0f);
            const auto g = random_floats(static_cast<size_t>(n), 2);
            expect_nmse_below(
                [&](TestDevice& d) {
                    const View xv = d.input(x);
                    const View y = d.zeros(x.size() * 4);
                    const auto& w = d.place_f32(g, n, 1);
                    d.ex->rms_norm(xv, w, T, n, 1e-5f, y);
                    d.ex->rms_norm(xv, w, T, n, 1e-6f, xv);
                    auto out = d.read(y, n * T);
                    const auto in_place = d.read(xv, n * T);
                    out.insert(out.end(), in_place.begin(), in_place.end());
                    return out;
                },
                1e-12);
        }
    }
}

TEST_F(DeviceOps, RopeNormalNeoxPartialScaledAndFactorsMatchCpu) {
    struct RopeCase {
        bool neox;
        int64_t head_dim, n_dims, pos0;
        float scale;
        bool factors;
    };
    const RopeCase cases[] = {{false, 64, 64, 0, 1.0f, false},   {true, 64, 64, 2999, 1.0f, false},
                              {true, 80, 32, 17, 0.25f, false},  {false, 128, 128, 40000, 1.0f, true},
                              {true, 64, 64, 5, 1.0f, true}};
    for (const RopeCase& c : cases) {
        SCOPED_TRACE("neox=" + std::to_string(c.neox) + " pos0=" + std::to_string(c.pos0));
        const int64_t T = 3, heads = 5;
        const auto x = random_floats(static_cast<size_t>(T * heads * c.head_dim), 9);
        std::vector<float> factors(static_cast<size_t>(c.n_dims / 2));
        for (size_t i = 0; i < factors.size(); ++i)
            factors[i] = 1.0f + 0.5f * static_cast<float>(i);
        expect_nmse_below(
            [&](TestDevice& d) {
                const View xv = d.input(x);
                backend::RopeParams p;
                p.n_dims = c.n_dims;
                p.neox = c.neox;
                p.freq_base = 500000.0f;
                p.freq_scale = c.scale;
                if (c.factors)
                    p.freq_factors = &d.place_f32(factors, c.n_dims / 2, 1);
                d.ex->rope(xv, T, heads, c.head_dim, c.pos0, p);
                return d.read(xv, T * heads * c.head_dim);
            },
            1e-12);
    }
}

TEST_F(DeviceOps, KvStoreRoundsExactlyLikeTheCpu) {
    // Ties, subnormals, overflow to infinity, signed zero and ordinary values.
    std::vector<float> src = {2049.0f, 2051.0f, -2049.0f, 1e-7f, -3e-8f, 65520.0f, 65519.0f, -0.0f, 0.1f,
                              6.1e-5f, 1.0f / 3.0f, -70000.0f, 1e-30f, 0.5f + 1.0f / 4096.0f, 3.14159f,
                              -2.71828f, 1000.25f, 5.96e-8f};
    const int64_t row = 6, T = 3, pos0 = 1;
    expect_bit_equal([&](TestDevice& d) {
        const View cache = d.zeros(static_cast<size_t>((pos0 + T + 1) * row) * 2);
        d.ex->kv_store(d.input(src), T, row, cache, pos0);
        return d.read(cache, (pos0 + T + 1) * row / 2); // the halves, two per float
    });
}

TEST_F(DeviceOps, AttentionGqaCausalDecodeAndLongContextMatchCpu) {
    struct AttnCase {
        int64_t n_head, n_head_kv, head_dim, tokens, pos0;
    };
    const AttnCase cases[] = {{4, 2, 64, 5, 0}, {3, 3, 80, 1, 299}, {8, 1, 256, 2, 70}, {2, 1, 64, 1, 1500},
                              {6, 2, 32, 9, 60}};
    for (const AttnCase& c : cases) {
        SCOPED_TRACE("head_dim=" + std::to_string(c.head_dim) + " pos0=" + std::to_string(c.pos0));
        const int64_t row = c.n_head_kv * c.head_dim, n_pos = c.pos0 + c.tokens;
        const auto k = random_floats(static_cast<size_t>(n_pos * row), 4);
        const auto v = random_floats(static_cast<size_t>(n_pos * row), 5);
        const auto q = random_floats(static_cast<size_t>(c.tokens * c.n_head * c.head_dim), 6, 2.0f);
        expect_nmse_below(
            [&](TestDevice& d) {
                const size_t cache_bytes = static_cast<size_t>((n_pos + 3) * row) * 2;
                const View kc = d.zeros(cache_bytes), vc = d.zeros(cache_bytes);
                d.ex->kv_store(d.input(k), n_pos, row, kc, 0);
                d.ex->kv_store(d.input(v), n_pos, row, vc, 0);
                backend::AttentionParams p;
                p.n_head = c.n_head;
                p.n_head_kv = c.n_head_kv;
                p.head_dim = c.head_dim;
                const View out = d.zeros(q.size() * 4);
                d.ex->attention(p, d.input(q), kc, vc, c.tokens, c.pos0, out);
                return d.read(out, static_cast<int64_t>(q.size()));
            },
            // The softmax weights are rounded to fp16 on both sides; a last-bit difference in
            // exp() flips the rounding of a weight now and then (relative 1e-3 on that weight).
            1e-7);
    }
}

TEST_F(DeviceOps, SiluMulAddAndAddRowsMatchCpu) {
    const int64_t T = 3, n = 333;
    const auto a = random_floats(static_cast<size_t>(T * n), 1, 4.0f);
    const auto b = random_floats(static_cast<size_t>(T * n), 2);
    const auto bias = random_floats(static_cast<size_t>(n), 3);
    expect_nmse_below(
        [&](TestDevice& d) {
            const View av = d.input(a), bv = d.input(b), out = d.zeros(a.size() * 4);
            d.ex->silu_mul(av, bv, T * n, out);
            d.ex->add(av, bv, T * n, av); // in place
            d.ex->add_rows(bv, d.place_f32(bias, n, 1), T, n);
            auto all = d.read(out, T * n);
            for (View v : {av, bv}) {
                const auto part = d.read(v, T * n);
                all.insert(all.end(), part.begin(), part.end());
            }
            return all;
        },
        1e-12);
}

// With the row kernels every op of a forward pass is the CPU scalar kernels' arithmetic, bit for bit.
TEST_F(DeviceOps, RowOpsEqualTheCpuScalarKernelsBitForBit) {
    const int64_t n = 256, T = 11;
    const auto x = random_floats(static_cast<size_t>(n * T), 1, 3.0f);
    const auto g = random_floats(static_cast<size_t>(n), 2);
    const auto q = random_floats(static_cast<size_t>(T * 4 * 64), 6, 2.0f);
    const auto kv = random_floats(static_cast<size_t>(T * 2 * 64), 4);
    auto run = [&](backend::Device* device) {
        TestDevice d = make_test_device(device);
        std::vector<float> all;
        auto keep = [&](View v, int64_t count) {
            const auto part = d.read(v, count);
            all.insert(all.end(), part.begin(), part.end());
        };
        const View a = d.input(x), y = d.zeros(x.size() * 4);
        d.ex->rms_norm(a, d.place_f32(g, n, 1), T, n, 1e-5f, y);
        keep(y, n * T);
        d.ex->silu_mul(a, a, n * T, y);
        keep(y, n * T);
        backend::RopeParams rp;
        rp.n_dims = 64;
        d.ex->rope(a, T, 4, 64, 3, rp);
        keep(a, n * T);
        const View kc = d.zeros(kv.size() * 2), vc = d.zeros(kv.size() * 2);
        d.ex->kv_store(d.input(kv), T, 128, kc, 0);
        d.ex->kv_store(d.input(kv), T, 128, vc, 0);
        backend::AttentionParams ap;
        ap.n_head = 4;
        ap.n_head_kv = 2;
        ap.head_dim = 64;
        const View out = d.zeros(q.size() * 4);
        d.ex->attention(ap, d.input(q), kc, vc, T, 0, out);
        keep(out, static_cast<int64_t>(q.size()));
        return all;
    };
    const auto want = run(devices().cpu_scalar_backend->devices().at(0));
    const auto got = run(devices().sequential_backend->devices().at(0));
    ASSERT_EQ(got.size(), want.size());
    EXPECT_EQ(std::memcmp(got.data(), want.data(), got.size() * 4), 0);
}

TEST_F(DeviceOps, DevicesDescribeThemselves) {
    for (backend::Device* gpu : devices().gpus()) {
        const backend::DeviceInfo info = gpu->info();
        EXPECT_EQ(info.kind, backend::DeviceKind::Vulkan);
        EXPECT_EQ(info.name.rfind("vulkan", 0), 0u);
        EXPECT_NE(info.description.find("subgroup"), std::string::npos) << info.description;
        EXPECT_GT(info.total_memory, 0u);
        EXPECT_LE(info.free_memory, info.total_memory);
        std::printf("%s: %s, validation %s\n", info.name.c_str(), info.description.c_str(),
                    devices().validation ? "on" : "off");
    }
}

TEST_F(DeviceOps, BadWeightsAreRefused) {
    backend::Device* gpu = devices().vulkan_backend->devices().at(0);
    backend::WeightData d;
    d.format = Format::Q4_K;
    d.k = 100; // not a multiple of 256
    d.n = 2;
    std::vector<uint8_t> bytes(1024);
    d.data = bytes.data();
    auto w = gpu->place_weight(d);
    ASSERT_FALSE(w.ok());
    EXPECT_NE(w.error().message.find("multiple"), std::string::npos) << w.error().message;
    d.data = nullptr;
    EXPECT_FALSE(gpu->place_weight(d).ok());
}

} // namespace
} // namespace quanta::devtest
