// SPDX-License-Identifier: MIT
// Perplexity and KL divergence with llama-perplexity's semantics (see quanta/perplexity.h).
#include "quanta/perplexity.h"

#include "eval/logprob_file.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

namespace quanta {

namespace {

struct Plan {
    int64_t n_ctx = 0, stride = 0, n_windows = 0, first_scored = 0; // first scored logits row
};

Result<Plan> make_plan(const PerplexityOptions& o, int64_t n_tokens) {
    Plan p;
    p.n_ctx = o.n_ctx;
    if (p.n_ctx < 4)
        return Error{ErrorCode::InvalidArgument, "perplexity: the context must be at least 4 tokens"};
    p.stride = o.stride == 0 ? p.n_ctx : o.stride;
    if (p.stride != p.n_ctx && (p.stride < 1 || p.stride > p.n_ctx / 2))
        return Error{ErrorCode::InvalidArgument, "perplexity: the stride must be the context size (" +
                                                     std::to_string(p.n_ctx) + ") or 1.." + std::to_string(p.n_ctx / 2)};
    if (n_tokens < p.n_ctx)
        return Error{ErrorCode::InvalidArgument, "perplexity: the text has " + std::to_string(n_tokens) +
                                                     " tokens, fewer than the context size " + std::to_string(p.n_ctx)};
    if (p.stride == p.n_ctx) {
        p.n_windows = n_tokens / p.n_ctx;
        p.first_scored = p.n_ctx / 2;
    } else {
        p.n_windows = (n_tokens - p.n_ctx) / p.stride + 1;
        p.first_scored = p.n_ctx - p.stride - 1;
    }
    if (o.max_chunks > 0)
        p.n_windows = std::min(p.n_windows, o.max_chunks);
    return p;
}

// Running sums of the KL comparison.
struct KldAccumulator {
    std::vector<double> kld, delta_p;
    int64_t same_top = 0;
    double base_nll = 0.0, nll = 0.0;
};

double mean_stderr(std::span<const double> v, double& mean) {
    const double n = static_cast<double>(v.size());
    double s = 0.0, s2 = 0.0;
    for (double x : v) {
        s += x;
        s2 += x * x;
    }
    mean = s / n;
    if (v.size() < 2)
        return 0.0;
    const double var = s2 / n - mean * mean;
    return var > 0.0 ? std::sqrt(var / (n - 1.0)) : 0.0;
}

KldReport finish_kld(KldAccumulator& a, int64_t top_k) {
    KldReport r;
    r.n = static_cast<int64_t>(a.kld.size());
    r.top_k = top_k;
    if (r.n == 0)
        return r;
    const double n = static_cast<double>(r.n);
    r.mean_stderr = mean_stderr(a.kld, r.mean);
    r.delta_p_stderr = mean_stderr(a.delta_p, r.delta_p_mean);
    double sq = 0.0;
    for (double d : a.delta_p)
        sq += d * d;
    r.delta_p_rms = std::sqrt(sq / n);
    std::sort(a.kld.begin(), a.kld.end());
    std::sort(a.delta_p.begin(), a.delta_p.end());
    r.min = a.kld.front();
    r.max = a.kld.back();
    r.p01 = interpolated_percentile(a.kld, 0.01);
    r.p05 = interpolated_percentile(a.kld, 0.05);
    r.p10 = interpolated_percentile(a.kld, 0.10);
    r.median = interpolated_percentile(a.kld, 0.5);
    r.p90 = interpolated_percentile(a.kld, 0.90);
    r.p95 = interpolated_percentile(a.kld, 0.95);
    r.p99 = interpolated_percentile(a.kld, 0.99);
    r.p999 = interpolated_percentile(a.kld, 0.999);
    r.delta_p_min = a.delta_p.front();
    r.delta_p_max = a.delta_p.back();
    r.delta_p_p01 = interpolated_percentile(a.delta_p, 0.01);
    r.delta_p_median = interpolated_percentile(a.delta_p, 0.5);
    r.delta_p_p99 = interpolated_percentile(a.delta_p, 0.99);
    r.top1_agreement = static_cast<double>(a.same_top) / n;
    r.top1_agreement_stderr = r.n > 1 ? std::sqrt(r.top1_agreement * (1.0 - r.top1_agreement) / (n - 1.0)) : 0.0;
    r.ppl_base = std::exp(a.base_nll / n);
    r.ln_ppl_ratio = (a.nll - a.base_nll) / n;
    return r;
}

// One scored row against the base's stored row. lse: this row's log-sum-exp (double).
void compare_row(std::span<const float> logits, double lse, int32_t target, const eval::LogprobRow& base,
                 int64_t n_vocab, KldAccumulator& acc) {
    auto lq = [&](int32_t id) {
        return static_cast<double>(static_cast<float>(static_cast<double>(logits[static_cast<size_t>(id)]) - lse));
    };
    double kl = 0.0, sum_p = 0.0, sum_q = 0.0;
    for (size_t i = 0; i < base.ids.size(); ++i) {
        const double lp = base.logp[i];
        const double lqi = lq(base.ids[i]);
        const double p = std::exp(lp);
        sum_p += p;
        sum_q += std::exp(lqi);
        kl += p * (lp - lqi);
    }
    if (static_cast<int64_t>(base.ids.size()) < n_vocab) {
        const double p_rest = 1.0 - sum_p;
        const double q_rest = std::max(1.0 - sum_q, 1e-30);
        if (p_rest > 0.0)
            kl += p_rest * std::log(p_rest / q_rest);
    }
    const auto top = static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    acc.kld.push_back(kl);
    acc.delta_p.push_back(std::exp(lq(target)) - std::exp(static_cast<double>(base.logp_target)));
    acc.same_top += top == base.ids[0] ? 1 : 0;
    acc.base_nll -= static_cast<double>(base.logp_target);
    acc.nll -= lq(target);
}

double log_sum_exp(std::span<const float> row) {
    double mx = -INFINITY;
    for (float v : row)
        mx = std::max(mx, static_cast<double>(v));
    double s = 0.0;
    for (float v : row)
        s += std::exp(static_cast<double>(v) - mx);
    return mx + std::log(s);
}

} // namespace

double interpolated_percentile(std::span<const double> sorted, double fraction) {
    if (sorted.empty())
        return 0.0;
    if (fraction <= 0.0)
        return sorted.front();
    if (fraction >= 1.0)
        return sorted.back();
    const double p = fraction * static_cast<double>(sorted.size() - 1);
    const auto ip = static_cast<size_t>(p);
    const double f = p - static_cast<double>(ip);
    return (1.0 - f) * sorted[ip] + f * sorted[std::min(ip + 1, sorted.size() - 1)];
}

Result<PerplexityReport> perplexity(Session& session, std::span<const int32_t> tokens, const PerplexityOptions& options) {
    const auto t0 = std::chrono::steady_clock::now();
    QUANTA_TRY_ASSIGN(const Plan plan, make_plan(options, static_cast<int64_t>(tokens.size())));
    if (session.n_ctx() < plan.n_ctx)
        return Error{ErrorCode::InvalidArgument, "perplexity: the session's context (" + std::to_string(session.n_ctx()) +
                                                     ") is smaller than " + std::to_string(plan.n_ctx)};
    const Model& model = session.model();
    const int64_t n_vocab = model.config().n_vocab;
    const Tokenizer& tok = model.tokenizer();
    const bool add_bos = tok.add_bos() && tok.bos_id() >= 0;

    eval::LogprobHeader header{plan.n_ctx, plan.stride, n_vocab, std::min(options.save_top_k, n_vocab),
                               static_cast<int64_t>(tokens.size()), plan.n_windows, 0};
    std::optional<eval::LogprobWriter> writer;
    if (!options.save_logits.empty()) {
        if (options.save_top_k < 1)
            return Error{ErrorCode::InvalidArgument, "perplexity: save_top_k must be at least 1"};
        writer.emplace(header.top_k);
    }
    std::optional<eval::LogprobReader> base;
    KldAccumulator acc;
    eval::LogprobRow base_row;
    if (!options.kl_base.empty()) {
        QUANTA_TRY_ASSIGN(auto reader, eval::LogprobReader::open(options.kl_base));
        const eval::LogprobHeader& bh = reader.header();
        const std::string name = options.kl_base.string();
        if (bh.n_vocab != n_vocab)
            return Error{ErrorCode::InvalidArgument, name + ": vocabulary " + std::to_string(bh.n_vocab) +
                                                         ", the model has " + std::to_string(n_vocab)};
        if (bh.n_ctx != plan.n_ctx || bh.stride != plan.stride)
            return Error{ErrorCode::InvalidArgument, name + ": saved with context " + std::to_string(bh.n_ctx) +
                                                         " and stride " + std::to_string(bh.stride) + ", not " +
                                                         std::to_string(plan.n_ctx) + " and " + std::to_string(plan.stride)};
        if (!std::equal(tokens.begin(), tokens.end(), reader.tokens().begin(), reader.tokens().end()))
            return Error{ErrorCode::InvalidArgument, name + ": saved for a different text (token ids differ)"};
        if (bh.n_windows < plan.n_windows)
            return Error{ErrorCode::InvalidArgument, name + ": holds " + std::to_string(bh.n_windows) +
                                                         " windows, fewer than " + std::to_string(plan.n_windows)};
        base.emplace(std::move(reader));
    }

    PerplexityReport report;
    report.n_input = static_cast<int64_t>(tokens.size());
    report.n_ctx = plan.n_ctx;
    report.stride = plan.stride;
    double nll = 0.0, nll2 = 0.0;
    int64_t count = 0;
    std::vector<int32_t> window(static_cast<size_t>(plan.n_ctx));
    std::vector<float> logits;
    for (int64_t w = 0; w < plan.n_windows; ++w) {
        const int64_t start = w * plan.stride;
        std::copy_n(tokens.begin() + start, plan.n_ctx, window.begin());
        if (add_bos)
            window[0] = tok.bos_id();
        session.clear();
        QUANTA_TRY(session.decode_all(window, logits, options.cancel));
        double chunk_nll = 0.0;
        int64_t chunk_n = 0;
        for (int64_t j = plan.first_scored; j < plan.n_ctx - 1; ++j) {
            const std::span<const float> row(logits.data() + j * n_vocab, static_cast<size_t>(n_vocab));
            const int32_t target = tokens[static_cast<size_t>(start + j + 1)];
            const double lse = log_sum_exp(row);
            const double v = lse - static_cast<double>(row[static_cast<size_t>(target)]);
            chunk_nll += v;
            nll += v;
            nll2 += v * v;
            ++chunk_n;
            if (writer)
                writer->add_row(row, lse, target);
            if (base) {
                QUANTA_TRY(base->next(base_row));
                compare_row(row, lse, target, base_row, n_vocab, acc);
            }
        }
        count += chunk_n;
        PerplexityChunk c;
        c.start = start;
        c.n_scored = chunk_n;
        c.nll = chunk_nll / static_cast<double>(chunk_n);
        c.ppl = std::exp(c.nll);
        c.ppl_cumulative = std::exp(nll / static_cast<double>(count));
        report.chunks.push_back(c);
        if (options.on_progress && !options.on_progress(w + 1, plan.n_windows, c.ppl_cumulative))
            return Error{ErrorCode::Cancelled, "cancelled"};
    }
    const double n = static_cast<double>(count);
    report.n_tokens = count;
    report.nll = nll / n;
    report.ppl = std::exp(report.nll);
    const double var = nll2 / n - report.nll * report.nll;
    report.nll_stderr = count > 1 && var > 0.0 ? std::sqrt(var / (n - 1.0)) : 0.0;
    report.ppl_stderr = report.nll_stderr * report.ppl;
    if (base)
        report.kld = finish_kld(acc, base->header().top_k);
    if (writer)
        QUANTA_TRY(writer->write(options.save_logits, header, tokens));
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
}

Result<PerplexityReport> perplexity(std::shared_ptr<const Model> model, std::span<const int32_t> tokens,
                                    const PerplexityOptions& options) {
    SessionOptions so;
    so.n_ctx = std::max<int64_t>(options.n_ctx, 1);
    so.n_batch = std::clamp<int64_t>(options.n_batch, 1, so.n_ctx);
    QUANTA_TRY_ASSIGN(auto session, Session::create(std::move(model), so));
    return perplexity(*session, tokens, options);
}

} // namespace quanta
