// SPDX-License-Identifier: MIT
// Quality of a quantized model against its source, as the studio shows it: perplexity on an
// evaluation text (with per-window values), and, when a reference model is given, the
// KL-divergence of the variant's next-token distributions from the reference's and how often
// both pick the same top token. A plain function over the core's perplexity API, meant to run on a
// pool thread; the results are plain values the charts and the SQLite cache use.
//
//   EvaluationRequest r{.modelPath = "m-NF4.gguf", .referencePath = "m-F16.gguf",
//                       .textPath = "data/eval/debian-faq.en.txt", .textName = "en"};
//   auto result = evaluateModel(r, &cancel, [](double fraction, const QString& stage) { ... });
//
// Thread-safety: evaluateModel is reentrant (no shared state); the reference's log-probabilities
// are kept in `cacheFolder` (keyed by the reference file's path, size, time and the options) so a
// second variant of the same source does not run the reference again.
#pragma once

#include "quanta/engine.h"
#include "quanta/result.h"

#include <QList>
#include <QMetaType>
#include <QString>

#include <functional>

namespace quanta::services {

struct EvaluationRequest {
    QString modelPath;       ///< the variant to evaluate
    QString referencePath;   ///< the source it was made from; "" : perplexity only, no KLD
    QString textPath;        ///< UTF-8 evaluation text
    QString textName;        ///< short label for charts and the cache ("en", "ko")
    qint64 nCtx = 512;       ///< perplexity window (tokens)
    qint64 maxChunks = 16;   ///< windows at most (16 x 512 tokens: seconds on a small model)
    int threads = 0;         ///< CPU threads; <= 0: all
    QString cacheFolder;     ///< where reference log-probabilities are kept; "" : a temp folder
};

/// KL-divergence summary: mean with its standard error and the percentiles of the per-token values.
struct KldSummary {
    double mean = 0, meanStderr = 0;
    double min = 0, p01 = 0, p05 = 0, p10 = 0, median = 0, p90 = 0, p95 = 0, p99 = 0, max = 0;
    double top1 = 0, top1Stderr = 0; ///< fraction 0..1 of tokens where both models' argmax agree
};

struct EvaluationResult {
    QString modelPath;
    QString type;            ///< the file's quantization level ("Q4_K_M", "NF4", "F16", ...)
    QString textName;
    double bitsPerWeight = 0;
    qint64 fileBytes = 0;
    double ppl = 0, pplStderr = 0;
    QList<double> chunkPpl;  ///< per window, in text order
    qint64 tokens = 0;       ///< tokens scored
    bool hasKld = false;
    KldSummary kld;          ///< valid when hasKld
    double seconds = 0;
    /// The reference's own perplexity over the same windows (valid when hasKld), so a caller can
    /// show "PPL 12.3 (source 12.1)" without scoring the source again. Kept with the cached
    /// log-probabilities, so it is there on a cache hit too.
    double referencePpl = 0, referencePplStderr = 0;
    QList<double> referenceChunkPpl;
};

/// Runs on the CPU device with `threads` threads and PerplexityOptions{n_ctx = nCtx, n_batch =
/// nCtx, max_chunks = maxChunks} (as `quanta-cli perplexity -c nCtx --chunks maxChunks`), on the
/// whole text tokenized with the model's tokenizer.
/// Errors: those of GgufFile::open / Model::load / perplexity (Unsupported, Corrupt, Io, ...),
/// InvalidArgument (an empty or unreadable text, a text shorter than 2 windows), Cancelled.
/// `progress` (may be empty) gets the fraction done (0..1, reference and variant together) and a
/// short stage text; it runs on the calling thread.
Result<EvaluationResult> evaluateModel(const EvaluationRequest& request, const CancelToken* cancel,
                                       const std::function<void(double fraction, const QString& stage)>& progress);

} // namespace quanta::services

Q_DECLARE_METATYPE(quanta::services::EvaluationResult)
