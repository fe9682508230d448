// SPDX-License-Identifier: MIT
// quanta-cli run: one prompt in, generated text out (stdout only carries the text).
#include "commands.h"
#include "engine_setup.h"

#include <csignal>
#include <cstdio>

namespace quanta::cli {

namespace {

CancelToken g_cancel;

extern "C" void on_interrupt(int) { g_cancel.cancel(); }

void print_timing(const GenerateStats& s) {
    const double pp = s.prompt_tokens_per_second();
    const double tg = s.tokens_per_second();
    std::fprintf(stderr,
                 "\nquanta-cli: prompt %lld tokens in %.3f s (%.1f t/s), generated %lld tokens in %.3f s "
                 "(%.1f t/s), stop: %s\n",
                 static_cast<long long>(s.n_prompt), s.prompt_seconds, pp, static_cast<long long>(s.n_generated),
                 s.generate_seconds, tg, stop_reason_name(s.stop));
}

int run(const ParsedArgs& args) {
    const auto prompt = args.value("--prompt");
    if (!prompt)
        return usage_error("run", "missing --prompt TEXT");
    auto n_predict = args.int_value("--n-predict", -1, int64_t{1} << 24);
    if (!n_predict)
        return usage_error("run", n_predict.error().message);
    auto sampling = sampling_params(args);
    if (!sampling)
        return usage_error("run", sampling.error().message);
    auto session_opts = session_options(args);
    if (!session_opts)
        return usage_error("run", session_opts.error().message);
    session_opts->context_shift = args.flag("--context-shift");

    auto engine = load_engine(args);
    if (!engine)
        return fail(args.value("--model").value_or("model"), engine.error().message);
    const Model& model = *engine->model;

    std::vector<int32_t> ids;
    if (args.flag("--chat") || args.value("--system")) {
        std::vector<ChatMessage> messages;
        if (auto system = args.value("--system"))
            messages.push_back({"system", *system});
        messages.push_back({"user", *prompt});
        auto chat = chat_prompt(model, messages);
        if (!chat)
            return fail("chat template", chat.error().message);
        ids = std::move(*chat);
    } else {
        ids = model.tokenizer().encode(*prompt); // BOS as the vocabulary says, no special-token parsing
    }
    if (ids.empty())
        return fail("run", "the prompt is empty and the model adds no BOS token");

    auto session = Session::create(engine->model, *session_opts);
    if (!session)
        return fail("session", session.error().message);

    GenerateOptions options;
    options.n_predict = n_predict->value_or(128);
    options.sampling = *sampling;
    std::signal(SIGINT, on_interrupt);
    auto stats = generate(**session, ids, options,
                          [](int32_t, std::string_view text) {
                              std::fwrite(text.data(), 1, text.size(), stdout);
                              std::fflush(stdout);
                              return true;
                          },
                          &g_cancel);
    std::signal(SIGINT, SIG_DFL);
    if (!stats)
        return fail("generate", stats.error().message);
    std::fputc('\n', stdout);
    print_timing(*stats);
    return kExitOk;
}

} // namespace

const CommandSpec& run_command() {
    static const CommandSpec spec{
        "run",
        "Generate text from a prompt",
        "",
        "Loads MODEL, feeds it PROMPT and prints the continuation on stdout (logs and timings go to\n"
        "stderr). Without --chat the prompt is used raw, with BOS added as the model's metadata says;\n"
        "with --chat (or --system) it is wrapped in the model's chat template. --temp 0 is greedy.",
        concat(concat(engine_options(), sampling_options()),
               {
                   {"--prompt", "TEXT", "The prompt", "-p"},
                   {"--n-predict", "N", "Tokens to generate; -1 until end of text (default 128)", "-n"},
                   {"--chat", "", "Wrap the prompt in the model's chat template as a user message"},
                   {"--system", "TEXT", "System message (implies --chat)"},
                   {"--context-shift", "", "When the context is full, drop old tokens instead of stopping"},
               }),
        0,
        0,
        run,
    };
    return spec;
}

} // namespace quanta::cli
