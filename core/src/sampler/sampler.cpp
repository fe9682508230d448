// SPDX-License-Identifier: MIT
#include "quanta/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace quanta {
namespace {

uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

// The order of the chain: higher logit first, lower id first among equals. A strict weak order
// as long as no logit is NaN (NaNs never become candidates).
bool better(const SamplerCandidate& a, const SamplerCandidate& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.token < b.token);
}

// A cumulative probability this close to top_p counts as reaching it.
constexpr double kTopPSlack = 1e-6;

} // namespace

Sampler::Sampler(SamplerParams params) : m_params(params) {
    reset();
}

void Sampler::reset() {
    m_history.clear();
    uint64_t s = m_params.seed;
    for (uint64_t& word : m_rng)
        word = splitmix64(s);
}

// xoshiro256** (Blackman and Vigna), top 53 bits as a double in [0, 1).
double Sampler::next_uniform() {
    const uint64_t result = rotl(m_rng[1] * 5, 7) * 9;
    const uint64_t t = m_rng[1] << 17;
    m_rng[2] ^= m_rng[0];
    m_rng[3] ^= m_rng[1];
    m_rng[1] ^= m_rng[2];
    m_rng[0] ^= m_rng[3];
    m_rng[2] ^= t;
    m_rng[3] = rotl(m_rng[3], 45);
    return static_cast<double>(result >> 11) * 0x1.0p-53;
}

void Sampler::accept(int32_t token) {
    if (token < 0 || m_params.repeat_last_n == 0)
        return;
    m_history.push_back(token);
    const auto window = static_cast<size_t>(m_params.repeat_last_n);
    if (m_params.repeat_last_n > 0 && m_history.size() > window)
        m_history.erase(m_history.begin(), m_history.end() - static_cast<std::ptrdiff_t>(window));
}

bool Sampler::penalties_on() const {
    return !m_history.empty() &&
           (m_params.repeat_penalty != 1.0f || m_params.frequency_penalty != 0.0f || m_params.presence_penalty != 0.0f);
}

// Copies the logits and penalizes the tokens of the history (llama.cpp's penalties sampler).
void Sampler::apply_penalties(std::span<const float> logits) {
    m_logits.assign(logits.begin(), logits.end());
    m_counts.clear();
    for (int32_t t : m_history)
        m_counts.emplace_back(t, 1);
    std::sort(m_counts.begin(), m_counts.end());
    size_t w = 0;
    for (size_t r = 0; r < m_counts.size(); ++r) {
        if (w > 0 && m_counts[w - 1].first == m_counts[r].first)
            ++m_counts[w - 1].second;
        else
            m_counts[w++] = m_counts[r];
    }
    m_counts.resize(w);
    const float rp = m_params.repeat_penalty;
    for (const auto& [token, count] : m_counts) {
        if (static_cast<size_t>(token) >= m_logits.size())
            continue;
        float& l = m_logits[static_cast<size_t>(token)];
        l = l <= 0.0f ? l * rp : l / rp;
        l -= static_cast<float>(count) * m_params.frequency_penalty + m_params.presence_penalty;
    }
}

int32_t Sampler::argmax(std::span<const float> logits) {
    // Two simple passes (the maximum, then its first position) vectorize; one fused pass does not.
    float best = -std::numeric_limits<float>::infinity();
    for (float v : logits)
        best = v > best ? v : best; // NaN never wins
    for (size_t i = 0; i < logits.size(); ++i)
        if (logits[i] == best)
            return static_cast<int32_t>(i);
    return 0; // every logit NaN
}

