// SPDX-License-Identifier: MIT
// The estimator against the real thing: predicted file sizes against the files quantize_model
// writes (every TYPE, row widths that take the recipe's fallbacks), KV and compute buffers against
// a live Session's state_bytes(), and the fit verdict's arithmetic and wording.
#include "quanta/cpu/cpu_backend.h"
#include "quanta/engine.h"
#include "quanta/estimate.h"
#include "quanta/synth_model.h"

#include "estimate/host_memory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unistd.h>

namespace quanta {
namespace {

class EstimateTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = std::filesystem::temp_directory_path() /
                ("quanta_estimate_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
        std::filesystem::create_directories(m_dir);
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
    std::filesystem::path synth(const std::string& name, const SynthModelSpec& spec) {
        const auto path = m_dir / (name + ".gguf");
        auto r = write_synth_model(path, spec);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return path;
    }
    std::filesystem::path m_dir;
};

/// 576 wide (SmolLM2's width: not a multiple of 256, so Q4_K/Q5_K/Q6_K fall back to Q5_0/Q5_1/
/// Q8_0) or 256 wide (no fallbacks), with a separate output matrix in one of them.
SynthModelSpec tiny_spec(int64_t width) {
    SynthModelSpec s;
    s.n_embd = width;
    s.n_head = width == 576 ? 9 : 4;
    s.n_head_kv = width == 576 ? 3 : 2;
    s.n_ff = width == 576 ? 1536 : 512;
    s.n_layer = 2;
    s.n_vocab = 320;
    s.tied_output = width != 576;
    return s;
}

TEST_F(EstimateTest, PredictedFileSizeEqualsTheWrittenFileForEveryType) {
    for (int64_t width : {576, 256}) {
        const auto in = synth("in" + std::to_string(width), tiny_spec(width));
        auto file = GgufFile::open(in);
        ASSERT_TRUE(file.ok()) << file.error().message;
        for (std::string_view name : quantize_type_names()) {
            SCOPED_TRACE(std::string(name) + " width " + std::to_string(width));
            const QuantizeType type = *quantize_type_from_name(name);
            auto e = estimate_memory(*file, type, {.n_ctx = 64});
            ASSERT_TRUE(e.ok()) << e.error().message;
            QuantizeOptions options;
            options.type = std::string(name);
            options.threads = 2;
            options.int8_threshold = 5.5f; // a non-default threshold travels into the metadata too
            auto with_threshold = estimate_memory(*file, type, {.n_ctx = 64, .int8_threshold = 5.5f});
            ASSERT_TRUE(with_threshold.ok());
            const auto out = m_dir / (std::string(name) + ".gguf");
            auto report = quantize_model(in, out, options);
            ASSERT_TRUE(report.ok()) << report.error().message;
            EXPECT_EQ(with_threshold->file_bytes, std::filesystem::file_size(out));
            EXPECT_EQ(e->file_bytes, std::filesystem::file_size(out)); // the threshold is 4 bytes either way
            EXPECT_EQ(e->weight_bytes, report->tensor_bytes);
            EXPECT_EQ(e->elements, report->elements);
            ASSERT_EQ(e->tensors.size(), report->tensors.size());
            for (size_t i = 0; i < e->tensors.size(); ++i) {
                EXPECT_EQ(e->tensors[i].name, report->tensors[i].name);
                EXPECT_EQ(e->tensors[i].format, report->tensors[i].format);
                EXPECT_EQ(e->tensors[i].bytes, report->tensors[i].bytes);
            }
            // The written file estimated "as is" describes the same file.
            auto written = GgufFile::open(out);
            ASSERT_TRUE(written.ok());
            auto as_is = estimate_memory(*written, std::nullopt, {.n_ctx = 64});
            ASSERT_TRUE(as_is.ok()) << as_is.error().message;
            EXPECT_EQ(as_is->file_bytes, e->file_bytes);
            EXPECT_EQ(as_is->weight_bytes, e->weight_bytes);
            EXPECT_DOUBLE_EQ(as_is->bits_per_weight(), e->bits_per_weight());
            std::filesystem::remove(out);
        }
    }
}

TEST_F(EstimateTest, FallbackWidthChangesFormatsAndBytesAsTheRecipeSays) {
    auto file = GgufFile::open(synth("m", tiny_spec(576)));
    ASSERT_TRUE(file.ok());
    auto e = estimate_memory(*file, QuantizeType::Q4_K_S, {.n_ctx = 64});
    ASSERT_TRUE(e.ok());
    for (const TensorEstimate& t : e->tensors) {
        if (t.name != "blk.0.attn_q.weight")
            continue;
        // 576 is not a multiple of 256: Q4_K falls back to Q5_0 (22 bytes per 32 weights).
        EXPECT_EQ(t.format, "Q5_0");
        EXPECT_EQ(t.bytes, 576u * 576u / 32u * 22u);
    }
}

/// A real session on the CPU device must hold exactly the KV cache and buffers the estimate names.
void expect_session_matches(const std::filesystem::path& path, int64_t n_ctx, int64_t n_batch) {
    SCOPED_TRACE(path.filename().string() + " n_ctx " + std::to_string(n_ctx) + " n_batch " + std::to_string(n_batch));
    auto backend = cpu::create_cpu_backend(2);
    auto model = Model::load(path, *backend->devices().front());
    ASSERT_TRUE(model.ok()) << model.error().message;
    auto session = Session::create(*model, {.n_ctx = n_ctx, .n_batch = n_batch});
    ASSERT_TRUE(session.ok()) << session.error().message;

    auto e = estimate_memory((*model)->file(), std::nullopt, {.n_ctx = n_ctx, .n_batch = n_batch});
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e->n_ctx, (*session)->n_ctx());
    EXPECT_EQ(e->kv_bytes + e->activation_bytes, (*session)->state_bytes());
    EXPECT_EQ(e->weight_bytes, (*model)->weight_bytes());

