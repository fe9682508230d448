// SPDX-License-Identifier: MIT
// How far each quantization level's next-token distributions are from the reference model's:
// the per-token KL-divergence as one box plot per level (whiskers p01..p99, box p10..p90, a
// line at the median; the summary has no quartiles) with the mean as a diamond, for the results
// of one evaluation text that were measured against a reference (hasKld).
//
// Thread-safety: a widget; GUI thread only.
#pragma once

#include "charts/evaluation_chart.h"

class QCPGraph;
class QCPStatisticalBox;

namespace quanta::ui {

class KldChart : public EvaluationChart {
    Q_OBJECT
public:
    explicit KldChart(QWidget* parent = nullptr);

    /// The summary drawn for `type` (a default KldSummary when `type` is not drawn). Box, whiskers
    /// and median come from the plotted box, the mean from the plotted marker, and the other
    /// fields from the result that was drawn.
    services::KldSummary plottedKld(const QString& type) const;
    /// The types drawn, left to right.
    QStringList plottedTypes() const;

protected:
    bool rebuild() override;
    void forgetPlot() override;
    QString nothingToDrawText() const override;
    QStringList csvHeader() const override;
    QList<QStringList> csvRows() const override;
    QString hoverText(const QPointF& pixel) const override;

private:
    QList<services::EvaluationResult> m_drawn; ///< the results with KLD, left to right
    QList<QCPStatisticalBox*> m_boxes;         ///< parallel to m_drawn
    QCPGraph* m_means = nullptr;
};

} // namespace quanta::ui
