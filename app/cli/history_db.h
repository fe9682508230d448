// SPDX-License-Identifier: MIT
// The conversation database the CLI shares with the desktop app: --db FILE, else
// $XDG_DATA_HOME/quanta/quanta.db (~/.local/share/quanta/quanta.db when XDG_DATA_HOME is unset).
#pragma once

#include "cli.h"

#include "quanta/conversation_store.h"

#include <filesystem>

namespace quanta::cli {

/// The default database path (the XDG data directory); empty when neither XDG_DATA_HOME nor
/// HOME is set.
std::filesystem::path default_history_db();

/// A conversation id as typed by a user: a positive decimal integer, nothing else.
/// Errors: InvalidArgument.
Result<int64_t> parse_conversation_id(const std::string& text);

/// --db's value or the default, with its folder created. Errors: Io (no HOME, folder not
/// creatable), those of ConversationStore::open (Corrupt, Unsupported, Io when locked).
Result<ConversationStore> open_history(const ParsedArgs& args, std::filesystem::path* path_out = nullptr);

} // namespace quanta::cli