    // decode_all adds its n_batch x n_vocab logits buffer on first use.
    std::vector<int32_t> ids{1, 2, 3, 4, 5};
    std::vector<float> logits;
    ASSERT_TRUE((*session)->decode_all(ids, logits).ok());
    auto all = estimate_memory((*model)->file(), std::nullopt, {.n_ctx = n_ctx, .n_batch = n_batch, .all_logits = true});
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->kv_bytes + all->activation_bytes, (*session)->state_bytes());
    EXPECT_GE(all->scratch_bytes, e->scratch_bytes); // the output matmul may now be the widest request
}

TEST_F(EstimateTest, KvAndComputeBuffersEqualTheSessionsStateBytes) {
    const auto llama = synth("llama", tiny_spec(576));
    SynthModelSpec qwen = tiny_spec(256);
    qwen.architecture = "qwen2";
    qwen.weight_format = Format::Q4_K;
    qwen.n_ctx_train = 96;
    const auto qwen2 = synth("qwen2", qwen);
    expect_session_matches(llama, 128, 512); // n_batch clamped to n_ctx, as the session does
    expect_session_matches(llama, 700, 64);
    expect_session_matches(qwen2, 0, 512);   // n_ctx 0: the session's default (the trained 96)

    // The closed forms for the 576-wide model at n_ctx 700, n_batch 64: 2 layers x 700 positions x
    // 3 KV heads x 64 dims x F16, for K and V; x, h, q, attn (576 each), k, v (192), gate, up
    // (1536) per row and one 320-token logits row, in f32.
    auto file = GgufFile::open(llama);
    ASSERT_TRUE(file.ok());
    auto e = estimate_memory(*file, std::nullopt, {.n_ctx = 700, .n_batch = 64});
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->kv_bytes, 2u * 2u * 700u * 192u * 2u);
    EXPECT_EQ(e->activation_bytes, 64u * (4u * 576u + 2u * 192u + 2u * 1536u) * 4u + 320u * 4u);
    EXPECT_EQ(e->type, "as is");
    EXPECT_EQ(e->total_bytes(), e->weight_bytes + e->kv_bytes + e->compute_bytes() + e->other_bytes());
    EXPECT_EQ(e->file_bytes + e->kv_bytes + e->compute_bytes() + e->metadata_bytes + e->tokenizer_bytes +
                  e->runtime_bytes,
              e->total_bytes());
}

TEST_F(EstimateTest, ScratchFollowsTheWidestQuantizedMatmul) {
    auto file = GgufFile::open(synth("m", tiny_spec(576)));
    ASSERT_TRUE(file.ok());
    // Q8_0 weights take Q8 activations: ffn_down (k = 1536) over 64 rows is 64 x 48 blocks x 40
    // bytes; plus 64 bytes of alignment slack and the 320-float host logits.
    auto q8 = estimate_memory(*file, QuantizeType::Q8_0, {.n_ctx = 128, .n_batch = 64, .threads = 2});
    ASSERT_TRUE(q8.ok());
    EXPECT_EQ(q8->scratch_bytes, 64u * 48u * 40u + 64u + 320u * 4u);
    // F16 runs on f32 activations: only the attention scores (128 positions x 2 threads) remain.
    auto f16 = estimate_memory(*file, QuantizeType::F16, {.n_ctx = 128, .n_batch = 64, .threads = 2});
    ASSERT_TRUE(f16.ok());
    EXPECT_EQ(f16->scratch_bytes, 128u * 2u * 4u + 64u + 320u * 4u);
    // INT8: fp16-rounded x, int8 codes, row scales and outlier columns for ffn_down.
    auto int8 = estimate_memory(*file, QuantizeType::INT8, {.n_ctx = 128, .n_batch = 64, .threads = 2});
    ASSERT_TRUE(int8.ok());
    EXPECT_EQ(int8->scratch_bytes, 64u * 1536u * 4u + 64u * 1536u + 256u + 1536u * 4u + 64u + 320u * 4u);
}

