// SPDX-License-Identifier: MIT
// ChatController: the conversation flow of the main window. It connects the chat view and the
// sidebar (GUI thread) with the EngineWorker and the StoreWorker (each on its own thread) and owns
// the one piece of state they share: the open conversation as the GUI knows it.
//
//   user sends       -> create the conversation if new -> store the message -> engine replies
//   textChunk        -> chat view          replyFinished -> chat view + store (with its stats)
//   Regenerate       -> delete the last reply in the store -> engine replies again
//   Edit and resend  -> delete the last user message and its reply -> send the new text
//   sidebar          -> load / rename / delete (with undo) / search through the store
//
// The store runs requests in the order they are made (one thread, queued calls), so the ids of
// appended messages come back in the order the messages were sent and are matched by position.
// A reply keeps going to the conversation it was started for: switching conversations stops it
// and the stopped reply is saved there.
//
// Thread rules: GUI thread only. The workers are only called through queued invocations.
#pragma once

#include "app_settings.h"
#include "chat/chat_entry.h"
#include "store_worker.h"

#include <QObject>
#include <QPointer>
#include <QQueue>

namespace quanta::services {
class EngineWorker;
}

namespace quanta::ui {

class ChatView;
class ConversationSidebar;

class ChatController : public QObject {
    Q_OBJECT
public:
    ChatController(ChatView* view, ConversationSidebar* sidebar, services::EngineWorker* engine,
                   services::StoreWorker* store, const services::AppSettings* settings, QObject* parent = nullptr);

    /// The model replies come from (recorded with each conversation and reply); "" : none.
    void setModel(const QString& path, const QString& type);
    void setModelReady(bool ready);
    /// Starts an empty conversation (created in the store with the first message).
    void newConversation();
    void openConversation(qint64 id);
    /// As if the user typed `text` and pressed Enter (ignored while replying or without a model).
    void sendMessage(const QString& text) { send(text); }
    qint64 currentConversation() const { return m_conversationId; }
    bool isReplying() const { return m_replying; }

signals:
    /// A message for the window's error banner.
    void errorOccurred(const QString& message);
    /// Status-bar text ("3 earlier messages were left out to fit the context").
    void statusMessage(const QString& message);
    /// A reply has ended (finished, stopped or failed) and was handed to the store.
    void replyEnded();

private:
    struct LocalMessage {
        qint64 id = 0; ///< 0 until the store says
        services::StoredMessage stored;
    };

    void send(const QString& text);
    void editAndResend(const QString& text);
    void regenerate();
    void startReply();
    void appendToStore(qint64 conversationId, const services::StoredMessage& message);
    void onConversationCreated(qint64 id);
    void onConversationLoaded(const services::ConversationInfo& info, const QList<services::StoredMessage>& messages,
                              const QString& summary, qint64 covered);
    void onReplyFinished(const QString& reply, double tokensPerSecond, double firstTokenMs, const QString& stopReason);
    void onReplyFailed(const QString& message);
    void onStoreFailed(const QString& operation, const QString& message);
    void onMessageAppended(qint64 conversationId, qint64 messageId);
    void updateComposer();
    void forgetSummaryBeyondHistory();

    ChatView* m_view;
    ConversationSidebar* m_sidebar;
    services::EngineWorker* m_engine;
    services::StoreWorker* m_store;
    const services::AppSettings* m_settings;

    QString m_modelPath;
    QString m_modelType;
    bool m_modelReady = false;

    qint64 m_conversationId = 0;         ///< 0: new, not in the store yet
    quint64 m_viewGeneration = 0;        ///< +1 each time another conversation is shown
    bool m_creating = false;             ///< createConversation asked, id not back yet
    quint64 m_creatingGeneration = 0;    ///< the view it was asked from
    QString m_memoryStrategy;            ///< of the open conversation
    QString m_systemPrompt;              ///< of the open conversation
    QString m_summary;                   ///< memory state of the open conversation
    qint64 m_summaryCovered = 0;
    QList<LocalMessage> m_messages;      ///< the open conversation, in order
    QQueue<QPair<qint64, int>> m_awaitingIds; ///< (conversation, index in m_messages) per append, FIFO
    QList<services::StoredMessage> m_pendingForNew; ///< sent before the new conversation had an id

    bool m_replying = false;
    qint64 m_replyConversation = 0;      ///< where the running reply is saved
    int m_replyIndex = -1;               ///< its slot in m_messages when still the open conversation
    qint64 m_loadingConversation = 0;    ///< only the newest openConversation is shown
};

} // namespace quanta::ui
