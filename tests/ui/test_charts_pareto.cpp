// SPDX-License-Identifier: MIT
// paretoFrontIndices on hand-made points: the general case, ties on one axis, duplicates, a single
// point and none.
#include "charts/pareto.h"

#include <QTest>

using quanta::ui::paretoFrontIndices;

class TestChartsPareto : public QObject {
    Q_OBJECT
private slots:
    void noPoints() { QVERIFY(paretoFrontIndices({}).isEmpty()); }
    void singlePoint() { QCOMPARE(paretoFrontIndices({QPointF(4, 10)}), QList<int>({0})); }

    void dominatedPointsAreDropped() {
        // F16, Q8_0, Q5_0, Q4_K_M, NF4: Q5_0 is bigger and worse than Q4_K_M.
        const QList<QPointF> points{{16, 10.0}, {8.5, 10.05}, {5.5, 10.7}, {4.9, 10.6}, {4.13, 10.9}};
        QCOMPARE(paretoFrontIndices(points), QList<int>({4, 3, 1, 0}));
    }

    void tiesOnOneAxisKeepTheBetterPoint() {
        // Same size, worse perplexity: dominated. Same perplexity, bigger: dominated.
        QCOMPARE(paretoFrontIndices({{4, 11}, {4, 10}}), QList<int>({1}));
        QCOMPARE(paretoFrontIndices({{5, 10}, {4, 10}}), QList<int>({1}));
    }

    void duplicatesAreAllKept() {
        QCOMPARE(paretoFrontIndices({{8, 9}, {4, 10}, {4, 10}}), QList<int>({1, 2, 0}));
        QCOMPARE(paretoFrontIndices({{4, 10}, {4, 10}, {5, 11}}), QList<int>({0, 1}));
    }

    void sortedBySizeAscending() {
        QCOMPARE(paretoFrontIndices({{3, 12}, {1, 14}, {2, 13}, {2.5, 13.5}}), QList<int>({1, 2, 0}));
    }
};

QTEST_GUILESS_MAIN(TestChartsPareto)
#include "test_charts_pareto.moc"
