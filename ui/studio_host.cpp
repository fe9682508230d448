// SPDX-License-Identifier: MIT
#include "studio_host.h"

#include "charts/charts_view.h"
#include "compare/compare_view.h"
#include "compare_runner.h"
#include "evaluation_cache.h"
#include "quantize_queue.h"
#include "studio/studio_view.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

namespace quanta::ui {

namespace {

// The evaluation settings the studio measures with; the cache keys on them.
constexpr qint64 kEvaluationContext = 512;
constexpr qint64 kEvaluationChunks = 16;

} // namespace

StudioHost::StudioHost(const backend::DeviceInfo& device, QString evaluationCachePath, QObject* parent)
    : QObject(parent),
      m_cachePath(evaluationCachePath.isEmpty() ? services::EvaluationCache::defaultPath()
                                                : std::move(evaluationCachePath)) {
    m_queue = new services::QuantizeQueue(this);
    m_studio = new StudioView(m_queue, device);
    m_studio->setObjectName(QStringLiteral("studioView"));
    const QString text = findEvaluationText();
    if (!text.isEmpty())
        m_studio->setEvaluation(text, QStringLiteral("en"), kEvaluationContext, kEvaluationChunks);
    m_studio->setCacheFolder(QFileInfo(m_cachePath).absolutePath() + QStringLiteral("/reference-logits"));
    connect(m_studio, &StudioView::chatRequested, this, &StudioHost::chatRequested);
    connect(m_queue, &services::QuantizeQueue::jobQuantized, this,
            [this](int id, const QString& target) { emit modelWritten(target, m_queue->spec(id).source); });

    m_runner = new services::CompareRunner;
    m_runner->moveToThread(&m_compareThread);
    connect(&m_compareThread, &QThread::finished, m_runner, &QObject::deleteLater);
    m_compareThread.setObjectName(QStringLiteral("compare"));
    m_compareThread.start();
    m_compare = new CompareView(m_runner);
    m_compare->setObjectName(QStringLiteral("compareView"));
    m_compare->setDevice(QString::fromStdString(device.name));

    m_charts = new ChartsView;
    m_charts->setObjectName(QStringLiteral("chartsView"));
    connect(m_studio, &StudioView::evaluationFinished, this,
            [this](const services::EvaluationResult& result, const services::EvaluationResult& source) {
                m_charts->addResult(source);
                m_charts->addResult(result);
                storeResults(result, source);
            });
}

StudioHost::~StudioHost() {
    stopAll();
    m_compareThread.quit();
    m_compareThread.wait();
}

void StudioHost::stopAll() {
    m_runner->stop();
    m_queue->cancelAll();
}

QString StudioHost::findEvaluationText() {
    const QString local = QDir::current().filePath(QStringLiteral("data/eval/debian-faq.en.txt"));
    return QFileInfo::exists(local) ? QFileInfo(local).absoluteFilePath() : QString();
}

void StudioHost::setModelFiles(const QStringList& paths) {
    m_modelFiles = paths;
    m_compare->setModelFiles(paths);
    loadCachedResults(paths);
}

void StudioHost::setDevice(const backend::DeviceInfo& device) {
    m_studio->setDevice(device);
    m_compare->setDevice(QString::fromStdString(device.name));
}

void StudioHost::applySettings(const services::AppSettings& settings) {
    m_studio->setThreads(settings.threads);
    m_compare->setSampling(settings.sampling);
    m_compare->setThreads(settings.threads);
    m_compare->setSystemPrompt(settings.system_prompt);
}

// On the pool, both in one task so the two writes never contend for the file's lock. A failure
// only costs a re-measurement later, so it is not shown.
void StudioHost::storeResults(const services::EvaluationResult& result, const services::EvaluationResult& source) {
    (void)QtConcurrent::run([path = m_cachePath, result, source] {
        auto cache = services::EvaluationCache::open(path);
        if (!cache)
            return;
        (void)cache->store(source, QString(), kEvaluationContext, kEvaluationChunks);
        (void)cache->store(result, source.modelPath, kEvaluationContext, kEvaluationChunks);
    });
}

void StudioHost::loadCachedResults(const QStringList& paths) {
    const quint64 serial = ++m_cacheSerial;
    auto* watcher = new QFutureWatcher<QList<services::EvaluationResult>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, serial] {
        watcher->deleteLater();
        if (serial != m_cacheSerial)
            return;
        const QList<services::EvaluationResult> results = watcher->result();
        if (!results.isEmpty())
            m_charts->setResults(results);
        emit cachedResultsLoaded(static_cast<int>(results.size()));
    });
    watcher->setFuture(QtConcurrent::run([path = m_cachePath, paths] {
        auto cache = services::EvaluationCache::open(path);
        return cache ? cache->resultsFor(paths) : QList<services::EvaluationResult>{};
    }));
}

} // namespace quanta::ui
