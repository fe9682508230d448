// SPDX-License-Identifier: MIT
// Conversations on disk: one SQLite database file (docs/storage.md).
//
// The file holds conversations (title, model, sampling settings, memory strategy, system prompt),
// their messages (with the generation statistics of assistant replies), the memory strategy's
// running summary, and a full-text index over message text. It is opened in WAL mode with
// foreign_keys, secure_delete and a busy timeout; every change of more than one row is one
// transaction, so a crash (even SIGKILL mid-write) leaves either the old or the new state, never a
// half-written message (docs/reliability.md, "Conversation storage").
//
// Schema versions: `PRAGMA user_version` holds the version; open() upgrades an older file in
// place, one transaction per step, and refuses a newer one (written by a later Quanta) without
// writing a byte to it.
//
// Times are milliseconds since the Unix epoch (UTC). Ids are SQLite rowids, > 0, never reused
// while the row exists.
//
// Thread-safety: a ConversationStore is one SQLite connection and is NOT thread-safe: use it from
// one thread at a time (the desktop app gives it to one worker thread). Several stores, in one
// process or several, may open the same file: SQLite's locking serialises their writes, and a
// writer that cannot get the lock within `busy_timeout` gets an Io error ("database is locked"),
// with nothing written.
#pragma once

#include "quanta/memory_state.h"
#include "quanta/result.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quanta {

enum class MessageRole { System, User, Assistant };

/// "system", "user", "assistant": the names stored in the file and in the JSON export.
std::string_view message_role_name(MessageRole role);
std::optional<MessageRole> message_role_from_name(std::string_view name);

/// What the user chooses for a conversation. JSON fields hold one JSON object as text; the store
/// validates and normalises them (an empty string means "{}"), so what comes back may differ from
/// what went in by whitespace and key order only.
struct ConversationSettings {
    std::string title;
    std::string model_file;                 ///< path of the GGUF file, "" when none chosen yet
    std::string model_type;                 ///< e.g. "Q4_K_M"
    std::string sampling_json = "{}";       ///< sampling settings, e.g. {"temperature":0.7}
    std::string memory_strategy;            ///< e.g. "window", "summary"; "" = the app's default
    std::string memory_params_json = "{}";  ///< the strategy's parameters
    std::string system_prompt;
};

struct Conversation {
    int64_t id = 0;
    ConversationSettings settings;
    int64_t created_ms = 0;
    int64_t updated_ms = 0;                 ///< last change: creation, title, appended message
    std::optional<int64_t> deleted_ms;      ///< set while soft-deleted (in the bin)
};

/// One row of the conversation list.
struct ConversationSummary {
    int64_t id = 0;
    std::string title;
    int64_t updated_ms = 0;
    int64_t message_count = 0;
};

/// How an assistant message was produced.
struct GenerationStats {
    double tokens_per_second = 0;
    double time_to_first_token_ms = 0;
    std::string model_file;
    std::string model_type;
    bool operator==(const GenerationStats&) const = default;
};

struct NewMessage {
    MessageRole role = MessageRole::User;
    std::string content;                    ///< UTF-8
    int64_t token_count = 0;
    std::optional<GenerationStats> stats;   ///< assistant replies
};

struct Message {
    int64_t id = 0;
    int64_t conversation_id = 0;
    MessageRole role = MessageRole::User;
    std::string content;
    int64_t token_count = 0;
    int64_t created_ms = 0;
    std::optional<GenerationStats> stats;
};


struct SearchHit {
    int64_t conversation_id = 0;
    int64_t message_id = 0;
    std::string snippet;                    ///< about 80 characters of the message around the match
    size_t match_offset = 0;                ///< byte offset of the match in `snippet`
    size_t match_length = 0;                ///< bytes
};

struct StoreOptions {
    /// How long a write waits for another connection's lock before failing with Io.
    std::chrono::milliseconds busy_timeout{5000};
};

class ConversationStore {
public:
    /// The schema version this build writes; open() upgrades older files to it.
    static constexpr int kSchemaVersion = 2;

