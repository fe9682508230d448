// SPDX-License-Identifier: MIT
// The quality charts on hand-made results: what each chart plots, the Pareto front, the CSV and
// PNG exports, the hover text (and the tooltip it shows), the text selector and the empty state.
#include "charts/charts_view.h"
#include "charts/chunk_perplexity_chart.h"
#include "charts/kld_chart.h"
#include "charts/pareto_chart.h"
#include "charts/perplexity_chart.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QMouseEvent>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>

using quanta::services::EvaluationResult;
using quanta::services::KldSummary;
using namespace quanta::ui;

namespace {

EvaluationResult makeResult(const QString& type, const QString& text, double bpw, double ppl, double stderr_,
                            QList<double> chunks, std::optional<KldSummary> kld) {
    EvaluationResult r;
    r.modelPath = QStringLiteral("/models/m-%1.gguf").arg(type);
    r.type = type;
    r.textName = text;
    r.bitsPerWeight = bpw;
    r.ppl = ppl;
    r.pplStderr = stderr_;
    r.chunkPpl = std::move(chunks);
    r.tokens = 1536;
    r.hasKld = kld.has_value();
    if (kld)
        r.kld = *kld;
    return r;
}

KldSummary kldOf(double scale) {
    // mean, meanStderr, min, p01, p05, p10, median, p90, p95, p99, max, top1, top1Stderr
    return {0.02 * scale, 0.001 * scale, 0, 0.0001 * scale, 0.0005 * scale, 0.001 * scale, 0.01 * scale,
            0.05 * scale, 0.08 * scale, 0.2 * scale,  1.5 * scale,   0.97 - 0.01 * scale, 0.003};
}

// Listed out of order on purpose: the charts sort by bits per weight, descending.
QList<EvaluationResult> sampleResults() {
    return {
        makeResult(QStringLiteral("NF4"), QStringLiteral("en"), 4.13, 10.9, 0.13, {10.7, 11.1, 10.9}, kldOf(4)),
        makeResult(QStringLiteral("F16"), QStringLiteral("en"), 16.0, 10.0, 0.1, {9.8, 10.2, 10.0}, std::nullopt),
        makeResult(QStringLiteral("Q4_K_M"), QStringLiteral("en"), 4.9, 10.6, 0.11, {10.4, 10.8, 10.6}, kldOf(2)),
        makeResult(QStringLiteral("Q8_0"), QStringLiteral("en"), 8.5, 10.05, 0.1, {9.85, 10.25, 10.05}, kldOf(0.1)),
        makeResult(QStringLiteral("Q5_0"), QStringLiteral("en"), 5.5, 10.7, 0.12, {10.5, 10.9, 10.7}, kldOf(3)),
        makeResult(QStringLiteral("Q4_K_M"), QStringLiteral("ko"), 4.9, 20.0, 0.5, {19.0, 21.0}, std::nullopt),
    };
}

QStringList readLines(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

} // namespace

class TestChartsView : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void chartsHaveTheirObjectNames();
    void perplexityBarsAreSortedWithErrors();
    void paretoPointsAndFront();
    void chunkLinesPerType();
    void kldBoxesOnlyForMeasuredTypes();
    void textSelectorSwitchesAllCharts();
    void addResultReplacesSameModelAndText();
    void exportsCsv();
    void exportsPng();
    void hoverShowsTheNearestValues();
    void emptyStateWithoutResults();

private:
    ChartsView* m_view = nullptr;
};

void TestChartsView::init() {
    m_view = new ChartsView;
    m_view->resize(1000, 650);
    m_view->setResults(sampleResults());
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
}

void TestChartsView::cleanup() {
    delete m_view;
    m_view = nullptr;
}

void TestChartsView::chartsHaveTheirObjectNames() {
    QCOMPARE(m_view->findChild<PerplexityChart*>(QStringLiteral("perplexityChart")), m_view->perplexityChart());
    QCOMPARE(m_view->findChild<ParetoChart*>(QStringLiteral("paretoChart")), m_view->paretoChart());
    QCOMPARE(m_view->findChild<ChunkPerplexityChart*>(QStringLiteral("chunkChart")), m_view->chunkChart());
    QCOMPARE(m_view->findChild<KldChart*>(QStringLiteral("kldChart")), m_view->kldChart());
}

