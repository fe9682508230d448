// SPDX-License-Identifier: MIT
// The schema and its migrations (docs/storage.md, "Schema versions").
//
// `PRAGMA user_version` is the schema version; a new file has 0. Each migration takes the file
// from version N-1 to N in one transaction that also sets user_version = N, so a crash mid-upgrade
// leaves version N-1 intact and the next open simply runs the step again. To change the schema:
// append a Migration with the next number (never edit a shipped one), raise
// ConversationStore::kSchemaVersion, and add a test that opens a file of the previous version.
#include "storage/store_internal.h"

#include <chrono>
#include <iterator>

namespace quanta::storage {

namespace {

// v1: the tables. Text fields are NOT NULL with '' defaults so that the C++ side never has to tell
// NULL from empty; generation statistics are NULL for messages that were not generated.
// AUTOINCREMENT so that an id is never handed out twice, even after a purge: a UI that still holds
// a purged id gets NotFound, not some other conversation.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    title           TEXT    NOT NULL DEFAULT '',
    created         INTEGER NOT NULL,
    updated         INTEGER NOT NULL,
    model_file      TEXT    NOT NULL DEFAULT '',
    model_type      TEXT    NOT NULL DEFAULT '',
    sampling        TEXT    NOT NULL DEFAULT '{}',
    memory_strategy TEXT    NOT NULL DEFAULT '',
    memory_params   TEXT    NOT NULL DEFAULT '{}',
    system_prompt   TEXT    NOT NULL DEFAULT '',
    deleted_at      INTEGER
);
CREATE INDEX conversations_by_updated ON conversations(updated);
CREATE TABLE messages (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id        INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role                   TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
    content                TEXT    NOT NULL,
    token_count            INTEGER NOT NULL DEFAULT 0,
    created                INTEGER NOT NULL,
    tokens_per_second      REAL,
    time_to_first_token_ms REAL,
    gen_model_file         TEXT,
    gen_model_type         TEXT
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
CREATE TABLE memory_state (
    conversation_id  INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    summary          TEXT    NOT NULL,
    covered INTEGER NOT NULL
);
)sql";

// v2: full-text search. An external-content FTS5 table (the text is stored once, in messages)
// with the trigram tokenizer, which matches any substring of 3 or more characters in any script:
// Korean, Japanese and Chinese have no spaces between words to tokenize on. Triggers keep it in
// sync; 'rebuild' indexes the messages a v1 file already holds.
constexpr const char* kSchemaV2 = R"sql(
CREATE VIRTUAL TABLE messages_fts USING fts5(
    content, content = 'messages', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
)sql";

struct Migration {
    int version;
    const char* sql;
};

constexpr Migration kMigrations[] = {{1, kSchemaV1}, {2, kSchemaV2}};
static_assert(std::size(kMigrations) == ConversationStore::kSchemaVersion);

Error newer_schema(const Database& db, int64_t version) {
    return make_error(ErrorCode::Unsupported,
                      db.path() + ": conversation database schema version " + std::to_string(version) +
                          " is newer than this build's (" + std::to_string(ConversationStore::kSchemaVersion) +
                          "); it was written by a later Quanta and is left untouched");
}

} // namespace

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Result<void> prepare_database(Database& db) {
    // Read-only checks first: nothing below writes until journal_mode, so a file we refuse keeps
    // every byte (garbage gives SQLITE_NOTADB here, mapped to Corrupt).
    QUANTA_TRY_ASSIGN(const int64_t version, db.scalar_int("PRAGMA user_version"));
    if (version > ConversationStore::kSchemaVersion)
        return newer_schema(db, version);
    // A truncated or overwritten file can still have a valid header; quick_check reads every page
    // (no index cross-checks), so damage is reported now rather than as a failed write later.
    QUANTA_TRY_ASSIGN(const std::string check, db.scalar_text("PRAGMA quick_check(1)"));
    if (check != "ok")
        return make_error(ErrorCode::Corrupt, db.path() + ": damaged database: " + check);

    // WAL: readers never block the writer, and a commit is one append to the -wal file, which is
    // what makes a SIGKILL mid-write harmless. synchronous=FULL syncs the WAL on every commit, so
    // a message reported saved survives a power cut too (a message is small and rare; the cost,
    // one fsync, is invisible next to generating it). secure_delete overwrites deleted content
    // with zeros, so purged conversations do not linger in free pages.
    QUANTA_TRY_ASSIGN(const std::string mode, db.scalar_text("PRAGMA journal_mode = WAL"));
    if (mode != "wal")
        return make_error(ErrorCode::Io, db.path() + ": cannot switch to WAL mode (got '" + mode + "')");
    QUANTA_TRY(db.exec("PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA synchronous = FULL;"));

    for (const Migration& m : kMigrations) {
        if (m.version <= version)
            continue;
        QUANTA_TRY_ASSIGN(auto tx, Transaction::begin(db));
        // Read again under the write lock: another process may have upgraded the file meanwhile.
        QUANTA_TRY_ASSIGN(const int64_t now, db.scalar_int("PRAGMA user_version"));
        if (now > ConversationStore::kSchemaVersion)
            return newer_schema(db, now);
        if (now >= m.version)
            continue;
        if (now != m.version - 1)
            return make_error(ErrorCode::Internal, db.path() + ": migration order broken");
        QUANTA_TRY(db.exec(m.sql));
        QUANTA_TRY(db.exec(("PRAGMA user_version = " + std::to_string(m.version)).c_str()));
        QUANTA_TRY(tx.commit());
    }
    return {};
}

} // namespace quanta::storage
