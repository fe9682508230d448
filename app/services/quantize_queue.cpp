// SPDX-License-Identifier: MIT
// QuantizeQueue: a job's pool-thread work reports a stream of events through its QFuture (one
// result per event, delivered in order on the GUI thread by a QFutureWatcher). The job never
// cancels the future itself: a cancelled future drops undelivered results, and the last event
// (finished, failed or cancelled) must always arrive so the queue knows whether a file exists.
#include "quantize_queue.h"

#include "quanta/model_info.h"
#include "quanta/estimate.h"
#include "quanta/quantize.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

namespace quanta::services {

struct QuantizeQueue::Job {
    int id = 0;
    QuantizeJobSpec spec;
    std::shared_ptr<CancelToken> cancel = std::make_shared<CancelToken>();
};

struct QuantizeQueue::Event {
    enum class Kind { Progress, Quantized, EvaluationProgress, Finished, Failed, Cancelled };
    Kind kind = Kind::Progress;
    double fraction = 0;
    QString text;  ///< tensor name, summary or error message
    qint64 bytesDone = 0, bytesTotal = 0;
    double etaSeconds = 0;
    bool evaluated = false;
    EvaluationResult result, sourceResult;
};

namespace {

std::filesystem::path nativePath(const QString& path) { return QFile::encodeName(path).toStdString(); }

/// Lets through the first call and then one every 100 ms, so the GUI gets ~10 updates a second.
class Throttle {
public:
    bool due() {
        if (m_clock.isValid() && m_clock.elapsed() < 100)
            return false;
        m_clock.start();
        return true;
    }

private:
    QElapsedTimer m_clock;
};

/// The source as the charts label it: its type ("F16") and bits per weight.
void describeSource(const QString& path, EvaluationResult& result) {
    auto file = GgufFile::open(nativePath(path));
    if (!file)
        return;
    result.type = QString::fromStdString(model_type_name(*file));
    if (auto estimate = estimate_memory(*file, std::nullopt); estimate)
        result.bitsPerWeight = estimate->bits_per_weight();
}

} // namespace

QuantizeQueue::QuantizeQueue(QObject* parent) : QObject(parent) {
    qRegisterMetaType<EvaluationResult>();
    qRegisterMetaType<QuantizeJobSpec>();
}

QuantizeQueue::~QuantizeQueue() {
    // The running job sees its token at its next progress call and ends on its own; its watcher
    // (a child) goes with us, so nothing is delivered to a dead object.
    if (m_running)
        m_running->cancel->cancel();
}

int QuantizeQueue::enqueue(const QuantizeJobSpec& spec) {
    auto job = std::make_shared<Job>();
    job->id = m_nextId++;
    job->spec = spec;
    m_queued.append(job);
    emit jobQueued(job->id, spec);
    if (!m_running)
        startNext();
    return job->id;
}

void QuantizeQueue::cancel(int id) {
    if (m_running && m_running->id == id) {
        m_running->cancel->cancel();
        return;
    }
    for (qsizetype i = 0; i < m_queued.size(); ++i) {
        if (m_queued[i]->id == id) {
            m_queued.removeAt(i);
            emit jobCancelled(id);
            return;
        }
    }
}

void QuantizeQueue::cancelAll() {
    const auto queued = std::exchange(m_queued, {});
    if (m_running)
        m_running->cancel->cancel();
    for (const auto& job : queued)
        emit jobCancelled(job->id);
}

bool QuantizeQueue::isIdle() const { return !m_running && m_queued.isEmpty(); }

QuantizeJobSpec QuantizeQueue::spec(int id) const {
    if (m_running && m_running->id == id)
        return m_running->spec;
    for (const auto& job : m_queued) {
        if (job->id == id)
            return job->spec;
    }
    return {};
}

void QuantizeQueue::startNext() {
    if (m_running || m_queued.isEmpty())
        return;
    m_running = m_queued.takeFirst();
    m_watcher = new QFutureWatcher<Event>(this);
    connect(m_watcher, &QFutureWatcherBase::resultReadyAt, this,
            [this, watcher = m_watcher](int index) { handleEvent(watcher->resultAt(index)); });
    connect(m_watcher, &QFutureWatcherBase::finished, this, [this] {
        // Every run ends with a terminal event, which already moved on; this is only a guard.
        if (m_running) {
            emit jobFailed(m_running->id, tr("The quantization ended without a result."));
            finishRunning();
        }
    });
    emit jobStarted(m_running->id);

    m_watcher->setFuture(QtConcurrent::run([job = m_running->spec, stop = m_running->cancel](QPromise<Event>& promise) {
        using Kind = Event::Kind;
        auto send = [&promise](Event event) { promise.addResult(std::move(event)); };

        Throttle quantizeThrottle;
        QuantizeOptions options;
        options.type = job.type.toStdString();
        options.threads = job.threads;
        options.on_progress = [&](const QuantizeProgress& p) {
            if (p.bytes_total > 0 && quantizeThrottle.due()) {
                Event e;
                e.fraction = static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total);
                e.text = QString::fromUtf8(p.name.data(), static_cast<qsizetype>(p.name.size()));
                e.bytesDone = static_cast<qint64>(p.bytes_done);
                e.bytesTotal = static_cast<qint64>(p.bytes_total);
                e.etaSeconds = p.eta_s;
                send(std::move(e));
            }
            return !stop->cancelled();
        };
        auto report = quantize_model(nativePath(job.source), nativePath(job.target), options);
        if (!report) {
            if (report.error().code == ErrorCode::Cancelled)
                send(Event{.kind = Kind::Cancelled});
            else
                send(Event{.kind = Kind::Failed,
                           .text = QuantizeQueue::tr("Quantizing %1 to %2 failed: %3")
                                       .arg(QFileInfo(job.source).fileName(), job.type,
                                            QString::fromStdString(report.error().message))});
            return;
        }
        send(Event{.kind = Kind::Quantized,
                   .text = QuantizeQueue::tr("%1: %2 MiB, %3 bits per weight, %4 s")
                               .arg(QString::fromStdString(report->type))
                               .arg(static_cast<double>(report->output_file_bytes) / (1024.0 * 1024.0), 0, 'f', 1)
                               .arg(report->bits_per_weight(), 0, 'f', 2)
                               .arg(report->seconds, 0, 'f', 1)});
        if (!job.evaluate || job.textPath.isEmpty() || stop->cancelled()) {
            send(Event{.kind = Kind::Finished});
            return;
        }

        EvaluationRequest request;
        request.modelPath = job.target;
        request.referencePath = job.source;
        request.textPath = job.textPath;
        request.textName = job.textName;
        request.nCtx = job.evaluationContext;
        request.maxChunks = job.evaluationChunks;
        request.threads = job.threads;
        request.cacheFolder = job.cacheFolder;
        Throttle evaluationThrottle;
        auto evaluation = evaluateModel(request, stop.get(), [&](double fraction, const QString&) {
            if (evaluationThrottle.due() || fraction >= 1.0)
                send(Event{.kind = Kind::EvaluationProgress, .fraction = fraction});
        });
        if (!evaluation) {
            // The file is complete either way; only its quality report is missing.
            if (evaluation.error().code == ErrorCode::Cancelled)
                send(Event{.kind = Kind::Finished});
            else
                send(Event{.kind = Kind::Failed,
                           .text = QuantizeQueue::tr("%1 was written, but measuring its quality failed: %2")
                                       .arg(QFileInfo(job.target).fileName(),
                                            QString::fromStdString(evaluation.error().message))});
            return;
        }
        Event done{.kind = Kind::Finished, .evaluated = true, .result = *evaluation};
        EvaluationResult& source = done.sourceResult;
        source.modelPath = job.source;
        source.textName = job.textName;
        source.fileBytes = QFileInfo(job.source).size();
        source.ppl = evaluation->referencePpl;
        source.pplStderr = evaluation->referencePplStderr;
        source.chunkPpl = evaluation->referenceChunkPpl;
        source.tokens = evaluation->tokens;
        describeSource(job.source, source);
        send(std::move(done));
    }));
}

void QuantizeQueue::handleEvent(const Event& event) {
    if (!m_running)
        return;
    const int id = m_running->id;
    switch (event.kind) {
    case Event::Kind::Progress:
        emit jobProgress(id, event.fraction, event.text, event.bytesDone, event.bytesTotal, event.etaSeconds);
        return;
    case Event::Kind::Quantized:
        emit jobQuantized(id, m_running->spec.target, event.text);
        return;
    case Event::Kind::EvaluationProgress:
        emit jobEvaluationProgress(id, event.fraction);
        return;
    case Event::Kind::Finished: {
        const QString target = m_running->spec.target;
        finishRunning();
        emit jobFinished(id, target, event.evaluated, event.result, event.sourceResult);
        break;
    }
    case Event::Kind::Failed:
        finishRunning();
        emit jobFailed(id, event.text);
        break;
    case Event::Kind::Cancelled:
        finishRunning();
        emit jobCancelled(id);
        break;
    }
    startNext();
}

void QuantizeQueue::finishRunning() {
    m_running.reset();
    if (m_watcher) {
        m_watcher->disconnect(this);
        m_watcher->deleteLater();
        m_watcher = nullptr;
    }
}

} // namespace quanta::services
