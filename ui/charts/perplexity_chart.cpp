// SPDX-License-Identifier: MIT
#include "charts/perplexity_chart.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace quanta::ui {

namespace {
constexpr double kBarWidth = 0.6;
}

PerplexityChart::PerplexityChart(QWidget* parent) : EvaluationChart(parent) {}

void PerplexityChart::forgetPlot() {
    m_bars.clear();
    m_errorBars.clear();
}

bool PerplexityChart::rebuild() {
    m_bars.clear();
    m_errorBars.clear();
    const auto& shown = shownResults();
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    double lowest = std::numeric_limits<double>::max();
    double highest = std::numeric_limits<double>::lowest();
    for (int i = 0; i < shown.size(); ++i) {
        const auto& result = shown[i];
        const double key = i + 1;
        const QColor color = seriesColor(i);
        auto* bars = new QCPBars(plot()->xAxis, plot()->yAxis);
        bars->setName(result.type);
        bars->setWidth(kBarWidth);
        bars->setPen(QPen(color.darker(120)));
        bars->setBrush(color);
        bars->addData(key, result.ppl);
        auto* errors = new QCPErrorBars(plot()->xAxis, plot()->yAxis);
        errors->setDataPlottable(bars);
        errors->setData(QVector<double>{result.pplStderr});
        errors->setPen(QPen(textColor(), 1.5));
        errors->setWhiskerWidth(10);
        m_bars.append(bars);
        m_errorBars.append(errors);
        ticker->addTick(key, result.type);
        lowest = std::min(lowest, result.ppl - result.pplStderr);
        highest = std::max(highest, result.ppl + result.pplStderr);
    }
    plot()->xAxis->setTicker(ticker);
    plot()->xAxis->setRange(0.4, shown.size() + 0.6);
    plot()->xAxis->setLabel(tr("Quantization (bits per weight, descending)"));
    plot()->yAxis->setLabel(tr("Perplexity on \"%1\" (lower is better)").arg(textName()));
    // Perplexities of one model's levels differ by a few percent; bars from zero would hide that,
    // so the axis starts below the lowest error bar (the axis labels show where).
    const double spread = std::max(highest - lowest, 0.05 * std::abs(highest));
    plot()->yAxis->setRange(std::max(0.0, lowest - 0.5 * spread), highest + 0.2 * spread);
    return true;
}

QList<QPair<QString, double>> PerplexityChart::plottedPpl() const {
    QList<QPair<QString, double>> plotted;
    for (const QCPBars* bars : m_bars) {
        for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
            plotted.append({bars->name(), it->value});
    }
    return plotted;
}

QList<QPair<QString, double>> PerplexityChart::plottedErrors() const {
    QList<QPair<QString, double>> plotted;
    for (int i = 0; i < m_errorBars.size(); ++i) {
        const auto& errorData = *m_errorBars[i]->data();
        for (const QCPErrorBarsData& error : errorData)
            plotted.append({m_bars[i]->name(), error.errorPlus});
    }
    return plotted;
}

QStringList PerplexityChart::csvHeader() const {
    return {QStringLiteral("type"), QStringLiteral("text"), QStringLiteral("bits_per_weight"), QStringLiteral("ppl"),
            QStringLiteral("ppl_stderr")};
}

QList<QStringList> PerplexityChart::csvRows() const {
    QList<QStringList> rows;
    for (const auto& result : shownResults())
        rows.append({result.type, result.textName, number(result.bitsPerWeight), number(result.ppl), number(result.pplStderr)});
    return rows;
}

QString PerplexityChart::hoverText(const QPointF& pixel) const {
    if (isShowingEmptyState() || !plot()->axisRect()->rect().contains(pixel.toPoint()))
        return {};
    // The bar whose column the mouse is in: a bar is hovered over its whole height, not only at its top.
    const double key = plot()->xAxis->pixelToCoord(pixel.x());
    const int index = static_cast<int>(std::lround(key)) - 1;
    const auto& shown = shownResults();
    if (index < 0 || index >= shown.size() || std::abs(key - (index + 1)) > kBarWidth / 2)
        return {};
    const auto& result = shown[index];
    return tr("%1: PPL %2 ± %3 (%4 bits/weight)")
        .arg(result.type, QString::number(result.ppl, 'f', 2), QString::number(result.pplStderr, 'f', 2),
             QString::number(result.bitsPerWeight, 'f', 2));
}

} // namespace quanta::ui
