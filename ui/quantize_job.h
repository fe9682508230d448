// SPDX-License-Identifier: MIT
// QuantizeJob: one quantize_model run on a pool thread, for the model bar's "Quantize to…".
// Progress arrives on the GUI thread (queued), at most every 100 ms; cancel() makes the core
// stop at its next progress call and leave no file behind (quantize_model's guarantee).
//
//   auto* job = new QuantizeJob(source, target, QStringLiteral("Q4_K_M"), threads, this);
//   connect(job, &QuantizeJob::finished, ...);   // then deleteLater
//   job->start();
//
// Thread rules: construct, start and cancel on the GUI thread; cancel() may be called any time.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>

namespace quanta::ui {

class QuantizeJob : public QObject {
    Q_OBJECT
public:
    QuantizeJob(QString source, QString target, QString type, int threads, QObject* parent = nullptr);
    ~QuantizeJob() override;

    void start();
    void cancel() { m_watcher.cancel(); }
    QString target() const { return m_target; }

signals:
    /// `fraction` of the source bytes done, the tensor being written, seconds left (0: unknown).
    void progress(double fraction, const QString& tensor, double etaSeconds);
    /// `summary`: e.g. "Q4_K_M: 105.3 MiB, 4.89 bits per weight, 2.1 s".
    void finished(const QString& target, const QString& summary);
    void failed(const QString& message); ///< also when cancelled (the message says so)

private:
    struct Outcome {
        bool ok = false;
        QString text; ///< the summary, or the error message
    };
    QString m_source;
    QString m_target;
    QString m_type;
    int m_threads;
    // The pool thread reports through the future, so it never touches this object (which may be
    // gone when the window closes mid-run: the destructor cancels and the run ends at its next
    // progress call).
    QFutureWatcher<Outcome> m_watcher;
};

/// Where "Quantize to TYPE" writes by default: the source's folder, `family-TYPE.gguf`.
QString defaultQuantizeTarget(const QString& source, const QString& family, const QString& type);

} // namespace quanta::ui