    /// Opens or creates the database file. Before anything is written, the file's schema version
    /// and `PRAGMA quick_check` are read (time linear in the file size: 19 ms for a 5.8 MB file,
    /// docs/storage.md),
    /// so these fail with the file untouched:
    ///   Unsupported  a schema version newer than kSchemaVersion;
    ///   Corrupt      not a SQLite database, or a damaged one (truncated, overwritten);
    ///   Io           cannot open or create (permissions, missing folder), or locked beyond
    ///                busy_timeout while upgrading.
    /// A 0-byte file is an empty database (SQLite's rule) and is initialised.
    static Result<ConversationStore> open(const std::filesystem::path& path, const StoreOptions& options = {});

    ConversationStore(ConversationStore&&) noexcept;
    ConversationStore& operator=(ConversationStore&&) noexcept;
    ~ConversationStore();

    /// InvalidArgument: a JSON field that is not one JSON object.
    Result<int64_t> create_conversation(const ConversationSettings& settings);
    /// Conversations not soft-deleted, most recently updated first.
    Result<std::vector<ConversationSummary>> list_conversations();
    /// Soft-deleted ones too (deleted_ms set). NotFound for an unknown (or purged) id.
    Result<Conversation> get_conversation(int64_t id);
    Result<void> set_title(int64_t id, std::string_view title);

    /// Appends and commits one message; sets the conversation's `updated`. Returns the message id.
    /// NotFound: no such conversation (soft-deleted ones accept messages: the bin can be undone).
    Result<int64_t> append_message(int64_t conversation_id, const NewMessage& message);
    /// All messages in order of appending. NotFound: no such conversation.
    Result<std::vector<Message>> messages(int64_t conversation_id);
    /// Hard-deletes message `first_message_id` and every later message of the conversation (ids
    /// >= first_message_id within it), with their index entries, in one transaction; sets the
    /// conversation's `updated`. A stored MemoryState whose `covered` exceeds the history messages
    /// (user and assistant) that remain is reset to {"", 0}: its summary stood for text that is
    /// gone. Returns how many messages were deleted. The desktop app's Regenerate and
    /// Edit-and-resend drop the last reply (and the user message before it) this way.
    /// NotFound: no such conversation, or no such message in it.
    Result<int64_t> delete_messages_from(int64_t conversation_id, int64_t first_message_id);

    /// Case-insensitive substring search over message text, newest first, at most `limit` hits,
    /// soft-deleted conversations excluded. Queries of 3 or more characters use the FTS5 trigram
    /// index; shorter ones (a 2-syllable Korean word such as "바다") scan the messages with
    /// instr(), see docs/storage.md. An empty query finds nothing.
    Result<std::vector<SearchHit>> search(std::string_view text, size_t limit = 50);

    /// nullopt until set_memory_state is first called. NotFound: no such conversation.
    Result<std::optional<MemoryState>> memory_state(int64_t conversation_id);
    Result<void> set_memory_state(int64_t conversation_id, const MemoryState& state);

    /// Soft delete: hidden from list and search until undeleted or purged.
    Result<void> delete_conversation(int64_t id);
    Result<void> undelete_conversation(int64_t id);
    /// Hard-deletes every soft-deleted conversation with its messages, summary and index entries,
    /// then rebuilds the full-text index and checkpoints the WAL, so that (with secure_delete) the
    /// deleted text is no longer in the database file nor in its -wal file. Returns how many
    /// conversations were purged.
    Result<int64_t> purge_deleted();

    /// Copies the WAL into the database file and truncates the WAL (backups, tests).
    Result<void> checkpoint();

    /// For people: title, settings, then each message under a heading. Not read back.
    Result<std::string> export_markdown(int64_t id);
    /// The versioned JSON document of docs/storage.md ({"format":"quanta-conversation",
    /// "version":1, ...}), UTF-8, pretty-printed.
    Result<std::string> export_json(int64_t id);
    /// Creates a new conversation from export_json's document (timestamps kept). InvalidArgument:
    /// not JSON, not that format, or a field of the wrong type; Unsupported: a newer version.
    Result<int64_t> import_json(std::string_view json);

    struct Impl;

private:
    explicit ConversationStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace quanta