TEST_F(EstimateTest, HeapModelCountsStringsAndChunks) {
    using namespace estimate_detail;
    EXPECT_EQ(heap_chunk_bytes(1), 32u);
    EXPECT_EQ(heap_chunk_bytes(24), 32u);
    EXPECT_EQ(heap_chunk_bytes(25), 48u);
    EXPECT_EQ(string_heap_bytes(15), 0u); // in the object
    EXPECT_EQ(string_heap_bytes(16), 32u);
    EXPECT_EQ(string_heap_bytes(40), 64u);
    // At least one string object and one hash node per token.
    auto file = GgufFile::open(synth("m", tiny_spec(256)));
    ASSERT_TRUE(file.ok());
    EXPECT_GT(tokenizer_heap_bytes(*file), 320u * (32u + 64u));
    EXPECT_GT(metadata_heap_bytes(*file), 320u * 32u);
}

TEST_F(EstimateTest, ErrorsNameTheProblem) {
    SynthModelSpec spec = tiny_spec(256);
    auto file = GgufFile::open(synth("m", spec));
    ASSERT_TRUE(file.ok());
    auto negative = estimate_memory(*file, std::nullopt, {.n_ctx = -1});
    ASSERT_FALSE(negative.ok());
    EXPECT_EQ(negative.error().code, ErrorCode::InvalidArgument);

    GgufWriter w;
    w.set("general.architecture", GgufValue::string("mamba"));
    const int64_t ne[] = {32};
    ASSERT_TRUE(w.add_tensor("x.weight", kGgmlTypeF32, ne).ok());
    std::vector<uint8_t> zeros(128);
    const std::span<const uint8_t> data[] = {zeros};
    auto bytes = w.serialize(data);
    ASSERT_TRUE(bytes.ok());
    auto mamba = GgufFile::parse(*bytes);
    ASSERT_TRUE(mamba.ok());
    auto unsupported = estimate_memory(*mamba, std::nullopt);
    ASSERT_FALSE(unsupported.ok());
    EXPECT_EQ(unsupported.error().code, ErrorCode::Unsupported);
    EXPECT_NE(unsupported.error().message.find("mamba"), std::string::npos);
}

MemoryEstimate estimate_of(uint64_t total) {
    MemoryEstimate e;
    e.file_bytes = e.weight_bytes = total;
    return e;
}

backend::DeviceInfo device(const char* name, uint64_t total, uint64_t free) {
    backend::DeviceInfo d;
    d.name = name;
    d.total_memory = total;
    d.free_memory = free;
    return d;
}

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;

TEST(EstimateFit, FitsWhenTheTotalIsAtMostTheFreeMemory) {
    const FitVerdict v = fits(estimate_of(170 * kMiB), device("cpu", 16 * kGiB, 3 * kGiB + kGiB / 10));
    EXPECT_TRUE(v.fits);
    EXPECT_EQ(v.needed, 170 * kMiB);
    EXPECT_EQ(v.available, 3 * kGiB + kGiB / 10);
    EXPECT_EQ(v.reason, "needs 170 MiB of the 3.10 GiB free");
    EXPECT_TRUE(fits(estimate_of(kGiB), device("cpu", 2 * kGiB, kGiB)).fits); // exactly the free memory
}

TEST(EstimateFit, SaysHowMuchIsMissing) {
    // 1.52 GiB needed, 1.21 GiB free: 0.31 GiB short.
    const uint64_t needed = 1632087572; // 1.52 GiB
    const uint64_t free = 1299227607;   // 1.21 GiB
    const FitVerdict v = fits(estimate_of(needed), device("cpu", 8 * kGiB, free));
    EXPECT_FALSE(v.fits);
    EXPECT_EQ(v.reason, "needs 1.52 GiB, 317 MiB more than the 1.21 GiB free");
}

TEST(EstimateFit, NamesTheTotalWhenTheDeviceCouldNeverHoldIt) {
    const FitVerdict v = fits(estimate_of(10 * kGiB), device("cuda0", 8 * kGiB, 7 * kGiB));
    EXPECT_FALSE(v.fits);
    EXPECT_EQ(v.reason, "needs 10.0 GiB, more than the 8.00 GiB cuda0 has in total");
}

TEST(EstimateFit, ADeviceWithoutMemoryFiguresDoesNotFit) {
    const FitVerdict v = fits(estimate_of(kMiB), device("vulkan0", 0, 0));
    EXPECT_FALSE(v.fits);
    EXPECT_EQ(v.reason, "needs 1.00 MiB, but vulkan0 reports no memory figures");
}

} // namespace
} // namespace quanta
