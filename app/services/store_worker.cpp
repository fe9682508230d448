// SPDX-License-Identifier: MIT
#include "store_worker.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QStandardPaths>

#include <algorithm>
#include <filesystem>

namespace quanta::services {

namespace {

QString qstring(const std::string& s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }
std::string utf8(const QString& s) { return s.toUtf8().toStdString(); }

/// The store counts snippet positions in UTF-8 bytes; QString counts UTF-16 units.
int utf16_length(const std::string& s, size_t from, size_t bytes) {
    if (from >= s.size())
        return 0;
    const std::string_view part = std::string_view(s).substr(from, bytes);
    return static_cast<int>(QString::fromUtf8(part.data(), static_cast<qsizetype>(part.size())).size());
}

ConversationRow to_row(const ConversationSummary& c) {
    return {c.id, qstring(c.title), QDateTime::fromMSecsSinceEpoch(c.updated_ms), c.message_count};
}

StoredMessage to_stored(const Message& m) {
    StoredMessage out;
    out.id = m.id;
    out.role = qstring(std::string(message_role_name(m.role)));
    out.content = qstring(m.content);
    out.tokenCount = m.token_count;
    if (m.stats) {
        out.hasStats = true;
        out.tokensPerSecond = m.stats->tokens_per_second;
        out.firstTokenMs = m.stats->time_to_first_token_ms;
        out.modelFile = qstring(m.stats->model_file);
        out.modelType = qstring(m.stats->model_type);
    }
    return out;
}

} // namespace

StoreWorker::StoreWorker(QObject* parent) : QObject(parent) {
    // Queued signals copy their arguments through the meta-type system.
    qRegisterMetaType<ConversationRow>();
    qRegisterMetaType<StoredMessage>();
    qRegisterMetaType<ConversationInfo>();
    qRegisterMetaType<SearchRow>();
    qRegisterMetaType<QList<ConversationRow>>();
    qRegisterMetaType<QList<StoredMessage>>();
    qRegisterMetaType<QList<SearchRow>>();
}

StoreWorker::~StoreWorker() = default;

QString StoreWorker::defaultDatabasePath() {
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/quanta/quanta.db");
}

QString StoreWorker::titleFromMessage(const QString& text) {
    QString line;
    for (const QString& candidate : text.split(QLatin1Char('\n'))) {
        line = candidate.trimmed();
        if (!line.isEmpty())
            break;
    }
    if (line.size() <= kAutoTitleLength)
        return line;
    qsizetype keep = kAutoTitleLength - 1; // room for the ellipsis
    if (line.at(keep - 1).isHighSurrogate()) // never split a character outside the BMP (emoji)
        --keep;
    return line.left(keep).trimmed() + QChar(0x2026);
}

void StoreWorker::fail(const QString& operation, const QString& what, const Error& error) {
    emit failed(operation, what.arg(qstring(error.message)));
}

ConversationStore* StoreWorker::storeFor(const QString& operation) {
    if (!m_store) {
        emit failed(operation, tr("The conversation database is not open."));
        return nullptr;
    }
    return &*m_store;
}

void StoreWorker::open(const QString& dbPath) {
    const QString operation = QStringLiteral("open");
    m_store.reset();
    const QString shown = QDir::toNativeSeparators(dbPath);
    if (dbPath.isEmpty()) {
        emit failed(operation, tr("Could not open the conversation database: no file was given."));
        return;
    }
    const QString folder = QFileInfo(dbPath).absolutePath();
    if (!QDir().mkpath(folder)) {
        emit failed(operation, tr("Could not open the conversation database %1: cannot create the folder %2.")
                                   .arg(shown, QDir::toNativeSeparators(folder)));
        return;
    }
    auto store = ConversationStore::open(std::filesystem::path(QFile::encodeName(dbPath).toStdString()));
    if (!store) {
        QString reason = qstring(store.error().message);
        if (store.error().code == ErrorCode::Corrupt)
            reason = tr("the file is damaged or is not a conversation database (%1)").arg(reason);
        else if (store.error().code == ErrorCode::Unsupported)
            reason = tr("the file was written by a newer version of Quanta (%1)").arg(reason);
        emit failed(operation, tr("Could not open the conversation database %1: %2").arg(shown, reason));
        return;
    }
    m_store.emplace(std::move(*store));
    emit opened(dbPath);
}

void StoreWorker::listConversations() {
    const QString operation = QStringLiteral("list");
    ConversationStore* store = storeFor(operation);
    if (store == nullptr)
        return;
    auto list = store->list_conversations();
    if (!list) {
        fail(operation, tr("Could not read the list of conversations: %1"), list.error());
        return;
    }
    QList<ConversationRow> rows;
    rows.reserve(static_cast<qsizetype>(list->size()));
    for (const ConversationSummary& c : *list)
        rows.append(to_row(c));
    emit conversationsListed(rows);
}

void StoreWorker::createConversation(const ConversationInfo& draft) {
    const QString operation = QStringLiteral("create");
    ConversationStore* store = storeFor(operation);
    if (store == nullptr)
        return;
    ConversationSettings settings;
    settings.title = utf8(draft.title);
    settings.model_file = utf8(draft.modelFile);
    settings.model_type = utf8(draft.modelType);
    settings.memory_strategy = utf8(draft.memoryStrategy);
    settings.system_prompt = utf8(draft.systemPrompt);
    auto id = store->create_conversation(settings);
    if (!id) {
        fail(operation, tr("Could not create the conversation: %1"), id.error());
        return;
    }
    emit conversationCreated(*id);
    listConversations();
}

void StoreWorker::loadConversation(qint64 id) {
    const QString operation = QStringLiteral("load");
    ConversationStore* store = storeFor(operation);
    if (store == nullptr)
        return;
    const QString what = tr("Could not load the conversation: %1");
    auto conversation = store->get_conversation(id);
    if (!conversation) {
        fail(operation, what, conversation.error());
        return;
    }
    auto messages = store->messages(id);
    if (!messages) {
        fail(operation, what, messages.error());
        return;
    }
    auto state = store->memory_state(id);
    if (!state) {
        fail(operation, what, state.error());
        return;
    }
    const ConversationSettings& s = conversation->settings;
    const ConversationInfo info{id, qstring(s.title), qstring(s.model_file), qstring(s.model_type),
                                qstring(s.memory_strategy), qstring(s.system_prompt)};
    QList<StoredMessage> stored;
    stored.reserve(static_cast<qsizetype>(messages->size()));
    for (const Message& m : *messages)
        stored.append(to_stored(m));
    const MemoryState memory = state->value_or(MemoryState{});
    emit conversationLoaded(info, stored, qstring(memory.summary), memory.covered);
}

void StoreWorker::appendMessage(qint64 conversationId, const StoredMessage& message) {
    const QString operation = QStringLiteral("append");
    ConversationStore* store = storeFor(operation);
    if (store == nullptr)
        return;
    const QString what = tr("Could not save the message: %1");
    const auto role = message_role_from_name(utf8(message.role));
    if (!role) {
        emit failed(operation, what.arg(tr("unknown role \"%1\"").arg(message.role)));
        return;
    }
    NewMessage m;
    m.role = *role;
    m.content = utf8(message.content);
    m.token_count = message.tokenCount;
    if (message.hasStats)
        m.stats = GenerationStats{message.tokensPerSecond, message.firstTokenMs, utf8(message.modelFile),
                                  utf8(message.modelType)};

    // Whether this is the first user message of an untitled conversation, asked before appending.
    bool needs_title = false;
    if (*role == MessageRole::User) {
        auto conversation = store->get_conversation(conversationId);
        if (conversation && conversation->settings.title.empty()) {
            auto earlier = store->messages(conversationId);
            needs_title = earlier && std::none_of(earlier->begin(), earlier->end(), [](const Message& e) {
                              return e.role == MessageRole::User;
                          });
        }
    }

    auto id = store->append_message(conversationId, m);
    if (!id) {
        fail(operation, what, id.error());
        return;
    }
    if (needs_title) {
        const QString title = titleFromMessage(message.content);
        if (!title.isEmpty()) {
            auto titled = store->set_title(conversationId, utf8(title));
            if (!titled) // the message is saved; only its title is missing
                fail(QStringLiteral("rename"), tr("Could not rename the conversation: %1"), titled.error());
        }
    }
    emit messageAppended(conversationId, *id);
    listConversations();
}

void StoreWorker::deleteMessagesFrom(qint64 conversationId, qint64 firstMessageId) {
    const QString operation = QStringLiteral("deleteMessages");
    ConversationStore* store = storeFor(operation);
    if (store == nullptr)
        return;
    auto deleted = store->delete_messages_from(conversationId, firstMessageId);
    if (!deleted) {
        fail(operation, tr("Could not delete the messages: %1"), deleted.error());
        return;
    }
    emit messagesDeleted(conversationId, *deleted);
    listConversations();
}

void StoreWorker::renameConversation(qint64 id, const QString& title) {
    const QString operation = QStringLiteral("rename");
    ConversationStore* store = storeFor(operation);
    if (store == nullptr)
        return;
    auto renamed = store->set_title(id, utf8(title.trimmed()));
    if (!renamed) {
        fail(operation, tr("Could not rename the conversation: %1"), renamed.error());
        return;
    }
    listConversations();
}

void StoreWorker::deleteConversation(qint64 id) {
    const QString operation = QStringLiteral("delete");
    ConversationStore* store = storeFor(operation);
    if (store == nullptr)
        return;
    const QString what = tr("Could not delete the conversation: %1");
    auto conversation = store->get_conversation(id);
    if (!conversation) {
        fail(operation, what, conversation.error());
        return;
    }
    auto deleted = store->delete_conversation(id);
    if (!deleted) {
        fail(operation, what, deleted.error());
        return;
    }
    emit conversationDeleted(id, qstring(conversation->settings.title));
    listConversations();
}

void StoreWorker::undeleteConversation(qint64 id) {
    const QString operation = QStringLiteral("undelete");
    ConversationStore* store = storeFor(operation);
    if (store == nullptr)
        return;
    auto restored = store->undelete_conversation(id);
    if (!restored) {
        fail(operation, tr("Could not restore the conversation: %1"), restored.error());
        return;
    }
    listConversations();
}

void StoreWorker::search(const QString& query) {
    const QString operation = QStringLiteral("search");
    ConversationStore* store = storeFor(operation);
    if (store == nullptr)
        return;
    const QString what = tr("Could not search the conversations: %1");
    auto hits = store->search(utf8(query));
    if (!hits) {
        fail(operation, what, hits.error());
        return;
    }
    QHash<qint64, QString> titles; // many hits share a conversation
    QList<SearchRow> rows;
    rows.reserve(static_cast<qsizetype>(hits->size()));
    for (const SearchHit& hit : *hits) {
        auto title = titles.find(hit.conversation_id);
        if (title == titles.end()) {
            auto conversation = store->get_conversation(hit.conversation_id);
            if (!conversation) {
                fail(operation, what, conversation.error());
                return;
            }
            title = titles.insert(hit.conversation_id, qstring(conversation->settings.title));
        }
        SearchRow row;
        row.conversationId = hit.conversation_id;
        row.messageId = hit.message_id;
        row.title = *title;
        row.snippet = qstring(hit.snippet);
        row.matchStart = utf16_length(hit.snippet, 0, hit.match_offset);
        row.matchLength = utf16_length(hit.snippet, hit.match_offset, hit.match_length);
        rows.append(row);
    }
    emit searchFinished(query, rows);
}

void StoreWorker::setMemoryState(qint64 conversationId, const QString& summary, qint64 covered) {
    const QString operation = QStringLiteral("setMemoryState");
    ConversationStore* store = storeFor(operation);
    if (store == nullptr)
        return;
    auto saved = store->set_memory_state(conversationId, MemoryState{utf8(summary), covered});
    if (!saved)
        fail(operation, tr("Could not save the conversation's summary: %1"), saved.error());
}

} // namespace quanta::services
