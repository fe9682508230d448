// SPDX-License-Identifier: MIT
// CompareView with a real CompareRunner on its own QThread and a tiny synthetic model (F16) and
// its Q8_0 quantization: pickers grouped by family, a run driven through the widgets (typed
// prompt, Run button) that fills one column per variant with text and statistics, the identical
// pair reported as such, the GUI's event loop never stalling while the engine works (a 5 ms timer
// must keep ticking: no gap over 50 ms), and Stop ending the run with the rest skipped.
#include "qt_test_util.h"
#include "compare/compare_view.h"

#include "quanta/quantize.h"
#include "quanta/synth_model.h"

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest>

using namespace quanta;
using namespace quanta::services;
using namespace quanta::ui;

class TestCompareView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        SynthModelSpec spec;
        m_f16 = m_dir.filePath(QStringLiteral("tiny-F16.gguf"));
        QCOMPARE(quanta::test::writeF16Model(m_f16, spec), QString());
        m_q8 = m_dir.filePath(QStringLiteral("tiny-Q8_0.gguf"));
        QCOMPARE(quanta::test::quantizeFile(m_f16, m_q8, "Q8_0"), QString());

        // Other weights and an output matrix of its own: a tied synthetic model, greedy, only
        // repeats the prompt's last token, whatever its seed, so it would agree with m_f16.
        SynthModelSpec other = spec;
        other.seed = 7;
        other.tied_output = false;
        m_other = m_dir.filePath(QStringLiteral("other-F16.gguf"));
        QCOMPARE(quanta::test::writeF16Model(m_other, other), QString());

        m_runner = new CompareRunner;
        m_runner->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_runner, &QObject::deleteLater);
        m_thread.start();
    }

    void cleanupTestCase() {
        m_runner->stop();
        m_thread.quit();
        m_thread.wait();
    }

    void pickersListEveryVariantByFamily() {
        CompareView view(m_runner);
        view.setModelFiles({m_q8, m_f16});
        auto* first = view.findChild<QComboBox*>(QStringLiteral("variant0"));
        auto* second = view.findChild<QComboBox*>(QStringLiteral("variant1"));
        auto* third = view.findChild<QComboBox*>(QStringLiteral("variant2"));
        auto* fourth = view.findChild<QComboBox*>(QStringLiteral("variant3"));
        QVERIFY(first && second && third && fourth);
        QCOMPARE(first->count(), 2);
        QCOMPARE(third->count(), 3); // "(none)" first
        QCOMPARE(third->currentText(), QStringLiteral("(none)"));
        QCOMPARE(fourth->currentData().toString(), QString());
        QVERIFY(first->currentText().startsWith(QStringLiteral("tiny — ")));
        QVERIFY(first->currentData().toString() != second->currentData().toString());
        QVERIFY(view.findChild<QCheckBox*>(QStringLiteral("compareGreedy"))->isChecked());
        // Nothing to run without a prompt.
        QVERIFY(!view.findChild<QPushButton*>(QStringLiteral("compareRun"))->isEnabled());
        QCOMPARE(view.columnCount(), 0);
    }

    void theSameVariantTwiceGivesTheSameAnswerWithoutStallingTheGui() {
        CompareView view(m_runner);
        view.setModelFiles({m_f16, m_q8});
        view.setMaxTokens(1500); // long enough for the heartbeat to see the engine at work
        view.setContextLength(2048);
        view.setThreads(2);
        select(view, 0, m_f16);
        select(view, 1, m_f16);
        view.show();
        QTest::keyClicks(view.findChild<QPlainTextEdit*>(QStringLiteral("comparePrompt")),
                         QStringLiteral("Why is the sky blue?"));

        quanta::test::Heartbeat heartbeat;

        QSignalSpy finished(&view, &CompareView::comparisonFinished);
        auto* run = view.findChild<QPushButton*>(QStringLiteral("compareRun"));
        QVERIFY(run->isEnabled());
        QTest::mouseClick(run, Qt::LeftButton);
        QVERIFY(view.isRunning());
        QVERIFY(!run->isEnabled());
        QVERIFY(finished.wait(60000));
        heartbeat.stop();
        const qint64 longest_gap = heartbeat.longestGap();
        QVERIFY(!view.isRunning());

        QCOMPARE(view.columnCount(), 2);
        for (int i = 0; i < 2; ++i) {
            QVERIFY(!view.columnText(i).isEmpty());
            QVERIFY2(view.columnStats(i).contains(QStringLiteral("tokens/s")), qPrintable(view.columnStats(i)));
            QVERIFY(view.columnStats(i).contains(QStringLiteral("memory")));
        }
        QCOMPARE(view.columnText(1), view.columnText(0));
        QVERIFY2(view.columnStats(1).contains(QStringLiteral("same as the first column")), qPrintable(view.columnStats(1)));
        QCOMPARE(view.highlightedFrom(1), -1);
        QCOMPARE(view.findChild<QLabel*>(QStringLiteral("compareStatus0"))->text(), QStringLiteral("done"));
        qInfo("longest GUI gap %lld ms", static_cast<long long>(longest_gap));
        QVERIFY2(longest_gap < 50, qPrintable(QStringLiteral("GUI stalled %1 ms").arg(longest_gap)));
    }

    void aQuantizedVariantIsComparedWithTheFirstColumn() {
        CompareView view(m_runner);
        view.setModelFiles({m_f16, m_q8});
        view.setMaxTokens(64);
        view.setContextLength(512);
        view.setThreads(2);
        select(view, 0, m_f16);
        select(view, 1, m_q8);
        view.findChild<QPlainTextEdit*>(QStringLiteral("comparePrompt"))->setPlainText(QStringLiteral("Hello"));
        QSignalSpy finished(&view, &CompareView::comparisonFinished);
        view.runComparison();
        QVERIFY(finished.wait(60000));
        QCOMPARE(view.columnCount(), 2);
        const QString stats = view.columnStats(1);
        if (stats.contains(QStringLiteral("departs at token"))) {
            QVERIFY(view.highlightedFrom(1) >= 0);
            QVERIFY(view.highlightedFrom(1) <= view.columnText(1).size());
        } else {
            QVERIFY2(stats.contains(QStringLiteral("same as the first column")), qPrintable(stats));
            QCOMPARE(view.highlightedFrom(1), -1);
        }
        qInfo("Q8_0 column: %s", qPrintable(stats));
    }

    void aDifferentModelIsHighlightedWhereItDeparts() {
        CompareView view(m_runner);
        view.setModelFiles({m_f16, m_q8, m_other});
        view.setMaxTokens(32);
        view.setContextLength(512);
        view.setThreads(2);
        select(view, 0, m_f16);
        select(view, 1, m_other);
        view.findChild<QPlainTextEdit*>(QStringLiteral("comparePrompt"))->setPlainText(QStringLiteral("Hello"));
        QSignalSpy finished(&view, &CompareView::comparisonFinished);
        view.runComparison();
        QVERIFY(finished.wait(60000));
        QVERIFY2(view.columnStats(1).contains(QStringLiteral("departs at token")), qPrintable(view.columnStats(1)));
        QVERIFY(view.highlightedFrom(1) >= 0);
        QVERIFY(view.highlightedFrom(1) <= view.columnText(1).size());
        QVERIFY(!view.columnStats(0).contains(QStringLiteral("departs")));
    }

    void stopEndsTheRun() {
        CompareView view(m_runner);
        view.setModelFiles({m_f16, m_q8});
        view.setMaxTokens(4000);
        view.setContextLength(4096);
        view.setThreads(2);
        select(view, 0, m_f16);
        select(view, 1, m_q8);
        select(view, 2, m_q8);
        view.findChild<QPlainTextEdit*>(QStringLiteral("comparePrompt"))->setPlainText(QStringLiteral("Tell me a story."));
        QSignalSpy finished(&view, &CompareView::comparisonFinished);
        // Stop as soon as the first column shows text (polling could miss a fast column).
        auto* stop = view.findChild<QPushButton*>(QStringLiteral("compareStop"));
        bool stopWasEnabled = false;
        connect(m_runner, &CompareRunner::columnText, this, [&] {
            stopWasEnabled = stop->isEnabled();
            QTest::mouseClick(stop, Qt::LeftButton);
        }, Qt::SingleShotConnection);
        QTest::mouseClick(view.findChild<QPushButton*>(QStringLiteral("compareRun")), Qt::LeftButton);
        QCOMPARE(view.columnCount(), 3);
        QVERIFY(finished.wait(60000));
        QVERIFY(stopWasEnabled);
        QVERIFY(!view.columnText(0).isEmpty());
        QVERIFY(!view.isRunning());
        QCOMPARE(view.findChild<QLabel*>(QStringLiteral("compareStatus0"))->text(), QStringLiteral("stopped"));
        QCOMPARE(view.findChild<QLabel*>(QStringLiteral("compareStatus1"))->text(), QStringLiteral("skipped"));
        QCOMPARE(view.findChild<QLabel*>(QStringLiteral("compareStatus2"))->text(), QStringLiteral("skipped"));
        QVERIFY(view.findChild<QPushButton*>(QStringLiteral("compareRun"))->isEnabled());
    }

private:
    static void select(CompareView& view, int picker, const QString& path) {
        auto* combo = view.findChild<QComboBox*>(QStringLiteral("variant%1").arg(picker));
        QVERIFY(combo);
        const int index = combo->findData(path);
        QVERIFY(index >= 0);
        combo->setCurrentIndex(index);
    }

    QTemporaryDir m_dir;
    QString m_f16;
    QString m_q8;
    QString m_other;
    QThread m_thread;
    CompareRunner* m_runner = nullptr; // lives on m_thread; deleted when it finishes
};

QTEST_MAIN(TestCompareView)
#include "test_compare_view.moc"
