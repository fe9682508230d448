// SPDX-License-Identifier: MIT
#include "history_db.h"

#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace quanta::cli {

Result<int64_t> parse_conversation_id(const std::string& text) {
    try {
        size_t used = 0;
        const long long v = std::stoll(text, &used);
        if (used == text.size() && v > 0)
            return static_cast<int64_t>(v);
    } catch (const std::exception&) {
    }
    return make_error(ErrorCode::InvalidArgument, "'" + printable(text) + "' is not a conversation id");
}

std::filesystem::path default_history_db() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    if (xdg && *xdg == '/') // the XDG spec ignores relative values
        return std::filesystem::path(xdg) / "quanta" / "quanta.db";
    const char* home = std::getenv("HOME");
    if (home && *home)
        return std::filesystem::path(home) / ".local" / "share" / "quanta" / "quanta.db";
    return {};
}

Result<ConversationStore> open_history(const ParsedArgs& args, std::filesystem::path* path_out) {
    std::filesystem::path path = args.value("--db").value_or("");
    if (path.empty()) {
        path = default_history_db();
        if (path.empty())
            return make_error(ErrorCode::Io, "no HOME or XDG_DATA_HOME for the conversation database; use --db FILE");
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            return make_error(ErrorCode::Io, path.parent_path().string() + ": " + ec.message());
    }
    if (path_out)
        *path_out = path;
    return ConversationStore::open(path);
}

} // namespace quanta::cli