void TestChartsView::perplexityBarsAreSortedWithErrors() {
    using Pairs = QList<QPair<QString, double>>;
    QCOMPARE(m_view->textName(), QStringLiteral("en"));
    QCOMPARE(m_view->perplexityChart()->plottedPpl(), (Pairs{{QStringLiteral("F16"), 10.0},
                                                             {QStringLiteral("Q8_0"), 10.05},
                                                             {QStringLiteral("Q5_0"), 10.7},
                                                             {QStringLiteral("Q4_K_M"), 10.6},
                                                             {QStringLiteral("NF4"), 10.9}}));
    QCOMPARE(m_view->perplexityChart()->plottedErrors(), (Pairs{{QStringLiteral("F16"), 0.1},
                                                                {QStringLiteral("Q8_0"), 0.1},
                                                                {QStringLiteral("Q5_0"), 0.12},
                                                                {QStringLiteral("Q4_K_M"), 0.11},
                                                                {QStringLiteral("NF4"), 0.13}}));
    QVERIFY(!m_view->perplexityChart()->isShowingEmptyState());
}

void TestChartsView::paretoPointsAndFront() {
    ParetoChart* chart = m_view->paretoChart();
    QCOMPARE(chart->plottedPoints(), (QList<QPointF>{{16, 10.0}, {8.5, 10.05}, {5.5, 10.7}, {4.9, 10.6}, {4.13, 10.9}}));
    QCOMPARE(chart->plottedTypes(), (QStringList{QStringLiteral("F16"), QStringLiteral("Q8_0"), QStringLiteral("Q5_0"),
                                                 QStringLiteral("Q4_K_M"), QStringLiteral("NF4")}));
    // Q5_0 (5.5 bits, 10.7) is bigger and worse than Q4_K_M (4.9 bits, 10.6); the rest each win somewhere.
    QCOMPARE(chart->paretoFront(), (QList<QPointF>{{4.13, 10.9}, {4.9, 10.6}, {8.5, 10.05}, {16, 10.0}}));
}

void TestChartsView::chunkLinesPerType() {
    ChunkPerplexityChart* chart = m_view->chunkChart();
    QCOMPARE(chart->plottedChunks(QStringLiteral("F16")), (QList<double>{9.8, 10.2, 10.0}));
    QCOMPARE(chart->plottedChunks(QStringLiteral("Q4_K_M")), (QList<double>{10.4, 10.8, 10.6}));
    QCOMPARE(chart->plottedChunks(QStringLiteral("NF4")), (QList<double>{10.7, 11.1, 10.9}));
    QVERIFY(chart->plottedChunks(QStringLiteral("Q2_K")).isEmpty());
    QVERIFY(chart->plot()->legend->visible());
    QCOMPARE(chart->plot()->graphCount(), 5);
}

void TestChartsView::kldBoxesOnlyForMeasuredTypes() {
    KldChart* chart = m_view->kldChart();
    QCOMPARE(chart->plottedTypes(), (QStringList{QStringLiteral("Q8_0"), QStringLiteral("Q5_0"), QStringLiteral("Q4_K_M"),
                                                 QStringLiteral("NF4")}));
    const KldSummary expected = kldOf(2);
    const KldSummary plotted = chart->plottedKld(QStringLiteral("Q4_K_M"));
    QCOMPARE(plotted.p01, expected.p01);
    QCOMPARE(plotted.p10, expected.p10);
    QCOMPARE(plotted.median, expected.median);
    QCOMPARE(plotted.p90, expected.p90);
    QCOMPARE(plotted.p99, expected.p99);
    QCOMPARE(plotted.mean, expected.mean);
    QCOMPARE(plotted.top1, expected.top1);
    // The box itself: whiskers p01..p99, box p10..p90.
    auto* box = qobject_cast<QCPStatisticalBox*>(chart->plot()->plottable(2));
    QVERIFY(box);
    QCOMPARE(box->name(), QStringLiteral("Q4_K_M"));
    const QCPStatisticalBoxData& data = *box->data()->constBegin();
    QCOMPARE(data.key, 3.0);
    QCOMPARE(data.minimum, expected.p01);
    QCOMPARE(data.lowerQuartile, expected.p10);
    QCOMPARE(data.median, expected.median);
    QCOMPARE(data.upperQuartile, expected.p90);
    QCOMPARE(data.maximum, expected.p99);
    QCOMPARE(chart->plottedKld(QStringLiteral("F16")).mean, 0.0); // no reference measurement: not drawn
}

