// SPDX-License-Identifier: MIT
// quanta-cli chat: an interactive conversation through the model's chat template. Each turn
// renders the whole conversation and decodes only what the KV cache does not already hold.
#include "commands.h"
#include "engine_setup.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

namespace quanta::cli {

namespace {

CancelToken g_cancel;

extern "C" void on_chat_interrupt(int) { g_cancel.cancel(); }

/// Length of the common prefix of the cache and the new prompt. At least one token of the prompt
/// is always left to decode, since decode() must produce logits.
size_t reusable_prefix(const std::vector<int32_t>& cached, const std::vector<int32_t>& prompt) {
    const size_t limit = std::min(cached.size(), prompt.size() - 1);
    size_t n = 0;
    while (n < limit && cached[n] == prompt[n])
        ++n;
    return n;
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

    auto engine = load_engine(args);
    if (!engine)
        return fail(args.value("--model").value_or("model"), engine.error().message);
    auto session = Session::create(engine->model, *session_opts);
    if (!session)
        return fail("session", session.error().message);

    const bool interactive = isatty(STDIN_FILENO) != 0;
    std::vector<ChatMessage> messages;
    if (auto system = args.value("--system"))
        messages.push_back({"system", *system});
    if (interactive)
        std::fprintf(stderr, "Type a message; an empty line or Ctrl-D ends, Ctrl-C stops an answer.\n");

    GenerateOptions options;
    options.n_predict = n_predict->value_or(-1);
    options.sampling = *sampling;
    std::signal(SIGINT, on_chat_interrupt);
    std::string line;
    for (;;) {
        if (interactive)
            std::fprintf(stderr, "> ");
        if (!std::getline(std::cin, line) || line.empty())
            break;
        messages.push_back({"user", line});
        auto prompt = chat_prompt(*engine->model, messages);
        if (!prompt)
            return fail("chat template", prompt.error().message);
        Session& s = **session;
        const size_t keep = reusable_prefix(s.tokens(), *prompt);
        s.truncate(static_cast<int64_t>(keep));
        const std::span<const int32_t> fresh(prompt->data() + keep, prompt->size() - keep);

        std::string reply;
        g_cancel.reset();
        auto stats = generate(s, fresh, options,
                              [&reply](int32_t, std::string_view text) {
                                  reply += text;
                                  std::fwrite(text.data(), 1, text.size(), stdout);
                                  std::fflush(stdout);
                                  return true;
                              },
                              &g_cancel);
        std::fputc('\n', stdout);
        std::fflush(stdout);
        if (!stats) {
            if (stats.error().code != ErrorCode::ContextFull)
                return fail("generate", stats.error().message);
            std::fprintf(stderr, "quanta-cli: %s; starting a new conversation\n", stats.error().message.c_str());
            s.clear();
            messages.clear();
            continue;
        }
        messages.push_back({"assistant", reply});
    }
    std::signal(SIGINT, SIG_DFL);
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
        "ends the chat.",
        concat(concat(engine_options(), sampling_options()),
               {
                   {"--system", "TEXT", "System message"},
                   {"--n-predict", "N", "Most tokens per answer; -1: until the model stops (default)", "-n"},
               }),
        0,
        0,
        chat,
    };
    return spec;
}

} // namespace quanta::cli
