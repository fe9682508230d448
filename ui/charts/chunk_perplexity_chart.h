// SPDX-License-Identifier: MIT
// Perplexity per evaluation window along the text, one line per quantization level with a
// legend, for one evaluation text: shows whether a level is worse everywhere or only on some
// passages.
//
// Thread-safety: a widget; GUI thread only.
#pragma once

#include "charts/evaluation_chart.h"

class QCPGraph;

namespace quanta::ui {

class ChunkPerplexityChart : public EvaluationChart {
    Q_OBJECT
public:
    explicit ChunkPerplexityChart(QWidget* parent = nullptr);

    /// The per-window PPL drawn for `type`, in text order (window 1 first); empty when not drawn.
    QList<double> plottedChunks(const QString& type) const;

protected:
    bool rebuild() override;
    void forgetPlot() override;
    QString nothingToDrawText() const override;
    QStringList csvHeader() const override;
    QList<QStringList> csvRows() const override;
    QString hoverText(const QPointF& pixel) const override;

private:
    QList<QCPGraph*> m_graphs; ///< one per type with windows
};

} // namespace quanta::ui