void TestChartsView::textSelectorSwitchesAllCharts() {
    auto* combo = m_view->findChild<QComboBox*>(QStringLiteral("chartsText"));
    QVERIFY(combo);
    QVERIFY(combo->isVisible());
    QCOMPARE(combo->count(), 2);
    combo->setCurrentIndex(combo->findData(QStringLiteral("ko")));
    QCOMPARE(m_view->textName(), QStringLiteral("ko"));
    QCOMPARE(m_view->perplexityChart()->plottedPpl(), (QList<QPair<QString, double>>{{QStringLiteral("Q4_K_M"), 20.0}}));
    QCOMPARE(m_view->chunkChart()->plottedChunks(QStringLiteral("Q4_K_M")), (QList<double>{19.0, 21.0}));
    QCOMPARE(m_view->paretoChart()->paretoFront(), (QList<QPointF>{{4.9, 20.0}}));
    // The "ko" run had no reference: the KLD tab says why it is empty.
    QVERIFY(m_view->kldChart()->isShowingEmptyState());
    QVERIFY(m_view->kldChart()->emptyStateText().contains(QStringLiteral("reference")));

    // The selection survives new results.
    m_view->addResult(makeResult(QStringLiteral("NF4"), QStringLiteral("ko"), 4.13, 21.0, 0.6, {20.0, 22.0}, std::nullopt));
    QCOMPARE(m_view->textName(), QStringLiteral("ko"));
    QCOMPARE(m_view->perplexityChart()->plottedPpl().size(), 2);
}

void TestChartsView::addResultReplacesSameModelAndText() {
    EvaluationResult better = sampleResults().first(); // NF4 / en
    better.ppl = 10.8;
    m_view->addResult(better);
    QCOMPARE(m_view->results().size(), 6);
    QCOMPARE(m_view->perplexityChart()->plottedPpl().last(), (QPair<QString, double>(QStringLiteral("NF4"), 10.8)));
    EvaluationResult other = better;
    other.modelPath = QStringLiteral("/models/other-NF4.gguf");
    m_view->addResult(other);
    QCOMPARE(m_view->results().size(), 7);
}

void TestChartsView::exportsCsv() {
    QTemporaryDir dir;
    const QString ppl = dir.filePath(QStringLiteral("ppl.csv"));
    QVERIFY(m_view->perplexityChart()->exportCsv(ppl));
    QCOMPARE(readLines(ppl), (QStringList{
                                 QStringLiteral("type,text,bits_per_weight,ppl,ppl_stderr"),
                                 QStringLiteral("F16,en,16,10,0.1"),
                                 QStringLiteral("Q8_0,en,8.5,10.05,0.1"),
                                 QStringLiteral("Q5_0,en,5.5,10.7,0.12"),
                                 QStringLiteral("Q4_K_M,en,4.9,10.6,0.11"),
                                 QStringLiteral("NF4,en,4.13,10.9,0.13"),
                             }));
    const QString pareto = dir.filePath(QStringLiteral("pareto.csv"));
    QVERIFY(m_view->paretoChart()->exportCsv(pareto));
    QCOMPARE(readLines(pareto), (QStringList{
                                    QStringLiteral("type,text,bits_per_weight,ppl,on_pareto_front"),
                                    QStringLiteral("F16,en,16,10,1"),
                                    QStringLiteral("Q8_0,en,8.5,10.05,1"),
                                    QStringLiteral("Q5_0,en,5.5,10.7,0"),
                                    QStringLiteral("Q4_K_M,en,4.9,10.6,1"),
                                    QStringLiteral("NF4,en,4.13,10.9,1"),
                                }));
    const QString chunks = dir.filePath(QStringLiteral("chunks.csv"));
    QVERIFY(m_view->chunkChart()->exportCsv(chunks));
    const QStringList chunkLines = readLines(chunks);
    QCOMPARE(chunkLines.size(), 1 + 5 * 3);
    QCOMPARE(chunkLines.first(), QStringLiteral("type,text,window,ppl"));
    QCOMPARE(chunkLines[1], QStringLiteral("F16,en,1,9.8"));
    QCOMPARE(chunkLines.last(), QStringLiteral("NF4,en,3,10.9"));
    const QString kld = dir.filePath(QStringLiteral("kld.csv"));
    QVERIFY(m_view->kldChart()->exportCsv(kld));
    const QStringList kldLines = readLines(kld);
    QCOMPARE(kldLines.size(), 1 + 4);
    QVERIFY(kldLines.first().startsWith(QStringLiteral("type,text,kld_mean,kld_mean_stderr,kld_min,kld_p01")));
    QCOMPARE(kldLines[3], QStringLiteral("Q4_K_M,en,0.04,0.002,0,0.0002,0.001,0.002,0.02,0.1,0.16,0.4,3,0.95,0.003"));

    QString error;
    QVERIFY(!m_view->perplexityChart()->exportCsv(dir.filePath(QStringLiteral("no/such/folder/x.csv")), &error));
    QVERIFY(!error.isEmpty());
}

