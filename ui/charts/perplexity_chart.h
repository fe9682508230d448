// SPDX-License-Identifier: MIT
// Perplexity per quantization level as bars with ± one standard error, the largest files on the
// left (sorted by bits per weight, descending), for one evaluation text.
//
// Thread-safety: a widget; GUI thread only.
#pragma once

#include "charts/evaluation_chart.h"

#include <QPair>

class QCPBars;
class QCPErrorBars;

namespace quanta::ui {

class PerplexityChart : public EvaluationChart {
    Q_OBJECT
public:
    explicit PerplexityChart(QWidget* parent = nullptr);

    /// (type, PPL) per bar, left to right, read back from the plot.
    QList<QPair<QString, double>> plottedPpl() const;
    /// (type, standard error) per error bar, left to right, read back from the plot.
    QList<QPair<QString, double>> plottedErrors() const;

protected:
    bool rebuild() override;
    void forgetPlot() override;
    QStringList csvHeader() const override;
    QList<QStringList> csvRows() const override;
    QString hoverText(const QPointF& pixel) const override;

private:
    QList<QCPBars*> m_bars;             ///< one per type, so each keeps its series colour
    QList<QCPErrorBars*> m_errorBars;   ///< parallel to m_bars
};

} // namespace quanta::ui
