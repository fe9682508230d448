// SPDX-License-Identifier: MIT
// ConversationStore (quanta/conversation_store.h): conversations, messages, memory state, search
// and the bin. Export and import are in exchange.cpp; the schema in schema.cpp.
#include "storage/store_internal.h"

#include <algorithm>

namespace quanta {

using storage::Query;
using storage::Transaction;

std::string_view message_role_name(MessageRole role) {
    switch (role) {
    case MessageRole::System: return "system";
    case MessageRole::User: return "user";
    case MessageRole::Assistant: return "assistant";
    }
    return "user";
}

std::optional<MessageRole> message_role_from_name(std::string_view name) {
    for (MessageRole r : {MessageRole::System, MessageRole::User, MessageRole::Assistant})
        if (message_role_name(r) == name)
            return r;
    return std::nullopt;
}

namespace {

Error no_conversation(int64_t id) {
    return make_error(ErrorCode::NotFound, "no conversation with id " + std::to_string(id));
}

size_t utf8_length(std::string_view s) {
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool is_continuation(const std::string& s, size_t i) {
    return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
}

/// About 30 characters before the match and 50 after, cut on UTF-8 boundaries, newlines flattened.
SearchHit make_hit(int64_t conversation_id, int64_t message_id, const std::string& content, std::string_view query) {
    SearchHit hit{conversation_id, message_id, {}, 0, 0};
    const size_t at = ascii_lower(content).find(ascii_lower(query));
    const size_t match = at == std::string::npos ? 0 : at;
    const size_t match_len = at == std::string::npos ? 0 : query.size();
    size_t begin = match;
    for (int n = 0; n < 30 && begin > 0; ++n) {
        --begin;
        while (begin > 0 && is_continuation(content, begin))
            --begin;
    }
    size_t end = match + match_len;
    for (int n = 0; n < 50 && end < content.size(); ++n) {
        ++end;
        while (is_continuation(content, end))
            ++end;
    }
    const std::string prefix = begin > 0 ? "\u2026" : "";
    hit.snippet = prefix + content.substr(begin, end - begin) + (end < content.size() ? "\u2026" : "");
    std::replace(hit.snippet.begin(), hit.snippet.end(), '\n', ' ');
    hit.match_offset = prefix.size() + (match - begin);
    hit.match_length = match_len;
    return hit;
}

std::string trim(std::string_view s) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && space(s.back()))
        s.remove_suffix(1);
    return std::string(s);
}

} // namespace

ConversationStore::ConversationStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ConversationStore::ConversationStore(ConversationStore&&) noexcept = default;
ConversationStore& ConversationStore::operator=(ConversationStore&&) noexcept = default;
ConversationStore::~ConversationStore() = default;

Result<ConversationStore> ConversationStore::open(const std::filesystem::path& path, const StoreOptions& options) {
    const auto timeout = static_cast<int>(std::clamp<int64_t>(options.busy_timeout.count(), 0, 3'600'000));
    QUANTA_TRY_ASSIGN(auto db, storage::Database::open(path, timeout));
    QUANTA_TRY(storage::prepare_database(db));
    return ConversationStore(std::make_unique<Impl>(Impl{std::move(db)}));
}

namespace {

/// `updated` is strictly increasing over the file (at least the previous maximum + 1 ms), so that
/// the list's order is the order of changes even when two happen within one millisecond.
Result<int64_t> next_update_time(storage::Database& db) {
    QUANTA_TRY_ASSIGN(const int64_t latest, db.scalar_int("SELECT COALESCE(MAX(updated), 0) FROM conversations"));
    return std::max(storage::now_ms(), latest + 1);
}

/// Sets `updated`; NotFound when the conversation does not exist.
Result<void> touch(storage::Database& db, int64_t id) {
    QUANTA_TRY_ASSIGN(const int64_t t, next_update_time(db));
    QUANTA_TRY_ASSIGN(Query q, db.query("UPDATE conversations SET updated = ?1 WHERE id = ?2"));
    q.bind(1, t).bind(2, id);
    QUANTA_TRY(q.run());
    if (sqlite3_changes(db.raw()) == 0)
        return no_conversation(id);
    return {};
}

Result<void> require_conversation(storage::Database& db, int64_t id) {
    QUANTA_TRY_ASSIGN(Query q, db.query("SELECT 1 FROM conversations WHERE id = ?1"));
    q.bind(1, id);
    QUANTA_TRY_ASSIGN(const bool row, q.step());
    if (!row)
        return no_conversation(id);
    return {};
}

} // namespace

