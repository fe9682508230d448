// SPDX-License-Identifier: MIT
// The engine on synthetic models: every weight format and both architectures against an
// independent double-precision forward pass; prefill = incremental decode; the session's limits
// (context full, context shift, cancel); bad models give clear errors.
#include "engine_test_util.h"
#include "reference_forward.h"

#include "quanta/gguf.h"

#include <functional>

namespace quanta::test {
namespace {

const std::vector<int32_t> kIds = {0, 72, 101, 108, 108, 111, 44, 32, 119, 111, 114, 108, 100};

SynthModelSpec small_spec(Format format) {
    SynthModelSpec s;
    s.n_vocab = 300;
    s.n_embd = 256;
    s.n_layer = 2;
    s.n_ff = 512;
    s.n_head = 4;
    s.n_head_kv = 2;
    s.weight_format = format;
    s.embedding_format = format;
    s.seed = 11;
    return s;
}

class EngineFormats : public EngineTest, public ::testing::WithParamInterface<Format> {};

TEST_P(EngineFormats, LogitsMatchTheDoublePrecisionReference) {
    const auto path = synth("m", small_spec(GetParam()));
    auto model = load(path);
    ASSERT_NE(model, nullptr);
    auto session = Session::create(model, {.n_ctx = 64});
    ASSERT_TRUE(session.ok());
    auto logits = (*session)->decode(kIds);
    ASSERT_TRUE(logits.ok()) << logits.error().message;
    ASSERT_EQ(logits->size(), 300u);
    const std::vector<double> expected = reference_logits(model->file(), kIds);
    // The engine multiplies quantized weights by 8-bit quantized activations and keeps K/V in f16.
    EXPECT_LT(max_rel_diff(*logits, expected), 2e-2) << format_traits(GetParam()).name;
    if (GetParam() == Format::Q8_0) {
        // Q8_0 x Q8_0 activations is exactly what the simulation models: the same roundings.
        EXPECT_LT(max_rel_diff(*logits, reference_logits(model->file(), kIds, true)), 1e-5);
    }
}

INSTANTIATE_TEST_SUITE_P(AllFormats, EngineFormats,
                         ::testing::Values(Format::F32, Format::F16, Format::BF16, Format::Q8_0, Format::Q6_K,
                                           Format::Q5_K, Format::Q5_1, Format::Q5_0, Format::Q4_K, Format::Q4_1,
                                           Format::Q4_0, Format::NF4, Format::INT8),
                         [](const auto& p) { return std::string(format_traits(p.param).name); });

// LoadOptions::int8_threshold reaches the kernel: a threshold below every activation makes
// every column an outlier, computed in floating point from the dequantized weights (close to
// the double reference); 0 computes every column in int8 (8-bit activations: further away).
TEST_F(EngineTest, Int8ThresholdOverrideReachesTheKernel) {
    const auto path = synth("m", small_spec(Format::INT8));
    const std::vector<double> expected = reference_logits(GgufFile::open(path).value(), kIds);
    auto logits_with = [&](float threshold) {
        auto model = load(path, {.int8_threshold = threshold});
        auto session = Session::create(model, {.n_ctx = 64});
        auto logits = (*session)->decode(kIds);
        return std::vector<float>(logits->begin(), logits->end());
    };
    const std::vector<float> all_float = logits_with(1e-30f);
    const std::vector<float> all_int8 = logits_with(0.0f);
    EXPECT_LT(max_rel_diff(all_float, expected), 1e-3);
    EXPECT_GT(max_rel_diff(all_int8, expected), 1e-3);
    EXPECT_LT(max_rel_diff(all_int8, expected), 2e-2);
}

TEST_F(EngineTest, Qwen2WithBiasesAndNeoxRopeMatchesReference) {
    SynthModelSpec s = small_spec(Format::Q8_0);
    s.architecture = "qwen2";
    s.tied_output = false;
    auto model = load(synth("qwen", s));
    ASSERT_NE(model, nullptr);
    EXPECT_TRUE(model->config().attention_bias);
    EXPECT_TRUE(model->config().rope_neox);
    EXPECT_FALSE(model->config().tied_output);
    auto session = Session::create(model, {.n_ctx = 64});
    ASSERT_TRUE(session.ok());
    auto logits = (*session)->decode(kIds);
    ASSERT_TRUE(logits.ok());
    EXPECT_LT(max_rel_diff(*logits, reference_logits(model->file(), kIds)), 2e-2);
}

TEST_F(EngineTest, Llama3RopeFactorsMatchReference) {
    SynthModelSpec s = small_spec(Format::F16);
    s.rope_factors = true;
    auto model = load(synth("rf", s));
    ASSERT_NE(model, nullptr);
    EXPECT_TRUE(model->config().has_rope_factors);
    auto session = Session::create(model, {.n_ctx = 64});
    ASSERT_TRUE(session.ok());
    auto logits = (*session)->decode(kIds);
    ASSERT_TRUE(logits.ok());
    EXPECT_LT(max_rel_diff(*logits, reference_logits(model->file(), kIds)), 2e-2);
}

TEST_F(EngineTest, PrefillEqualsTokenByTokenDecode) {
    auto model = load(synth("m", small_spec(Format::Q4_K)));
    ASSERT_NE(model, nullptr);
    auto batch = Session::create(model, {.n_ctx = 64});
    auto single = Session::create(model, {.n_ctx = 64, .n_batch = 1});
    ASSERT_TRUE(batch.ok() && single.ok());
    auto a = (*batch)->decode(kIds);
    ASSERT_TRUE(a.ok());
    const std::vector<float> prefill(a->begin(), a->end());
    std::span<const float> last;
    for (int32_t id : kIds) {
        auto r = (*single)->decode(std::span<const int32_t>(&id, 1));
        ASSERT_TRUE(r.ok());
        last = *r;
    }
    EXPECT_EQ((*single)->position(), static_cast<int64_t>(kIds.size()));
    EXPECT_LT(max_rel_diff(last, prefill), 1e-3);
}

// keep_common_prefix keeps what a new prompt shares with the cache, but never the whole prompt.
TEST_F(EngineTest, KeepCommonPrefixLeavesAtLeastOneTokenToDecode) {
    auto model = load(synth("m", small_spec(Format::Q8_0)));
    ASSERT_NE(model, nullptr);
    auto session = Session::create(model, {.n_ctx = 64});
    ASSERT_TRUE(session.ok());
    Session& s = **session;
    ASSERT_TRUE(s.decode(kIds).ok());
    std::vector<int32_t> longer(kIds.begin(), kIds.end());
    longer.push_back(7);
    EXPECT_EQ(s.keep_common_prefix(longer), kIds.size());
    EXPECT_EQ(s.position(), static_cast<int64_t>(kIds.size()));
    EXPECT_EQ(s.keep_common_prefix(kIds), kIds.size() - 1); // the last token must be decoded again
    EXPECT_EQ(s.position(), static_cast<int64_t>(kIds.size()) - 1);
    std::vector<int32_t> diverging(kIds.begin(), kIds.begin() + 3);
    diverging.push_back(kIds[3] + 1);
    diverging.push_back(1);
    EXPECT_EQ(s.keep_common_prefix(diverging), 3u);
    EXPECT_EQ(s.tokens(), std::vector<int32_t>(kIds.begin(), kIds.begin() + 3));
}

TEST_F(EngineTest, FullContextIsAnErrorUnlessShiftIsAsked) {
    auto model = load(synth("m", small_spec(Format::Q8_0)));
    ASSERT_NE(model, nullptr);
    auto session = Session::create(model, {.n_ctx = 16});
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE((*session)->decode(kIds).ok()); // 13 of 16
    auto full = (*session)->decode(std::vector<int32_t>{1, 2, 3, 4});
    ASSERT_FALSE(full.ok());
    EXPECT_EQ(full.error().code, ErrorCode::ContextFull);
    EXPECT_NE(full.error().message.find("16"), std::string::npos) << full.error().message;
    EXPECT_EQ((*session)->position(), 13); // unchanged

    auto shifting = Session::create(model, {.n_ctx = 16, .context_shift = true, .n_keep = 1});
    ASSERT_TRUE(shifting.ok());
    ASSERT_TRUE((*shifting)->decode(kIds).ok());
    auto shifted = (*shifting)->decode(std::vector<int32_t>{1, 2, 3, 4});
    ASSERT_TRUE(shifted.ok()) << shifted.error().message;
    // Kept: the first token, then the newer half of the other 12, then the 4 new ones.
    EXPECT_EQ((*shifting)->position(), 1 + 6 + 4);
    EXPECT_EQ((*shifting)->tokens().front(), kIds.front());
    EXPECT_EQ((*shifting)->tokens().back(), 4);
}

TEST_F(EngineTest, CancelLeavesTheSessionUnchanged) {
    auto model = load(synth("m", small_spec(Format::Q8_0)));
    ASSERT_NE(model, nullptr);
    auto session = Session::create(model, {.n_ctx = 64});
    ASSERT_TRUE(session.ok());
    CancelToken cancel;
    cancel.cancel();
    auto r = (*session)->decode(kIds, &cancel);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Cancelled);
    EXPECT_EQ((*session)->position(), 0);
    auto bad = (*session)->decode(std::vector<int32_t>{300});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::InvalidArgument);
}

