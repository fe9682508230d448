// SPDX-License-Identifier: MIT
#include "chat/chat_view.h"

#include "chat/composer.h"
#include "chat/message_widget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

namespace quanta::ui {

namespace {
// How close to the bottom (in pixels) still counts as "at the bottom" for auto-scrolling.
constexpr int kBottomSlack = 8;
} // namespace

ChatView::ChatView(QWidget* parent) : QWidget(parent) {
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);

    m_messageList = new QScrollArea;
    m_messageList->setObjectName(QStringLiteral("messageList"));
    m_messageList->setWidgetResizable(true);
    m_messageList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_messageList->setFrameShape(QFrame::NoFrame);
    auto* messageHost = new QWidget;
    messageHost->setBackgroundRole(QPalette::Base);
    messageHost->setAutoFillBackground(true);
    m_messageColumn = new QVBoxLayout(messageHost);
    m_messageColumn->setContentsMargins(16, 12, 16, 12);
    m_messageColumn->setSpacing(6);
    m_messageColumn->addStretch();
    m_messageList->setWidget(messageHost);
    column->addWidget(m_messageList, 1);

    // Follow the newest text only while the user is at the bottom: reading earlier messages
    // during a long reply must not be interrupted by every chunk.
    QScrollBar* scrollBar = m_messageList->verticalScrollBar();
    connect(scrollBar, &QScrollBar::rangeChanged, this, [this, scrollBar](int, int maximum) {
        if (m_followBottom)
            scrollBar->setValue(maximum);
    });
    connect(scrollBar, &QScrollBar::valueChanged, this,
            [this, scrollBar](int value) { m_followBottom = value >= scrollBar->maximum() - kBottomSlack; });

    column->addWidget(createComposerArea());
    setBusy(false);
}

QWidget* ChatView::createComposerArea() {
    auto* area = new QWidget;
    auto* column = new QVBoxLayout(area);
    column->setContentsMargins(16, 6, 16, 12);
    column->setSpacing(4);

    m_editBar = new QWidget;
    m_editBar->setObjectName(QStringLiteral("editBar"));
    auto* editRow = new QHBoxLayout(m_editBar);
    editRow->setContentsMargins(0, 0, 0, 0);
    editRow->addWidget(new QLabel(tr("Editing your last message")));
    editRow->addStretch();
    auto* cancelEdit = new QToolButton;
    cancelEdit->setObjectName(QStringLiteral("cancelEditButton"));
    cancelEdit->setText(tr("Cancel"));
    cancelEdit->setAutoRaise(true);
    connect(cancelEdit, &QToolButton::clicked, this, &ChatView::cancelEdit);
    editRow->addWidget(cancelEdit);
    m_editBar->hide();
    column->addWidget(m_editBar);

    auto* inputRow = new QHBoxLayout;
    m_composer = new Composer;
    m_defaultPlaceholder = tr("Message the model… (Enter to send, Shift+Enter for a new line)");
    m_composer->setPlaceholderText(m_defaultPlaceholder);
    connect(m_composer, &Composer::submitRequested, this, &ChatView::submit);
    connect(m_composer, &QPlainTextEdit::textChanged, this, &ChatView::updateSendButton);
    inputRow->addWidget(m_composer, 1);

    m_sendButton = new QPushButton(tr("Send"));
    m_sendButton->setObjectName(QStringLiteral("sendButton"));
    connect(m_sendButton, &QPushButton::clicked, this, &ChatView::submit);
    m_stopButton = new QPushButton(tr("Stop"));
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    m_stopButton->setToolTip(tr("Stop generating this reply"));
    connect(m_stopButton, &QPushButton::clicked, this, &ChatView::stopRequested);
    inputRow->addWidget(m_sendButton, 0, Qt::AlignBottom);
    inputRow->addWidget(m_stopButton, 0, Qt::AlignBottom);
    column->addLayout(inputRow);
    return area;
}

void ChatView::setEntries(const QList<ChatEntry>& entries) {
    while (!m_messages.isEmpty())
        removeLastMessage();
    for (const ChatEntry& entry : entries)
        addMessage(entry);
    cancelEdit();
    setBusy(false);
    scrollToBottom();
}

QList<ChatEntry> ChatView::entries() const {
    QList<ChatEntry> result;
    result.reserve(m_messages.size());
    for (const MessageWidget* message : m_messages)
        result.append(message->entry());
    return result;
}

void ChatView::addUserMessage(const QString& text) {
    ChatEntry entry;
    entry.role = ChatEntry::Role::User;
    entry.text = text;
    addMessage(entry);
    updateActions();
    scrollToBottom();
}

void ChatView::beginReply() {
    // Only one reply streams at a time; a reply left open is closed with unknown stats.
    if (MessageWidget* open = streamingReply())
        open->finishStreaming(0, -1, QString());
    ChatEntry entry;
    entry.role = ChatEntry::Role::Assistant;
    addMessage(entry)->beginStreaming();
    setBusy(true);
    scrollToBottom();
}

void ChatView::appendReplyText(const QString& chunk) {
    if (MessageWidget* reply = streamingReply())
        reply->appendText(chunk);
}

