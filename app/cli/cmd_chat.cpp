// SPDX-License-Identifier: MIT
// quanta-cli chat: a conversation through the model's chat template, saved in the conversation
// database. Each turn the memory strategy picks what the model sees; the rendered prompt is
// decoded only where it differs from what the KV cache already holds.
#include "commands.h"
#include "engine_setup.h"
#include "history_db.h"

#include "quanta/memory.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

namespace quanta::cli {

namespace {

CancelToken g_cancel;

extern "C" void on_chat_interrupt(int) { g_cancel.cancel(); }

/// Where the conversation is kept: nothing (--no-save), or a conversation of the database,
/// created when the first message is sent so that an empty chat leaves no trace.
struct SavedChat {
    std::optional<ConversationStore> store;
    int64_t id = 0; ///< 0 until created
    ConversationSettings settings;

    Result<void> append(MessageRole role, const std::string& content, int64_t tokens,
                        std::optional<GenerationStats> stats = std::nullopt) {
        if (!store)
            return {};
        if (id == 0) {
            settings.title = content.substr(0, 60); // the first user message names the chat
            QUANTA_TRY_ASSIGN(id, store->create_conversation(settings));
        }
        NewMessage m;
        m.role = role;
        m.content = content;
        m.token_count = tokens;
        m.stats = std::move(stats);
        QUANTA_TRY_ASSIGN(int64_t message_id, store->append_message(id, m));
        (void)message_id;
        return {};
    }
};

bool uses_summary(const MemoryStrategy& s) {
    return s.kind == MemoryStrategy::Kind::Summary || s.kind == MemoryStrategy::Kind::SummaryBuffer;
}

int chat(const ParsedArgs& args) {
    auto sampling = sampling_params(args);
    if (!sampling)
        return usage_error("chat", sampling.error().message);
    auto session_opts = session_options(args);
    if (!session_opts)
        return usage_error("chat", session_opts.error().message);
    auto n_predict = args.int_value("--n-predict", -1, int64_t{1} << 24);
    if (!n_predict)
        return usage_error("chat", n_predict.error().message);
    std::optional<MemoryStrategy> strategy;
    if (auto text = args.value("--memory")) {
        auto parsed = parse_memory_strategy(*text);
        if (!parsed)
            return usage_error("chat", parsed.error().message);
        strategy = *parsed;
    }
    const std::string conversation = args.value("--conversation").value_or("new");
    int64_t resume_id = 0;
    if (conversation != "new") {
        auto id = parse_conversation_id(conversation);
        if (!id)
            return usage_error("chat", "--conversation takes a conversation id or 'new'");
        resume_id = *id;
        if (args.flag("--no-save"))
            return usage_error("chat", "--conversation and --no-save exclude each other");
    }

    auto engine = load_engine(args);
    if (!engine)
        return fail(args.value("--model").value_or("model"), engine.error().message);
    auto session = Session::create(engine->model, *session_opts);
    if (!session)
        return fail("session", session.error().message);

    // The conversation so far (user and assistant messages) and what the memory keeps of it.
    SavedChat saved;
    std::vector<ChatMessage> history;
    MemoryState state;
    std::string system = args.value("--system").value_or("");
    if (!args.flag("--no-save")) {
        std::filesystem::path db;
        auto store = open_history(args, &db);
        if (!store)
            return fail(db.empty() ? "history" : db.string(), store.error().message);
        saved.store.emplace(std::move(*store));
        if (resume_id != 0) {
            auto c = saved.store->get_conversation(resume_id);
            if (!c)
                return fail("conversation " + conversation, c.error().message);
            saved.id = resume_id;
            saved.settings = c->settings;
            if (!args.value("--system"))
                system = c->settings.system_prompt;
            if (!strategy && !c->settings.memory_strategy.empty()) {
                auto stored = parse_memory_strategy(c->settings.memory_strategy);
                if (stored)
                    strategy = *stored;
            }
            auto msgs = saved.store->messages(resume_id);
            if (!msgs)
                return fail("conversation " + conversation, msgs.error().message);
            for (const Message& m : *msgs)
                if (m.role != MessageRole::System)
                    history.push_back({std::string(message_role_name(m.role)), m.content});
            auto st = saved.store->memory_state(resume_id);
            if (st && *st)
                state = **st;
        }
        saved.settings.model_file = args.value("--model").value_or("");
        saved.settings.model_type = engine->model->type_name();
        saved.settings.system_prompt = system;
        saved.settings.memory_strategy = format_memory_strategy(strategy.value_or(MemoryStrategy{}));
    }
    const MemoryStrategy memory = strategy.value_or(MemoryStrategy{});

    auto counter = model_token_counter(engine->model);
    if (!counter)
        return fail("chat template", counter.error().message);
    std::unique_ptr<EngineSummarizer> summarizer;
    if (uses_summary(memory)) {
        auto s = EngineSummarizer::create(engine->model);
        if (!s)
            return fail("summarizer", s.error().message);
        summarizer = std::move(*s);
        summarizer->set_cancel_token(&g_cancel);
    }

    const bool interactive = isatty(STDIN_FILENO) != 0;
    if (interactive) {
        std::fprintf(stderr, "Type a message; an empty line or Ctrl-D ends, Ctrl-C stops an answer.\n");
        if (saved.id != 0)
            std::fprintf(stderr, "Continuing conversation %lld (%zu messages).\n", static_cast<long long>(saved.id),
                         history.size());
    }
    const int64_t n_ctx = (*session)->n_ctx();
    // Room kept for the answer: what -n asks for, else a quarter of the context (at most 512).
    const int64_t reserve = n_predict->value_or(-1) > 0 ? std::min(**n_predict, n_ctx / 2)
                                                         : std::min<int64_t>(512, n_ctx / 4);

    GenerateOptions options;
    options.sampling = *sampling;
    std::signal(SIGINT, on_chat_interrupt);
    std::string line;
    for (;;) {
        if (interactive)
            std::fprintf(stderr, "> ");
        if (!std::getline(std::cin, line) || line.empty())
            break;
        history.push_back({"user", line});
        std::vector<ChatMessage> conversation_now;
        if (!system.empty())
            conversation_now.push_back({"system", system});
        conversation_now.insert(conversation_now.end(), history.begin(), history.end());
        g_cancel.reset();
        auto plan = build_prompt(conversation_now, memory, state, summarizer.get(), *counter, n_ctx, reserve);
        if (!plan) {
            history.pop_back();
            if (plan.error().code == ErrorCode::ContextFull || plan.error().code == ErrorCode::Cancelled) {
                std::fprintf(stderr, "quanta-cli: %s\n", plan.error().message.c_str());
                continue;
            }
            return fail("memory", plan.error().message);
        }
        auto prompt = chat_prompt(*engine->model, plan->messages);
        if (!prompt)
            return fail("chat template", prompt.error().message);
        Session& s = **session;
        const size_t keep = s.keep_common_prefix(*prompt);
        const std::span<const int32_t> fresh(prompt->data() + keep, prompt->size() - keep);
        // Never past the context: the memory left at least `reserve` positions free.
        const int64_t room = n_ctx - static_cast<int64_t>(prompt->size());
        options.n_predict = n_predict->value_or(-1) > 0 ? std::min(**n_predict, room) : room;

        std::string reply;
        const auto t0 = std::chrono::steady_clock::now();
        double first_token_ms = -1.0;
        auto stats = generate(s, fresh, options,
                              [&](int32_t, std::string_view text) {
                                  if (first_token_ms < 0)
                                      first_token_ms = std::chrono::duration<double, std::milli>(
                                                           std::chrono::steady_clock::now() - t0)
                                                           .count();
                                  reply += text;
                                  std::fwrite(text.data(), 1, text.size(), stdout);
                                  std::fflush(stdout);
                                  return true;
                              },
                              &g_cancel);
        std::fputc('\n', stdout);
        std::fflush(stdout);
        if (!stats)
            return fail("generate", stats.error().message);
        history.push_back({"assistant", reply});

        GenerationStats gen;
        gen.tokens_per_second = stats->tokens_per_second();
        gen.time_to_first_token_ms = std::max(0.0, first_token_ms);
        gen.model_file = saved.settings.model_file;
        gen.model_type = saved.settings.model_type;
        const auto user_tokens = engine->model->tokenizer().encode(line);
        Result<void> written = saved.append(MessageRole::User, line, static_cast<int64_t>(user_tokens.size()));
        if (written)
            written = saved.append(MessageRole::Assistant, reply, stats->n_generated, gen);
        if (written && saved.store && uses_summary(memory))
            written = saved.store->set_memory_state(saved.id, state);
        if (!written)
            return fail("history", written.error().message);
    }
    std::signal(SIGINT, SIG_DFL);
    if (saved.id != 0 && interactive)
        std::fprintf(stderr, "Saved as conversation %lld ('quanta-cli history show %lld').\n",
                     static_cast<long long>(saved.id), static_cast<long long>(saved.id));
    return kExitOk;
}

} // namespace

const CommandSpec& chat_command() {
    static const CommandSpec spec{
        "chat",
        "Chat with a model interactively",
        "",
        "Reads one user message per line from stdin and streams the model's answers to stdout,\n"
        "using the model's chat template (ChatML when it has none). An empty line or end of input\n"
        "ends the chat. The conversation is saved in the conversation database (see 'history'),\n"
        "and --memory chooses what of it the model is given each turn (docs/memory.md); the\n"
        "prompt never exceeds the context.",
        concat(concat(engine_options(), sampling_options()),
               {
                   {"--system", "TEXT", "System message"},
                   {"--db", "FILE", "Conversation database (default: the desktop app's, in the XDG data directory)"},
                   {"--conversation", "ID|new", "Continue a saved conversation, or start a new one (default)"},
                   {"--memory", "SPEC", "What the model sees of the past: buffer (default), window:K, tokens:N, "
                                        "summary, summary-buffer:N"},
                   {"--no-save", "", "Do not save this conversation"},
                   {"--n-predict", "N", "Most tokens per answer; -1: until the model stops (default)", "-n"},
               }),
        0,
        0,
        chat,
    };
    return spec;
}

} // namespace quanta::cli
