// SPDX-License-Identifier: MIT
// The size/quality trade-off as a pure function: which (bits per weight, perplexity) points are
// worth having, because no other point is at least as small and at least as good. Used by the
// Pareto chart; no Qt widgets, so it is tested on hand-made points.
//
// Thread-safety: a pure function, reentrant.
#pragma once

#include <QList>
#include <QPointF>

namespace quanta::ui {

/// Indices of the points on the Pareto front when both coordinates are "lower is better"
/// (x = bits per weight, y = perplexity). A point is dropped when another point dominates it:
/// x and y both <= its own, and at least one strictly lower. Identical points do not dominate
/// each other, so duplicates on the front are all kept. Sorted by x ascending (then y, then index),
/// which is the order in which the front is drawn as a step line.
QList<int> paretoFrontIndices(const QList<QPointF>& points);

} // namespace quanta::ui
