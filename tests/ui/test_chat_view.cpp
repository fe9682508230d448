// SPDX-License-Identifier: MIT
// ChatView on the offscreen platform, driven like a user would: typing into the composer, the
// per-message buttons, and the calls the main window makes while a reply streams in.
#include "chat/chat_view.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>
#include <QToolButton>

using quanta::ui::ChatEntry;
using quanta::ui::ChatView;

namespace {

ChatEntry entry(ChatEntry::Role role, const QString& text) {
    ChatEntry result;
    result.role = role;
    result.text = text;
    return result;
}

QList<QWidget*> messages(const ChatView& view) {
    return view.findChildren<QWidget*>(QStringLiteral("message"));
}

QWidget* messageOf(QWidget* child) {
    while (child && child->objectName() != QStringLiteral("message"))
        child = child->parentWidget();
    return child;
}

QPlainTextEdit* composer(const ChatView& view) {
    return view.findChild<QPlainTextEdit*>(QStringLiteral("composer"));
}

QList<QToolButton*> buttons(const ChatView& view, const QString& name) {
    return view.findChildren<QToolButton*>(name);
}

} // namespace

class TestChatView : public QObject {
    Q_OBJECT
private slots:
    void enterSendsAndClears();
    void shiftEnterInsertsNewline();
    void blankTextIsNotSent();
    void streamedReplyRendersMarkdownAndStats();
    void markdownStructureAndCodeBlocks();
    void stopButtonOnlyWhileBusy();
    void regenerateOnlyOnLastReply();
    void editResendsLastUserMessage();
    void copyPutsRawTextOnClipboard();
    void failedReplyShowsError();
    void removingAndReplacingEntries();
    void manySmallChunks();
    void streamedTextAppearsWithoutFinishing();
    void followsTheBottomUntilScrolledUp();
    void disabledComposerShowsReason();
    void systemPromptIsShownMuted();
};

void TestChatView::enterSendsAndClears() {
    ChatView view;
    QSignalSpy sent(&view, &ChatView::sendRequested);
    QTest::keyClicks(composer(view), QStringLiteral("hello"));
    QTest::keyClick(composer(view), Qt::Key_Return);
    QCOMPARE(sent.count(), 1);
    QCOMPARE(sent.at(0).at(0).toString(), QStringLiteral("hello"));
    QCOMPARE(view.composerText(), QString());

    // The Send button does the same, with the text trimmed.
    view.setComposerText(QStringLiteral("  again \n"));
    auto* send = view.findChild<QPushButton*>(QStringLiteral("sendButton"));
    QVERIFY(send->isEnabled());
    send->click();
    QCOMPARE(sent.count(), 2);
    QCOMPARE(sent.at(1).at(0).toString(), QStringLiteral("again"));
}

