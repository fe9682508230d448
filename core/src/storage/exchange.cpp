// SPDX-License-Identifier: MIT
// Export to Markdown and JSON, import from JSON (docs/storage.md, "Export format").
//
// nlohmann::json throws on type mismatches; every use is inside a try block here so that nothing
// crosses the public API as an exception.
#include "storage/store_internal.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>

namespace quanta {

using json = nlohmann::ordered_json;
using storage::Query;
using storage::Transaction;

namespace {

constexpr const char* kFormat = "quanta-conversation";
constexpr int kFormatVersion = 1;

// Invalid UTF-8 (a model can emit half a character) becomes U+FFFD instead of an exception.
std::string dump(const json& j, int indent) { return j.dump(indent, ' ', false, json::error_handler_t::replace); }

std::string utc_time(int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

std::string capitalized(std::string_view s) {
    std::string out(s);
    if (!out.empty() && out[0] >= 'a' && out[0] <= 'z')
        out[0] = static_cast<char>(out[0] - 'a' + 'A');
    return out;
}

} // namespace

namespace storage {

Result<std::string> normalize_json_object(std::string_view text, std::string_view field) {
    if (text.empty())
        return std::string("{}");
    json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
        return make_error(ErrorCode::InvalidArgument, std::string(field) + ": not a JSON object");
    return dump(j, -1);
}

} // namespace storage

Result<std::string> ConversationStore::export_markdown(int64_t id) {
    QUANTA_TRY_ASSIGN(const Conversation c, get_conversation(id));
    QUANTA_TRY_ASSIGN(const std::vector<Message> msgs, messages(id));
    const ConversationSettings& s = c.settings;
    std::string md = "# " + (s.title.empty() ? std::string("Untitled conversation") : s.title) + "\n\n";
    md += "- Created: " + utc_time(c.created_ms) + "\n";
    md += "- Updated: " + utc_time(c.updated_ms) + "\n";
    if (!s.model_file.empty())
        md += "- Model: " + s.model_file + (s.model_type.empty() ? "" : " (" + s.model_type + ")") + "\n";
    if (s.sampling_json != "{}")
        md += "- Sampling: `" + s.sampling_json + "`\n";
    if (!s.memory_strategy.empty())
        md += "- Memory: " + s.memory_strategy + (s.memory_params_json == "{}" ? "" : " `" + s.memory_params_json + "`") +
              "\n";
    if (!s.system_prompt.empty())
        md += "\n## System prompt\n\n" + s.system_prompt + "\n";
    for (const Message& m : msgs) {
        md += "\n## " + capitalized(message_role_name(m.role)) + " (" + utc_time(m.created_ms) + ")\n\n";
        md += m.content + "\n";
        if (m.stats) {
            char line[160];
            std::snprintf(line, sizeof line, "\n*%.1f tokens/s, first token after %.0f ms*\n",
                          m.stats->tokens_per_second, m.stats->time_to_first_token_ms);
            md += line;
        }
    }
    return md;
}

Result<std::string> ConversationStore::export_json(int64_t id) {
    QUANTA_TRY_ASSIGN(const Conversation c, get_conversation(id));
    QUANTA_TRY_ASSIGN(const std::vector<Message> msgs, messages(id));
    QUANTA_TRY_ASSIGN(const std::optional<MemoryState> memory, memory_state(id));
    try {
        const ConversationSettings& s = c.settings;
        json conv = {{"title", s.title},
                     {"created", c.created_ms},
                     {"updated", c.updated_ms},
                     {"model_file", s.model_file},
                     {"model_type", s.model_type},
                     {"sampling", json::parse(s.sampling_json, nullptr, false)},
                     {"memory_strategy", s.memory_strategy},
                     {"memory_parameters", json::parse(s.memory_params_json, nullptr, false)},
                     {"system_prompt", s.system_prompt}};
        json list = json::array();
        for (const Message& m : msgs) {
            json jm = {{"role", message_role_name(m.role)},
                       {"content", m.content},
                       {"token_count", m.token_count},
                       {"created", m.created_ms}};
            if (m.stats)
                jm["stats"] = {{"tokens_per_second", m.stats->tokens_per_second},
                               {"time_to_first_token_ms", m.stats->time_to_first_token_ms},
                               {"model_file", m.stats->model_file},
                               {"model_type", m.stats->model_type}};
            list.push_back(std::move(jm));
        }
        json doc = {{"format", kFormat}, {"version", kFormatVersion}, {"conversation", std::move(conv)},
                    {"messages", std::move(list)}};
        doc["memory_state"] =
            memory ? json{{"summary", memory->summary}, {"covered", memory->covered}} : json(nullptr);
        return dump(doc, 2) + "\n";
    } catch (const json::exception& e) {
        return make_error(ErrorCode::Internal, std::string("export_json: ") + e.what());
    }
}

namespace {

/// A parsed, validated document: everything import_json writes.
struct ImportDoc {
    Conversation conversation;
    std::vector<Message> messages;
    std::optional<MemoryState> memory;
};

Result<ImportDoc> parse_document(std::string_view text) {
    const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object())
        return make_error(ErrorCode::InvalidArgument, "import: not a JSON object");
    if (doc.value("format", std::string()) != kFormat)
        return make_error(ErrorCode::InvalidArgument, std::string("import: \"format\" is not \"") + kFormat + "\"");
    const json& version = doc.contains("version") ? doc["version"] : json();
    if (!version.is_number_integer())
        return make_error(ErrorCode::InvalidArgument, "import: \"version\" missing or not an integer");
    if (version.get<int64_t>() > kFormatVersion || version.get<int64_t>() < 1)
        return make_error(ErrorCode::Unsupported, "import: format version " + version.dump() +
                                                      " (this build reads version " + std::to_string(kFormatVersion) +
                                                      ")");
    // at() and get<>() throw type_error/out_of_range on a missing or mistyped field: caught below
    // and reported with nlohmann's message, which names the problem.
    ImportDoc out;
    const json& c = doc.at("conversation");
    ConversationSettings& s = out.conversation.settings;
    s.title = c.at("title").get<std::string>();
    out.conversation.created_ms = c.at("created").get<int64_t>();
    out.conversation.updated_ms = c.at("updated").get<int64_t>();
    s.model_file = c.value("model_file", std::string());
    s.model_type = c.value("model_type", std::string());
    s.sampling_json = c.contains("sampling") ? dump(c["sampling"], -1) : "{}";
    s.memory_strategy = c.value("memory_strategy", std::string());
    s.memory_params_json = c.contains("memory_parameters") ? dump(c["memory_parameters"], -1) : "{}";
    s.system_prompt = c.value("system_prompt", std::string());
    for (const json& jm : doc.at("messages")) {
        Message m;
        const std::string role = jm.at("role").get<std::string>();
        const auto r = message_role_from_name(role);
        if (!r)
            return make_error(ErrorCode::InvalidArgument, "import: unknown message role \"" + role + "\"");
        m.role = *r;
        m.content = jm.at("content").get<std::string>();
        m.token_count = jm.value("token_count", int64_t{0});
        m.created_ms = jm.at("created").get<int64_t>();
        if (jm.contains("stats") && !jm["stats"].is_null()) {
            const json& st = jm["stats"];
            m.stats = GenerationStats{st.at("tokens_per_second").get<double>(),
                                      st.at("time_to_first_token_ms").get<double>(),
                                      st.value("model_file", std::string()), st.value("model_type", std::string())};
        }
        out.messages.push_back(std::move(m));
    }
    if (doc.contains("memory_state") && !doc["memory_state"].is_null()) {
        const json& ms = doc["memory_state"];
        out.memory = MemoryState{ms.at("summary").get<std::string>(), ms.at("covered").get<int64_t>()};
    }
    return out;
}

} // namespace

Result<int64_t> ConversationStore::import_json(std::string_view text) {
    ImportDoc doc;
    try {
        QUANTA_TRY_ASSIGN(doc, parse_document(text));
    } catch (const json::exception& e) {
        return make_error(ErrorCode::InvalidArgument, std::string("import: ") + e.what());
    }
    const ConversationSettings& s = doc.conversation.settings;
    QUANTA_TRY_ASSIGN(const std::string sampling, storage::normalize_json_object(s.sampling_json, "sampling"));
    QUANTA_TRY_ASSIGN(const std::string params, storage::normalize_json_object(s.memory_params_json, "memory_parameters"));

    auto& db = m_impl->db;
    QUANTA_TRY_ASSIGN(auto tx, Transaction::begin(db));
    QUANTA_TRY_ASSIGN(Query qc, db.query("INSERT INTO conversations (title, created, updated, model_file, model_type, "
                                         "sampling, memory_strategy, memory_params, system_prompt) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    qc.bind(1, s.title).bind(2, doc.conversation.created_ms).bind(3, doc.conversation.updated_ms);
    qc.bind(4, s.model_file).bind(5, s.model_type).bind(6, sampling).bind(7, s.memory_strategy).bind(8, params);
    qc.bind(9, s.system_prompt);
    QUANTA_TRY(qc.run());
    const int64_t id = sqlite3_last_insert_rowid(db.raw());
    for (const Message& m : doc.messages) {
        QUANTA_TRY_ASSIGN(Query q, db.query("INSERT INTO messages (conversation_id, role, content, token_count, "
                                            "created, tokens_per_second, time_to_first_token_ms, gen_model_file, "
                                            "gen_model_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
        q.bind(1, id).bind(2, message_role_name(m.role)).bind(3, m.content).bind(4, m.token_count);
        q.bind(5, m.created_ms);
        if (m.stats) {
            q.bind(6, m.stats->tokens_per_second).bind(7, m.stats->time_to_first_token_ms);
            q.bind(8, m.stats->model_file).bind(9, m.stats->model_type);
        } else {
            q.bind_null(6).bind_null(7).bind_null(8).bind_null(9);
        }
        QUANTA_TRY(q.run());
    }
    if (doc.memory) {
        QUANTA_TRY_ASSIGN(Query q, db.query("INSERT INTO memory_state (conversation_id, summary, covered) "
                                            "VALUES (?1, ?2, ?3)"));
        q.bind(1, id).bind(2, doc.memory->summary).bind(3, doc.memory->covered);
        QUANTA_TRY(q.run());
    }
    QUANTA_TRY(tx.commit());
    return id;
}

} // namespace quanta