TEST_F(EngineTest, SameSeedSameTextAndGreedyIsArgmax) {
    auto model = load(synth("m", small_spec(Format::Q8_0)));
    ASSERT_NE(model, nullptr);
    auto run = [&](SamplerParams p) {
        auto session = Session::create(model, {.n_ctx = 64});
        std::vector<int32_t> out;
        GenerateOptions o;
        o.n_predict = 12;
        o.sampling = p;
        o.stop_at_eog = false;
        auto stats = generate(**session, kIds, o, [&](int32_t id, std::string_view) {
            out.push_back(id);
            return true;
        });
        EXPECT_TRUE(stats.ok());
        EXPECT_EQ(stats->n_generated, 12);
        EXPECT_EQ(stats->stop, StopReason::Length);
        return out;
    };
    SamplerParams sampled;
    sampled.seed = 42;
    sampled.temperature = 1.0f;
    EXPECT_EQ(run(sampled), run(sampled));

    SamplerParams greedy;
    greedy.temperature = 0.0f;
    const std::vector<int32_t> g = run(greedy);
    auto session = Session::create(model, {.n_ctx = 64});
    auto logits = (*session)->decode(kIds);
    ASSERT_TRUE(logits.ok());
    EXPECT_EQ(g.front(), std::max_element(logits->begin(), logits->end()) - logits->begin());
}

