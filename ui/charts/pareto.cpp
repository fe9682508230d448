// SPDX-License-Identifier: MIT
#include "charts/pareto.h"

#include <algorithm>

namespace quanta::ui {

QList<int> paretoFrontIndices(const QList<QPointF>& points) {
    // Quadratic, on purpose: a chart holds a dozen quantization levels, and the plain definition
    // is easier to trust than a sweep with its tie rules.
    QList<int> front;
    for (int i = 0; i < points.size(); ++i) {
        const QPointF& candidate = points[i];
        const bool dominated = std::any_of(points.begin(), points.end(), [&](const QPointF& other) {
            return other.x() <= candidate.x() && other.y() <= candidate.y() &&
                   (other.x() < candidate.x() || other.y() < candidate.y());
        });
        if (!dominated)
            front.append(i);
    }
    std::sort(front.begin(), front.end(), [&](int a, int b) {
        if (points[a].x() != points[b].x())
            return points[a].x() < points[b].x();
        if (points[a].y() != points[b].y())
            return points[a].y() < points[b].y();
        return a < b;
    });
    return front;
}

} // namespace quanta::ui