void TestChatView::shiftEnterInsertsNewline() {
    ChatView view;
    QSignalSpy sent(&view, &ChatView::sendRequested);
    QTest::keyClicks(composer(view), QStringLiteral("a"));
    QTest::keyClick(composer(view), Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(composer(view), QStringLiteral("b"));
    QCOMPARE(sent.count(), 0);
    QCOMPARE(view.composerText(), QStringLiteral("a\nb"));
    QTest::keyClick(composer(view), Qt::Key_Enter, Qt::KeypadModifier);
    QCOMPARE(sent.count(), 1);
    QCOMPARE(sent.at(0).at(0).toString(), QStringLiteral("a\nb"));
}

void TestChatView::blankTextIsNotSent() {
    ChatView view;
    QSignalSpy sent(&view, &ChatView::sendRequested);
    auto* send = view.findChild<QPushButton*>(QStringLiteral("sendButton"));
    QTest::keyClick(composer(view), Qt::Key_Return);
    QVERIFY(!send->isEnabled());
    QTest::keyClicks(composer(view), QStringLiteral("   "));
    QTest::keyClick(composer(view), Qt::Key_Return);
    QVERIFY(!send->isEnabled());
    send->click();
    QCOMPARE(sent.count(), 0);
    QCOMPARE(view.composerText(), QStringLiteral("   "));
}

void TestChatView::streamedReplyRendersMarkdownAndStats() {
    ChatView view;
    view.addUserMessage(QStringLiteral("Say hello"));
    view.beginReply();
    QVERIFY(view.isBusy());
    QCOMPARE(messages(view).last()->property("renderedText").toString(), QStringLiteral("…"));
    view.appendReplyText(QStringLiteral("Hel"));
    view.appendReplyText(QStringLiteral("lo **world**"));
    view.finishReply(12.34, 85, QStringLiteral("eos"));
    QVERIFY(!view.isBusy());

    const QList<ChatEntry> entries = view.entries();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.last().role, ChatEntry::Role::Assistant);
    QCOMPARE(entries.last().text, QStringLiteral("Hello **world**"));
    QCOMPARE(entries.last().tokensPerSecond, 12.34);
    QCOMPARE(entries.last().stopReason, QStringLiteral("eos"));

    QWidget* reply = messages(view).last();
    QCOMPARE(reply->property("role").toString(), QStringLiteral("assistant"));
    QCOMPARE(reply->property("renderedText").toString(), QStringLiteral("Hello world"));
    auto* stats = reply->findChild<QLabel*>(QStringLiteral("statsLabel"));
    QCOMPARE(stats->text(), QStringLiteral("12.3 tokens/s · first token 85 ms"));
    QVERIFY(stats->isVisibleTo(&view));
    QCOMPARE(messages(view).first()->property("role").toString(), QStringLiteral("user"));
    QCOMPARE(messages(view).first()->property("renderedText").toString(), QStringLiteral("Say hello"));

    // A cancelled reply says so; unknown stats hide the line.
    view.beginReply();
    view.appendReplyText(QStringLiteral("Partial"));
    view.finishReply(7.06, 120.4, QStringLiteral("cancelled"));
    stats = messages(view).last()->findChild<QLabel*>(QStringLiteral("statsLabel"));
    QCOMPARE(stats->text(), QStringLiteral("7.1 tokens/s · first token 120 ms · stopped"));
    view.beginReply();
    view.finishReply(0, -1, QString());
    stats = messages(view).last()->findChild<QLabel*>(QStringLiteral("statsLabel"));
    QVERIFY(!stats->isVisibleTo(&view));
}

void TestChatView::markdownStructureAndCodeBlocks() {
    ChatView view;
    const QString markdown = QStringLiteral("# Title\n\n- one *two*\n- [link](https://example.com)\n\n"
                                            "```cpp\nint x = 1;\n```\n");
    view.setEntries({entry(ChatEntry::Role::Assistant, markdown)});
    QWidget* reply = messages(view).last();
    const QString rendered = reply->property("renderedText").toString();
    QVERIFY2(!rendered.contains(QLatin1Char('#')) && !rendered.contains(QLatin1Char('*')) &&
                 !rendered.contains(QStringLiteral("```")) && !rendered.contains(QStringLiteral("](")),
             qPrintable(rendered));
    QVERIFY(rendered.contains(QStringLiteral("Title")));
    QVERIFY(rendered.contains(QStringLiteral("int x = 1;")));

    const QTextDocument* document = reply->findChild<QTextBrowser*>(QStringLiteral("messageText"))->document();
    bool sawHeading = false, sawList = false, sawLink = false, sawCode = false;
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        sawHeading |= block.blockFormat().headingLevel() == 1 && block.text() == QStringLiteral("Title");
        sawList |= block.textList() != nullptr;
        for (auto it = block.begin(); !it.atEnd(); ++it)
            sawLink |= it.fragment().charFormat().anchorHref() == QStringLiteral("https://example.com");
        if (block.text() == QStringLiteral("int x = 1;")) {
            sawCode = true;
            const QTextCharFormat chars = block.begin().fragment().charFormat();
            QVERIFY(chars.fontFixedPitch());
            QVERIFY(block.blockFormat().background().style() != Qt::NoBrush);
        }
    }
    QVERIFY(sawHeading);
    QVERIFY(sawList);
    QVERIFY(sawLink);
    QVERIFY(sawCode);
}

