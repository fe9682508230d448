// SPDX-License-Identifier: MIT
// StoreWorker: the conversation database (quanta/conversation_store.h) behind the desktop app, on
// its own thread, so that a slow disk or a lock held by the CLI never freezes the window. The GUI
// never touches the store: it invokes the worker's slots queued and listens to its signals, which
// Qt delivers on the GUI thread. Every result arrives as a signal; every failure as
// failed(operation, message) with a message for people, never as a crash.
//
//   auto* store = new StoreWorker;               // no parent: it moves to the thread
//   store->moveToThread(&thread);
//   connect(&thread, &QThread::finished, store, &QObject::deleteLater);
//   thread.start();
//   QMetaObject::invokeMethod(store, [=] { store->open(StoreWorker::defaultDatabasePath()); });
//   QMetaObject::invokeMethod(store, [=] { store->listConversations(); });
//
// The values below are copies (Qt types, UTF-16 text) so that they cross threads in queued
// signals; the constructor registers them with the meta-type system.
//
// Thread-safety: the static members from any thread; every other member only on the worker's
// thread (through invokeMethod or queued connections).
#pragma once

#include "quanta/conversation_store.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <optional>

namespace quanta::services {

/// One row of the conversation list (not soft-deleted ones).
struct ConversationRow {
    qint64 id = 0;
    QString title;
    QDateTime updated;
    qint64 messageCount = 0;
};

/// A message as stored. `hasStats` says whether the generation statistics (assistant replies) are
/// meaningful; appendMessage stores them only then.
struct StoredMessage {
    qint64 id = 0;          ///< 0 for a message not stored yet
    QString role;           ///< "system", "user" or "assistant"
    QString content;
    qint64 tokenCount = 0;
    double tokensPerSecond = 0;
    double firstTokenMs = 0;
    QString modelFile;
    QString modelType;
    bool hasStats = false;
};

/// What the window needs to show and continue a conversation.
struct ConversationInfo {
    qint64 id = 0;          ///< 0 in a draft for createConversation
    QString title;
    QString modelFile;
    QString modelType;
    QString memoryStrategy; ///< "" = the app's default
    QString systemPrompt;
};

/// One full-text search hit, with its conversation's title.
struct SearchRow {
    qint64 conversationId = 0;
    qint64 messageId = 0;
    QString title;
    QString snippet;        ///< about 80 characters around the match, "…" where cut
    int matchStart = 0;     ///< the match in `snippet`, in QString (UTF-16) units
    int matchLength = 0;
};

class StoreWorker : public QObject {
    Q_OBJECT
public:
    /// Titles made from the first user message are at most this long ("…" included).
    static constexpr qsizetype kAutoTitleLength = 48;

    explicit StoreWorker(QObject* parent = nullptr);
    ~StoreWorker() override;

    /// $XDG_DATA_HOME/quanta/quanta.db (GenericDataLocation): the file quanta-cli uses too.
    static QString defaultDatabasePath();
    /// The title a conversation gets from its first user message: its first non-empty line,
    /// trimmed, cut to kAutoTitleLength characters with "…" at the end when longer.
    static QString titleFromMessage(const QString& text);

public slots:
    /// Opens (or creates, with its folder) the database, closing the one open before.
    /// Emits opened(path) or failed("open", ...).
    void open(const QString& dbPath);
    /// Emits conversationsListed.
    void listConversations();
    /// Emits conversationCreated(id), then conversationsListed.
    void createConversation(const quanta::services::ConversationInfo& draft);
    /// Emits conversationLoaded with the messages in order and the memory state ("" and 0 when
    /// none was stored).
    void loadConversation(qint64 id);
    /// Emits messageAppended, then conversationsListed (the conversation moves to the top). The
    /// first user message of an untitled conversation also gives it its title (titleFromMessage).
    void appendMessage(qint64 conversationId, const quanta::services::StoredMessage& message);
    /// Drops message `firstMessageId` and every later one (Regenerate, Edit-and-resend).
    /// Emits messagesDeleted(conversationId, count), then conversationsListed.
    void deleteMessagesFrom(qint64 conversationId, qint64 firstMessageId);
    /// Emits conversationsListed.
    void renameConversation(qint64 id, const QString& title);
    /// Soft delete (undoable). Emits conversationDeleted(id, title), then conversationsListed.
    void deleteConversation(qint64 id);
    /// Emits conversationsListed.
    void undeleteConversation(qint64 id);
    /// Emits searchFinished(query, hits) with each hit's conversation title filled in.
    void search(const QString& query);
    /// Stores the memory strategy's running summary. Emits nothing unless it fails.
    void setMemoryState(qint64 conversationId, const QString& summary, qint64 covered);

signals:
    void opened(const QString& dbPath);
    /// `operation` names the slot for code ("open", "list", "create", "load", "append",
    /// "deleteMessages", "rename", "delete", "undelete", "search", "setMemoryState");
    /// `message` is translated, for people.
    void failed(const QString& operation, const QString& message);
    void conversationsListed(const QList<quanta::services::ConversationRow>& conversations);
    void conversationCreated(qint64 id);
    void conversationLoaded(const quanta::services::ConversationInfo& info,
                            const QList<quanta::services::StoredMessage>& messages, const QString& summary,
                            qint64 summaryCovered);
    void messageAppended(qint64 conversationId, qint64 messageId);
    void messagesDeleted(qint64 conversationId, qint64 count);
    void conversationDeleted(qint64 id, const QString& title);
    void searchFinished(const QString& query, const QList<quanta::services::SearchRow>& hits);

private:
    /// The open store, or nullptr after emitting failed(operation, "not open").
    ConversationStore* storeFor(const QString& operation);
    void fail(const QString& operation, const QString& what, const Error& error);

    std::optional<ConversationStore> m_store;
};

} // namespace quanta::services

Q_DECLARE_METATYPE(quanta::services::ConversationRow)
Q_DECLARE_METATYPE(quanta::services::StoredMessage)
Q_DECLARE_METATYPE(quanta::services::ConversationInfo)
Q_DECLARE_METATYPE(quanta::services::SearchRow)
