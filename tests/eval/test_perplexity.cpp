// SPDX-License-Identifier: MIT
// Perplexity and KL divergence on synthetic models against a brute-force computation (every
// window decoded in a fresh session, log-softmax in double), window/stride semantics, the
// log-probs file, and the default model on a fixed English text.
#include "quanta/cpu/cpu_backend.h"
#include "quanta/engine.h"
#include "quanta/gguf.h"
#include "quanta/perplexity.h"
#include "quanta/synth_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

namespace quanta {
namespace {

SynthModelSpec small_spec(Format format) {
    SynthModelSpec s;
    s.n_vocab = 300;
    s.n_embd = 64;
    s.n_layer = 2;
    s.n_ff = 128;
    s.n_head = 4;
    s.n_head_kv = 2;
    s.weight_format = format;
    s.embedding_format = format;
    s.seed = 5;
    return s;
}

std::vector<int32_t> random_ids(size_t n, int32_t vocab, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<int32_t> ids(n);
    for (int32_t& id : ids)
        id = static_cast<int32_t>(rng() % static_cast<uint32_t>(vocab));
    return ids;
}

class Perplexity : public ::testing::Test {
protected:
    void SetUp() override {
        m_backend = cpu::create_cpu_backend(2);
        m_device = m_backend->devices().front();
        m_dir = std::filesystem::temp_directory_path() / ("quanta_eval_test_" + std::to_string(::getpid()));
        std::filesystem::create_directories(m_dir);
        m_model = load(synth("q8", small_spec(Format::Q8_0)));
        m_ids = random_ids(200, 300, 42);
    }
    void TearDown() override { std::filesystem::remove_all(m_dir); }

    std::filesystem::path synth(const std::string& name, const SynthModelSpec& spec) {
        const auto path = m_dir / (name + ".gguf");
        auto r = write_synth_model(path, spec);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return path;
    }
    std::shared_ptr<const Model> load(const std::filesystem::path& path) {
        auto m = Model::load(path, *m_device);
        EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
        return m.ok() ? *m : nullptr;
    }

    // Every scored token's NLL, the slow way: a fresh session per window and, for each scored
    // position, log(p) = log(exp(l_t - max) / sum exp(l - max)).
    std::vector<double> brute_nll(const std::shared_ptr<const Model>& model, int64_t n_ctx, int64_t stride) {
        const auto n = static_cast<int64_t>(m_ids.size());
        const int64_t n_vocab = model->config().n_vocab;
        std::vector<std::pair<int64_t, int64_t>> windows; // start, first scored row
        if (stride == n_ctx) {
            for (int64_t s = 0; s + n_ctx <= n; s += n_ctx)
                windows.emplace_back(s, n_ctx / 2);
        } else {
            for (int64_t s = 0; s + n_ctx <= n; s += stride)
                windows.emplace_back(s, n_ctx - 1 - stride);
        }
        std::vector<double> out;
        for (auto [start, first] : windows) {
            auto session = Session::create(model, {.n_ctx = n_ctx, .n_batch = 7});
            EXPECT_TRUE(session.ok());
            std::vector<int32_t> w(m_ids.begin() + start, m_ids.begin() + start + n_ctx);
            if (model->tokenizer().add_bos())
                w[0] = model->tokenizer().bos_id();
            std::vector<float> logits;
            EXPECT_TRUE((*session)->decode_all(w, logits).ok());
            for (int64_t j = first; j < n_ctx - 1; ++j) {
                const float* row = logits.data() + j * n_vocab;
                double mx = row[0];
                for (int64_t i = 1; i < n_vocab; ++i)
                    mx = std::max(mx, static_cast<double>(row[i]));
                double sum = 0;
                for (int64_t i = 0; i < n_vocab; ++i)
                    sum += std::exp(static_cast<double>(row[i]) - mx);
                const double p = std::exp(static_cast<double>(row[m_ids[static_cast<size_t>(start + j + 1)]]) - mx) / sum;
                out.push_back(-std::log(p));
            }
        }
        return out;
    }

