// SPDX-License-Identifier: MIT
// CompareColumn with hand-made results (no engine): statistics line, the highlight from the
// first divergent token on (its character offset computed from the pieces, its background set on
// exactly that range), identical answers, a variant that stops early, and the state labels.
#include "compare/compare_column.h"

#include <QLabel>
#include <QTextBrowser>
#include <QTextCursor>
#include <QtTest>

using namespace quanta::services;
using namespace quanta::ui;

namespace {

CompareColumnResult result(const QList<int>& tokens, const QStringList& pieces) {
    CompareColumnResult r;
    r.modelPath = QStringLiteral("/models/tiny-Q4_0.gguf");
    r.type = QStringLiteral("Q4_0");
    r.tokens = tokens;
    r.pieces = pieces;
    r.text = pieces.join(QString());
    r.tokensPerSecond = 123.4;
    r.firstTokenMs = 56.0;
    r.memoryBytes = 3 * 1024 * 1024;
    r.stopReason = QStringLiteral("length");
    return r;
}

bool highlightedAt(const CompareColumn& column, int position) {
    auto* text = column.findChild<QTextBrowser*>(QStringLiteral("compareText1"));
    QTextCursor cursor(text->document());
    cursor.setPosition(position + 1); // the format of the character before the cursor
    return cursor.charFormat().background().style() != Qt::NoBrush;
}

} // namespace

class TestCompareColumn : public QObject {
    Q_OBJECT

private slots:
    void statsLineAndStates() {
        CompareColumn column(1, QStringLiteral("Q4_0 — tiny-Q4_0.gguf"));
        auto* status = column.findChild<QLabel*>(QStringLiteral("compareStatus1"));
        QCOMPARE(status->text(), QStringLiteral("waiting"));
        column.setState(CompareColumn::State::Running);
        QVERIFY(status->text().contains(QStringLiteral("running")));
        column.appendText(QStringLiteral("The sky "));
        column.appendText(QStringLiteral("is blue."));
        QCOMPARE(column.text(), QStringLiteral("The sky is blue."));
        column.finish(result({1, 2, 3}, {QStringLiteral("The sky "), QStringLiteral("is "), QStringLiteral("blue.")}));
        QCOMPARE(status->text(), QStringLiteral("done"));
        QVERIFY2(column.stats().contains(QStringLiteral("tokens/s")), qPrintable(column.stats()));
        QVERIFY(column.stats().contains(QStringLiteral("first token 56 ms")));
        QVERIFY(column.stats().contains(QStringLiteral("3.00 MiB memory")));
        QCOMPARE(column.highlightedFrom(), -1);
        column.fail(QStringLiteral("broken"));
        QCOMPARE(status->text(), QStringLiteral("failed"));
        QCOMPARE(column.stats(), QStringLiteral("broken"));
    }

    void highlightsFromTheFirstDivergentToken() {
        const CompareColumnResult reference =
            result({10, 11, 12, 13}, {QStringLiteral("ab"), QStringLiteral("\ncd"), QStringLiteral("ef"), QStringLiteral("gh")});
        CompareColumn column(1, QStringLiteral("Q4_0 — tiny-Q4_0.gguf"));
        column.finish(result({10, 11, 99, 98}, {QStringLiteral("ab"), QStringLiteral("\ncd"), QStringLiteral("XY"), QStringLiteral("Z")}));
        column.compareWith(reference);
        QCOMPARE(column.highlightedFrom(), 5); // "ab" + "\ncd"
        QVERIFY2(column.stats().contains(QStringLiteral("departs at token 3")), qPrintable(column.stats()));
        QVERIFY(!highlightedAt(column, 4));
        QVERIFY(highlightedAt(column, 5));
        QVERIFY(highlightedAt(column, 7));
    }

    void identicalAnswersAreSaidToBeTheSame() {
        const CompareColumnResult reference = result({1, 2}, {QStringLiteral("a"), QStringLiteral("b")});
        CompareColumn column(1, QStringLiteral("F16 — tiny.gguf"));
        column.finish(reference);
        column.compareWith(reference);
        QVERIFY(column.stats().contains(QStringLiteral("same as the first column")));
        QCOMPARE(column.highlightedFrom(), -1);
        QVERIFY(!highlightedAt(column, 0));
    }

    void aVariantThatEndsEarlyDepartsAtItsEnd() {
        const CompareColumnResult reference = result({1, 2, 3}, {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
        CompareColumn column(1, QStringLiteral("Q4_0 — tiny-Q4_0.gguf"));
        column.finish(result({1, 2}, {QStringLiteral("a"), QStringLiteral("b")}));
        column.compareWith(reference);
        QVERIFY(column.stats().contains(QStringLiteral("departs at token 3")));
        QCOMPARE(column.highlightedFrom(), 2); // the end of its text: nothing left to colour
    }

    void aCancelledColumnIsStopped() {
        CompareColumn column(0, QStringLiteral("F16 — tiny.gguf"));
        CompareColumnResult r = result({1}, {QStringLiteral("a")});
        r.stopReason = QStringLiteral("cancelled");
        column.finish(r);
        QCOMPARE(column.findChild<QLabel*>(QStringLiteral("compareStatus0"))->text(), QStringLiteral("stopped"));
    }
};

QTEST_MAIN(TestCompareColumn)
#include "test_compare_column.moc"
