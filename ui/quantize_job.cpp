// SPDX-License-Identifier: MIT
#include "quantize_job.h"

#include "quanta/quantize.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

namespace quanta::ui {

QuantizeJob::QuantizeJob(QString source, QString target, QString type, int threads, QObject* parent)
    : QObject(parent), m_source(std::move(source)), m_target(std::move(target)), m_type(std::move(type)),
      m_threads(threads) {}

QuantizeJob::~QuantizeJob() { cancel(); }

void QuantizeJob::start() {
    connect(&m_watcher, &QFutureWatcherBase::progressValueChanged, this, [this](int permille) {
        // The text is "tensor\teta-seconds", set together with the value.
        const QStringList parts = m_watcher.progressText().split(QLatin1Char('\t'));
        emit progress(permille / 1000.0, parts.value(0), parts.value(1).toDouble());
    });
    connect(&m_watcher, &QFutureWatcherBase::finished, this, [this] {
        if (m_watcher.isCanceled() || m_watcher.future().resultCount() == 0) {
            emit failed(tr("Quantization to %1 was cancelled; no file was written.").arg(m_type));
            return;
        }
        const Outcome outcome = m_watcher.result();
        if (outcome.ok)
            emit finished(m_target, outcome.text);
        else
            emit failed(outcome.text);
    });
    m_watcher.setFuture(QtConcurrent::run([source = m_source, target = m_target, type = m_type,
                                           threads = m_threads](QPromise<Outcome>& promise) {
        promise.setProgressRange(0, 1000);
        QuantizeOptions options;
        options.type = type.toStdString();
        options.threads = threads;
        options.on_progress = [&promise](const QuantizeProgress& p) {
            if (p.bytes_total > 0) {
                const int permille = static_cast<int>(1000.0 * static_cast<double>(p.bytes_done) /
                                                      static_cast<double>(p.bytes_total));
                const QString tensor = QString::fromUtf8(p.name.data(), static_cast<qsizetype>(p.name.size()));
                promise.setProgressValueAndText(permille, tensor + QLatin1Char('\t') + QString::number(p.eta_s));
            }
            return !promise.isCanceled();
        };
        auto report = quantize_model(QFile::encodeName(source).toStdString(), QFile::encodeName(target).toStdString(),
                                     options);
        if (!report) {
            if (report.error().code != ErrorCode::Cancelled)
                promise.addResult(Outcome{false, QString::fromStdString(report.error().message)});
            return;
        }
        promise.addResult(Outcome{true, QuantizeJob::tr("%1: %2 MiB, %3 bits per weight, %4 s")
                                            .arg(QString::fromStdString(report->type))
                                            .arg(static_cast<double>(report->output_file_bytes) / (1024.0 * 1024.0), 0,
                                                 'f', 1)
                                            .arg(report->bits_per_weight(), 0, 'f', 2)
                                            .arg(report->seconds, 0, 'f', 1)});
    }));
}

QString defaultQuantizeTarget(const QString& source, const QString& family, const QString& type) {
    const QFileInfo info(source);
    const QString stem = family.isEmpty() ? info.completeBaseName() : family;
    return QDir(info.absolutePath()).filePath(QStringLiteral("%1-%2.gguf").arg(stem, type));
}

} // namespace quanta::ui