    std::unique_ptr<backend::Backend> m_backend;
    backend::Device* m_device = nullptr;
    std::filesystem::path m_dir;
    std::shared_ptr<const Model> m_model;
    std::vector<int32_t> m_ids;
};

TEST_F(Perplexity, DecodeAllRowsMatchDecode) {
    const std::vector<int32_t> ids(m_ids.begin(), m_ids.begin() + 20);
    auto a = Session::create(m_model, {.n_ctx = 64, .n_batch = 20});
    auto b = Session::create(m_model, {.n_ctx = 64, .n_batch = 6}); // four batches
    ASSERT_TRUE(a.ok() && b.ok());
    std::vector<float> all, all_batched;
    ASSERT_TRUE((*a)->decode_all(ids, all).ok());
    ASSERT_TRUE((*b)->decode_all(ids, all_batched).ok());
    EXPECT_EQ((*a)->position(), 20);
    const size_t V = 300;
    ASSERT_EQ(all.size(), 20 * V);
    // The last row is what decode() returns for the same single batch (the output matmul runs on
    // one row there and on 20 here: kernels may round differently).
    auto c = Session::create(m_model, {.n_ctx = 64, .n_batch = 20});
    auto last = (*c)->decode(ids);
    ASSERT_TRUE(last.ok());
    double last_diff = 0, last_scale = 0;
    for (size_t k = 0; k < V; ++k) {
        last_diff = std::max(last_diff, std::abs(static_cast<double>((*last)[k]) - all[19 * V + k]));
        last_scale = std::max(last_scale, std::abs(static_cast<double>(all[19 * V + k])));
    }
    EXPECT_LT(last_diff / last_scale, 1e-5);
    // Every row matches decode() one token at a time (a different batch shape: rounding only).
    auto d = Session::create(m_model, {.n_ctx = 64});
    for (size_t i = 0; i < ids.size(); ++i) {
        auto row = (*d)->decode(std::span<const int32_t>(&ids[i], 1));
        ASSERT_TRUE(row.ok());
        double diff = 0, scale = 0;
        for (size_t k = 0; k < V; ++k) {
            diff = std::max(diff, std::abs(static_cast<double>((*row)[k]) - all[i * V + k]));
            diff = std::max(diff, std::abs(static_cast<double>(all_batched[i * V + k]) - all[i * V + k]));
            scale = std::max(scale, std::abs(static_cast<double>(all[i * V + k])));
        }
        EXPECT_LT(diff / scale, 1e-4) << "row " << i;
    }
    // Errors leave the session as it was.
    std::vector<float> out;
    const std::vector<int32_t> bad{1, 300};
    EXPECT_EQ((*a)->decode_all(bad, out).error().code, ErrorCode::InvalidArgument);
    const std::vector<int32_t> too_many(45, 1);
    EXPECT_EQ((*a)->decode_all(too_many, out).error().code, ErrorCode::ContextFull);
    EXPECT_EQ((*a)->position(), 20);
}

TEST_F(Perplexity, ChunksEqualBruteForce) {
    auto r = perplexity(m_model, m_ids, {.n_ctx = 32});
    ASSERT_TRUE(r.ok()) << r.error().message;
    // 200 tokens / 32 = 6 windows, each scoring rows 16..30: 15 tokens.
    EXPECT_EQ(r->chunks.size(), 6u);
    EXPECT_EQ(r->n_tokens, 90);
    EXPECT_EQ(r->stride, 32);
    EXPECT_EQ(r->chunks[5].start, 160);
    const std::vector<double> nll = brute_nll(m_model, 32, 32);
    ASSERT_EQ(nll.size(), 90u);
    double s = 0, s2 = 0;
    for (double v : nll) {
        s += v;
        s2 += v * v;
    }
    const double n = 90.0, mean = s / n;
    const double ppl = std::exp(mean);
    const double stderr_ppl = std::sqrt((s2 / n - mean * mean) / (n - 1)) * ppl;
    EXPECT_NEAR(r->ppl / ppl, 1.0, 1e-9);
    EXPECT_NEAR(r->ppl_stderr / stderr_ppl, 1.0, 1e-9);
    double c0 = 0;
    for (size_t i = 0; i < 15; ++i)
        c0 += nll[i];
    EXPECT_NEAR(r->chunks[0].ppl / std::exp(c0 / 15), 1.0, 1e-9);
    EXPECT_NEAR(r->chunks[5].ppl_cumulative / ppl, 1.0, 1e-9);
    // Random weights give peaked, wrong predictions on random tokens: huge but finite.
    EXPECT_TRUE(std::isfinite(r->ppl));
    EXPECT_GT(r->ppl, 300.0);
}

// A copy of the synthetic model whose tokenizer adds BOS: every window must start with BOS.
TEST_F(Perplexity, WindowsStartWithBosWhenTheModelAddsIt) {
    const auto src_path = m_dir / "q8.gguf";
    const auto bos_path = m_dir / "q8_bos.gguf";
    {
        auto src = GgufFile::open(src_path);
        ASSERT_TRUE(src.ok());
        GgufWriter w;
        w.copy_metadata(*src);
        w.set("tokenizer.ggml.add_bos_token", GgufValue::boolean(true));
        std::vector<std::span<const uint8_t>> data;
        for (const GgufTensorInfo& t : src->tensors()) {
            ASSERT_TRUE(w.add_tensor(t.name, t.ggml_type, std::span(t.ne).first(t.n_dims)).ok());
            data.push_back(t.bytes());
        }
        auto written = w.write_file(bos_path, data);
        ASSERT_TRUE(written.ok()) << written.error().message;
    }
    auto bos_model = load(bos_path);
    ASSERT_TRUE(bos_model->tokenizer().add_bos());
    ASSERT_EQ(bos_model->tokenizer().bos_id(), 0);
    auto with_bos = perplexity(bos_model, m_ids, {.n_ctx = 32});
    auto without = perplexity(m_model, m_ids, {.n_ctx = 32});
    ASSERT_TRUE(with_bos.ok() && without.ok());
    const std::vector<double> nll = brute_nll(bos_model, 32, 32); // replaces window[0] by BOS
    double s = 0;
    for (double v : nll)
        s += v;
    EXPECT_EQ(with_bos->n_tokens, 90);
    EXPECT_NEAR(with_bos->ppl / std::exp(s / 90), 1.0, 1e-9);
    EXPECT_GT(std::abs(with_bos->ppl / without->ppl - 1.0), 1e-6); // the first token matters
}

TEST_F(Perplexity, StrideAndChunkLimits) {
    auto r = perplexity(m_model, m_ids, {.n_ctx = 32, .stride = 8});
    ASSERT_TRUE(r.ok()) << r.error().message;
    // (200 - 32) / 8 + 1 = 22 windows, each scoring its last 8 tokens: tokens 24..199 once each.
    EXPECT_EQ(r->chunks.size(), 22u);
    EXPECT_EQ(r->n_tokens, 176);
    EXPECT_EQ(r->chunks[21].start, 168);
    const std::vector<double> nll = brute_nll(m_model, 32, 8);
    ASSERT_EQ(nll.size(), 176u);
    double s = 0;
    for (double v : nll)
        s += v;
    EXPECT_NEAR(r->ppl / std::exp(s / 176), 1.0, 1e-9);

    auto half = perplexity(m_model, m_ids, {.n_ctx = 32, .stride = 16});
    ASSERT_TRUE(half.ok());
    EXPECT_EQ(half->chunks.size(), 11u); // (200 - 32) / 16 + 1
    EXPECT_EQ(half->n_tokens, 176);

    auto limited = perplexity(m_model, m_ids, {.n_ctx = 32, .max_chunks = 3});
    ASSERT_TRUE(limited.ok());
    EXPECT_EQ(limited->chunks.size(), 3u);
    EXPECT_EQ(limited->n_tokens, 45);

    EXPECT_EQ(perplexity(m_model, m_ids, {.n_ctx = 32, .stride = 20}).error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(perplexity(m_model, std::span(m_ids).first(31), {.n_ctx = 32}).error().code, ErrorCode::InvalidArgument);
    CancelToken cancel;
    cancel.cancel();
    EXPECT_EQ(perplexity(m_model, m_ids, {.n_ctx = 32, .cancel = &cancel}).error().code, ErrorCode::Cancelled);
    PerplexityOptions stop{.n_ctx = 32};
    int calls = 0;
    stop.on_progress = [&](int64_t, int64_t, double) { return ++calls < 2; };
    EXPECT_EQ(perplexity(m_model, m_ids, stop).error().code, ErrorCode::Cancelled);
    EXPECT_EQ(calls, 2);
}

TEST_F(Perplexity, KlAgainstItselfIsZero) {
    const auto base = m_dir / "base.qlp";
    auto saved = perplexity(m_model, m_ids, {.n_ctx = 32, .save_logits = base, .save_top_k = 16});
    ASSERT_TRUE(saved.ok()) << saved.error().message;
    // header 8 + 7*8, 200 tokens, 90 rows of 4 + 16 * 8 bytes
    EXPECT_EQ(std::filesystem::file_size(base), 64u + 800u + 90u * 132u);
    auto self = perplexity(m_model, m_ids, {.n_ctx = 32, .kl_base = base});
    ASSERT_TRUE(self.ok()) << self.error().message;
    ASSERT_TRUE(self->kld.has_value());
    const KldReport& k = *self->kld;
    EXPECT_EQ(k.n, 90);
    EXPECT_EQ(k.top_k, 16);
    EXPECT_EQ(k.mean, 0.0);
    EXPECT_EQ(k.max, 0.0);
    EXPECT_EQ(k.top1_agreement, 1.0);
    EXPECT_EQ(k.delta_p_mean, 0.0);
    EXPECT_NEAR(k.ppl_base / self->ppl, 1.0, 1e-6);
    EXPECT_EQ(k.ln_ppl_ratio, 0.0);
}

TEST_F(Perplexity, KlAgainstAnotherQuantizationIsPositiveAndExactWithFullRows) {
    auto q4 = load(synth("q4", [] {
        SynthModelSpec s = small_spec(Format::Q4_0);
        return s;
    }()));
    const auto base = m_dir / "base_full.qlp";
    ASSERT_TRUE(perplexity(m_model, m_ids, {.n_ctx = 32, .save_logits = base, .save_top_k = 300}).ok());
    const auto base16 = m_dir / "base16.qlp";
    ASSERT_TRUE(perplexity(m_model, m_ids, {.n_ctx = 32, .save_logits = base16, .save_top_k = 16}).ok());
    auto full = perplexity(q4, m_ids, {.n_ctx = 32, .kl_base = base});
    auto top16 = perplexity(q4, m_ids, {.n_ctx = 32, .kl_base = base16});
    ASSERT_TRUE(full.ok() && top16.ok());

    // Brute force: exact KL(P_q8 || Q_q4) per scored token, in double from both models' logits.
    const int64_t V = 300;
    std::vector<double> exact;
    for (int64_t start = 0; start + 32 <= 200; start += 32) {
        std::vector<int32_t> w(m_ids.begin() + start, m_ids.begin() + start + 32);
        std::vector<float> lp, lq;
        auto sp = Session::create(m_model, {.n_ctx = 32});
        auto sq = Session::create(q4, {.n_ctx = 32});
        ASSERT_TRUE((*sp)->decode_all(w, lp).ok() && (*sq)->decode_all(w, lq).ok());
        for (int64_t j = 16; j < 31; ++j) {
            auto lse = [&](const std::vector<float>& l) {
                double mx = -INFINITY, s = 0;
                for (int64_t i = 0; i < V; ++i)
                    mx = std::max(mx, static_cast<double>(l[static_cast<size_t>(j * V + i)]));
                for (int64_t i = 0; i < V; ++i)
                    s += std::exp(l[static_cast<size_t>(j * V + i)] - mx);
                return mx + std::log(s);
            };
            const double a = lse(lp), b = lse(lq);
            double kl = 0;
            for (int64_t i = 0; i < V; ++i) {
                const double x = lp[static_cast<size_t>(j * V + i)] - a, y = lq[static_cast<size_t>(j * V + i)] - b;
                kl += std::exp(x) * (x - y);
            }
            exact.push_back(kl);
        }
    }
    double mean = 0;
    for (double v : exact)
        mean += v / static_cast<double>(exact.size());
    ASSERT_TRUE(full->kld && top16->kld);
    EXPECT_GT(mean, 1e-5);
    EXPECT_NEAR(full->kld->mean / mean, 1.0, 1e-3);
    std::sort(exact.begin(), exact.end());
    EXPECT_NEAR(full->kld->max / exact.back(), 1.0, 1e-3);
    // Top-16 plus the rest bucket is a lower bound, and close for these distributions.
    EXPECT_LE(top16->kld->mean, full->kld->mean * (1 + 1e-6));
    EXPECT_GT(top16->kld->mean, 0.0);
    EXPECT_GE(full->kld->top1_agreement, 0.5);
    EXPECT_LE(full->kld->median, full->kld->p90);
    EXPECT_LE(full->kld->p90, full->kld->p99);
    EXPECT_LE(full->kld->p99, full->kld->max);
    EXPECT_NEAR(full->kld->ppl_base / perplexity(m_model, m_ids, {.n_ctx = 32})->ppl, 1.0, 1e-6);
}

TEST_F(Perplexity, KlBaseMustMatch) {
    const auto base = m_dir / "b.qlp";
    ASSERT_TRUE(perplexity(m_model, m_ids, {.n_ctx = 32, .save_logits = base}).ok());
    auto other = m_ids;
    other[100] = (other[100] + 1) % 300;
    EXPECT_EQ(perplexity(m_model, other, {.n_ctx = 32, .kl_base = base}).error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(perplexity(m_model, m_ids, {.n_ctx = 32, .stride = 8, .kl_base = base}).error().code,
              ErrorCode::InvalidArgument);
    EXPECT_EQ(perplexity(m_model, m_ids, {.n_ctx = 32, .kl_base = m_dir / "missing"}).error().code, ErrorCode::NotFound);
    const auto junk = m_dir / "junk";
    std::ofstream(junk) << "this is not a log-probs file, just some text long enough for a header......";
    EXPECT_EQ(perplexity(m_model, m_ids, {.n_ctx = 32, .kl_base = junk}).error().code, ErrorCode::BadMagic);
    // Fewer windows than saved is fine (a prefix); more is not.
    EXPECT_TRUE(perplexity(m_model, m_ids, {.n_ctx = 32, .max_chunks = 2, .kl_base = base}).ok());
    const auto small = m_dir / "s.qlp";
    ASSERT_TRUE(perplexity(m_model, m_ids, {.n_ctx = 32, .max_chunks = 2, .save_logits = small}).ok());
    EXPECT_EQ(perplexity(m_model, m_ids, {.n_ctx = 32, .kl_base = small}).error().code, ErrorCode::InvalidArgument);
}

// A fixed English text (written for this test, MIT like the rest of the repository).
constexpr const char* kEnglish =
    "The lighthouse stood at the edge of the harbor for more than a hundred years. Every evening the keeper climbed "
    "the narrow stairs, cleaned the glass, and lit the lamp so that the fishing boats could find their way home. In "
    "the winter the storms came from the north, and the waves were so high that they reached the windows of the "
    "small house next to the tower. The keeper kept a journal in which he wrote down the weather, the ships that "
    "passed, and the names of the sailors who stopped to talk with him. When the town built a new electric light, "
    "the old lamp was no longer needed, but people still walked to the end of the pier to look at the tower and to "
    "read the stories in the journal, which the library had printed as a small book. Children learned from it how "
    "the wind changes before a storm, why the sea looks green on some days and grey on others, and how a single "
    "light can guide many people through a dark night. Today the lighthouse is a museum. Visitors can climb the "
    "stairs, stand next to the great lens, and look out over the water, where the boats still come and go as they "
    "did a century ago. The museum also keeps the keeper's old coat, his lantern, and a map of the coast on which he "
    "marked every rock and sandbar that had ever sunk a ship. Many of the visitors are surprised to learn how much "
    "work it took to keep the light burning through the long nights, and how lonely the work could be when the "
    "roads were closed by snow and no one came to the harbor for weeks at a time.";

// llama.cpp's perplexity of the default model on kEnglish at c = 128 is 14.623959 (two windows,
// 126 scored tokens; scripts/perplexity_reference.py on the text written to a file). On so few
// tokens the engines' floating-point differences (docs/benchmarks.md, agreement) move the mean
// NLL by about 0.01 nats, so the bound here is 2 %; the CLI test on 1008 tokens of the Debian
// FAQ holds Quanta to 0.5 %.
TEST(PerplexityDefaultModel, EnglishTextMatchesLlamaCpp) {
    const std::filesystem::path path = QUANTA_DEFAULT_MODEL;
    if (!std::filesystem::exists(path))
        GTEST_SKIP() << "default model absent: " << path;
    auto backend = cpu::create_cpu_backend(2);
    auto model = Model::load(path, *backend->devices().front());
    ASSERT_TRUE(model.ok()) << model.error().message;
    const std::vector<int32_t> ids = (*model)->tokenizer().encode(kEnglish);
    ASSERT_GE(ids.size(), 256u);
    auto r = perplexity(*model, ids, {.n_ctx = 128});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->n_tokens, static_cast<int64_t>(ids.size() / 128) * 63);
    EXPECT_EQ(r->n_tokens, 126);
    EXPECT_NEAR(r->ppl / 14.623959, 1.0, 0.02);
    EXPECT_GT(r->ppl_stderr, 0.0);
    EXPECT_LT(r->ppl_stderr, r->ppl);
}

} // namespace
} // namespace quanta
