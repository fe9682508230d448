// SPDX-License-Identifier: MIT
// Token sampling: turns one step's logits into the next token.
//
// The chain, in llama.cpp's order (common/sampling.cpp defaults):
//   1. penalties over the last `repeat_last_n` accepted tokens, llama.cpp semantics: a token seen
//      c > 0 times gets logit / repeat_penalty when the logit is > 0 and logit * repeat_penalty
//      otherwise, then minus c * frequency_penalty + presence_penalty;
//   2. top-k: keep the k highest logits (k <= 0: off);
//   3. top-p: softmax over the candidates left, keep the shortest most-probable prefix whose
//      probabilities sum to >= top_p (within 1e-6, so that a boundary exact in real arithmetic is
//      not lost to rounding; top_p >= 1: off);
//   4. min-p: keep tokens whose probability is >= min_p times the largest one (min_p <= 0: off);
//   5. temperature: logits / temperature, softmax;
//   6. draw with the sampler's own PRNG (xoshiro256** seeded through splitmix64), so that the same
//      seed gives the same tokens on every platform and compiler.
// temperature <= 0 is greedy: the argmax of the penalized logits (the lowest id on ties), and no
// random number is consumed. At least one token always survives steps 2-4.
//
// Ties in steps 2-4 are broken by the lower token id, so results never depend on sort stability.
// Cost per call for a vocabulary of n: O(n) passes (copy, max, optional normalizer) plus
// O(n log k) for top-k; with top_k <= 0 only the tokens that pass min-p are sorted (all of them
// when min_p is off too).
//
// Threads: a Sampler is a small mutable object (history, RNG state); use one per sequence.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace quanta {

struct SamplerParams {
    float temperature = 0.8f;       ///< <= 0: greedy
    int32_t top_k = 40;             ///< <= 0: off
    float top_p = 0.95f;            ///< >= 1: off
    float min_p = 0.05f;            ///< <= 0: off
    float repeat_penalty = 1.0f;    ///< 1: off
    int32_t repeat_last_n = 64;     ///< tokens of history the penalties look at; 0: off; < 0: all
    float frequency_penalty = 0.0f; ///< subtracted once per occurrence in the window
    float presence_penalty = 0.0f;  ///< subtracted once if the token occurs in the window
    uint64_t seed = 0x5eed;         ///< same seed, same logits, same history -> same tokens
};

/// One token that survived the chain, as sample() would draw from it.
struct SamplerCandidate {
    int32_t token = 0;
    float logit = 0.0f;       ///< after the penalties, before the temperature
    float probability = 0.0f; ///< after the temperature, normalized over the candidates
};

class Sampler {
public:
    explicit Sampler(SamplerParams params = {});

    /// Picks the next token from `logits` (one float per vocabulary entry, index = token id).
    /// Does not accept the token: call accept() with what is actually fed to the model.
    /// Returns -1 only when `logits` is empty. NaN logits are never picked (unless all are NaN:
    /// then token 0).
    int32_t sample(std::span<const float> logits);

    /// The candidates sample() would draw from for these logits, most probable first (ties: lower
    /// id first), probabilities summing to 1. For greedy sampling: the argmax alone. Valid until
    /// the next call on this sampler. Does not touch the RNG.
    std::span<const SamplerCandidate> candidates(std::span<const float> logits);

    /// Adds a token to the penalty history (negative ids are ignored).
    void accept(int32_t token);

    /// Forgets the history and restarts the RNG from the seed: the next samples repeat the first.
    void reset();

    const SamplerParams& params() const { return m_params; }
    /// The accepted tokens the penalties currently look at, oldest first.
    std::span<const int32_t> history() const { return m_history; }

private:
    bool greedy() const { return !(m_params.temperature > 0.0f); }
    bool penalties_on() const;
    void apply_penalties(std::span<const float> logits);
    void build_candidates(std::span<const float> logits);
    static int32_t argmax(std::span<const float> logits);
    double next_uniform();

    SamplerParams m_params;
    std::vector<int32_t> m_history;
    std::vector<float> m_logits;                       ///< penalized copy, reused between calls
    std::vector<SamplerCandidate> m_cand;              ///< reused between calls
    std::vector<std::pair<int32_t, int32_t>> m_counts; ///< (token, count) scratch
    uint64_t m_rng[4] = {};
};

} // namespace quanta