void TestChatView::stopButtonOnlyWhileBusy() {
    ChatView view;
    view.show();
    auto* stop = view.findChild<QPushButton*>(QStringLiteral("stopButton"));
    QSignalSpy stopped(&view, &ChatView::stopRequested);
    QSignalSpy sent(&view, &ChatView::sendRequested);
    QVERIFY(!stop->isVisible());
    view.addUserMessage(QStringLiteral("hi"));
    view.beginReply();
    QVERIFY(stop->isVisible());

    // Typing ahead is allowed while busy, sending is not.
    QTest::keyClicks(composer(view), QStringLiteral("next"));
    QTest::keyClick(composer(view), Qt::Key_Return);
    QCOMPARE(sent.count(), 0);
    QCOMPARE(view.composerText(), QStringLiteral("next"));
    QVERIFY(!view.findChild<QPushButton*>(QStringLiteral("sendButton"))->isEnabled());

    stop->click();
    QCOMPARE(stopped.count(), 1);
    view.finishReply(1, 1, QStringLiteral("cancelled"));
    QVERIFY(!stop->isVisible());
    QTest::keyClick(composer(view), Qt::Key_Return);
    QCOMPARE(sent.count(), 1);
}

void TestChatView::regenerateOnlyOnLastReply() {
    ChatView view;
    view.setEntries(
        {entry(ChatEntry::Role::User, QStringLiteral("q1")), entry(ChatEntry::Role::Assistant, QStringLiteral("a1")),
         entry(ChatEntry::Role::User, QStringLiteral("q2")), entry(ChatEntry::Role::Assistant, QStringLiteral("a2"))});
    const QList<QWidget*> shown = messages(view);
    QCOMPARE(shown.size(), 4);
    QCOMPARE(buttons(view, QStringLiteral("copyButton")).size(), 4);
    QList<QToolButton*> regenerate = buttons(view, QStringLiteral("regenerateButton"));
    QCOMPARE(regenerate.size(), 1);
    QCOMPARE(messageOf(regenerate.first()), shown.at(3));
    QList<QToolButton*> edit = buttons(view, QStringLiteral("editButton"));
    QCOMPARE(edit.size(), 1);
    QCOMPARE(messageOf(edit.first()), shown.at(2));

    QSignalSpy regenerated(&view, &ChatView::regenerateRequested);
    // The main window answers Regenerate by dropping the reply, from inside the click.
    connect(&view, &ChatView::regenerateRequested, &view, [&view] {
        view.removeLastReply();
        view.beginReply();
    });
    regenerate.first()->click();
    QCOMPARE(regenerated.count(), 1);
    QCOMPARE(view.entries().size(), 4);
    QVERIFY(view.entries().last().text.isEmpty());

    // While busy every action is hidden.
    for (const QString& name :
         {QStringLiteral("copyButton"), QStringLiteral("editButton"), QStringLiteral("regenerateButton")})
        for (QToolButton* button : buttons(view, name))
            QVERIFY2(!button->isVisibleTo(&view), qPrintable(name));
    view.finishReply(1, 1, QStringLiteral("eos"));
    QVERIFY(buttons(view, QStringLiteral("regenerateButton")).first()->isVisibleTo(&view));
    QVERIFY(buttons(view, QStringLiteral("editButton")).first()->isVisibleTo(&view));
}

