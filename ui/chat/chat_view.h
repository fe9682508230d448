// SPDX-License-Identifier: MIT
// The conversation pane: a scrolling column of messages above a composer. A pure widget: it knows
// nothing about the engine or the database. The main window feeds it (setEntries, addUserMessage,
// beginReply, appendReplyText, finishReply/failReply) and acts on its signals. The view never adds
// a message on its own: after sendRequested the main window calls addUserMessage and beginReply;
// after editResendRequested it calls removeLastExchange first; after regenerateRequested,
// removeLastReply. System entries (the system prompt) are shown small and muted in the column.
#pragma once

#include "chat/chat_entry.h"

#include <QList>
#include <QWidget>

class QLabel;
class QPushButton;
class QScrollArea;
class QToolButton;
class QVBoxLayout;

namespace quanta::ui {

class Composer;
class MessageWidget;

class ChatView : public QWidget {
    Q_OBJECT
public:
    explicit ChatView(QWidget* parent = nullptr);

    /// Replaces the whole conversation (switching conversations); ends any reply and any edit.
    void setEntries(const QList<ChatEntry>& entries);
    /// The conversation as shown, including a reply still streaming (with the text so far).
    QList<ChatEntry> entries() const;

    void addUserMessage(const QString& text);
    /// Adds an empty assistant reply showing "…" and makes the view busy.
    void beginReply();
    /// Streamed text for the reply begun last; ignored when no reply is streaming.
    void appendReplyText(const QString& chunk);
    /// tokensPerSecond 0 and firstTokenMs < 0 mean unknown; ends busy.
    void finishReply(double tokensPerSecond, double firstTokenMs, const QString& stopReason);
    /// Shows message in the reply (a new reply if none is streaming); ends busy.
    void failReply(const QString& message);
    /// Drops the last message if it is an assistant reply (Regenerate); ends busy.
    void removeLastReply();
    /// Drops the last assistant reply, if last, and the user message before it (Edit); ends busy.
    void removeLastExchange();

    /// Disabled, the composer takes no input and shows reasonWhenDisabled as its placeholder.
    void setComposerEnabled(bool enabled, const QString& reasonWhenDisabled);
    bool isBusy() const { return m_busy; }
    /// True between the Edit button and sending (or cancelling) the edited message.
    bool isEditing() const { return m_editing; }

    QString composerText() const;
    void setComposerText(const QString& text);

signals:
    /// Enter or Send with non-empty text (trimmed); the composer has been cleared.
    void sendRequested(const QString& text);
    /// Like sendRequested, but the text replaces the last user message.
    void editResendRequested(const QString& text);
    void regenerateRequested();
    void stopRequested();

private:
    QWidget* createComposerArea();
    MessageWidget* addMessage(const ChatEntry& entry);
    MessageWidget* lastMessage() const;
    MessageWidget* streamingReply() const;
    void removeLastMessage();
    void submit();
    void startEdit();
    void cancelEdit();
    void setBusy(bool busy);
    void updateActions();
    void updateSendButton();
    void scrollToBottom();

    QScrollArea* m_messageList = nullptr;
    QVBoxLayout* m_messageColumn = nullptr;
    QList<MessageWidget*> m_messages; ///< in display order
    Composer* m_composer = nullptr;
    QPushButton* m_sendButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    QWidget* m_editBar = nullptr;
    QString m_draftBeforeEdit; ///< restored when an edit is cancelled
    QString m_defaultPlaceholder;
    bool m_busy = false;
    bool m_editing = false;
    bool m_composerEnabled = true;
    bool m_followBottom = true; ///< false once the user scrolls up; streaming then leaves the view alone
};

} // namespace quanta::ui
