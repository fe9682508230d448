// SPDX-License-Identifier: MIT
// Size against quality: bits per weight (x) against perplexity (y), one labelled point per
// quantization level, and the Pareto front (the levels no other level beats on both size and
// perplexity) as a step line, for one evaluation text.
//
// Thread-safety: a widget; GUI thread only.
#pragma once

#include "charts/evaluation_chart.h"

class QCPGraph;

namespace quanta::ui {

class ParetoChart : public EvaluationChart {
    Q_OBJECT
public:
    explicit ParetoChart(QWidget* parent = nullptr);

    /// (bits per weight, PPL) per point, in bits-per-weight descending order, read back from the plot.
    QList<QPointF> plottedPoints() const;
    /// The types of plottedPoints(), in the same order.
    QStringList plottedTypes() const;
    /// The front's points as drawn, bits per weight ascending.
    QList<QPointF> paretoFront() const;

protected:
    bool rebuild() override;
    void forgetPlot() override;
    QStringList csvHeader() const override;
    QList<QStringList> csvRows() const override;
    QString hoverText(const QPointF& pixel) const override;

private:
    QList<QCPGraph*> m_pointGraphs; ///< one per type, in shownResults() order
    QCPGraph* m_frontGraph = nullptr;
    QList<bool> m_onFront;          ///< parallel to shownResults()
};

} // namespace quanta::ui