void TestChatView::editResendsLastUserMessage() {
    ChatView view;
    view.setEntries({entry(ChatEntry::Role::User, QStringLiteral("first")),
                     entry(ChatEntry::Role::Assistant, QStringLiteral("r1")),
                     entry(ChatEntry::Role::User, QStringLiteral("second")),
                     entry(ChatEntry::Role::Assistant, QStringLiteral("r2"))});
    view.setComposerText(QStringLiteral("draft"));
    QSignalSpy sent(&view, &ChatView::sendRequested);
    QSignalSpy resent(&view, &ChatView::editResendRequested);
    auto* editBar = view.findChild<QWidget*>(QStringLiteral("editBar"));
    QVERIFY(!editBar->isVisibleTo(&view));

    // Cancel brings the draft back.
    buttons(view, QStringLiteral("editButton")).first()->click();
    QVERIFY(view.isEditing());
    QVERIFY(editBar->isVisibleTo(&view));
    QCOMPARE(view.composerText(), QStringLiteral("second"));
    view.findChild<QToolButton*>(QStringLiteral("cancelEditButton"))->click();
    QVERIFY(!view.isEditing());
    QCOMPARE(view.composerText(), QStringLiteral("draft"));

    buttons(view, QStringLiteral("editButton")).first()->click();
    QCOMPARE(view.composerText(), QStringLiteral("second"));
    QTest::keyClicks(composer(view), QStringLiteral(" (edited)"));
    QTest::keyClick(composer(view), Qt::Key_Return);
    QCOMPARE(sent.count(), 0);
    QCOMPARE(resent.count(), 1);
    QCOMPARE(resent.at(0).at(0).toString(), QStringLiteral("second (edited)"));
    QVERIFY(!view.isEditing());
    QVERIFY(!editBar->isVisibleTo(&view));
    QCOMPARE(view.composerText(), QString());

    // What the main window does next.
    view.removeLastExchange();
    view.addUserMessage(QStringLiteral("second (edited)"));
    QCOMPARE(view.entries().size(), 3);
    QCOMPARE(view.entries().last().text, QStringLiteral("second (edited)"));
    QCOMPARE(messageOf(buttons(view, QStringLiteral("editButton")).first()), messages(view).last());
    QVERIFY(buttons(view, QStringLiteral("regenerateButton")).isEmpty());
}

void TestChatView::copyPutsRawTextOnClipboard() {
    ChatView view;
    const QString raw = QStringLiteral("Some **bold** and `code`");
    view.setEntries({entry(ChatEntry::Role::User, QStringLiteral("question")), entry(ChatEntry::Role::Assistant, raw)});
    QToolButton* copy = messages(view).last()->findChild<QToolButton*>(QStringLiteral("copyButton"));
    copy->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), raw);
    messages(view).first()->findChild<QToolButton*>(QStringLiteral("copyButton"))->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("question"));
}

void TestChatView::failedReplyShowsError() {
    ChatView view;
    view.addUserMessage(QStringLiteral("hi"));
    view.beginReply();
    view.appendReplyText(QStringLiteral("Half"));
    view.failReply(QStringLiteral("Out of memory"));
    QVERIFY(!view.isBusy());
    QCOMPARE(view.entries().last().error, QStringLiteral("Out of memory"));
    QCOMPARE(view.entries().last().text, QStringLiteral("Half"));
    auto* error = messages(view).last()->findChild<QLabel*>(QStringLiteral("errorLabel"));
    QCOMPARE(error->text(), QStringLiteral("Out of memory"));
    QVERIFY(error->isVisibleTo(&view));
    QVERIFY(!messages(view).last()->findChild<QLabel*>(QStringLiteral("statsLabel"))->isVisibleTo(&view));

    // A failure with no reply begun still gets a bubble.
    view.failReply(QStringLiteral("No model"));
    QCOMPARE(view.entries().size(), 3);
    QCOMPARE(view.entries().last().error, QStringLiteral("No model"));
}

void TestChatView::removingAndReplacingEntries() {
    ChatView view;
    view.setEntries({entry(ChatEntry::Role::System, QStringLiteral("Be brief.")),
                     entry(ChatEntry::Role::User, QStringLiteral("q1")),
                     entry(ChatEntry::Role::Assistant, QStringLiteral("a1"))});
    QCOMPARE(view.entries().size(), 3);
    view.removeLastReply();
    QCOMPARE(view.entries().size(), 2);
    QCOMPARE(view.entries().last().text, QStringLiteral("q1"));
    view.removeLastReply(); // the last message is not a reply: nothing to drop
    QCOMPARE(view.entries().size(), 2);

    view.beginReply();
    view.appendReplyText(QStringLiteral("a1'"));
    view.removeLastExchange();
    QVERIFY(!view.isBusy());
    QCOMPARE(view.entries().size(), 1);
    QCOMPARE(view.entries().first().role, ChatEntry::Role::System);
    QCOMPARE(messages(view).size(), 1);

    view.beginReply();
    view.setEntries({entry(ChatEntry::Role::User, QStringLiteral("other"))});
    QVERIFY(!view.isBusy());
    QCOMPARE(view.entries().size(), 1);
    QCOMPARE(view.entries().first().text, QStringLiteral("other"));
    QCOMPARE(messages(view).size(), 1);
    view.setEntries({});
    QVERIFY(view.entries().isEmpty());
    QVERIFY(messages(view).isEmpty());
    QVERIFY(view.findChild<QScrollArea*>(QStringLiteral("messageList")));
}

