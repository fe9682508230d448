// SPDX-License-Identifier: MIT
#include "chat_controller.h"

#include "chat/chat_view.h"
#include "engine_worker.h"
#include "sidebar/conversation_sidebar.h"

#include "quanta/memory.h"

#include <QFileInfo>
#include <QRandomGenerator>

namespace quanta::ui {

using services::StoredMessage;

namespace {

ChatEntry toEntry(const StoredMessage& m) {
    ChatEntry e;
    e.role = m.role == QLatin1String("assistant") ? ChatEntry::Role::Assistant
             : m.role == QLatin1String("system")  ? ChatEntry::Role::System
                                                  : ChatEntry::Role::User;
    e.text = m.content;
    if (m.hasStats) {
        e.tokensPerSecond = m.tokensPerSecond;
        e.firstTokenMs = m.firstTokenMs;
    }
    return e;
}

StoredMessage userMessage(const QString& text) {
    StoredMessage m;
    m.role = QStringLiteral("user");
    m.content = text;
    return m;
}

} // namespace

ChatController::ChatController(ChatView* view, ConversationSidebar* sidebar, services::EngineWorker* engine,
                               services::StoreWorker* store, const services::AppSettings* settings, QObject* parent)
    : QObject(parent), m_view(view), m_sidebar(sidebar), m_engine(engine), m_store(store), m_settings(settings) {
    using services::EngineWorker;
    using services::StoreWorker;
    connect(m_view, &ChatView::sendRequested, this, &ChatController::send);
    connect(m_view, &ChatView::editResendRequested, this, &ChatController::editAndResend);
    connect(m_view, &ChatView::regenerateRequested, this, &ChatController::regenerate);
    connect(m_view, &ChatView::stopRequested, this, [this] { m_engine->stop(); });

    connect(m_engine, &EngineWorker::textChunk, this, [this](const QString& text) {
        if (m_replying && m_replyConversation == m_conversationId && m_replyIndex >= 0)
            m_view->appendReplyText(text);
    });
    connect(m_engine, &EngineWorker::replyFinished, this, &ChatController::onReplyFinished);
    connect(m_engine, &EngineWorker::replyFailed, this, &ChatController::onReplyFailed);
    connect(m_engine, &EngineWorker::promptPlanned, this, [this](qint64 dropped, qint64 tokens, qint64 context) {
        if (dropped > 0)
            emit statusMessage(tr("Prompt: %1 of %2 tokens; %n earlier message(s) left out or summarized by the "
                                  "memory strategy.", nullptr, static_cast<int>(dropped))
                                   .arg(tokens)
                                   .arg(context));
        else
            emit statusMessage(tr("Prompt: %1 of %2 tokens.").arg(tokens).arg(context));
    });
    connect(m_engine, &EngineWorker::memoryStateChanged, this, [this](const QString& summary, qint64 covered) {
        const qint64 id = m_replyConversation;
        if (id == m_conversationId) {
            m_summary = summary;
            m_summaryCovered = covered;
        }
        if (id > 0)
            QMetaObject::invokeMethod(m_store, [s = m_store, id, summary, covered] { s->setMemoryState(id, summary, covered); });
    });

    connect(m_store, &StoreWorker::conversationCreated, this, &ChatController::onConversationCreated);
    connect(m_store, &StoreWorker::conversationLoaded, this, &ChatController::onConversationLoaded);
    connect(m_store, &StoreWorker::messageAppended, this, &ChatController::onMessageAppended);
    connect(m_store, &StoreWorker::failed, this, &ChatController::onStoreFailed);
    connect(m_store, &StoreWorker::conversationsListed, m_sidebar, &ConversationSidebar::setConversations);
    connect(m_store, &StoreWorker::searchFinished, m_sidebar, &ConversationSidebar::setSearchResults);
    connect(m_store, &StoreWorker::conversationDeleted, this, [this](qint64 id, const QString& title) {
        m_sidebar->showDeleted(id, title);
        if (id == m_conversationId)
            newConversation();
    });

    connect(m_sidebar, &ConversationSidebar::newConversationRequested, this, &ChatController::newConversation);
    connect(m_sidebar, &ConversationSidebar::conversationSelected, this, &ChatController::openConversation);
    connect(m_sidebar, &ConversationSidebar::renameRequested, this, [this](qint64 id, const QString& title) {
        QMetaObject::invokeMethod(m_store, [s = m_store, id, title] { s->renameConversation(id, title); });
    });
    connect(m_sidebar, &ConversationSidebar::deleteRequested, this, [this](qint64 id) {
        QMetaObject::invokeMethod(m_store, [s = m_store, id] { s->deleteConversation(id); });
    });
    connect(m_sidebar, &ConversationSidebar::undeleteRequested, this, [this](qint64 id) {
        QMetaObject::invokeMethod(m_store, [s = m_store, id] { s->undeleteConversation(id); });
    });
    connect(m_sidebar, &ConversationSidebar::searchRequested, this, [this](const QString& query) {
        QMetaObject::invokeMethod(m_store, [s = m_store, query] { s->search(query); });
    });
    updateComposer();
}

void ChatController::setModel(const QString& path, const QString& type) {
    m_modelPath = path;
    m_modelType = type;
}

void ChatController::setModelReady(bool ready) {
    m_modelReady = ready;
    updateComposer();
}

void ChatController::updateComposer() {
    m_view->setComposerEnabled(m_modelReady, m_modelPath.isEmpty() ? tr("Open a model to chat.")
                                                                   : tr("Loading the model…"));
}

void ChatController::newConversation() {
    if (m_replying)
        m_engine->stop();
    ++m_viewGeneration;
    m_conversationId = 0;
    m_loadingConversation = 0;
    m_messages.clear();
    m_summary.clear();
    m_summaryCovered = 0;
    m_memoryStrategy = m_settings->memory_strategy;
    m_systemPrompt = m_settings->system_prompt;
    m_view->setEntries({});
    m_sidebar->setCurrentConversation(0);
}

void ChatController::openConversation(qint64 id) {
    if (id <= 0 || id == m_conversationId)
        return;
    if (m_replying)
        m_engine->stop(); // the stopped reply is still saved to its own conversation
    ++m_viewGeneration;
    m_conversationId = id;
    m_loadingConversation = id;
    m_messages.clear();
    m_view->setEntries({});
    m_sidebar->setCurrentConversation(id);
    QMetaObject::invokeMethod(m_store, [s = m_store, id] { s->loadConversation(id); });
}

void ChatController::onConversationLoaded(const services::ConversationInfo& info,
                                          const QList<StoredMessage>& messages, const QString& summary,
                                          qint64 covered) {
    if (info.id != m_loadingConversation)
        return; // the user moved on
    m_loadingConversation = 0;
    m_memoryStrategy = info.memoryStrategy.isEmpty() ? m_settings->memory_strategy : info.memoryStrategy;
    m_systemPrompt = info.systemPrompt;
    m_summary = summary;
    m_summaryCovered = covered;
    m_messages.clear();
    QList<ChatEntry> entries;
    for (const StoredMessage& m : messages) {
        m_messages.append({m.id, m});
        entries.append(toEntry(m));
    }
    // A reply to this conversation may still be streaming (the user came back to it).
    m_view->setEntries(entries);
}

void ChatController::send(const QString& text) {
    if (m_replying || !m_modelReady || text.trimmed().isEmpty())
        return;
    const StoredMessage message = userMessage(text);
    m_messages.append({0, message});
    m_view->addUserMessage(text);
    if (m_conversationId == 0 && !m_creating) {
        services::ConversationInfo draft;
        draft.modelFile = m_modelPath;
        draft.modelType = m_modelType;
        draft.memoryStrategy = m_memoryStrategy;
        draft.systemPrompt = m_systemPrompt;
        m_creating = true;
        m_creatingGeneration = m_viewGeneration;
        m_pendingForNew.append(message);
        QMetaObject::invokeMethod(m_store, [s = m_store, draft] { s->createConversation(draft); });
    } else if (m_conversationId == 0) {
        m_pendingForNew.append(message);
    } else {
        appendToStore(m_conversationId, message);
    }
    m_awaitingIds.enqueue({m_conversationId, static_cast<int>(m_messages.size() - 1)});
    startReply();
}

void ChatController::appendToStore(qint64 conversationId, const StoredMessage& message) {
    QMetaObject::invokeMethod(m_store, [s = m_store, conversationId, message] { s->appendMessage(conversationId, message); });
}

void ChatController::onConversationCreated(qint64 id) {
    if (!m_creating)
        return;
    m_creating = false;
    if (m_creatingGeneration == m_viewGeneration) {
        m_conversationId = id;
        m_sidebar->setCurrentConversation(id);
    }
    if (m_replyConversation == 0 && m_replying)
        m_replyConversation = id;
    for (auto& awaiting : m_awaitingIds)
        if (awaiting.first == 0)
            awaiting.first = id;
    for (const StoredMessage& m : std::exchange(m_pendingForNew, {}))
        appendToStore(id, m);
}

void ChatController::onMessageAppended(qint64 conversationId, qint64 messageId) {
    if (m_awaitingIds.isEmpty())
        return;
    const auto [expected, index] = m_awaitingIds.dequeue();
    if (expected == conversationId && conversationId == m_conversationId && index < m_messages.size())
        m_messages[index].id = messageId;
}

void ChatController::startReply() {
    std::vector<ChatMessage> conversation;
    if (!m_systemPrompt.trimmed().isEmpty())
        conversation.push_back({"system", m_systemPrompt.toStdString()});
    for (const LocalMessage& m : m_messages)
        conversation.push_back({m.stored.role.toStdString(), m.stored.content.toStdString()});

    services::ReplyOptions options;
    options.sampling = m_settings->sampling;
    options.n_predict = m_settings->max_reply_tokens > 0 ? m_settings->max_reply_tokens : -1;
    if (options.sampling.seed == 0) // the setting's "random": a new draw per reply
        options.sampling.seed = QRandomGenerator::global()->generate64() | 1;
    auto strategy = parse_memory_strategy(m_memoryStrategy.toStdString());
    options.memory = strategy ? *strategy : MemoryStrategy{};
    options.memory_state = {m_summary.toStdString(), m_summaryCovered};

    m_replying = true;
    m_replyConversation = m_conversationId;
    m_replyIndex = static_cast<int>(m_messages.size());
    m_view->beginReply();
    QMetaObject::invokeMethod(m_engine, [e = m_engine, conversation, options] { e->reply(conversation, options); });
}

void ChatController::onReplyFinished(const QString& reply, double tokensPerSecond, double firstTokenMs,
                                     const QString& stopReason) {
    m_replying = false;
    StoredMessage message;
    message.role = QStringLiteral("assistant");
    message.content = reply;
    message.hasStats = true;
    message.tokensPerSecond = tokensPerSecond;
    message.firstTokenMs = firstTokenMs;
    message.modelFile = m_modelPath;
    message.modelType = m_modelType;
    const bool shown = m_replyConversation == m_conversationId && m_replyIndex >= 0;
    if (shown) {
        m_view->finishReply(tokensPerSecond, firstTokenMs, stopReason);
        m_messages.append({0, message});
    }
    if (m_replyConversation == 0) {
        m_pendingForNew.append(message);
    } else {
        appendToStore(m_replyConversation, message);
    }
    m_awaitingIds.enqueue({shown ? m_replyConversation : -1, shown ? static_cast<int>(m_messages.size() - 1) : -1});
    m_replyIndex = -1;
    emit replyEnded();
}

void ChatController::onReplyFailed(const QString& message) {
    m_replying = false;
    if (m_replyConversation == m_conversationId && m_replyIndex >= 0)
        m_view->failReply(message);
    m_replyIndex = -1;
    emit errorOccurred(message);
    emit replyEnded();
}

void ChatController::regenerate() {
    if (m_replying || !m_modelReady || m_messages.isEmpty() ||
        m_messages.last().stored.role != QLatin1String("assistant"))
        return;
    const qint64 id = m_messages.last().id;
    if (id <= 0 || m_conversationId <= 0) {
        emit statusMessage(tr("The last reply is still being saved; try again in a moment."));
        return;
    }
    m_messages.removeLast();
    forgetSummaryBeyondHistory();
    m_view->removeLastReply();
    QMetaObject::invokeMethod(m_store, [s = m_store, c = m_conversationId, id] { s->deleteMessagesFrom(c, id); });
    startReply();
}

void ChatController::editAndResend(const QString& text) {
    if (m_replying || !m_modelReady)
        return;
    int lastUser = -1;
    for (int i = static_cast<int>(m_messages.size()) - 1; i >= 0; --i)
        if (m_messages[i].stored.role == QLatin1String("user")) {
            lastUser = i;
            break;
        }
    if (lastUser < 0 || m_messages[lastUser].id <= 0 || m_conversationId <= 0) {
        emit statusMessage(tr("The last message is still being saved; try again in a moment."));
        return;
    }
    const qint64 id = m_messages[lastUser].id;
    m_messages.erase(m_messages.begin() + lastUser, m_messages.end());
    forgetSummaryBeyondHistory();
    m_view->removeLastExchange();
    QMetaObject::invokeMethod(m_store, [s = m_store, c = m_conversationId, id] { s->deleteMessagesFrom(c, id); });
    send(text);
}

// The store resets a summary that covers deleted messages (delete_messages_from); so does the GUI.
void ChatController::forgetSummaryBeyondHistory() {
    if (m_summaryCovered > m_messages.size()) {
        m_summary.clear();
        m_summaryCovered = 0;
    }
}

void ChatController::onStoreFailed(const QString& operation, const QString& message) {
    Q_UNUSED(operation);
    emit errorOccurred(message);
}

} // namespace quanta::ui
