// SPDX-License-Identifier: MIT
// Opening files: migrations from an older schema, refusal of newer, damaged and locked files.
#include "storage_test_util.h"

#include <sqlite3.h>

#include <chrono>
#include <random>

namespace quanta::test {
namespace {

using StorageSchema = StorageTest;

/// A raw connection for setting up files the store must cope with.
class RawDb {
public:
    explicit RawDb(const fs::path& p) { EXPECT_EQ(sqlite3_open(p.string().c_str(), &m_db), SQLITE_OK); }
    ~RawDb() { sqlite3_close(m_db); }
    void exec(const std::string& sql) {
        char* err = nullptr;
        ASSERT_EQ(sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << "\n" << sql;
    }
    int64_t scalar(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        EXPECT_EQ(sqlite3_prepare_v2(m_db, sql.c_str(), -1, &st, nullptr), SQLITE_OK);
        EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
        const int64_t v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return v;
    }

private:
    sqlite3* m_db = nullptr;
};

// The v1 schema exactly as schema.cpp shipped it (a copy on purpose: the test must keep describing
// old files even when the code moves on).
constexpr const char* kV1 = R"sql(
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL,
    updated INTEGER NOT NULL, model_file TEXT NOT NULL DEFAULT '', model_type TEXT NOT NULL DEFAULT '',
    sampling TEXT NOT NULL DEFAULT '{}', memory_strategy TEXT NOT NULL DEFAULT '',
    memory_params TEXT NOT NULL DEFAULT '{}', system_prompt TEXT NOT NULL DEFAULT '', deleted_at INTEGER);
CREATE INDEX conversations_by_updated ON conversations(updated);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')), content TEXT NOT NULL,
    token_count INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL, tokens_per_second REAL,
    time_to_first_token_ms REAL, gen_model_file TEXT, gen_model_type TEXT);
CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
CREATE TABLE memory_state (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    summary TEXT NOT NULL, covered INTEGER NOT NULL);
PRAGMA user_version = 1;
)sql";

TEST_F(StorageSchema, NewFileGetsCurrentVersion) {
    { auto store = open_store(); }
    RawDb raw(db_path);
    EXPECT_EQ(raw.scalar("PRAGMA user_version"), ConversationStore::kSchemaVersion);
    EXPECT_EQ(ConversationStore::kSchemaVersion, 2);
    EXPECT_EQ(raw.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'messages_fts'"), 1);
}

TEST_F(StorageSchema, UpgradesVersion1FileAndIndexesItsMessages) {
    {
        RawDb raw(db_path);
        raw.exec(kV1);
        raw.exec("INSERT INTO conversations (id, title, created, updated) VALUES (1, 'old', 1000, 2000)");
        raw.exec("INSERT INTO messages (conversation_id, role, content, created) VALUES "
                 "(1, 'user', '그는 저녁마다 등대를 밝혔다. 바다가 울었다.', 1500), "
                 "(1, 'assistant', 'An old Lighthouse story', 1600)");
    }
    auto opened = ConversationStore::open(db_path);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    auto& store = *opened;
    auto hits = store.search("등대를");
    ASSERT_TRUE(hits.ok()) << hits.error().message;
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_EQ((*hits)[0].message_id, 1);
    EXPECT_EQ(store.search("lighthouse")->size(), 1u);
    EXPECT_EQ(store.search("바다")->size(), 1u);
    auto msgs = store.messages(1);
    ASSERT_EQ(msgs->size(), 2u);
    EXPECT_EQ((*msgs)[1].content, "An old Lighthouse story");
    EXPECT_EQ((*msgs)[1].created_ms, 1600);
    const int64_t id = *store.append_message(1, NewMessage{MessageRole::User, "new lighthouse", 0, std::nullopt});
    EXPECT_EQ(id, 3);
    EXPECT_EQ(store.search("lighthouse")->size(), 2u);
    RawDb raw(db_path);
    EXPECT_EQ(raw.scalar("PRAGMA user_version"), 2);
}

TEST_F(StorageSchema, NewerVersionIsRefusedAndLeftUntouched) {
    {
        auto store = open_store();
        ASSERT_TRUE(store.create_conversation(ConversationSettings{"x"}).ok());
    }
    {
        RawDb raw(db_path);
        raw.exec("PRAGMA user_version = 3");
    }
    const std::string before = read_bytes(db_path);
    auto opened = ConversationStore::open(db_path);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::Unsupported);
    EXPECT_NE(opened.error().message.find("schema version 3 is newer"), std::string::npos) << opened.error().message;
    EXPECT_EQ(read_bytes(db_path), before);
}