// --- bad models ---------------------------------------------------------------------------------

/// Copy `in` to `out` with metadata changed by `edit` and the tensors `keep` accepts.
void rewrite(const std::filesystem::path& in, const std::filesystem::path& out,
             const std::function<void(GgufWriter&)>& edit, const std::function<bool(const std::string&)>& keep) {
    auto file = GgufFile::open(in);
    ASSERT_TRUE(file.ok());
    GgufWriter w;
    w.copy_metadata(*file);
    edit(w);
    std::vector<std::span<const uint8_t>> data;
    for (const GgufTensorInfo& t : file->tensors()) {
        if (!keep(t.name))
            continue;
        ASSERT_TRUE(w.add_tensor(t.name, t.ggml_type, std::span<const int64_t>(t.ne.data(), t.n_dims)).ok());
        data.push_back(t.bytes());
    }
    ASSERT_TRUE(w.write_file(out, data).ok());
}

class BadModel : public EngineTest {
protected:
    Error load_error(const std::function<void(GgufWriter&)>& edit,
                     const std::function<bool(const std::string&)>& keep = [](const std::string&) { return true; }) {
        const auto good = synth("good", small_spec(Format::Q8_0));
        const auto bad = m_dir / "bad.gguf";
        rewrite(good, bad, edit, keep);
        auto m = Model::load(bad, *m_device);
        EXPECT_FALSE(m.ok());
        return m.ok() ? Error{} : m.error();
    }
};

TEST_F(BadModel, UnknownArchitecture) {
    const Error e = load_error([](GgufWriter& w) { w.set("general.architecture", GgufValue::string("mamba")); });
    EXPECT_EQ(e.code, ErrorCode::Unsupported);
    EXPECT_NE(e.message.find("'mamba'"), std::string::npos) << e.message;
}

TEST_F(BadModel, MissingTensorIsNamed) {
    const Error e = load_error([](GgufWriter&) {}, [](const std::string& n) { return n != "blk.1.ffn_up.weight"; });
    EXPECT_EQ(e.code, ErrorCode::NotFound);
    EXPECT_NE(e.message.find("blk.1.ffn_up.weight"), std::string::npos) << e.message;
}

