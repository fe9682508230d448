// SPDX-License-Identifier: MIT
// QuantizeQueue: the studio's quantization jobs, one at a time on the Qt thread pool. Each job
// quantizes (quantize_model: temp file + rename, so the target appears only when complete) and
// then, when asked, measures the result's quality against its source (evaluateModel).
//
//   auto* queue = new QuantizeQueue(this);
//   connect(queue, &QuantizeQueue::jobFinished, ...);
//   int id = queue->enqueue({.source = "m-F16.gguf", .target = "m-Q4_K_M.gguf", .type = "Q4_K_M",
//                            .textPath = "eval.en.txt", .textName = "en"});
//
// Thread rules: the queue lives on the GUI thread; call it and receive its signals there. A job
// on the pool thread touches only its QPromise and its cancel token, never the queue, so
// destroying the queue cancels everything and returns at once (the running job ends at its next
// progress call, leaving no partial file).
#pragma once

#include "evaluation.h"

#include <QList>
#include <QObject>
#include <QString>

#include <memory>

template <class T>
class QFutureWatcher;

namespace quanta::services {

struct QuantizeJobSpec {
    QString source;      ///< the GGUF to quantize
    QString target;      ///< the file to write (replaced only when the job succeeds)
    QString type;        ///< a name from quantize_type_names() ("Q4_K_M", "NF4")
    int threads = 0;     ///< <= 0: all hardware threads
    bool evaluate = true;///< measure PPL and KLD against the source afterwards (needs textPath)
    QString textPath;    ///< evaluation text
    QString textName;    ///< its short label ("en")
    QString cacheFolder; ///< for the source's log-probs; "" : a temp folder
    qint64 evaluationContext = 512;  ///< EvaluationRequest::nCtx
    qint64 evaluationChunks = 16;    ///< EvaluationRequest::maxChunks
};

class QuantizeQueue : public QObject {
    Q_OBJECT
public:
    explicit QuantizeQueue(QObject* parent = nullptr);
    ~QuantizeQueue() override;

    /// Adds a job and returns its id (> 0); it starts when the jobs before it have ended.
    int enqueue(const QuantizeJobSpec& spec);
    /// A queued job is removed (jobCancelled at once); the running one stops at its next progress
    /// call (jobCancelled when it has stopped, no file written). Cancelling while the quality is
    /// being measured keeps the finished file: jobFinished without an evaluation. Unknown ids are
    /// ignored.
    void cancel(int id);
    void cancelAll();
    bool isIdle() const;
    /// The spec of a queued or running job; an empty spec for others.
    QuantizeJobSpec spec(int id) const;

signals:
    void jobQueued(int id, const quanta::services::QuantizeJobSpec& spec);
    void jobStarted(int id);
    /// Quantization progress, at most about ten times a second: fraction of the source bytes,
    /// the tensor being written, seconds left (0: not known yet).
    void jobProgress(int id, double fraction, const QString& tensor, qint64 bytesDone, qint64 bytesTotal,
                     double etaSeconds);
    /// The target is written. `summary`: "Q4_K_M: 105.3 MiB, 4.89 bits per weight, 2.1 s".
    void jobQuantized(int id, const QString& target, const QString& summary);
    void jobEvaluationProgress(int id, double fraction);
    /// The job is over and its target exists. `result` (the target's quality) and `sourceResult`
    /// (the source's PPL over the same windows) are valid when `evaluated`.
    void jobFinished(int id, const QString& target, bool evaluated, const quanta::services::EvaluationResult& result,
                     const quanta::services::EvaluationResult& sourceResult);
    /// Quantization failed (no file written), or the evaluation failed (the file is kept; the
    /// message says so).
    void jobFailed(int id, const QString& message);
    void jobCancelled(int id);

private:
    struct Job;
    struct Event;
    void startNext();
    void handleEvent(const Event& event);
    void finishRunning();

    int m_nextId = 1;
    QList<std::shared_ptr<Job>> m_queued;
    std::shared_ptr<Job> m_running;
    QFutureWatcher<Event>* m_watcher = nullptr; ///< the running job's; null when idle
};

} // namespace quanta::services

Q_DECLARE_METATYPE(quanta::services::QuantizeJobSpec)
