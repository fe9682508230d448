// SPDX-License-Identifier: MIT
#include "charts/evaluation_chart.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QFileDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QSaveFile>
#include <QStackedLayout>
#include <QToolTip>

#include <algorithm>
#include <array>
#include <set>

namespace quanta::ui {

namespace {

// An exported image should be readable on a slide even when the tab is small on screen.
constexpr int kMinExportWidth = 800;
constexpr int kMinExportHeight = 500;

QString csvField(const QString& field) {
    if (!field.contains(QLatin1Char(',')) && !field.contains(QLatin1Char('"')) && !field.contains(QLatin1Char('\n')))
        return field;
    QString quoted = field;
    quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return QStringLiteral("\"%1\"").arg(quoted);
}

void styleAxis(QCPAxis* axis, const QColor& text, const QColor& grid) {
    axis->setBasePen(QPen(text));
    axis->setTickPen(QPen(text));
    axis->setSubTickPen(QPen(text));
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
    axis->grid()->setZeroLinePen(Qt::NoPen);
}

} // namespace

EvaluationChart::EvaluationChart(QWidget* parent) : QWidget(parent) {
    m_emptyLabel = new QLabel;
    m_emptyLabel->setObjectName(QStringLiteral("emptyState"));
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setText(noMeasurementsText());

    m_plot = new QCustomPlot;
    m_plot->setObjectName(QStringLiteral("plot"));
    // Hover tooltips need move events without a pressed button.
    m_plot->setMouseTracking(true);
    m_plot->setContextMenuPolicy(Qt::CustomContextMenu);
    m_plot->setNoAntialiasingOnDrag(true);
    connect(m_plot, &QCustomPlot::mouseMove, this, &EvaluationChart::onMouseMove);
    connect(m_plot, &QWidget::customContextMenuRequested, this, &EvaluationChart::showContextMenu);

    m_stack = new QStackedLayout(this);
    m_stack->setContentsMargins(0, 0, 0, 0);
    m_stack->addWidget(m_emptyLabel);
    m_stack->addWidget(m_plot);
    m_stack->setCurrentWidget(m_emptyLabel);
    applyPalette();
}

EvaluationChart::~EvaluationChart() = default;

QString EvaluationChart::noMeasurementsText() {
    return tr("No measurements yet — quantize a model in the Quantize view with 'Measure quality' ticked.");
}

QColor EvaluationChart::seriesColor(int index) {
    static const std::array<QColor, 7> okabeIto = {
        QColor(0x00, 0x72, 0xB2), // blue
        QColor(0xE6, 0x9F, 0x00), // orange
        QColor(0x00, 0x9E, 0x73), // bluish green
        QColor(0xCC, 0x79, 0xA7), // reddish purple
        QColor(0x56, 0xB4, 0xE9), // sky blue
        QColor(0xD5, 0x5E, 0x00), // vermillion
        QColor(0xF0, 0xE4, 0x42), // yellow
    };
    const auto size = static_cast<int>(okabeIto.size());
    return okabeIto[static_cast<size_t>(((index % size) + size) % size)];
}

QStringList EvaluationChart::textNamesOf(const QList<services::EvaluationResult>& results) {
    std::set<QString> names;
    for (const auto& result : results)
        names.insert(result.textName);
    return QStringList(names.begin(), names.end());
}

void EvaluationChart::setResults(const QList<services::EvaluationResult>& results) {
    m_results = results;
    refresh();
}

void EvaluationChart::setTextName(const QString& textName) {
    m_requestedTextName = textName;
    refresh();
}

void EvaluationChart::refresh() {
    const QStringList names = textNamesOf(m_results);
    m_shownTextName = names.contains(m_requestedTextName) ? m_requestedTextName : names.value(0);
    m_shown.clear();
    for (const auto& result : m_results) {
        if (result.textName == m_shownTextName)
            m_shown.append(result);
    }
    std::stable_sort(m_shown.begin(), m_shown.end(), [](const auto& a, const auto& b) {
        if (a.bitsPerWeight != b.bitsPerWeight)
            return a.bitsPerWeight > b.bitsPerWeight;
        return a.type < b.type;
    });

    forgetPlot();
    m_plot->clearItems();
    m_plot->clearPlottables();
    m_plot->legend->setVisible(false);
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_plot->xAxis->setLabel(QString());
    m_plot->yAxis->setLabel(QString());
    if (m_shown.isEmpty()) {
        showEmptyState(noMeasurementsText());
        m_plot->replot();
        return;
    }
    if (!rebuild()) {
        showEmptyState(nothingToDrawText());
        m_plot->replot();
        return;
    }
    applyPalette();
    m_stack->setCurrentWidget(m_plot);
    m_plot->replot();
}

void EvaluationChart::showEmptyState(const QString& text) {
    m_emptyLabel->setText(text);
    m_stack->setCurrentWidget(m_emptyLabel);
}

bool EvaluationChart::isShowingEmptyState() const { return m_stack->currentWidget() == m_emptyLabel; }

QString EvaluationChart::emptyStateText() const { return isShowingEmptyState() ? m_emptyLabel->text() : QString(); }

QColor EvaluationChart::textColor() const { return palette().color(QPalette::WindowText); }

QColor EvaluationChart::gridColor() const {
    QColor grid = textColor();
    grid.setAlphaF(0.25f);
    return grid;
}

QString EvaluationChart::number(double value) { return QString::number(value, 'g', 12); }

void EvaluationChart::applyPalette() {
    const QColor text = textColor();
    const QColor grid = gridColor();
    m_plot->setBackground(palette().brush(QPalette::Base));
    m_plot->axisRect()->setBackground(palette().brush(QPalette::Base));
    for (QCPAxis* axis : m_plot->axisRect()->axes())
        styleAxis(axis, text, grid);
    m_plot->legend->setBrush(palette().brush(QPalette::Base));
    m_plot->legend->setBorderPen(QPen(grid));
    m_plot->legend->setTextColor(text);
    for (int i = 0; i < m_plot->itemCount(); ++i) {
        if (auto* label = qobject_cast<QCPItemText*>(m_plot->item(i)))
            label->setColor(text);
    }
}

void EvaluationChart::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        applyPalette();
        m_plot->replot();
    }
}

