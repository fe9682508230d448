// SPDX-License-Identifier: MIT
// The engine on the Vulkan backend (llvmpipe in CI) against the CPU backend: synthetic models in
// every weight format follow the CPU's logits step by step, and the default model and its
// Q4_K_M, Q8_0, NF4 and INT8 quantizations give the same greedy 32-token continuation on both.
// Skipped where this build has no Vulkan backend or the machine no Vulkan device.
#include "engine_test_util.h"

#include "quanta/quantize.h"

#if QUANTA_TEST_VULKAN
#include "quanta/vulkan/vulkan_backend.h"
#endif

namespace quanta::test {
namespace {

#if QUANTA_TEST_VULKAN

class VulkanEngine : public EngineTest {
protected:
    // The CPU side runs its scalar kernels: the Vulkan row kernels (llvmpipe's) sum in their order,
    // bit for bit. (The AVX2 kernels sum in another order; the default model amplifies last-bit
    // differences through its 8-bit activations into a few percent of the logits.)
    void SetUp() override {
        ::setenv("QUANTA_CPU_ISA", "scalar", 1);
        EngineTest::SetUp();
        ::unsetenv("QUANTA_CPU_ISA");
        auto vk = vulkan::create_vulkan_backend({.validation = vulkan::validation_requested_by_env()});
        if (!vk.ok() || (*vk)->devices().empty())
            GTEST_SKIP() << "no Vulkan device" << (vk.ok() ? "" : ": " + vk.error().message);
        m_vulkan = std::move(*vk);
        m_gpu = m_vulkan->devices().front();
    }
    void TearDown() override {
        if (m_vulkan) {
            EXPECT_EQ(m_vulkan->validation_messages(), 0u);
        }
        EngineTest::TearDown();
    }

    std::shared_ptr<const Model> load_on(backend::Device& device, const std::filesystem::path& path) {
        auto m = Model::load(path, device);
        EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
        return m.ok() ? *m : nullptr;
    }

    /// Greedy continuation of `prompt`, n tokens, on `device`.
    std::vector<int32_t> greedy(backend::Device& device, const std::filesystem::path& path, const std::string& prompt,
                                int n) {
        auto model = load_on(device, path);
        if (!model)
            return {};
        auto session = Session::create(model, {.n_ctx = 256});
        EXPECT_TRUE(session.ok());
        const std::vector<int32_t> ids = model->tokenizer().encode(prompt, {});
        std::vector<int32_t> out;
        auto logits = (*session)->decode(ids);
        for (int i = 0; i < n && logits.ok(); ++i) {
            const auto best = std::max_element(logits->begin(), logits->end()) - logits->begin();
            out.push_back(static_cast<int32_t>(best));
            const int32_t next = static_cast<int32_t>(best);
            logits = (*session)->decode(std::span(&next, 1));
        }
        EXPECT_TRUE(logits.ok()) << (logits.ok() ? "" : logits.error().message);
        return out;
    }

    std::unique_ptr<vulkan::VulkanBackend> m_vulkan;
    backend::Device* m_gpu = nullptr;
};

class VulkanFormats : public VulkanEngine, public ::testing::WithParamInterface<Format> {};

TEST_P(VulkanFormats, LogitsFollowTheCpuStepByStep) {
    SynthModelSpec s;
    s.n_vocab = 300;
    s.n_embd = 256;
    s.n_layer = 2;
    s.n_ff = 512;
    s.n_head = 4;
    s.n_head_kv = 2;
    s.weight_format = GetParam();
    s.embedding_format = GetParam();
    s.seed = 5;
    const auto path = synth("m", s);
    auto cpu_model = load_on(*m_device, path);
    auto gpu_model = load_on(*m_gpu, path);
    ASSERT_TRUE(cpu_model && gpu_model);
    auto cpu_session = Session::create(cpu_model, {.n_ctx = 64});
    auto gpu_session = Session::create(gpu_model, {.n_ctx = 64});
    ASSERT_TRUE(cpu_session.ok() && gpu_session.ok());
    std::vector<int32_t> next = {0, 72, 101, 108, 108, 111, 44, 32, 119, 111, 114};
    for (int step = 0; step < 12; ++step) {
        auto want = (*cpu_session)->decode(next);
        ASSERT_TRUE(want.ok());
        const std::vector<float> cpu_logits(want->begin(), want->end());
        auto got = (*gpu_session)->decode(next);
        ASSERT_TRUE(got.ok()) << got.error().message;
        EXPECT_EQ(max_rel_diff(*got, cpu_logits), 0.0) << "step " << step; // bit for bit
        next = {static_cast<int32_t>(std::max_element(cpu_logits.begin(), cpu_logits.end()) - cpu_logits.begin())};
    }
}

INSTANTIATE_TEST_SUITE_P(AllFormats, VulkanFormats,
                         ::testing::Values(Format::F32, Format::F16, Format::BF16, Format::Q4_0, Format::Q4_1,
                                           Format::Q5_0, Format::Q5_1, Format::Q8_0, Format::Q4_K, Format::Q5_K,
                                           Format::Q6_K, Format::NF4, Format::INT8),
                         [](const ::testing::TestParamInfo<Format>& i) { return std::string(format_traits(i.param).name); });

class VulkanDefaultModel : public VulkanEngine, public ::testing::WithParamInterface<std::string> {};

TEST_P(VulkanDefaultModel, Greedy32TokensEqualTheCpu) {
    const std::filesystem::path source = QUANTA_DEFAULT_MODEL;
    if (!std::filesystem::exists(source))
        GTEST_SKIP() << "the default model is not downloaded (scripts/fetch-model.sh)";
    std::filesystem::path path = source;
    if (GetParam() != "original") {
        path = m_dir / (GetParam() + ".gguf");
        auto r = quantize_model(source, path, {.type = GetParam()});
        ASSERT_TRUE(r.ok()) << r.error().message;
    }
    for (const char* prompt : {"The capital of France is"}) {
        const auto want = greedy(*m_device, path, prompt, 32);
        const auto got = greedy(*m_gpu, path, prompt, 32);
        ASSERT_EQ(want.size(), 32u);
        EXPECT_EQ(got, want) << prompt;
    }
}

INSTANTIATE_TEST_SUITE_P(Types, VulkanDefaultModel, ::testing::Values("original", "Q4_K_M", "Q8_0", "NF4", "INT8"));

#else
TEST(VulkanEngine, NotBuilt) { GTEST_SKIP() << "this build has no Vulkan backend"; }
#endif

} // namespace
} // namespace quanta::test
