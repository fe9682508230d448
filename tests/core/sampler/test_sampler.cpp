// SPDX-License-Identifier: MIT
#include "quanta/sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace {

using quanta::Sampler;
using quanta::SamplerCandidate;
using quanta::SamplerParams;

// Parameters with every cut off: the candidates are the whole softmax.
SamplerParams plain_params(float temperature = 1.0f) {
    SamplerParams p;
    p.temperature = temperature;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    return p;
}

std::vector<float> log_probs(std::initializer_list<double> probs) {
    std::vector<float> out;
    for (double p : probs)
        out.push_back(static_cast<float>(std::log(p)));
    return out;
}

// Deterministic pseudo-random logits for the tests (not the sampler's RNG).
std::vector<float> random_logits(size_t n, uint64_t seed) {
    std::vector<float> out(n);
    uint64_t s = seed;
    for (float& v : out) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        v = static_cast<float>(static_cast<double>(s >> 11) * 0x1.0p-53 * 20.0 - 10.0);
    }
    return out;
}

std::vector<int32_t> tokens_of(std::span<const SamplerCandidate> cand) {
    std::vector<int32_t> out;
    for (const auto& c : cand)
        out.push_back(c.token);
    return out;
}

float logit_of(std::span<const SamplerCandidate> cand, int32_t token) {
    for (const auto& c : cand)
        if (c.token == token)
            return c.logit;
    return std::numeric_limits<float>::quiet_NaN();
}

TEST(Sampler, GreedyIsArgmaxFirstOnTies) {
    Sampler s(plain_params(0.0f));
    std::vector<float> logits{0.1f, 2.5f, -1.0f, 2.5f, 0.0f};
    EXPECT_EQ(s.sample(logits), 1);
    EXPECT_EQ(s.sample(logits), 1);
    std::vector<float> neg{-3.0f, -1.0f, -2.0f};
    EXPECT_EQ(s.sample(neg), 1);
    Sampler negative_temp(plain_params(-1.0f));
    EXPECT_EQ(negative_temp.sample(logits), 1);
    auto cand = s.candidates(logits);
    ASSERT_EQ(cand.size(), 1u);
    EXPECT_EQ(cand[0].token, 1);
    EXPECT_FLOAT_EQ(cand[0].probability, 1.0f);
}

TEST(Sampler, EmptyAndNanLogits) {
    Sampler s;
    EXPECT_EQ(s.sample({}), -1);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> logits{nan, 1.0f, nan, 0.5f};
    for (int i = 0; i < 200; ++i) {
        int32_t t = s.sample(logits);
        EXPECT_TRUE(t == 1 || t == 3) << t;
    }
    Sampler greedy(plain_params(0.0f));
    EXPECT_EQ(greedy.sample(logits), 1);
    std::vector<float> all_nan{nan, nan};
    EXPECT_EQ(greedy.sample(all_nan), 0);
    EXPECT_EQ(s.sample(all_nan), 0);
    const float ninf = -std::numeric_limits<float>::infinity();
    std::vector<float> all_ninf{ninf, ninf, ninf};
    EXPECT_EQ(s.sample(all_ninf), 0);
}

TEST(Sampler, TopKOneEqualsGreedy) {
    SamplerParams p;
    p.temperature = 1.5f;
    p.top_k = 1;
    p.top_p = 0.5f;
    p.min_p = 0.0f;
    p.repeat_penalty = 1.3f;
    Sampler top1(p);
    SamplerParams g = p;
    g.temperature = 0.0f;
    Sampler greedy(g);
    for (uint64_t step = 0; step < 30; ++step) {
        auto logits = random_logits(49152, step + 1);
        int32_t a = top1.sample(logits);
        int32_t b = greedy.sample(logits);
        ASSERT_EQ(a, b) << "step " << step;
        top1.accept(a);
        greedy.accept(b);
    }
}

TEST(Sampler, SameSeedSameSequence) {
    SamplerParams p;
    p.temperature = 1.0f;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    p.seed = 1234;
    auto logits = random_logits(1000, 7);
    for (float& v : logits)
        v *= 0.3f; // a flat distribution, so that draws vary
    auto run = [&](Sampler& s) {
        std::vector<int32_t> out;
        for (int i = 0; i < 200; ++i)
            out.push_back(s.sample(logits));
        return out;
    };
    Sampler a(p), b(p);
    auto first = run(a);
    EXPECT_EQ(first, run(b));
    a.reset();
    EXPECT_EQ(first, run(a));
    p.seed = 1235;
    Sampler c(p);
    EXPECT_NE(first, run(c));
}

