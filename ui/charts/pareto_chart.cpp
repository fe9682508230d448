// SPDX-License-Identifier: MIT
#include "charts/pareto_chart.h"

#include "charts/pareto.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace quanta::ui {

namespace {
// A point further than this from the mouse is not "under" it.
constexpr double kHoverRadiusPixels = 24;
}

ParetoChart::ParetoChart(QWidget* parent) : EvaluationChart(parent) {}

void ParetoChart::forgetPlot() {
    m_pointGraphs.clear();
    m_frontGraph = nullptr;
    m_onFront.clear();
}

bool ParetoChart::rebuild() {
    m_pointGraphs.clear();
    m_frontGraph = nullptr;
    const auto& shown = shownResults();
    QList<QPointF> points;
    for (const auto& result : shown)
        points.append(QPointF(result.bitsPerWeight, result.ppl));
    const QList<int> front = paretoFrontIndices(points);
    m_onFront = QList<bool>(shown.size(), false);
    for (int index : front)
        m_onFront[index] = true;

    // The front first, so that the points are drawn over it.
    QPen frontPen(textColor(), 1.5, Qt::DashLine);
    m_frontGraph = plot()->addGraph();
    m_frontGraph->setName(tr("Pareto front"));
    m_frontGraph->setPen(frontPen);
    m_frontGraph->setLineStyle(QCPGraph::lsStepLeft);
    for (int index : front)
        m_frontGraph->addData(points[index].x(), points[index].y());

    for (int i = 0; i < shown.size(); ++i) {
        const QColor color = seriesColor(i);
        auto* graph = plot()->addGraph();
        graph->setName(shown[i].type);
        graph->setLineStyle(QCPGraph::lsNone);
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color.darker(120), color, 10));
        graph->addData(points[i].x(), points[i].y());
        m_pointGraphs.append(graph);

        auto* label = new QCPItemText(plot());
        label->position->setCoords(points[i]);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        label->setPadding(QMargins(7, 0, 0, 5));
        label->setText(shown[i].type);
        label->setColor(textColor());
    }

    plot()->rescaleAxes();
    // Room around the outermost points for their markers and labels.
    for (QCPAxis* axis : {plot()->xAxis, plot()->yAxis}) {
        const QCPRange range = axis->range();
        const double margin = std::max(range.size() * 0.12, std::abs(range.center()) * 0.02 + 1e-9);
        axis->setRange(range.lower - margin, range.upper + margin * (axis == plot()->xAxis ? 2 : 1));
    }
    plot()->xAxis->setLabel(tr("Bits per weight (smaller file →)"));
    plot()->yAxis->setLabel(tr("Perplexity on \"%1\" (lower is better)").arg(textName()));
    return true;
}

QList<QPointF> ParetoChart::plottedPoints() const {
    QList<QPointF> plotted;
    for (const QCPGraph* graph : m_pointGraphs) {
        for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
            plotted.append(QPointF(it->key, it->value));
    }
    return plotted;
}

QStringList ParetoChart::plottedTypes() const {
    QStringList types;
    for (const QCPGraph* graph : m_pointGraphs)
        types.append(graph->name());
    return types;
}

QList<QPointF> ParetoChart::paretoFront() const {
    QList<QPointF> plotted;
    if (!m_frontGraph)
        return plotted;
    for (auto it = m_frontGraph->data()->constBegin(); it != m_frontGraph->data()->constEnd(); ++it)
        plotted.append(QPointF(it->key, it->value));
    return plotted;
}

QStringList ParetoChart::csvHeader() const {
    return {QStringLiteral("type"), QStringLiteral("text"), QStringLiteral("bits_per_weight"), QStringLiteral("ppl"),
            QStringLiteral("on_pareto_front")};
}

QList<QStringList> ParetoChart::csvRows() const {
    QList<QStringList> rows;
    const auto& shown = shownResults();
    for (int i = 0; i < shown.size() && i < m_onFront.size(); ++i) {
        rows.append({shown[i].type, shown[i].textName, number(shown[i].bitsPerWeight), number(shown[i].ppl),
                     m_onFront[i] ? QStringLiteral("1") : QStringLiteral("0")});
    }
    return rows;
}

QString ParetoChart::hoverText(const QPointF& pixel) const {
    if (isShowingEmptyState())
        return {};
    const auto& shown = shownResults();
    int nearest = -1;
    double nearestDistance = kHoverRadiusPixels;
    for (int i = 0; i < shown.size(); ++i) {
        const QPointF at(plot()->xAxis->coordToPixel(shown[i].bitsPerWeight), plot()->yAxis->coordToPixel(shown[i].ppl));
        const double distance = std::hypot(at.x() - pixel.x(), at.y() - pixel.y());
        if (distance <= nearestDistance) {
            nearest = i;
            nearestDistance = distance;
        }
    }
    if (nearest < 0)
        return {};
    const auto& result = shown[nearest];
    const QString text = tr("%1: %2 bits/weight, PPL %3 ± %4")
                             .arg(result.type, QString::number(result.bitsPerWeight, 'f', 2),
                                  QString::number(result.ppl, 'f', 2), QString::number(result.pplStderr, 'f', 2));
    return m_onFront.value(nearest) ? text + QLatin1Char('\n') + tr("On the Pareto front") : text;
}

} // namespace quanta::ui
