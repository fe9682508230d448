// SPDX-License-Identifier: MIT
#include "panels/memory_bar.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace quanta::ui {

MemoryBar::MemoryBar(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void MemoryBar::setSegments(const QList<Segment>& segments, uint64_t freeBytes) {
    m_segments = segments;
    m_free = freeBytes;
    update();
}

void MemoryBar::clear() {
    m_segments.clear();
    m_free = 0;
    update();
}

QList<QColor> MemoryBar::segmentColors() {
    return {QColor(0x00, 0x72, 0xB2), QColor(0xE6, 0x9F, 0x00), QColor(0x00, 0x9E, 0x73), QColor(0xCC, 0x79, 0xA7)};
}

QSize MemoryBar::sizeHint() const {
    return {400, fontMetrics().height() + 12};
}

QSize MemoryBar::minimumSizeHint() const {
    return {120, fontMetrics().height() + 12};
}

void MemoryBar::paintEvent(QPaintEvent* /*event*/) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF frame = QRectF(rect()).adjusted(1, 3, -1, -3);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.setBrush(palette().color(QPalette::Base));
    painter.drawRoundedRect(frame, 3, 3);

    uint64_t total = 0;
    for (const Segment& s : m_segments)
        total += s.bytes;
    // Scale to the larger of need and free, with room at the end so the marker stays visible.
    const double scale = static_cast<double>(std::max(total, m_free)) * 1.05;
    if (scale <= 0)
        return;
    const double width = frame.width();
    auto xOf = [&](uint64_t bytes) { return frame.left() + width * static_cast<double>(bytes) / scale; };

    QPainterPath clip;
    clip.addRoundedRect(frame, 3, 3);
    painter.setClipPath(clip);
    painter.setPen(Qt::NoPen);
    uint64_t start = 0;
    for (const Segment& s : m_segments) {
        const QRectF box(QPointF(xOf(start), frame.top()), QPointF(xOf(start + s.bytes), frame.bottom()));
        painter.setBrush(s.color);
        painter.drawRect(box);
        start += s.bytes;
    }
    if (m_free > 0 && total > m_free) {
        // What does not fit: hatched over the segments so the overflow reads at a glance.
        const QRectF overflow(QPointF(xOf(m_free), frame.top()), QPointF(xOf(total), frame.bottom()));
        painter.setBrush(QBrush(QColor(0xD5, 0x5E, 0x00), Qt::BDiagPattern));
        painter.drawRect(overflow);
        painter.setBrush(QColor(0xD5, 0x5E, 0x00, 70));
        painter.drawRect(overflow);
    }
    painter.setClipping(false);
    if (m_free > 0) {
        const double x = xOf(m_free);
        painter.setPen(QPen(palette().color(QPalette::WindowText), 2));
        painter.drawLine(QPointF(x, rect().top()), QPointF(x, rect().bottom()));
    }
}

} // namespace quanta::ui