Result<int64_t> ConversationStore::create_conversation(const ConversationSettings& s) {
    auto& db = m_impl->db;
    QUANTA_TRY_ASSIGN(const std::string sampling, storage::normalize_json_object(s.sampling_json, "sampling_json"));
    QUANTA_TRY_ASSIGN(const std::string params,
                      storage::normalize_json_object(s.memory_params_json, "memory_params_json"));
    QUANTA_TRY_ASSIGN(auto tx, Transaction::begin(db));
    QUANTA_TRY_ASSIGN(const int64_t t, next_update_time(db));
    QUANTA_TRY_ASSIGN(Query q, db.query("INSERT INTO conversations (title, created, updated, model_file, model_type, "
                                        "sampling, memory_strategy, memory_params, system_prompt) "
                                        "VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    q.bind(1, s.title).bind(2, t).bind(3, s.model_file).bind(4, s.model_type).bind(5, sampling);
    q.bind(6, s.memory_strategy).bind(7, params).bind(8, s.system_prompt);
    QUANTA_TRY(q.run());
    const int64_t id = sqlite3_last_insert_rowid(db.raw());
    QUANTA_TRY(tx.commit());
    return id;
}

Result<std::vector<ConversationSummary>> ConversationStore::list_conversations() {
    QUANTA_TRY_ASSIGN(Query q, m_impl->db.query(
                                   "SELECT c.id, c.title, c.updated, "
                                   "(SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) "
                                   "FROM conversations c WHERE c.deleted_at IS NULL ORDER BY c.updated DESC, c.id DESC"));
    std::vector<ConversationSummary> out;
    for (;;) {
        QUANTA_TRY_ASSIGN(const bool row, q.step());
        if (!row)
            return out;
        out.push_back({q.int64(0), q.text(1), q.int64(2), q.int64(3)});
    }
}

Result<Conversation> ConversationStore::get_conversation(int64_t id) {
    QUANTA_TRY_ASSIGN(Query q, m_impl->db.query("SELECT title, created, updated, model_file, model_type, sampling, "
                                                "memory_strategy, memory_params, system_prompt, deleted_at "
                                                "FROM conversations WHERE id = ?1"));
    q.bind(1, id);
    QUANTA_TRY_ASSIGN(const bool row, q.step());
    if (!row)
        return no_conversation(id);
    Conversation c;
    c.id = id;
    c.settings = {q.text(0), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7), q.text(8)};
    c.created_ms = q.int64(1);
    c.updated_ms = q.int64(2);
    if (!q.is_null(9))
        c.deleted_ms = q.int64(9);
    return c;
}

Result<void> ConversationStore::set_title(int64_t id, std::string_view title) {
    auto& db = m_impl->db;
    QUANTA_TRY_ASSIGN(auto tx, Transaction::begin(db));
    QUANTA_TRY(touch(db, id));
    QUANTA_TRY_ASSIGN(Query q, db.query("UPDATE conversations SET title = ?1 WHERE id = ?2"));
    q.bind(1, title).bind(2, id);
    QUANTA_TRY(q.run());
    return tx.commit();
}

Result<int64_t> ConversationStore::append_message(int64_t conversation_id, const NewMessage& m) {
    auto& db = m_impl->db;
    QUANTA_TRY_ASSIGN(auto tx, Transaction::begin(db));
    QUANTA_TRY(touch(db, conversation_id));
    QUANTA_TRY_ASSIGN(Query q, db.query("INSERT INTO messages (conversation_id, role, content, token_count, created, "
                                        "tokens_per_second, time_to_first_token_ms, gen_model_file, gen_model_type) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    q.bind(1, conversation_id).bind(2, message_role_name(m.role)).bind(3, m.content).bind(4, m.token_count);
    q.bind(5, storage::now_ms());
    if (m.stats) {
        q.bind(6, m.stats->tokens_per_second).bind(7, m.stats->time_to_first_token_ms);
        q.bind(8, m.stats->model_file).bind(9, m.stats->model_type);
    } else {
        q.bind_null(6).bind_null(7).bind_null(8).bind_null(9);
    }
    QUANTA_TRY(q.run());
    const int64_t id = sqlite3_last_insert_rowid(db.raw());
    QUANTA_TRY(tx.commit());
    return id;
}

Result<std::vector<Message>> ConversationStore::messages(int64_t conversation_id) {
    auto& db = m_impl->db;
    // Both reads in one transaction so that the existence check and the rows agree.
    QUANTA_TRY(db.exec("BEGIN"));
    auto out = [&]() -> Result<std::vector<Message>> {
        QUANTA_TRY(require_conversation(db, conversation_id));
        QUANTA_TRY_ASSIGN(Query q, db.query("SELECT id, role, content, token_count, created, tokens_per_second, "
                                            "time_to_first_token_ms, gen_model_file, gen_model_type "
                                            "FROM messages WHERE conversation_id = ?1 ORDER BY id"));
        q.bind(1, conversation_id);
        std::vector<Message> rows;
        for (;;) {
            QUANTA_TRY_ASSIGN(const bool row, q.step());
            if (!row)
                return rows;
            Message m;
            m.id = q.int64(0);
            m.conversation_id = conversation_id;
            m.role = message_role_from_name(q.text(1)).value_or(MessageRole::User); // CHECK constraint
            m.content = q.text(2);
            m.token_count = q.int64(3);
            m.created_ms = q.int64(4);
            if (!q.is_null(5))
                m.stats = GenerationStats{q.real(5), q.real(6), q.text(7), q.text(8)};
            rows.push_back(std::move(m));
        }
    }();
    (void)db.exec("COMMIT"); // read-only: ending it cannot fail in a way that matters
    return out;
}

Result<int64_t> ConversationStore::delete_messages_from(int64_t conversation_id, int64_t first_message_id) {
    auto& db = m_impl->db;
    QUANTA_TRY_ASSIGN(auto tx, Transaction::begin(db));
    QUANTA_TRY(require_conversation(db, conversation_id));
    {
        QUANTA_TRY_ASSIGN(Query q, db.query("SELECT 1 FROM messages WHERE id = ?1 AND conversation_id = ?2"));
        q.bind(1, first_message_id).bind(2, conversation_id);
        QUANTA_TRY_ASSIGN(const bool row, q.step());
        if (!row)
            return make_error(ErrorCode::NotFound, "no message with id " + std::to_string(first_message_id) +
                                                       " in conversation " + std::to_string(conversation_id));
    }
    int64_t deleted = 0;
    {
        // The index entries go by the messages_fts_delete trigger.
        QUANTA_TRY_ASSIGN(Query q, db.query("DELETE FROM messages WHERE conversation_id = ?1 AND id >= ?2"));
        q.bind(1, conversation_id).bind(2, first_message_id);
        QUANTA_TRY(q.run());
        deleted = sqlite3_changes(db.raw());
    }
    {
        // `covered` counts history messages only (the CLI and the app keep the system prompt in the
        // conversation's settings, and skip stored system messages when they rebuild the history).
        QUANTA_TRY_ASSIGN(Query q, db.query("UPDATE memory_state SET summary = '', covered = 0 "
                                            "WHERE conversation_id = ?1 AND covered > (SELECT COUNT(*) FROM "
                                            "messages WHERE conversation_id = ?1 AND role != 'system')"));
        q.bind(1, conversation_id);
        QUANTA_TRY(q.run());
    }
    QUANTA_TRY(touch(db, conversation_id));
    QUANTA_TRY(tx.commit());
    return deleted;
}

Result<std::vector<SearchHit>> ConversationStore::search(std::string_view text, size_t limit) {
    const std::string needle = trim(text);
    std::vector<SearchHit> hits;
    if (needle.empty() || limit == 0)
        return hits;
    auto& db = m_impl->db;
    // The trigram index only answers queries of 3 or more characters (it has no shorter terms);
    // Korean words are often 2 syllables ("바다", "사랑"), so shorter queries scan the messages
    // instead. instr() over lower() matches the same substrings (ASCII case folding only).
    const bool fts = utf8_length(needle) >= 3;
    const char* sql = fts ? "SELECT m.id, m.conversation_id, m.content FROM messages_fts f "
                            "JOIN messages m ON m.id = f.rowid JOIN conversations c ON c.id = m.conversation_id "
                            "WHERE messages_fts MATCH ?1 AND c.deleted_at IS NULL ORDER BY m.id DESC LIMIT ?2"
                          : "SELECT m.id, m.conversation_id, m.content FROM messages m "
                            "JOIN conversations c ON c.id = m.conversation_id "
                            "WHERE c.deleted_at IS NULL AND instr(lower(m.content), lower(?1)) > 0 "
                            "ORDER BY m.id DESC LIMIT ?2";
    std::string pattern = needle;
    if (fts) {
        // One FTS5 phrase: quotes doubled, so that no character of the query is FTS5 syntax.
        pattern = "\"";
        for (char c : needle)
            pattern += c == '"' ? std::string("\"\"") : std::string(1, c);
        pattern += '"';
    }
    QUANTA_TRY_ASSIGN(Query q, db.query(sql));
    q.bind(1, pattern).bind(2, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
    for (;;) {
        QUANTA_TRY_ASSIGN(const bool row, q.step());
        if (!row)
            return hits;
        hits.push_back(make_hit(q.int64(1), q.int64(0), q.text(2), needle));
    }
}

Result<std::optional<MemoryState>> ConversationStore::memory_state(int64_t conversation_id) {
    auto& db = m_impl->db;
    QUANTA_TRY(require_conversation(db, conversation_id));
    QUANTA_TRY_ASSIGN(Query q, db.query("SELECT summary, covered FROM memory_state WHERE conversation_id = ?1"));
    q.bind(1, conversation_id);
    QUANTA_TRY_ASSIGN(const bool row, q.step());
    if (!row)
        return std::optional<MemoryState>();
    return std::optional<MemoryState>(MemoryState{q.text(0), q.int64(1)});
}

Result<void> ConversationStore::set_memory_state(int64_t conversation_id, const MemoryState& state) {
    if (state.covered < 0)
        return make_error(ErrorCode::InvalidArgument, "memory state: covered < 0");
    auto& db = m_impl->db;
    QUANTA_TRY_ASSIGN(auto tx, Transaction::begin(db));
    QUANTA_TRY(require_conversation(db, conversation_id));
    QUANTA_TRY_ASSIGN(Query q, db.query("INSERT INTO memory_state (conversation_id, summary, covered) "
                                        "VALUES (?1, ?2, ?3) ON CONFLICT (conversation_id) DO UPDATE SET "
                                        "summary = excluded.summary, covered = excluded.covered"));
    q.bind(1, conversation_id).bind(2, state.summary).bind(3, state.covered);
    QUANTA_TRY(q.run());
    return tx.commit();
}

namespace {

Result<void> set_deleted(storage::Database& db, int64_t id, bool deleted) {
    QUANTA_TRY_ASSIGN(auto tx, Transaction::begin(db));
    QUANTA_TRY(require_conversation(db, id));
    QUANTA_TRY_ASSIGN(Query q, db.query("UPDATE conversations SET deleted_at = ?1 WHERE id = ?2 "
                                        "AND (deleted_at IS NULL) = (?1 IS NOT NULL)"));
    if (deleted)
        q.bind(1, storage::now_ms());
    else
        q.bind_null(1);
    q.bind(2, id);
    QUANTA_TRY(q.run());
    return tx.commit();
}

} // namespace

Result<void> ConversationStore::delete_conversation(int64_t id) { return set_deleted(m_impl->db, id, true); }
Result<void> ConversationStore::undelete_conversation(int64_t id) { return set_deleted(m_impl->db, id, false); }

Result<int64_t> ConversationStore::purge_deleted() {
    auto& db = m_impl->db;
    QUANTA_TRY_ASSIGN(auto tx, Transaction::begin(db));
    QUANTA_TRY_ASSIGN(Query q, db.query("DELETE FROM conversations WHERE deleted_at IS NOT NULL"));
    QUANTA_TRY(q.run());
    const int64_t purged = sqlite3_changes(db.raw());
    // Messages and memory state go by ON DELETE CASCADE, index entries by trigger. FTS5 (before
    // SQLite 3.42's secure-delete option) only marks index entries deleted in a new segment: the
    // old segments still hold the text's trigrams until merged. 'optimize' merges everything into
    // one segment, so the old segment pages are freed and secure_delete zeroes them.
    if (purged > 0)
        QUANTA_TRY(db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')"));
    QUANTA_TRY(tx.commit());
    // The -wal file still holds the pages as they were before; copy back and truncate it.
    QUANTA_TRY(checkpoint());
    return purged;
}

Result<void> ConversationStore::checkpoint() {
    auto& db = m_impl->db;
    QUANTA_TRY_ASSIGN(Query q, db.query("PRAGMA wal_checkpoint(TRUNCATE)"));
    QUANTA_TRY_ASSIGN(const bool row, q.step());
    if (row && q.int64(0) != 0)
        return make_error(ErrorCode::Io, db.path() + ": checkpoint incomplete: another connection is using the "
                                                     "database (database is locked)");
    return {};
}

} // namespace quanta
