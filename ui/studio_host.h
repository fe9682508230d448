// SPDX-License-Identifier: MIT
// StudioHost: the three studio pages of the main window — Quantize (StudioView over a
// QuantizeQueue), Compare (CompareView over a CompareRunner on its own thread) and Quality
// (ChartsView fed by finished evaluations and by the SQLite evaluation cache) — and what they
// share: the models folder, the device, the settings and the evaluation text.
//
// Ownership: the host owns the queue, the runner's thread and the pages (until the window takes
// them with its tab widget). Destroy the pages before the host: the window's destructor deletes
// its central widget first (see MainWindow::~MainWindow).
//
// Thread rules: GUI thread. Cache reads run on the Qt pool with their own connection.
#pragma once

#include "app_settings.h"
#include "evaluation.h"
#include "quanta/backend/backend.h"

#include <QObject>
#include <QStringList>
#include <QThread>

namespace quanta::services {
class CompareRunner;
class QuantizeQueue;
}

namespace quanta::ui {

class ChartsView;
class CompareView;
class StudioView;

class StudioHost : public QObject {
    Q_OBJECT
public:
    /// `evaluationCachePath`: the SQLite file of measured results ("" : EvaluationCache's default).
    StudioHost(const backend::DeviceInfo& device, QString evaluationCachePath, QObject* parent = nullptr);
    ~StudioHost() override;

    StudioView* studioView() const { return m_studio; }
    CompareView* compareView() const { return m_compare; }
    ChartsView* chartsView() const { return m_charts; }

    void setModelFiles(const QStringList& paths);
    void setDevice(const backend::DeviceInfo& device);
    void applySettings(const services::AppSettings& settings);
    /// Stops a comparison and cancels quantization jobs (the window is closing).
    void stopAll();

    /// The evaluation text the studio measures quality on: data/eval/debian-faq.en.txt
    /// (scripts/eval-text.sh) when found from the working folder, "" otherwise.
    static QString findEvaluationText();

signals:
    void chatRequested(const QString& path);
    /// The cached results for the current model files were read and shown.
    void cachedResultsLoaded(int count);
    /// A quantization job wrote `target` from `source`: both belong among the recent models (the
    /// charts of a later run find their measurements through them).
    void modelWritten(const QString& target, const QString& source);

private:
    void storeResults(const services::EvaluationResult& result, const services::EvaluationResult& source);
    void loadCachedResults(const QStringList& paths);

    QString m_cachePath;
    services::QuantizeQueue* m_queue = nullptr;   // child
    services::CompareRunner* m_runner = nullptr;  // lives on m_compareThread
    QThread m_compareThread;
    StudioView* m_studio = nullptr;
    CompareView* m_compare = nullptr;
    ChartsView* m_charts = nullptr;
    QStringList m_modelFiles;
    quint64 m_cacheSerial = 0;
};

} // namespace quanta::ui