void EvaluationChart::onMouseMove(QMouseEvent* event) {
    const QPointF position = event->position();
    const QString text = hoverText(position);
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(m_plot->mapToGlobal(position.toPoint()), text, m_plot);
}

QString EvaluationChart::csvText() const {
    QStringList lines;
    auto joined = [](const QStringList& fields) {
        QStringList escaped;
        for (const QString& field : fields)
            escaped.append(csvField(field));
        return escaped.join(QLatin1Char(','));
    };
    lines.append(joined(csvHeader()));
    for (const QStringList& row : csvRows())
        lines.append(joined(row));
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

bool EvaluationChart::exportCsv(const QString& path, QString* error) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(csvText().toUtf8()) < 0 || !file.commit()) {
        if (error)
            *error = tr("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool EvaluationChart::exportPng(const QString& path, QString* error) {
    const int width = std::max(m_plot->width(), kMinExportWidth);
    const int height = std::max(m_plot->height(), kMinExportHeight);
    // toPixmap renders with the raster engine, so this works without a GPU or a visible window.
    const QPixmap pixmap = m_plot->toPixmap(width, height);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !pixmap.save(&file, "PNG") || !file.commit()) {
        if (error)
            *error = tr("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void EvaluationChart::showContextMenu(const QPoint& position) {
    QMenu menu(this);
    QAction* png = menu.addAction(tr("Export PNG…"));
    QAction* csv = menu.addAction(tr("Export CSV…"));
    QAction* chosen = menu.exec(m_plot->mapToGlobal(position));
    if (!chosen)
        return;
    const bool asPng = chosen == png;
    const QString path = asPng ? QFileDialog::getSaveFileName(this, tr("Export PNG"), QString(), tr("PNG images (*.png)"))
                               : QFileDialog::getSaveFileName(this, tr("Export CSV"), QString(), tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    const bool written = asPng ? exportPng(path, &error) : exportCsv(path, &error);
    if (!written)
        QMessageBox::warning(this, chosen == csv ? tr("Export CSV") : tr("Export PNG"), error);
}

} // namespace quanta::ui