TEST_F(StorageSchema, NewerRollbackJournalFileIsNotSwitchedToWal) {
    {
        RawDb raw(db_path);
        raw.exec("CREATE TABLE future (x); INSERT INTO future VALUES (1); PRAGMA user_version = 7;");
    }
    const std::string before = read_bytes(db_path);
    ASSERT_EQ(before[18], 1); // rollback journal (1) in the header; WAL would be 2
    auto opened = ConversationStore::open(db_path);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::Unsupported);
    EXPECT_EQ(read_bytes(db_path), before);
    EXPECT_FALSE(fs::exists(db_path.string() + "-wal"));
}

TEST_F(StorageSchema, GarbageIsCorruptAndLeftUntouched) {
    std::mt19937 rng(42);
    std::string garbage(8192, '\0');
    for (char& c : garbage)
        c = static_cast<char>(rng());
    for (const std::string& bytes : {garbage, std::string("hello, this is not a database\n")}) {
        write_bytes(db_path, bytes);
        auto opened = ConversationStore::open(db_path);
        ASSERT_FALSE(opened.ok());
        EXPECT_EQ(opened.error().code, ErrorCode::Corrupt) << opened.error().message;
        EXPECT_EQ(read_bytes(db_path), bytes);
    }
}

TEST_F(StorageSchema, TruncatedFileIsCorruptAndLeftUntouched) {
    {
        auto store = open_store();
        const int64_t c = *store.create_conversation(ConversationSettings{"big"});
        for (int i = 0; i < 200; ++i)
            ASSERT_TRUE(store.append_message(c, NewMessage{MessageRole::User, std::string(300, 'a' + i % 26), 0,
                                                           std::nullopt}).ok());
        ASSERT_TRUE(store.checkpoint().ok());
    }
    const std::string whole = read_bytes(db_path);
    ASSERT_GT(whole.size(), 64u * 1024);
    const std::string half = whole.substr(0, whole.size() / 2);
    write_bytes(db_path, half);
    auto opened = ConversationStore::open(db_path);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::Corrupt) << opened.error().message;
    EXPECT_EQ(read_bytes(db_path), half);
}

TEST_F(StorageSchema, ZeroByteFileIsInitialisedAndMissingFolderIsIo) {
    write_bytes(db_path, "");
    { auto store = open_store(); }
    EXPECT_GT(fs::file_size(db_path), 0u);
    auto opened = ConversationStore::open(dir / "no" / "such" / "folder" / "c.db");
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::Io);
}

TEST_F(StorageSchema, WriteLockedBeyondBusyTimeoutFailsWithoutLoss) {
    auto opened = ConversationStore::open(db_path, StoreOptions{std::chrono::milliseconds(100)});
    ASSERT_TRUE(opened.ok());
    auto& store = *opened;
    const int64_t c = *store.create_conversation(ConversationSettings{"t"});
    ASSERT_TRUE(store.append_message(c, NewMessage{MessageRole::User, "first", 0, std::nullopt}).ok());

    RawDb other(db_path);
    other.exec("BEGIN IMMEDIATE");
    other.exec("INSERT INTO messages (conversation_id, role, content, created) VALUES (" + std::to_string(c) +
               ", 'user', 'from the other connection', 1)");
    const auto t0 = std::chrono::steady_clock::now();
    auto r = store.append_message(c, NewMessage{MessageRole::User, "blocked", 0, std::nullopt});
    const auto waited = std::chrono::steady_clock::now() - t0;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Io);
    EXPECT_NE(r.error().message.find("locked"), std::string::npos) << r.error().message;
    EXPECT_GE(waited, std::chrono::milliseconds(90));
    // Reads still work while the other connection writes (WAL), and see the committed state.
    EXPECT_EQ(store.messages(c)->size(), 1u);
    other.exec("COMMIT");

    ASSERT_TRUE(store.append_message(c, NewMessage{MessageRole::User, "after", 0, std::nullopt}).ok());
    auto msgs = store.messages(c);
    ASSERT_EQ(msgs->size(), 3u);
    EXPECT_EQ((*msgs)[0].content, "first");
    EXPECT_EQ((*msgs)[1].content, "from the other connection");
    EXPECT_EQ((*msgs)[2].content, "after");
}

TEST_F(StorageSchema, ExclusivelyLockedFileFailsToOpenWithoutLoss) {
    RawDb other(db_path);
    other.exec("CREATE TABLE keep (x); INSERT INTO keep VALUES (42);");
    other.exec("BEGIN EXCLUSIVE");
    other.exec("INSERT INTO keep VALUES (43)");
    auto opened = ConversationStore::open(db_path, StoreOptions{std::chrono::milliseconds(50)});
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::Io);
    EXPECT_NE(opened.error().message.find("locked"), std::string::npos) << opened.error().message;
    other.exec("COMMIT");
    EXPECT_EQ(other.scalar("SELECT SUM(x) FROM keep"), 85);
    EXPECT_EQ(other.scalar("PRAGMA user_version"), 0); // the store did not touch it
}

} // namespace
} // namespace quanta::test