// The PRNG is specified (splitmix64 -> xoshiro256**, top 53 bits), so the draws are too: these
// values hold on every platform. Uniform logits over 1000 tokens map a draw u to floor(u * 1000).
TEST(Sampler, KnownDrawsForSeed) {
    SamplerParams p = plain_params();
    p.seed = 42;
    Sampler s(p);
    std::vector<float> uniform(1000, 0.0f);
    std::vector<int32_t> got;
    for (int i = 0; i < 8; ++i)
        got.push_back(s.sample(uniform));
    EXPECT_EQ(got, (std::vector<int32_t>{83, 378, 680, 924, 991, 769, 719, 850}));
}

TEST(Sampler, MinPCuts) {
    auto logits = log_probs({0.5, 0.3, 0.1, 0.06, 0.04});
    SamplerParams p = plain_params();
    p.min_p = 0.15f; // threshold 0.075
    Sampler s(p);
    auto cand = s.candidates(logits);
    EXPECT_EQ(tokens_of(cand), (std::vector<int32_t>{0, 1, 2}));
    ASSERT_EQ(cand.size(), 3u);
    EXPECT_NEAR(cand[0].probability, 0.5 / 0.9, 1e-6);
    EXPECT_NEAR(cand[1].probability, 0.3 / 0.9, 1e-6);
    EXPECT_NEAR(cand[2].probability, 0.1 / 0.9, 1e-6);
    p.min_p = 0.25f; // threshold 0.125
    Sampler s2(p);
    EXPECT_EQ(tokens_of(s2.candidates(logits)), (std::vector<int32_t>{0, 1}));
    p.min_p = 0.9f;
    Sampler s3(p);
    EXPECT_EQ(tokens_of(s3.candidates(logits)), (std::vector<int32_t>{0}));
    // The same cut through the top-k path.
    p.min_p = 0.15f;
    p.top_k = 4;
    Sampler s4(p);
    EXPECT_EQ(tokens_of(s4.candidates(logits)), (std::vector<int32_t>{0, 1, 2}));
    for (int i = 0; i < 500; ++i) {
        int32_t t = s.sample(logits);
        EXPECT_LE(t, 2);
    }
}

TEST(Sampler, TopPCutsAtTheExactBoundary) {
    // Probabilities 1/2, 1/4, 1/8, 1/8 (logits 3, 2, 1, 1 times ln 2), in shuffled order.
    const float ln2 = static_cast<float>(std::log(2.0));
    std::vector<float> logits{1 * ln2, 3 * ln2, 1 * ln2, 2 * ln2};
    struct Case {
        float top_p;
        std::vector<int32_t> kept;
    } cases[] = {
        {0.3f, {1}},        {0.5f, {1}},         {0.5001f, {1, 3}},       {0.75f, {1, 3}},
        {0.76f, {1, 3, 0}}, {0.875f, {1, 3, 0}}, {0.8751f, {1, 3, 0, 2}}, {0.99f, {1, 3, 0, 2}},
    };
    for (const Case& c : cases) {
        for (int32_t top_k : {0, 40, 4}) {
            SamplerParams p = plain_params();
            p.top_p = c.top_p;
            p.top_k = top_k;
            Sampler s(p);
            EXPECT_EQ(tokens_of(s.candidates(logits)), c.kept) << "top_p " << c.top_p << " top_k " << top_k;
        }
    }
    // With top-k first, top-p normalizes over the k survivors: 1/2 : 1/4 becomes 2/3 : 1/3.
    SamplerParams p = plain_params();
    p.top_k = 2;
    p.top_p = 0.6f;
    Sampler s(p);
    EXPECT_EQ(tokens_of(s.candidates(logits)), (std::vector<int32_t>{1}));
    p.top_p = 0.7f;
    Sampler s2(p);
    EXPECT_EQ(tokens_of(s2.candidates(logits)), (std::vector<int32_t>{1, 3}));
}

