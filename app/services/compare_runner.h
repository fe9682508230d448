// SPDX-License-Identifier: MIT
// CompareRunner: "Compare side by side". One prompt, 2-4 models (usually quantization levels of
// the same model), answered one after the other on one device with the same sampling parameters
// and seed, so that the answers, their speed and their memory can be set next to each other. With
// greedy sampling (temperature <= 0) the answers are deterministic, and firstDivergence() says
// where a quantized variant stops agreeing with the reference.
//
// Only one model is in memory at a time: a comparison of an F16 model with its Q4 levels would
// otherwise need the sum of their sizes, which is exactly what people quantize to avoid.
//
//   auto* runner = new CompareRunner;           // no parent: it moves to the thread
//   runner->moveToThread(&thread);
//   connect(&thread, &QThread::finished, runner, &QObject::deleteLater);
//   thread.start();
//   QMetaObject::invokeMethod(runner, [=] { runner->run(request); });
//   ...
//   runner->stop();                              // any thread
//
// Thread-safety: stop() from any thread; run() only on the runner's thread (it blocks it for the
// whole comparison). Signals are delivered queued to receivers on other threads.
#pragma once

#include "quanta/engine.h"
#include "quanta/sampler.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <chrono>

namespace quanta::services {

struct CompareRequest {
    QStringList modelPaths;       ///< one column per path, in this order; column 0 is the reference
    QString prompt;               ///< the user's message
    QString systemPrompt;         ///< "" : none
    SamplerParams sampling;       ///< the same for every column (seed included)
    qint64 maxTokens = 256;       ///< per column
    qint64 nCtx = 2048;           ///< KV cache positions of every column's session
    int threads = 0;              ///< CPU threads; <= 0: all
    QString device;               ///< DeviceInfo::name ("cpu"); "" or unknown: the first device
};

struct CompareColumnResult {
    QString modelPath;
    QString type;                 ///< Model::type_name() ("Q4_0", "F16"); "" when it never loaded
    QString text;                 ///< the answer: pieces joined
    QList<int> tokens;            ///< the generated token ids, in order
    /// The text of each token (empty while a UTF-8 character is split over tokens), so that the
    /// GUI can map a token index to a character range of `text`.
    QStringList pieces;
    double tokensPerSecond = 0.0;
    double firstTokenMs = 0.0;    ///< from the start of prompt processing to the first token
    qint64 memoryBytes = 0;       ///< estimate_memory(file, nullopt, {nCtx, threads}).total_bytes()
    QString stopReason;           ///< stop_reason_name: "length", "eog", "cancelled", ...
};

/// Index of the first token where `variant` differs from `reference`; -1 when both are the same.
/// When one is a strict prefix of the other, they diverge where the shorter one ends.
int firstDivergence(const QList<int>& reference, const QList<int>& variant);

class CompareRunner : public QObject {
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds kChunkInterval{30};

    explicit CompareRunner(QObject* parent = nullptr);
    ~CompareRunner() override;

    /// Runs every column in turn: load, render the prompt with that model's chat template,
    /// generate, release. Emits, per column, columnStarted, columnText (zero or more times), then
    /// columnFinished or columnFailed (a failure does not end the comparison); allFinished last.
    void run(const CompareRequest& request);

    /// Any thread: ends the running column at its next token (columnFinished with stopReason
    /// "cancelled"; a column still loading finishes the same way, with no tokens). The columns
    /// after it are skipped: they get no signal at all, and allFinished follows at once.
    /// run() clears the flag when it begins, so a stop() queued before that is forgotten; callers
    /// keep Stop meaningful by calling it only after columnStarted(0) or while a run is known to
    /// be going (CompareView: the window between Run and the first column is microseconds).
    void stop() { m_cancel.cancel(); }

signals:
    void columnStarted(int column);
    void columnText(int column, const QString& chunk);
    void columnFinished(int column, const quanta::services::CompareColumnResult& result);
    void columnFailed(int column, const QString& message);
    void allFinished();

private:
    CancelToken m_cancel;
};

} // namespace quanta::services

Q_DECLARE_METATYPE(quanta::services::CompareColumnResult)
