// SPDX-License-Identifier: MIT
// CompareView: "Compare side by side". The user picks 2-4 variants (quantization levels of one
// model, or different models), types one prompt and runs it; the answers stream into one column
// each, with tokens/s, time to first token and memory, all generated with the same sampling and
// seed. With greedy sampling (the default) a column whose tokens depart from column 1's gets the
// text from the first differing token on highlighted.
//
// The engine work is a CompareRunner's, on the runner's own thread; the view only invokes it
// queued and listens to its signals, so the GUI stays responsive while models load and answer.
//
//   auto* runner = new services::CompareRunner;   // the owner's; no parent
//   runner->moveToThread(&compareThread);
//   connect(&compareThread, &QThread::finished, runner, &QObject::deleteLater);
//   compareThread.start();
//   auto* view = new CompareView(runner);
//   view->setModelFiles(scanModelFolder(folder));
//   ...
//   runner->stop(); compareThread.quit(); compareThread.wait();   // before the window goes
//
// Thread rules: GUI thread only. The runner must live on another thread and outlive the view (or
// be stopped and its thread ended before the view is destroyed).
#pragma once

#include "compare_runner.h"

#include <QList>
#include <QStringList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QPlainTextEdit;
class QPushButton;
class QSplitter;

namespace quanta::ui {

class CompareColumn;

class CompareView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMinColumns = 2;
    static constexpr int kMaxColumns = 4;

    explicit CompareView(services::CompareRunner* runner, QWidget* parent = nullptr);
    ~CompareView() override;

    /// Fills every picker with these GGUF files, grouped by family ("family — TYPE"). The first
    /// two pickers preselect the first two files (the same one twice when there is only one);
    /// the third and fourth start at "(none)". A choice still offered is kept.
    void setModelFiles(const QStringList& paths);
    /// Used when "Greedy" is unchecked (seed included); greedy runs take only its seed.
    void setSampling(const SamplerParams& sampling);
    void setMaxTokens(qint64 maxTokens) { m_maxTokens = maxTokens; }
    void setContextLength(qint64 nCtx) { m_nCtx = nCtx; }
    void setThreads(int threads) { m_threads = threads; }
    void setDevice(const QString& device) { m_device = device; }
    void setSystemPrompt(const QString& systemPrompt) { m_systemPrompt = systemPrompt; }

    int columnCount() const { return static_cast<int>(m_columns.size()); }
    QString columnText(int column) const;
    QString columnStats(int column) const;
    /// Character offset in the column's text where the highlight starts; -1 when none.
    int highlightedFrom(int column) const;
    bool isRunning() const { return m_running; }

public slots:
    /// What the Run and Stop buttons do.
    void runComparison();
    void stopComparison();

signals:
    void comparisonFinished();

private:
    QStringList chosenPaths() const;
    void updateButtons();
    void clearColumns();
    void onColumnStarted(int column);
    void onColumnText(int column, const QString& chunk);
    void onColumnFinished(int column, const services::CompareColumnResult& result);
    void onColumnFailed(int column, const QString& message);
    void onAllFinished();

    services::CompareRunner* m_runner = nullptr;
    QList<QComboBox*> m_pickers;
    QPlainTextEdit* m_prompt = nullptr;
    QCheckBox* m_greedy = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_stop = nullptr;
    QSplitter* m_columnsArea = nullptr;
    QList<CompareColumn*> m_columns;

    SamplerParams m_sampling;
    qint64 m_maxTokens = 256;
    qint64 m_nCtx = 2048;
    int m_threads = 0;
    QString m_device;
    QString m_systemPrompt;
    bool m_running = false;
    bool m_runIsGreedy = false; // of the run in progress or last finished: divergence means something only then
};

} // namespace quanta::ui