void TestChatView::manySmallChunks() {
    ChatView view;
    view.addUserMessage(QStringLiteral("Count"));
    view.beginReply();
    QString expected;
    for (int i = 0; i < 2000; ++i) {
        const QString word = QStringLiteral("w%1 ").arg(i);
        expected += word;
        view.appendReplyText(word);
    }
    view.finishReply(50, 10, QStringLiteral("length"));
    QCOMPARE(view.entries().last().text, expected);
    QCOMPARE(messages(view).last()->property("renderedText").toString(), expected.trimmed());
}

void TestChatView::streamedTextAppearsWithoutFinishing() {
    ChatView view;
    view.beginReply();
    view.appendReplyText(QStringLiteral("Partial *reply*"));
    QWidget* reply = messages(view).last();
    // Rendering is coalesced on a short timer, not done per chunk.
    QCOMPARE(reply->property("renderedText").toString(), QStringLiteral("…"));
    QTRY_COMPARE(reply->property("renderedText").toString(), QStringLiteral("Partial reply"));
    QVERIFY(view.isBusy());
}

void TestChatView::followsTheBottomUntilScrolledUp() {
    ChatView view;
    view.resize(500, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QScrollBar* scrollBar = view.findChild<QScrollArea*>(QStringLiteral("messageList"))->verticalScrollBar();
    for (int i = 0; i < 20; ++i)
        view.addUserMessage(QStringLiteral("message %1").arg(i));
    view.beginReply();
    QTRY_VERIFY(scrollBar->maximum() > 0);
    QTRY_COMPARE(scrollBar->value(), scrollBar->maximum());

    view.appendReplyText(QStringLiteral("line\n\n").repeated(20));
    const int oldMaximum = scrollBar->maximum();
    QTRY_VERIFY(scrollBar->maximum() > oldMaximum);
    QTRY_COMPARE(scrollBar->value(), scrollBar->maximum());

    scrollBar->setValue(0); // the user scrolls up to read
    view.appendReplyText(QStringLiteral("more\n\n").repeated(20));
    const int maximumBefore = scrollBar->maximum();
    QTRY_VERIFY(scrollBar->maximum() > maximumBefore);
    QCOMPARE(scrollBar->value(), 0);
    view.finishReply(1, 1, QStringLiteral("eos"));
}

void TestChatView::disabledComposerShowsReason() {
    ChatView view;
    QSignalSpy sent(&view, &ChatView::sendRequested);
    view.setComposerText(QStringLiteral("hello"));
    view.setComposerEnabled(false, QStringLiteral("Open a model to chat"));
    QVERIFY(!composer(view)->isEnabled());
    QCOMPARE(composer(view)->placeholderText(), QStringLiteral("Open a model to chat"));
    QVERIFY(!view.findChild<QPushButton*>(QStringLiteral("sendButton"))->isEnabled());
    view.setComposerEnabled(true, QString());
    QVERIFY(composer(view)->placeholderText().contains(QStringLiteral("Enter")));
    QVERIFY(view.findChild<QPushButton*>(QStringLiteral("sendButton"))->isEnabled());
    QCOMPARE(sent.count(), 0);
}

void TestChatView::systemPromptIsShownMuted() {
    ChatView view;
    view.setEntries({entry(ChatEntry::Role::System, QStringLiteral("You are *helpful*.")),
                     entry(ChatEntry::Role::User, QStringLiteral("**not markdown**"))});
    QCOMPARE(messages(view).first()->property("role").toString(), QStringLiteral("system"));
    QCOMPARE(messages(view).first()->property("renderedText").toString(), QStringLiteral("You are *helpful*."));
    // User text is shown as typed, never as Markdown.
    QCOMPARE(messages(view).last()->property("renderedText").toString(), QStringLiteral("**not markdown**"));
    QVERIFY(buttons(view, QStringLiteral("regenerateButton")).isEmpty());
}

QTEST_MAIN(TestChatView)
#include "test_chat_view.moc"