void Sampler::build_candidates(std::span<const float> view) {
    m_cand.clear();
    const size_t n = view.size();
    const bool use_top_k = m_params.top_k > 0;
    const bool use_top_p = m_params.top_p < 1.0f;
    const bool use_min_p = m_params.min_p > 0.0f;
    constexpr float kNegInf = -std::numeric_limits<float>::infinity();

    double z = 0.0; // the softmax normalizer top-p uses, relative to exp(max)
    float max_logit = kNegInf;
    float min_p_threshold = kNegInf;
    if (use_top_k) {
        // The k best in one pass: a heap whose front is the worst kept candidate.
        const size_t k = std::min(static_cast<size_t>(m_params.top_k), n);
        m_cand.reserve(k);
        for (size_t i = 0; i < n; ++i) {
            const float v = view[i];
            if (std::isnan(v))
                continue;
            const SamplerCandidate c{static_cast<int32_t>(i), v, 0.0f};
            if (m_cand.size() < k) {
                m_cand.push_back(c);
                std::push_heap(m_cand.begin(), m_cand.end(), better);
            } else if (better(c, m_cand.front())) {
                std::pop_heap(m_cand.begin(), m_cand.end(), better);
                m_cand.back() = c;
                std::push_heap(m_cand.begin(), m_cand.end(), better);
            }
        }
        std::sort(m_cand.begin(), m_cand.end(), better);
        if (!m_cand.empty())
            max_logit = m_cand.front().logit;
        if (use_min_p)
            min_p_threshold = max_logit + std::log(m_params.min_p);
        if (use_top_p && max_logit > kNegInf)
            for (const SamplerCandidate& c : m_cand)
                z += std::exp(static_cast<double>(c.logit) - max_logit);
    } else {
        for (float v : view)
            max_logit = v > max_logit ? v : max_logit; // NaN never wins
        if (use_min_p)
            min_p_threshold = max_logit + std::log(m_params.min_p);
        // Top-p normalizes over the whole vocabulary; min-p and top-p both keep a prefix of the
        // sorted order, so only the tokens that pass min-p need sorting.
        for (size_t i = 0; i < n; ++i) {
            const float v = view[i];
            if (v >= min_p_threshold) // false for NaN
                m_cand.push_back({static_cast<int32_t>(i), v, 0.0f});
        }
        if (use_top_p && max_logit > kNegInf) {
            // Single-precision exponentials (the bulk of the vocabulary adds almost nothing),
            // summed in double so that 150k terms lose no precision.
            for (float v : view)
                if (v > max_logit - 80.0f) // exp(-80) underflows float; NaN is skipped too
                    z += static_cast<double>(std::exp(v - max_logit));
        }
        if (use_top_p && z > 0.0) {
            // The top-p prefix is usually short: sort a growing head until it holds enough mass.
            size_t m = std::min<size_t>(m_cand.size(), 64);
            while (true) {
                std::partial_sort(m_cand.begin(), m_cand.begin() + static_cast<std::ptrdiff_t>(m), m_cand.end(),
                                  better);
                double cum = 0.0;
                size_t cut = 0;
                for (size_t i = 0; i < m && cut == 0; ++i) {
                    cum += std::exp(static_cast<double>(m_cand[i].logit) - max_logit) / z;
                    if (cum >= static_cast<double>(m_params.top_p) - kTopPSlack)
                        cut = i + 1;
                }
                if (cut > 0) {
                    m_cand.resize(cut);
                    break;
                }
                if (m == m_cand.size())
                    break;
                m = std::min(m_cand.size(), m * 8);
            }
        } else {
            std::sort(m_cand.begin(), m_cand.end(), better);
        }
    }
    if (m_cand.empty()) { // every logit NaN
        m_cand.push_back({argmax(view), 0.0f, 1.0f});
        return;
    }
    if (!(max_logit > kNegInf)) { // every logit -inf: nothing to weigh, keep the first
        m_cand.resize(1);
        m_cand[0].probability = 1.0f;
        return;
    }

    size_t keep = m_cand.size();
    if (use_top_p && z > 0.0) {
        double cum = 0.0;
        for (size_t i = 0; i < m_cand.size(); ++i) {
            cum += std::exp(static_cast<double>(m_cand[i].logit) - max_logit) / z;
            if (cum >= static_cast<double>(m_params.top_p) - kTopPSlack) {
                keep = i + 1;
                break;
            }
        }
    }
    if (use_min_p) {
        size_t m = 0;
        while (m < keep && m_cand[m].logit >= min_p_threshold)
            ++m;
        keep = std::max<size_t>(m, 1);
    }
    m_cand.resize(keep);

    const double inv_t = 1.0 / static_cast<double>(m_params.temperature);
    double sum = 0.0;
    for (SamplerCandidate& c : m_cand) {
        const double w = std::exp((static_cast<double>(c.logit) - max_logit) * inv_t);
        c.probability = static_cast<float>(w);
        sum += w;
    }
    for (SamplerCandidate& c : m_cand)
        c.probability = static_cast<float>(static_cast<double>(c.probability) / sum);
}

std::span<const SamplerCandidate> Sampler::candidates(std::span<const float> logits) {
    m_cand.clear();
    if (logits.empty())
        return {};
    std::span<const float> view = logits;
    if (penalties_on()) {
        apply_penalties(logits);
        view = m_logits;
    }
    if (greedy()) {
        const int32_t t = argmax(view);
        m_cand.push_back({t, view[static_cast<size_t>(t)], 1.0f});
        return m_cand;
    }
    build_candidates(view);
    return m_cand;
}

int32_t Sampler::sample(std::span<const float> logits) {
    if (logits.empty())
        return -1;
    auto cand = candidates(logits);
    if (greedy())
        return cand.front().token;
    // One draw per sample, even with one candidate, so that the RNG stream depends only on the
    // number of samples taken.
    const double u = next_uniform();
    double total = 0.0;
    for (const SamplerCandidate& c : cand)
        total += c.probability;
    const double target = u * total;
    double cum = 0.0;
    for (const SamplerCandidate& c : cand) {
        cum += c.probability;
        if (target < cum)
            return c.token;
    }
    return cand.back().token;
}

} // namespace quanta
