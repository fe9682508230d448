// SPDX-License-Identifier: MIT
// Shared by the files of quanta_storage: the store's state and the schema functions.
#pragma once

#include "quanta/conversation_store.h"
#include "storage/sqlite_db.h"

#include <string>

namespace quanta {

struct ConversationStore::Impl {
    storage::Database db;
};

namespace storage {

/// Milliseconds since the Unix epoch, now.
int64_t now_ms();

/// Connection settings, checks and migrations, in the order that keeps a file we must refuse
/// untouched: read user_version (NOTADB -> Corrupt), refuse a newer one (Unsupported),
/// PRAGMA quick_check (Corrupt), and only then switch to WAL and migrate.
Result<void> prepare_database(Database& db);

/// Parses `text` as one JSON object and returns it re-serialised compactly ("" -> "{}").
/// InvalidArgument naming `field` otherwise.
Result<std::string> normalize_json_object(std::string_view text, std::string_view field);

} // namespace storage
} // namespace quanta
