// SPDX-License-Identifier: MIT
#include "charts/chunk_perplexity_chart.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace quanta::ui {

namespace {
constexpr double kHoverRadiusPixels = 24;
}

ChunkPerplexityChart::ChunkPerplexityChart(QWidget* parent) : EvaluationChart(parent) {}

QString ChunkPerplexityChart::nothingToDrawText() const {
    return tr("These measurements have no per-window perplexities.");
}

void ChunkPerplexityChart::forgetPlot() {
    m_graphs.clear();
}

bool ChunkPerplexityChart::rebuild() {
    m_graphs.clear();
    const auto& shown = shownResults();
    for (int i = 0; i < shown.size(); ++i) {
        if (shown[i].chunkPpl.isEmpty())
            continue;
        const QColor color = seriesColor(i);
        auto* graph = plot()->addGraph();
        graph->setName(shown[i].type);
        graph->setPen(QPen(color, 2));
        // Markers too, so that a single window still shows up.
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, 5));
        for (int window = 0; window < shown[i].chunkPpl.size(); ++window)
            graph->addData(window + 1, shown[i].chunkPpl[window]);
        m_graphs.append(graph);
    }
    if (m_graphs.isEmpty())
        return false;
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot()->xAxis->setTicker(ticker);
    plot()->rescaleAxes();
    const QCPRange x = plot()->xAxis->range();
    plot()->xAxis->setRange(x.lower - 0.5, x.upper + 0.5);
    const QCPRange y = plot()->yAxis->range();
    const double margin = std::max(y.size() * 0.08, std::abs(y.center()) * 0.02 + 1e-9);
    plot()->yAxis->setRange(y.lower - margin, y.upper + margin);
    plot()->xAxis->setLabel(tr("Window along \"%1\"").arg(textName()));
    plot()->yAxis->setLabel(tr("Perplexity (lower is better)"));
    plot()->legend->setVisible(true);
    plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    return true;
}

QList<double> ChunkPerplexityChart::plottedChunks(const QString& type) const {
    QList<double> plotted;
    for (const QCPGraph* graph : m_graphs) {
        if (graph->name() != type)
            continue;
        for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
            plotted.append(it->value);
    }
    return plotted;
}

QStringList ChunkPerplexityChart::csvHeader() const {
    return {QStringLiteral("type"), QStringLiteral("text"), QStringLiteral("window"), QStringLiteral("ppl")};
}

QList<QStringList> ChunkPerplexityChart::csvRows() const {
    QList<QStringList> rows;
    for (const auto& result : shownResults()) {
        for (int window = 0; window < result.chunkPpl.size(); ++window)
            rows.append({result.type, result.textName, QString::number(window + 1), number(result.chunkPpl[window])});
    }
    return rows;
}

QString ChunkPerplexityChart::hoverText(const QPointF& pixel) const {
    if (isShowingEmptyState())
        return {};
    const QCPGraph* nearestGraph = nullptr;
    double nearestKey = 0, nearestValue = 0;
    double nearestDistance = kHoverRadiusPixels;
    for (const QCPGraph* graph : m_graphs) {
        for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
            const double distance = std::hypot(plot()->xAxis->coordToPixel(it->key) - pixel.x(),
                                               plot()->yAxis->coordToPixel(it->value) - pixel.y());
            if (distance <= nearestDistance) {
                nearestGraph = graph;
                nearestKey = it->key;
                nearestValue = it->value;
                nearestDistance = distance;
            }
        }
    }
    if (!nearestGraph)
        return {};
    return tr("%1, window %2: PPL %3")
        .arg(nearestGraph->name(), QString::number(static_cast<int>(nearestKey)), QString::number(nearestValue, 'f', 2));
}

} // namespace quanta::ui
