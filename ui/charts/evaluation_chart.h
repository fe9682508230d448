// SPDX-License-Identifier: MIT
// What the four quality charts share: the QCustomPlot they draw on, the choice of one evaluation
// text at a time, the empty state, the colours, the hover tooltip and "Export PNG…/Export CSV…".
// A subclass only says how to draw the shown results, what a CSV row is and what the nearest point
// under the mouse is called.
//
// Thread-safety: a widget; GUI thread only.
#pragma once

#include "evaluation.h"

#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>

class QCustomPlot;
class QLabel;
class QMouseEvent;
class QStackedLayout;

namespace quanta::ui {

class EvaluationChart : public QWidget {
    Q_OBJECT
public:
    explicit EvaluationChart(QWidget* parent = nullptr);
    ~EvaluationChart() override;

    /// All results, for any number of texts; the chart shows those of textName().
    void setResults(const QList<services::EvaluationResult>& results);
    QList<services::EvaluationResult> results() const { return m_results; }

    /// The evaluation text to chart ("en", "ko"). When no result has that name, the first text
    /// name in alphabetical order is shown instead, so the chart is never blank by accident.
    void setTextName(const QString& textName);
    /// The text actually shown ("" when there are no results).
    QString textName() const { return m_shownTextName; }
    /// The distinct text names of `results`, sorted.
    static QStringList textNamesOf(const QList<services::EvaluationResult>& results);

    /// The plot as an image (at least 800 x 500 pixels), written atomically. false: see `error`.
    bool exportPng(const QString& path, QString* error = nullptr);
    /// A header row, then one row per plotted value; written atomically. false: see `error`.
    bool exportCsv(const QString& path, QString* error = nullptr) const;
    /// The CSV text exportCsv writes.
    QString csvText() const;

    /// The tooltip for the mouse at `pixel` (plot widget coordinates): the nearest data point's
    /// values, or "" when nothing is close. The hover handler shows exactly this.
    QString hoverTextAt(const QPointF& pixel) const { return hoverText(pixel); }

    bool isShowingEmptyState() const;
    QString emptyStateText() const;
    /// The text shown before anything is measured.
    static QString noMeasurementsText();

    QCustomPlot* plot() const { return m_plot; }

    /// Okabe–Ito colours (distinguishable with the common colour-vision deficiencies; black left
    /// out so that dark themes keep every series visible), cycled.
    static QColor seriesColor(int index);

protected:
    /// The shown text's results, sorted by bits per weight descending, then type; series index i
    /// is drawn in seriesColor(i) in every chart, so a type keeps its colour across tabs.
    const QList<services::EvaluationResult>& shownResults() const { return m_shown; }

    /// Draw shownResults() (never empty) on a cleared plot. false: nothing to draw; the chart then
    /// shows nothingToDrawText().
    virtual bool rebuild() = 0;
    /// Drop every pointer into the plot: its plottables and items are about to be deleted.
    virtual void forgetPlot() = 0;
    virtual QString nothingToDrawText() const { return noMeasurementsText(); }
    virtual QStringList csvHeader() const = 0;
    virtual QList<QStringList> csvRows() const = 0;
    virtual QString hoverText(const QPointF& pixel) const = 0;

    /// Axis, grid, legend and text colours from the widget palette (so that dark themes read).
    QColor textColor() const;
    QColor gridColor() const;
    /// A number as the CSV and tooltips write it: shortest round-trip form, '.' decimal point.
    static QString number(double value);

    void changeEvent(QEvent* event) override;

private:
    void refresh();
    void applyPalette();
    void showEmptyState(const QString& text);
    void showContextMenu(const QPoint& position);
    void onMouseMove(QMouseEvent* event);

    QList<services::EvaluationResult> m_results;
    QList<services::EvaluationResult> m_shown;
    QString m_requestedTextName;
    QString m_shownTextName;
    QStackedLayout* m_stack = nullptr;
    QLabel* m_emptyLabel = nullptr;
    QCustomPlot* m_plot = nullptr;
};

} // namespace quanta::ui
