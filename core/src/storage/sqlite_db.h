// SPDX-License-Identifier: MIT
// A thin Result-returning layer over SQLite's C API, private to quanta_storage: one connection,
// its cached prepared statements, and transactions that roll back unless committed.
#pragma once

#include "quanta/result.h"

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace quanta::storage {

/// Maps a SQLite result code to an Error: BUSY/LOCKED -> Io ("database is locked"),
/// CORRUPT/NOTADB -> Corrupt, NOMEM -> OutOfMemory, CONSTRAINT -> InvalidArgument,
/// IOERR/CANTOPEN/FULL/READONLY/PERM -> Io, anything else -> Internal.
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

/// A prepared statement borrowed from the connection's cache; reset (and its bindings cleared)
/// when this handle goes away, so that no half-read statement keeps a read transaction open
/// (which would pin the WAL and block checkpoints).
class Query {
public:
    Query(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
    Query(Query&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) { other.m_stmt = nullptr; }
    Query& operator=(Query&&) = delete;
    Query(const Query&) = delete;
    ~Query();

    // Parameters are 1-based, as in SQLite. Binding only fails on programmer errors (index out of
    // range), which are asserted.
    Query& bind(int index, int64_t value);
    Query& bind(int index, double value);
    Query& bind(int index, std::string_view text);   ///< copied (SQLITE_TRANSIENT)
    Query& bind_null(int index);

    /// true: a row is available; false: done.
    Result<bool> step();
    /// Steps to the end (statements that return no rows).
    Result<void> run();

    int64_t int64(int column) const { return sqlite3_column_int64(m_stmt, column); }
    double real(int column) const { return sqlite3_column_double(m_stmt, column); }
    std::string text(int column) const;
    bool is_null(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt;
};

class Database {
public:
    /// sqlite3_open_v2 with READWRITE | CREATE (| URI off). Opening is lazy in SQLite: nothing is
    /// read until the first statement.
    static Result<Database> open(const std::filesystem::path& path, int busy_timeout_ms);

    Database(Database&&) noexcept = default;
    Database& operator=(Database&&) noexcept = default;
    ~Database();

    sqlite3* raw() const { return m_db.get(); }
    const std::string& path() const { return m_path; }
    int busy_timeout_ms() const { return m_busy_timeout_ms; }

    /// Runs one or more statements that return no rows we need (DDL, PRAGMA with side effects).
    Result<void> exec(const char* sql);
    /// A cached prepared statement (SQLITE_PREPARE_PERSISTENT); `sql` must be one statement.
    Result<Query> query(const char* sql);
    /// The first column of the first row as an integer (PRAGMA user_version, COUNT(*)).
    Result<int64_t> scalar_int(const char* sql);
    /// The first column of the first row as text (PRAGMA quick_check).
    Result<std::string> scalar_text(const char* sql);
    /// An Error for the connection's last failure, naming what was being done.
    Error error(int rc, std::string_view what) const;

private:
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    struct Finalizer {
        void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
    };
    Database(sqlite3* db, std::string path, int busy_timeout_ms);

    // Declared first so that it is destroyed last, after every cached statement is finalised.
    std::unique_ptr<sqlite3, Closer> m_db;
    std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, Finalizer>> m_cache;
    std::string m_path;
    int m_busy_timeout_ms = 0;
};

/// BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless committed. IMMEDIATE takes the
/// write lock at the start, so a busy database fails (after busy_timeout) before anything is
/// done, never half-way when a read lock would have to be upgraded.
class Transaction {
public:
    static Result<Transaction> begin(Database& db);
    Transaction(Transaction&& other) noexcept : m_db(other.m_db) { other.m_db = nullptr; }
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    Result<void> commit();

private:
    explicit Transaction(Database* db) : m_db(db) {}
    Database* m_db;
};

} // namespace quanta::storage