TEST(Sampler, TopKKeepsTheBestWithLowerIdsOnTies) {
    std::vector<float> logits{1.0f, 5.0f, 3.0f, 5.0f, 3.0f, -2.0f, 4.0f};
    SamplerParams p = plain_params();
    p.top_k = 4;
    Sampler s(p);
    EXPECT_EQ(tokens_of(s.candidates(logits)), (std::vector<int32_t>{1, 3, 6, 2}));
    p.top_k = 100; // more than the vocabulary
    Sampler all(p);
    EXPECT_EQ(tokens_of(all.candidates(logits)), (std::vector<int32_t>{1, 3, 6, 2, 4, 0, 5}));
}

TEST(Sampler, PenaltiesHitTheRightTokens) {
    std::vector<float> logits{1.0f, 4.0f, -1.0f, 2.0f, 0.0f, 3.0f};
    SamplerParams p = plain_params();
    p.repeat_penalty = 2.0f;
    p.frequency_penalty = 0.5f;
    p.presence_penalty = 0.25f;
    Sampler s(p);
    for (int32_t t : {1, 1, 2, 5, 4, 99999, -3})
        s.accept(t);
    EXPECT_EQ(s.history().size(), 6u); // -3 ignored; 99999 kept but matches no logit
    auto cand = s.candidates(logits);
    ASSERT_EQ(cand.size(), 6u);
    EXPECT_FLOAT_EQ(logit_of(cand, 0), 1.0f);                     // not seen
    EXPECT_FLOAT_EQ(logit_of(cand, 1), 4.0f / 2 - 1.0f - 0.25f);  // seen twice, positive
    EXPECT_FLOAT_EQ(logit_of(cand, 2), -1.0f * 2 - 0.5f - 0.25f); // seen once, negative
    EXPECT_FLOAT_EQ(logit_of(cand, 3), 2.0f);                     // not seen
    EXPECT_FLOAT_EQ(logit_of(cand, 4), 0.0f * 2 - 0.5f - 0.25f);  // zero counts as not positive
    EXPECT_FLOAT_EQ(logit_of(cand, 5), 3.0f / 2 - 0.5f - 0.25f);
    // The input is not modified.
    EXPECT_FLOAT_EQ(logits[1], 4.0f);

    // Only the last repeat_last_n tokens count.
    p.repeat_last_n = 2;
    Sampler window(p);
    for (int32_t t : {1, 1, 2, 5})
        window.accept(t);
    EXPECT_EQ(std::vector<int32_t>(window.history().begin(), window.history().end()), (std::vector<int32_t>{2, 5}));
    auto wc = window.candidates(logits);
    EXPECT_FLOAT_EQ(logit_of(wc, 1), 4.0f);
    EXPECT_FLOAT_EQ(logit_of(wc, 2), -2.75f);
    EXPECT_FLOAT_EQ(logit_of(wc, 5), 0.75f);

    // repeat_last_n = 0 turns the penalties off; reset() forgets the history.
    p.repeat_last_n = 0;
    Sampler off(p);
    off.accept(1);
    EXPECT_FLOAT_EQ(logit_of(off.candidates(logits), 1), 4.0f);
    s.reset();
    EXPECT_TRUE(s.history().empty());
    EXPECT_FLOAT_EQ(logit_of(s.candidates(logits), 1), 4.0f);

    // Greedy sees the penalized logits: token 1 (4 -> 0.75) loses to token 5 (3).
    SamplerParams g = plain_params(0.0f);
    g.repeat_penalty = 2.0f;
    g.frequency_penalty = 0.5f;
    g.presence_penalty = 0.25f;
    Sampler greedy(g);
    EXPECT_EQ(greedy.sample(logits), 1);
    greedy.accept(1);
    EXPECT_EQ(greedy.sample(logits), 5);
}

void expect_frequencies(Sampler& s, const std::vector<float>& logits, const std::vector<double>& expected, int draws) {
    std::vector<int> counts(logits.size(), 0);
    for (int i = 0; i < draws; ++i)
        ++counts[static_cast<size_t>(s.sample(logits))];
    for (size_t t = 0; t < expected.size(); ++t) {
        // 5 standard deviations of a binomial proportion, plus a little.
        double sd = std::sqrt(expected[t] * (1 - expected[t]) / draws);
        EXPECT_NEAR(static_cast<double>(counts[t]) / draws, expected[t], 5 * sd + 1e-4) << "token " << t;
    }
}

