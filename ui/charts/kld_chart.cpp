// SPDX-License-Identifier: MIT
#include "charts/kld_chart.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace quanta::ui {

namespace {
constexpr double kBoxWidth = 0.5;
}

KldChart::KldChart(QWidget* parent) : EvaluationChart(parent) {}

QString KldChart::nothingToDrawText() const {
    return tr("No KL-divergence measured for these files — it needs the source model as a reference.");
}

void KldChart::forgetPlot() {
    m_drawn.clear();
    m_boxes.clear();
    m_means = nullptr;
}

bool KldChart::rebuild() {
    m_drawn.clear();
    m_boxes.clear();
    m_means = nullptr;
    const auto& shown = shownResults();
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    QList<int> colorIndices;
    for (int i = 0; i < shown.size(); ++i) {
        if (shown[i].hasKld) {
            m_drawn.append(shown[i]);
            colorIndices.append(i);
        }
    }
    if (m_drawn.isEmpty())
        return false;

    double highest = 0;
    for (int i = 0; i < m_drawn.size(); ++i) {
        const auto& kld = m_drawn[i].kld;
        const double key = i + 1;
        const QColor color = seriesColor(colorIndices[i]);
        QColor fill = color;
        fill.setAlphaF(0.6f);
        auto* box = new QCPStatisticalBox(plot()->xAxis, plot()->yAxis);
        box->setName(m_drawn[i].type);
        box->setWidth(kBoxWidth);
        box->setPen(QPen(color, 1.5));
        box->setBrush(fill);
        box->setWhiskerPen(QPen(textColor(), 1, Qt::DashLine));
        box->setWhiskerBarPen(QPen(textColor(), 1.5));
        box->setMedianPen(QPen(textColor(), 2.5));
        box->addData(key, kld.p01, kld.p10, kld.median, kld.p90, kld.p99);
        m_boxes.append(box);
        ticker->addTick(key, m_drawn[i].type);
        highest = std::max({highest, kld.p99, kld.mean});
    }
    m_means = plot()->addGraph();
    m_means->setName(tr("Mean"));
    m_means->setLineStyle(QCPGraph::lsNone);
    m_means->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, textColor(), textColor(), 9));
    for (int i = 0; i < m_drawn.size(); ++i)
        m_means->addData(i + 1, m_drawn[i].kld.mean);

    plot()->xAxis->setTicker(ticker);
    plot()->xAxis->setRange(0.4, m_drawn.size() + 0.6);
    // KL-divergence is never negative; starting at 0 keeps the levels comparable.
    plot()->yAxis->setRange(0, highest > 0 ? highest * 1.1 : 1);
    plot()->xAxis->setLabel(tr("Quantization (bits per weight, descending)"));
    plot()->yAxis->setLabel(tr("KL-divergence from the reference on \"%1\" (nats)").arg(textName()));
    return true;
}

services::KldSummary KldChart::plottedKld(const QString& type) const {
    for (int i = 0; i < m_drawn.size(); ++i) {
        if (m_drawn[i].type != type)
            continue;
        services::KldSummary summary = m_drawn[i].kld;
        const auto& boxData = *m_boxes[i]->data();
        if (!boxData.isEmpty()) {
            const QCPStatisticalBoxData& box = *boxData.constBegin();
            summary.p01 = box.minimum;
            summary.p10 = box.lowerQuartile;
            summary.median = box.median;
            summary.p90 = box.upperQuartile;
            summary.p99 = box.maximum;
        }
        for (auto it = m_means->data()->constBegin(); it != m_means->data()->constEnd(); ++it) {
            if (it->key == i + 1)
                summary.mean = it->value;
        }
        return summary;
    }
    return {};
}

QStringList KldChart::plottedTypes() const {
    QStringList types;
    for (const QCPStatisticalBox* box : m_boxes)
        types.append(box->name());
    return types;
}

QStringList KldChart::csvHeader() const {
    return {QStringLiteral("type"), QStringLiteral("text"), QStringLiteral("kld_mean"), QStringLiteral("kld_mean_stderr"),
            QStringLiteral("kld_min"), QStringLiteral("kld_p01"), QStringLiteral("kld_p05"), QStringLiteral("kld_p10"),
            QStringLiteral("kld_median"), QStringLiteral("kld_p90"), QStringLiteral("kld_p95"), QStringLiteral("kld_p99"),
            QStringLiteral("kld_max"), QStringLiteral("top1"), QStringLiteral("top1_stderr")};
}

QList<QStringList> KldChart::csvRows() const {
    QList<QStringList> rows;
    for (const auto& result : m_drawn) {
        const auto& k = result.kld;
        rows.append({result.type, result.textName, number(k.mean), number(k.meanStderr), number(k.min), number(k.p01),
                     number(k.p05), number(k.p10), number(k.median), number(k.p90), number(k.p95), number(k.p99),
                     number(k.max), number(k.top1), number(k.top1Stderr)});
    }
    return rows;
}

QString KldChart::hoverText(const QPointF& pixel) const {
    if (isShowingEmptyState() || !plot()->axisRect()->rect().contains(pixel.toPoint()))
        return {};
    const double key = plot()->xAxis->pixelToCoord(pixel.x());
    const int index = static_cast<int>(std::lround(key)) - 1;
    if (index < 0 || index >= m_drawn.size() || std::abs(key - (index + 1)) > kBoxWidth / 2)
        return {};
    const auto& result = m_drawn[index];
    const auto& k = result.kld;
    return tr("%1: KLD mean %2 ± %3, median %4, p10–p90 %5–%6, p99 %7\nSame top token: %8%")
        .arg(result.type, QString::number(k.mean, 'f', 4), QString::number(k.meanStderr, 'f', 4),
             QString::number(k.median, 'f', 4), QString::number(k.p10, 'f', 4), QString::number(k.p90, 'f', 4),
             QString::number(k.p99, 'f', 4), QString::number(k.top1 * 100, 'f', 1));
}

} // namespace quanta::ui
