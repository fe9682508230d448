// SPDX-License-Identifier: MIT
// The studio's quality charts in one place: tabs with the perplexity bars, the size/quality
// Pareto plot, the per-window perplexities and the KL-divergence boxes, over the evaluation
// results of one model's quantization levels, and a selector for the evaluation text when the
// results cover several ("en", "ko"); every chart shows the selected text.
//
// Thread-safety: a widget; GUI thread only.
#pragma once

#include "evaluation.h"

#include <QList>
#include <QWidget>

class QComboBox;
class QLabel;
class QTabWidget;

namespace quanta::ui {

class ChunkPerplexityChart;
class KldChart;
class ParetoChart;
class PerplexityChart;

class ChartsView : public QWidget {
    Q_OBJECT
public:
    explicit ChartsView(QWidget* parent = nullptr);

    void setResults(const QList<services::EvaluationResult>& results);
    /// Adds `result`, replacing one with the same modelPath and textName.
    void addResult(const services::EvaluationResult& result);
    QList<services::EvaluationResult> results() const { return m_results; }

    /// The evaluation text the charts show ("" with no results).
    QString textName() const;
    /// Shows `textName` when some result has it.
    void setTextName(const QString& textName);

    PerplexityChart* perplexityChart() const { return m_perplexity; }
    ParetoChart* paretoChart() const { return m_pareto; }
    ChunkPerplexityChart* chunkChart() const { return m_chunks; }
    KldChart* kldChart() const { return m_kld; }

private:
    void refresh();
    void showText(const QString& textName);

    QList<services::EvaluationResult> m_results;
    QLabel* m_textLabel = nullptr;
    QComboBox* m_textCombo = nullptr;
    QTabWidget* m_tabs = nullptr;
    PerplexityChart* m_perplexity = nullptr;
    ParetoChart* m_pareto = nullptr;
    ChunkPerplexityChart* m_chunks = nullptr;
    KldChart* m_kld = nullptr;
};

} // namespace quanta::ui