TEST_F(BadModel, WrongShapeIsNamed) {
    const Error e = load_error([](GgufWriter& w) { w.set("llama.feed_forward_length", GgufValue::u32(640)); });
    EXPECT_EQ(e.code, ErrorCode::Corrupt);
    EXPECT_NE(e.message.find("blk.0.ffn_gate.weight"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("expected [256, 640]"), std::string::npos) << e.message;
}

TEST_F(BadModel, UnsupportedTokenizer) {
    const Error e = load_error([](GgufWriter& w) { w.set("tokenizer.ggml.model", GgufValue::string("bert")); });
    EXPECT_EQ(e.code, ErrorCode::Unsupported);
    EXPECT_NE(e.message.find("bert"), std::string::npos) << e.message;
}

TEST_F(BadModel, MissingHyperparameterIsNamed) {
    const Error e = load_error([](GgufWriter& w) { w.remove("llama.attention.head_count"); });
    EXPECT_EQ(e.code, ErrorCode::Corrupt);
    EXPECT_NE(e.message.find("llama.attention.head_count"), std::string::npos) << e.message;
}

TEST_F(EngineTest, LoadProgressReachesOneAndCanCancel) {
    const auto path = synth("m", small_spec(Format::Q8_0));
    float last = 0;
    int calls = 0;
    auto ok = Model::load(path, *m_device, {.on_progress = [&](float f) {
                                               EXPECT_GE(f, last);
                                               last = f;
                                               ++calls;
                                               return true;
                                           }});
    ASSERT_TRUE(ok.ok());
    EXPECT_FLOAT_EQ(last, 1.0f);
    EXPECT_EQ(calls, 2 + 2 * 9 + 1); // embedding, norm, 9 weights per layer, then the final 1.0

    int before_cancel = 0;
    auto cancelled = Model::load(path, *m_device, {.on_progress = [&](float) { return ++before_cancel < 5; }});
    ASSERT_FALSE(cancelled.ok());
    EXPECT_EQ(cancelled.error().code, ErrorCode::Cancelled);
    EXPECT_EQ(before_cancel, 5);
}

// The named shapes of `quanta-cli synth --shape`: the real hyperparameters, and one layer of
// Llama-3.2-1B (GQA 32/8, llama3 rope factors, Q4_K) loads and runs as the reference computes.
TEST_F(EngineTest, SynthShapesHaveTheRealHyperparameters) {
    ASSERT_EQ(synth_shape_names().size(), 4u);
    for (std::string_view name : synth_shape_names())
        EXPECT_TRUE(synth_shape(name).has_value()) << name;
    EXPECT_FALSE(synth_shape("llama-70b").has_value());
    EXPECT_EQ(synth_shape("smollm2-135m")->n_embd, smollm2_135m_shapes().n_embd);

    const SynthModelSpec l8 = *synth_shape("llama-8b");
    EXPECT_EQ(l8.n_embd, 4096);
    EXPECT_EQ(l8.n_layer, 32);
    EXPECT_EQ(l8.n_ff, 14336);
    EXPECT_EQ(l8.n_vocab, 128256);
    EXPECT_FALSE(l8.tied_output);
    const SynthModelSpec q = *synth_shape("qwen2-7b");
    EXPECT_EQ(q.architecture, "qwen2");
    EXPECT_EQ(q.n_embd, 3584);
    EXPECT_EQ(q.n_layer, 28);
    EXPECT_EQ(q.n_head, 28);
    EXPECT_EQ(q.n_head_kv, 4);
    EXPECT_EQ(q.n_ff, 18944);
    EXPECT_EQ(q.n_vocab, 152064);
    EXPECT_FLOAT_EQ(q.rope_freq_base, 1e6f);

    SynthModelSpec s = *synth_shape("llama-1b");
    s.n_layer = 1;
    s.n_vocab = 1000;
    s.weight_format = s.embedding_format = s.output_format = Format::Q4_K;
    auto model = load(synth("l1b", s));
    ASSERT_NE(model, nullptr);
    const auto& c = model->config();
    EXPECT_EQ(c.n_embd, 2048);
    EXPECT_EQ(c.n_head, 32);
    EXPECT_EQ(c.n_head_kv, 8);
    EXPECT_EQ(c.n_ff, 8192);
    EXPECT_EQ(c.head_dim, 64);
    EXPECT_EQ(c.n_ctx_train, 131072);
    EXPECT_FLOAT_EQ(c.rope_freq_base, 500000.0f);
    EXPECT_TRUE(c.has_rope_factors);
    EXPECT_TRUE(c.tied_output);
    auto session = Session::create(model, {.n_ctx = 64});
    ASSERT_TRUE(session.ok());
    auto logits = (*session)->decode(kIds);
    ASSERT_TRUE(logits.ok()) << logits.error().message;
    ASSERT_EQ(logits->size(), 1000u);
    EXPECT_LT(max_rel_diff(*logits, reference_logits(model->file(), kIds)), 2e-2);
}

} // namespace
} // namespace quanta::test
