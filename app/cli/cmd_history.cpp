// SPDX-License-Identifier: MIT
// quanta-cli history: the saved conversations (the database `chat` writes and the desktop app
// shares): list, show, search, export, import, delete (undoable), undelete, purge.
#include "commands.h"
#include "history_db.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace quanta::cli {

namespace {

std::string local_time(int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

void print_json(const nlohmann::json& j) { std::printf("%s\n", j.dump().c_str()); }

int list(ConversationStore& store, bool json) {
    auto rows = store.list_conversations();
    if (!rows)
        return fail("history", rows.error().message);
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const ConversationSummary& c : *rows)
            out.push_back({{"id", c.id}, {"title", c.title}, {"updated_ms", c.updated_ms}, {"messages", c.message_count}});
        print_json(out);
        return kExitOk;
    }
    for (const ConversationSummary& c : *rows)
        std::printf("%6lld  %s  %5lld msgs  %s\n", static_cast<long long>(c.id), local_time(c.updated_ms).c_str(),
                    static_cast<long long>(c.message_count), printable(c.title).c_str());
    return kExitOk;
}

int show(ConversationStore& store, int64_t id, bool json) {
    if (json) {
        auto doc = store.export_json(id); // the versioned export schema (docs/storage.md)
        if (!doc)
            return fail("history", doc.error().message);
        std::printf("%s\n", doc->c_str());
        return kExitOk;
    }
    auto md = store.export_markdown(id);
    if (!md)
        return fail("history", md.error().message);
    std::fwrite(md->data(), 1, md->size(), stdout);
    return kExitOk;
}

int search(ConversationStore& store, const std::string& text, bool json) {
    auto hits = store.search(text);
    if (!hits)
        return fail("history", hits.error().message);
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const SearchHit& h : *hits)
            out.push_back({{"conversation", h.conversation_id}, {"message", h.message_id}, {"snippet", h.snippet}});
        print_json(out);
        return kExitOk;
    }
    for (const SearchHit& h : *hits)
        std::printf("%6lld #%lld  %s\n", static_cast<long long>(h.conversation_id),
                    static_cast<long long>(h.message_id), printable(h.snippet).c_str());
    return kExitOk;
}

int history(const ParsedArgs& args) {
    const std::vector<std::string>& pos = args.positional();
    const std::string& action = pos[0];
    const bool json = args.flag("--json");
    const size_t want = (action == "list" || action == "purge") ? 1 : 2;
    const bool known = action == "list" || action == "show" || action == "search" || action == "export" ||
                       action == "import" || action == "delete" || action == "undelete" || action == "purge";
    if (!known)
        return usage_error("history", "unknown action '" + printable(action) + "'");
    if (pos.size() != want)
        return usage_error("history", "'" + action + "' takes " + (want == 1 ? "no argument" : "one argument"));
    const std::string format = args.value("--format").value_or("md");
    if (format != "md" && format != "json")
        return usage_error("history", "--format is md or json");

    std::filesystem::path db;
    auto store = open_history(args, &db);
    if (!store)
        return fail(db.empty() ? "history" : db.string(), store.error().message);

    if (action == "list")
        return list(*store, json);
    if (action == "search")
        return search(*store, pos[1], json);
    if (action == "import") {
        std::ifstream in(pos[1], std::ios::binary);
        if (!in)
            return fail(pos[1], "cannot open the file");
        const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto id = store->import_json(doc);
        if (!id)
            return fail(pos[1], id.error().message);
        if (json)
            print_json({{"id", *id}});
        else
            std::printf("%lld\n", static_cast<long long>(*id));
        return kExitOk;
    }
    if (action == "purge") {
        auto n = store->purge_deleted();
        if (!n)
            return fail("history", n.error().message);
        std::fprintf(stderr, "quanta-cli: purged %lld deleted conversation(s)\n", static_cast<long long>(*n));
        return kExitOk;
    }
    auto id = parse_conversation_id(pos[1]);
    if (!id)
        return usage_error("history", id.error().message);
    if (action == "show")
        return show(*store, *id, json);
    if (action == "export") {
        auto doc = format == "json" ? store->export_json(*id) : store->export_markdown(*id);
        if (!doc)
            return fail("history", doc.error().message);
        std::fwrite(doc->data(), 1, doc->size(), stdout);
        if (format == "json")
            std::fputc('\n', stdout);
        return kExitOk;
    }
    auto done = action == "delete" ? store->delete_conversation(*id) : store->undelete_conversation(*id);
    if (!done)
        return fail("history", done.error().message);
    if (action == "delete")
        std::fprintf(stderr,
                     "quanta-cli: deleted conversation %lld (undo: 'quanta-cli history undelete %lld'; "
                     "'history purge' erases it for good)\n",
                     static_cast<long long>(*id), static_cast<long long>(*id));
    return kExitOk;
}

} // namespace

const CommandSpec& history_command() {
    static const CommandSpec spec{
        "history",
        "List, show, search, export, import and delete saved conversations",
        "ACTION [ARG]",
        "Actions: list | show ID | search TEXT | export ID [--format md|json] | import FILE |\n"
        "delete ID | undelete ID | purge. The database is --db FILE, else the one the desktop app\n"
        "uses: $XDG_DATA_HOME/quanta/quanta.db (~/.local/share/quanta/quanta.db). delete moves a\n"
        "conversation to the bin (undelete brings it back); purge erases the bin's text from the file.\n"
        "The JSON export format is documented in docs/storage.md; import reads it back.",
        {
            {"--db", "FILE", "Conversation database (default: the XDG data directory's)"},
            {"--format", "md|json", "export: Markdown (default) or JSON"},
            {"--json", "", "list, show, search, import: machine-readable output"},
        },
        1,
        2,
        history,
    };
    return spec;
}

} // namespace quanta::cli
