// SPDX-License-Identifier: MIT
// A horizontal stacked bar of what a model needs in memory (weights, KV cache, compute buffers,
// other) against what the device has free: the segments are drawn to scale, a marker shows the
// free memory, and the part beyond the marker is hatched when the model does not fit.
// Used by EstimatePanel. GUI thread only.
#pragma once

#include <QColor>
#include <QList>
#include <QWidget>

#include <cstdint>

namespace quanta::ui {

class MemoryBar : public QWidget {
    Q_OBJECT

public:
    struct Segment {
        uint64_t bytes = 0;
        QColor color;
    };

    explicit MemoryBar(QWidget* parent = nullptr);

    /// `freeBytes` 0: no device to compare with, so no marker and nothing over-full.
    void setSegments(const QList<Segment>& segments, uint64_t freeBytes);
    void clear();

    /// Colours of the segments in EstimatePanel's order (weights, KV, compute, other): the
    /// Okabe–Ito palette, which stays distinct for colour-blind readers and on light and dark
    /// themes.
    static QList<QColor> segmentColors();

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QList<Segment> m_segments;
    uint64_t m_free = 0;
};

} // namespace quanta::ui