void ChatView::finishReply(double tokensPerSecond, double firstTokenMs, const QString& stopReason) {
    if (MessageWidget* reply = streamingReply())
        reply->finishStreaming(tokensPerSecond, firstTokenMs, stopReason);
    setBusy(false);
}

void ChatView::failReply(const QString& message) {
    MessageWidget* reply = streamingReply();
    if (!reply) {
        // The request failed before any reply was begun; the error still needs a place.
        ChatEntry entry;
        entry.role = ChatEntry::Role::Assistant;
        reply = addMessage(entry);
    }
    reply->fail(message);
    setBusy(false);
}

void ChatView::removeLastReply() {
    if (const MessageWidget* last = lastMessage(); last && last->role() == ChatEntry::Role::Assistant)
        removeLastMessage();
    setBusy(false);
}

void ChatView::removeLastExchange() {
    if (const MessageWidget* last = lastMessage(); last && last->role() == ChatEntry::Role::Assistant)
        removeLastMessage();
    if (const MessageWidget* last = lastMessage(); last && last->role() == ChatEntry::Role::User)
        removeLastMessage();
    setBusy(false);
}

void ChatView::setComposerEnabled(bool enabled, const QString& reasonWhenDisabled) {
    m_composerEnabled = enabled;
    m_composer->setEnabled(enabled);
    m_composer->setPlaceholderText(enabled ? m_defaultPlaceholder : reasonWhenDisabled);
    updateSendButton();
}

QString ChatView::composerText() const {
    return m_composer->toPlainText();
}

void ChatView::setComposerText(const QString& text) {
    m_composer->setPlainText(text);
    m_composer->moveCursor(QTextCursor::End);
}

MessageWidget* ChatView::addMessage(const ChatEntry& entry) {
    auto* message = new MessageWidget(entry);
    connect(message, &MessageWidget::editClicked, this, &ChatView::startEdit);
    connect(message, &MessageWidget::regenerateClicked, this, [this] {
        if (!m_busy)
            emit regenerateRequested();
    });
    // The stretch stays last so that a short conversation sits at the top of the column.
    m_messageColumn->insertWidget(m_messageColumn->count() - 1, message);
    m_messages.append(message);
    return message;
}

MessageWidget* ChatView::lastMessage() const {
    return m_messages.isEmpty() ? nullptr : m_messages.last();
}

MessageWidget* ChatView::streamingReply() const {
    MessageWidget* last = lastMessage();
    return last && last->isStreaming() ? last : nullptr;
}

void ChatView::removeLastMessage() {
    MessageWidget* message = m_messages.takeLast();
    m_messageColumn->removeWidget(message);
    // Gone from the widget tree now, freed later: its Regenerate button may be the very sender
    // whose click led here.
    message->hide();
    message->setParent(nullptr);
    message->deleteLater();
}

void ChatView::submit() {
    if (m_busy || !m_composerEnabled)
        return;
    const QString text = m_composer->toPlainText().trimmed();
    if (text.isEmpty())
        return;
    m_composer->clear();
    if (m_editing) {
        m_editing = false;
        m_draftBeforeEdit.clear();
        m_editBar->hide();
        emit editResendRequested(text);
    } else {
        emit sendRequested(text);
    }
}

void ChatView::startEdit() {
    if (m_busy)
        return;
    const MessageWidget* lastUser = nullptr;
    for (const MessageWidget* message : m_messages) {
        if (message->role() == ChatEntry::Role::User)
            lastUser = message;
    }
    if (!lastUser)
        return;
    if (!m_editing)
        m_draftBeforeEdit = composerText();
    m_editing = true;
    m_editBar->show();
    setComposerText(lastUser->entry().text);
    m_composer->setFocus();
}

void ChatView::cancelEdit() {
    if (!m_editing)
        return;
    m_editing = false;
    m_editBar->hide();
    setComposerText(m_draftBeforeEdit);
    m_draftBeforeEdit.clear();
}

void ChatView::setBusy(bool busy) {
    m_busy = busy;
    m_composer->setSendBlocked(busy);
    m_stopButton->setVisible(busy);
    updateSendButton();
    updateActions();
}

void ChatView::updateActions() {
    const MessageWidget* lastUser = nullptr;
    for (const MessageWidget* message : m_messages) {
        if (message->role() == ChatEntry::Role::User)
            lastUser = message;
    }
    const MessageWidget* last = lastMessage();
    for (MessageWidget* message : m_messages) {
        const bool canRegenerate = message == last && message->role() == ChatEntry::Role::Assistant;
        message->setActions(message == lastUser, canRegenerate, m_busy);
    }
}

void ChatView::updateSendButton() {
    m_sendButton->setEnabled(m_composerEnabled && !m_busy && !m_composer->toPlainText().trimmed().isEmpty());
}

void ChatView::scrollToBottom() {
    // The layout grows the range later; rangeChanged then moves to the new bottom.
    m_followBottom = true;
    QScrollBar* scrollBar = m_messageList->verticalScrollBar();
    scrollBar->setValue(scrollBar->maximum());
}

} // namespace quanta::ui