TEST(Sampler, FrequenciesMatchProbabilities) {
    auto logits = log_probs({0.5, 0.3, 0.15, 0.05});
    Sampler s(plain_params(1.0f));
    expect_frequencies(s, logits, {0.5, 0.3, 0.15, 0.05}, 100000);

    // Temperature 0.5 squares the probabilities before renormalizing.
    Sampler cold(plain_params(0.5f));
    const double z = 0.25 + 0.09 + 0.0225 + 0.0025;
    expect_frequencies(cold, logits, {0.25 / z, 0.09 / z, 0.0225 / z, 0.0025 / z}, 100000);

    // After top-p 0.8: tokens 0 and 1 only, 5:3.
    SamplerParams p = plain_params(1.0f);
    p.top_p = 0.8f;
    Sampler cut(p);
    expect_frequencies(cut, logits, {0.625, 0.375, 0.0, 0.0}, 100000);
}

// A straightforward implementation of the chain (full sort, then every stage in order) to check
// the fast paths against on a big vocabulary.
std::vector<SamplerCandidate> reference_chain(const std::vector<float>& logits, const SamplerParams& p) {
    std::vector<SamplerCandidate> c;
    for (size_t i = 0; i < logits.size(); ++i)
        c.push_back({static_cast<int32_t>(i), logits[i], 0.0f});
    std::sort(c.begin(), c.end(), [](const auto& a, const auto& b) {
        return a.logit > b.logit || (a.logit == b.logit && a.token < b.token);
    });
    if (p.top_k > 0 && static_cast<size_t>(p.top_k) < c.size())
        c.resize(static_cast<size_t>(p.top_k));
    const double max = c[0].logit;
    if (p.top_p < 1.0f) {
        double z = 0;
        for (const auto& x : c)
            z += std::exp(x.logit - max);
        double cum = 0;
        for (size_t i = 0; i < c.size(); ++i) {
            cum += std::exp(c[i].logit - max) / z;
            if (cum >= p.top_p - 1e-6) {
                c.resize(i + 1);
                break;
            }
        }
    }
    if (p.min_p > 0.0f) {
        size_t keep = 1;
        while (keep < c.size() && std::exp(c[keep].logit - max) >= p.min_p)
            ++keep;
        c.resize(keep);
    }
    double z = 0;
    for (const auto& x : c)
        z += std::exp((x.logit - max) / p.temperature);
    for (auto& x : c)
        x.probability = static_cast<float>(std::exp((x.logit - max) / p.temperature) / z);
    return c;
}

TEST(Sampler, FastPathsMatchAPlainChainOnABigVocabulary) {
    auto logits = random_logits(151936, 99);
    for (float& v : logits)
        v *= 0.6f; // enough tokens near the top that every stage matters
    struct Case {
        int top_k;
        float top_p, min_p, temperature;
    } cases[] = {{40, 0.95f, 0.05f, 0.8f}, {0, 0.95f, 0.05f, 0.8f}, {0, 0.9f, 0.0f, 1.0f},
                 {0, 1.0f, 0.2f, 1.2f},    {200, 0.5f, 0.0f, 0.7f}, {0, 0.3f, 0.01f, 2.0f}};
    for (const Case& k : cases) {
        SamplerParams p;
        p.top_k = k.top_k;
        p.top_p = k.top_p;
        p.min_p = k.min_p;
        p.temperature = k.temperature;
        Sampler s(p);
        auto got = s.candidates(logits);
        auto want = reference_chain(logits, p);
        ASSERT_EQ(tokens_of(got), tokens_of(want))
            << "top_k " << k.top_k << " top_p " << k.top_p << " min_p " << k.min_p;
        ASSERT_GT(got.size(), 1u);
        double sum = 0;
        for (size_t i = 0; i < got.size(); ++i) {
            EXPECT_NEAR(got[i].probability, want[i].probability, 1e-5);
            sum += got[i].probability;
        }
        EXPECT_NEAR(sum, 1.0, 1e-5);
        for (int i = 0; i < 20; ++i) {
            int32_t t = s.sample(logits);
            EXPECT_TRUE(std::find_if(want.begin(), want.end(), [&](const auto& c) { return c.token == t; }) !=
                        want.end());
        }
    }
}

} // namespace