void TestChartsView::exportsPng() {
    QTemporaryDir dir;
    for (EvaluationChart* chart : {static_cast<EvaluationChart*>(m_view->perplexityChart()),
                                   static_cast<EvaluationChart*>(m_view->paretoChart()),
                                   static_cast<EvaluationChart*>(m_view->chunkChart()),
                                   static_cast<EvaluationChart*>(m_view->kldChart())}) {
        const QString path = dir.filePath(chart->objectName() + QStringLiteral(".png"));
        QString error;
        QVERIFY2(chart->exportPng(path, &error), qPrintable(error));
        QVERIFY(QFileInfo(path).size() > 0);
        const QImage image(path);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 800 && image.height() >= 500);
    }
}

void TestChartsView::hoverShowsTheNearestValues() {
    PerplexityChart* chart = m_view->perplexityChart();
    QCustomPlot* plot = chart->plot();
    // Over the second bar (Q8_0, key 2), inside its column.
    const QPointF overBar(plot->xAxis->coordToPixel(2.1), plot->yAxis->coordToPixel(10.0));
    const QString expected = QStringLiteral("Q8_0: PPL 10.05 ± 0.10 (8.50 bits/weight)");
    QCOMPARE(chart->hoverTextAt(overBar), expected);
    // Between bars: nothing.
    QVERIFY(chart->hoverTextAt(QPointF(plot->xAxis->coordToPixel(2.5), overBar.y())).isEmpty());

    QMouseEvent move(QEvent::MouseMove, overBar, plot->mapToGlobal(overBar), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(plot, &move);
    QTRY_COMPARE(QToolTip::text(), expected);

    // Pareto: the point nearest the mouse.
    m_view->findChild<QTabWidget*>()->setCurrentWidget(m_view->paretoChart());
    ParetoChart* pareto = m_view->paretoChart();
    pareto->plot()->replot();
    const QPointF nearNf4(pareto->plot()->xAxis->coordToPixel(4.13) + 3, pareto->plot()->yAxis->coordToPixel(10.9) - 2);
    QCOMPARE(pareto->hoverTextAt(nearNf4), QStringLiteral("NF4: 4.13 bits/weight, PPL 10.90 ± 0.13\nOn the Pareto front"));
    QVERIFY(pareto->hoverTextAt(QPointF(5, 5)).isEmpty());

    m_view->findChild<QTabWidget*>()->setCurrentWidget(m_view->chunkChart());
    ChunkPerplexityChart* chunks = m_view->chunkChart();
    chunks->plot()->replot();
    const QPointF window2(chunks->plot()->xAxis->coordToPixel(2), chunks->plot()->yAxis->coordToPixel(11.1));
    QCOMPARE(chunks->hoverTextAt(window2), QStringLiteral("NF4, window 2: PPL 11.10"));

    m_view->findChild<QTabWidget*>()->setCurrentWidget(m_view->kldChart());
    KldChart* kld = m_view->kldChart();
    kld->plot()->replot();
    const QPointF box1(kld->plot()->xAxis->coordToPixel(1), kld->plot()->yAxis->coordToPixel(0.001));
    QVERIFY2(kld->hoverTextAt(box1).startsWith(QStringLiteral("Q8_0: KLD mean 0.0020 ± 0.0001")), qPrintable(kld->hoverTextAt(box1)));
}

void TestChartsView::emptyStateWithoutResults() {
    m_view->setResults({});
    const QString expected =
        QStringLiteral("No measurements yet — quantize a model in the Quantize view with 'Measure quality' ticked.");
    for (EvaluationChart* chart : {static_cast<EvaluationChart*>(m_view->perplexityChart()),
                                   static_cast<EvaluationChart*>(m_view->paretoChart()),
                                   static_cast<EvaluationChart*>(m_view->chunkChart()),
                                   static_cast<EvaluationChart*>(m_view->kldChart())}) {
        QVERIFY(chart->isShowingEmptyState());
        QCOMPARE(chart->emptyStateText(), expected);
        auto* label = chart->findChild<QLabel*>(QStringLiteral("emptyState"));
        QVERIFY(label);
        QCOMPARE(label->alignment(), Qt::AlignCenter);
    }
    QVERIFY(m_view->perplexityChart()->plottedPpl().isEmpty());
    QVERIFY(m_view->paretoChart()->plottedPoints().isEmpty());
    QVERIFY(m_view->paretoChart()->hoverTextAt(QPointF(100, 100)).isEmpty());
    QVERIFY(!m_view->findChild<QComboBox*>(QStringLiteral("chartsText"))->isVisible());
    QCOMPARE(m_view->textName(), QString());
}

QTEST_MAIN(TestChartsView)
#include "test_charts_view.moc"
