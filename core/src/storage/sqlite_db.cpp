// SPDX-License-Identifier: MIT
#include "storage/sqlite_db.h"

namespace quanta::storage {

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
    const int primary = rc & 0xff;
    std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    std::string message = std::string(what) + ": " + detail;
    switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return make_error(ErrorCode::Io, message + " (database is locked by another connection)");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return make_error(ErrorCode::Corrupt, message);
    case SQLITE_NOMEM:
        return make_error(ErrorCode::OutOfMemory, message);
    case SQLITE_CONSTRAINT:
        return make_error(ErrorCode::InvalidArgument, message);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return make_error(ErrorCode::Io, message);
    default:
        return make_error(ErrorCode::Internal, message);
    }
}

Query::~Query() {
    if (m_stmt) {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
}

Query& Query::bind(int index, int64_t value) {
    QUANTA_ASSERT(sqlite3_bind_int64(m_stmt, index, value) == SQLITE_OK);
    return *this;
}

Query& Query::bind(int index, double value) {
    QUANTA_ASSERT(sqlite3_bind_double(m_stmt, index, value) == SQLITE_OK);
    return *this;
}

Query& Query::bind(int index, std::string_view text) {
    // A non-null pointer even for "" so that an empty string is stored as '' and not NULL.
    const char* data = text.data() ? text.data() : "";
    QUANTA_ASSERT(sqlite3_bind_text64(m_stmt, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) == SQLITE_OK);
    return *this;
}

Query& Query::bind_null(int index) {
    QUANTA_ASSERT(sqlite3_bind_null(m_stmt, index) == SQLITE_OK);
    return *this;
}

Result<bool> Query::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    return sqlite_error(m_db, rc, "sqlite3_step");
}

Result<void> Query::run() {
    for (;;) {
        QUANTA_TRY_ASSIGN(const bool row, step());
        if (!row)
            return {};
    }
}

std::string Query::text(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string(p, static_cast<size_t>(n)) : std::string();
}

void Database::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Database::Database(sqlite3* db, std::string path, int busy_timeout_ms)
    : m_db(db), m_path(std::move(path)), m_busy_timeout_ms(busy_timeout_ms) {}

Database::~Database() {
    // Finalise the statements before the connection closes (member order does the same; explicit
    // so that a reordering of members cannot turn the close into a zombie connection).
    m_cache.clear();
}

Result<Database> Database::open(const std::filesystem::path& path, int busy_timeout_ms) {
    sqlite3* raw = nullptr;
    const std::string p = path.string();
    const int rc = sqlite3_open_v2(p.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        Error e = sqlite_error(raw, rc, "cannot open " + p);
        sqlite3_close_v2(raw);
        return e;
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, busy_timeout_ms);
    return Database(raw, p, busy_timeout_ms);
}

Error Database::error(int rc, std::string_view what) const {
    return sqlite_error(m_db.get(), rc, std::string(what) + " (" + m_path + ")");
}

Result<void> Database::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(m_db.get(), sql, nullptr, nullptr, &message);
    sqlite3_free(message); // sqlite3_errmsg still holds the same text
    if (rc != SQLITE_OK)
        return error(rc, "exec");
    return {};
}

Result<Query> Database::query(const char* sql) {
    auto it = m_cache.find(sql);
    if (it == m_cache.end()) {
        sqlite3_stmt* stmt = nullptr;
        const int rc = sqlite3_prepare_v3(m_db.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK)
            return error(rc, "prepare");
        it = m_cache.emplace(sql, std::unique_ptr<sqlite3_stmt, Finalizer>(stmt)).first;
    }
    return Query(m_db.get(), it->second.get());
}

Result<int64_t> Database::scalar_int(const char* sql) {
    QUANTA_TRY_ASSIGN(Query q, query(sql));
    QUANTA_TRY_ASSIGN(const bool row, q.step());
    if (!row)
        return make_error(ErrorCode::Internal, std::string("no row from: ") + sql);
    return q.int64(0);
}

Result<std::string> Database::scalar_text(const char* sql) {
    QUANTA_TRY_ASSIGN(Query q, query(sql));
    QUANTA_TRY_ASSIGN(const bool row, q.step());
    if (!row)
        return make_error(ErrorCode::Internal, std::string("no row from: ") + sql);
    return q.text(0);
}

Result<Transaction> Transaction::begin(Database& db) {
    QUANTA_TRY(db.exec("BEGIN IMMEDIATE"));
    return Transaction(&db);
}

Transaction::~Transaction() {
    if (m_db)
        (void)m_db->exec("ROLLBACK");
}

Result<void> Transaction::commit() {
    QUANTA_ASSERT(m_db != nullptr);
    Database* db = m_db;
    auto r = db->exec("COMMIT");
    if (!r.ok())
        return r; // still open: the destructor rolls back
    m_db = nullptr;
    return {};
}

} // namespace quanta::storage
