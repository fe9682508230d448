// SPDX-License-Identifier: MIT
// Perplexity and KL divergence over a token sequence, with llama-perplexity's semantics.
//
//   auto ids = model->tokenizer().encode(text);            // with BOS when the model adds it
//   auto report = perplexity(model, ids, {.n_ctx = 512});   // report->ppl, report->ppl_stderr
//
// Windows. A window is n_ctx tokens starting at w * stride; its first token is replaced by BOS
// when the model's tokenizer adds BOS (llama.cpp does the same). Each window runs in an empty
// context, and row j of its logits predicts the window's token j + 1.
//  - stride == n_ctx (the default, llama-perplexity without --ppl-stride): windows do not
//    overlap, there are n_tokens / n_ctx of them, and in each the predictions j = n_ctx/2 ..
//    n_ctx-2 are scored (n_ctx - n_ctx/2 - 1 tokens): the first half is context only.
//  - 1 <= stride <= n_ctx/2 (llama-perplexity --ppl-stride): there are
//    (n_tokens - n_ctx) / stride + 1 windows and each scores its last `stride` tokens, so the
//    scored tokens tile the text after the first n_ctx - stride, each seen with at least n_ctx/2
//    tokens of context. (llama.cpp rounds the window count up and reads past the text; we do not.)
// Other strides are InvalidArgument.
//
// Numbers. For a scored token t with logits l: nll = logsumexp(l) - l[t], in double. PPL =
// exp(mean nll); its standard error is llama.cpp's: ppl * sqrt((mean(nll^2) - mean(nll)^2) / (N-1)).
//
// Saved log-probs (--save-logits), file format, little-endian:
//   char[8]  "QPPLLP01"
//   int64    n_ctx, stride, n_vocab, top_k, n_tokens, n_windows, n_scored
//   int32    tokens[n_tokens]                       the evaluated ids (checked by kl_base)
//   n_scored records, in scoring order, each:
//     float  logp_target                            log p(actual next token)
//     int32  ids[top_k]; float logp[top_k]          the top_k most likely tokens, most likely first
//                                                   (ties: lower id first)
// Log-probs are stored as float; top_k = min(save_top_k, n_vocab), so a row costs 8 * top_k + 4
// bytes (1 KiB at the default 128).
//
// KL divergence (--kl-base): per scored token, KL(P_base || Q) over the base's top_k tokens plus
// one "rest of the vocabulary" bucket: sum_i p_i (log p_i - log q_i) + P_rest log(P_rest / Q_rest).
// With top_k = n_vocab this is the exact KL divergence; otherwise it is a lower bound (grouping
// never increases KL) that is exact in the common case where the base puts almost all its mass
// in its top_k. The evaluated model's log-probs are rounded to float like the stored ones, so a
// model against its own file gives exactly 0. Δp = q(target) - p_base(target); top-1 agreement
// is the fraction of tokens where both models' most likely token is the same.
//
// Threads: as Session. A Session given to perplexity() is cleared and left holding the last window.
#pragma once

#include "quanta/engine.h"
#include "quanta/result.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace quanta {

struct PerplexityOptions {
    int64_t n_ctx = 512;    ///< window length (tokens)
    int64_t stride = 0;     ///< 0: n_ctx; else n_ctx or 1..n_ctx/2 (see above)
    int64_t max_chunks = 0; ///< windows to evaluate at most; 0: all
    int64_t n_batch = 512;  ///< tokens per forward pass (perplexity(Model) only)
    std::filesystem::path save_logits; ///< non-empty: write the log-probs file (atomically)
    int64_t save_top_k = 128;          ///< log-probs kept per token in that file
    std::filesystem::path kl_base;     ///< non-empty: compare with this log-probs file
    /// After each window: windows done, windows in all, PPL so far. Return false to cancel.
    std::function<bool(int64_t done, int64_t total, double ppl)> on_progress;
    const CancelToken* cancel = nullptr;
};

struct PerplexityChunk {
    int64_t start = 0;          ///< index of the window's first token in the input
    int64_t n_scored = 0;
    double nll = 0.0;           ///< mean over this window's scored tokens
    double ppl = 0.0;           ///< exp(nll)
    double ppl_cumulative = 0.0;///< PPL over all windows so far (what llama-perplexity prints)
};

struct KldReport {
    int64_t n = 0;              ///< tokens compared
    int64_t top_k = 0;          ///< of the base file
    double mean = 0.0, mean_stderr = 0.0;
    double min = 0.0, p01 = 0.0, p05 = 0.0, p10 = 0.0, median = 0.0, p90 = 0.0, p95 = 0.0, p99 = 0.0,
           p999 = 0.0, max = 0.0;
    double top1_agreement = 0.0, top1_agreement_stderr = 0.0; ///< fraction 0..1
    double delta_p_mean = 0.0, delta_p_stderr = 0.0, delta_p_rms = 0.0; ///< q(t) - p(t), fraction
    double delta_p_min = 0.0, delta_p_p01 = 0.0, delta_p_median = 0.0, delta_p_p99 = 0.0, delta_p_max = 0.0;
    double ppl_base = 0.0;      ///< the base model's PPL over the same tokens (from the file)
    double ln_ppl_ratio = 0.0;  ///< ln(PPL / PPL_base)
};

struct PerplexityReport {
    double ppl = 0.0, ppl_stderr = 0.0;
    double nll = 0.0, nll_stderr = 0.0;
    int64_t n_tokens = 0;       ///< tokens scored
    int64_t n_input = 0;        ///< tokens given
    int64_t n_ctx = 0, stride = 0;
    std::vector<PerplexityChunk> chunks;
    std::optional<KldReport> kld;
    double seconds = 0.0;
};

/// Evaluate over `tokens` in `session` (its n_ctx must be >= options.n_ctx). Errors:
/// InvalidArgument (bad n_ctx/stride, fewer than n_ctx tokens, a kl_base file for other tokens or
/// settings), NotFound/Io/Corrupt/Truncated (the files), Cancelled, and those of decode_all().
Result<PerplexityReport> perplexity(Session& session, std::span<const int32_t> tokens,
                                    const PerplexityOptions& options = {});

/// Same, in a session of options.n_ctx positions created for it.
Result<PerplexityReport> perplexity(std::shared_ptr<const Model> model, std::span<const int32_t> tokens,
                                    const PerplexityOptions& options = {});

/// Percentile with linear interpolation between sorted values (llama-perplexity's): fraction 0..1.
double interpolated_percentile(std::span<const double> sorted, double fraction);

} // namespace quanta
