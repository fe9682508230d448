// SPDX-License-Identifier: MIT
// Conversation memory: which messages of a conversation go into the chat template for the next
// reply, LangChain-style, and the guarantee that the rendered prompt fits the context.
//
//   auto strategy = parse_memory_strategy("summary-buffer:1024");
//   auto counter = model_token_counter(model);                 // renders + tokenizes
//   auto summarizer = EngineSummarizer::create(model);         // the local model writes summaries
//   MemoryState state;                                          // persisted with the conversation
//   auto plan = build_prompt(conversation, *strategy, state, summarizer->get(), *counter,
//                            /*n_ctx=*/4096, /*reserve=*/512);
//   chat_prompt_tokens(*model, tmpl, plan->messages) ... generate ...
//
// Words used below (docs/memory.md has the long form):
//   system prompt  conversation[0] when its role is "system"; always sent, always first.
//   history        every other message, indexed from 0 (the system prompt does not count).
//   newest         the last history message (normally the user's question): always sent.
//   exchange       a user message and the messages after it up to the next user message (the
//                  assistant's reply); the newest message's exchange is "open" while unanswered.
//
// Strategies (`format_memory_strategy` gives the CLI syntax in brackets):
//   Buffer        [buffer]            every message.
//   Window        [window:K]          the newest message's exchange and the K exchanges before it.
//   TokenBuffer   [tokens:N]          the newest history messages whose render counts <= N tokens.
//   Summary       [summary]           a running summary of everything before the newest message.
//   SummaryBuffer [summary-buffer:N]  the messages of tokens:N + a running summary of the older ones.
// When messages are dropped from the front, a kept history that would begin with an assistant
// message drops that one too: templates that check user/assistant alternation would fail on it.
//
// The summary covers history [0, state.covered) and is only ever extended: the Summarizer sees the
// previous summary and the messages that newly left the window, never the whole history again. It
// is sent inside the system message (appended after the system prompt under a heading, or as the
// only content of a new system message when there is no system prompt), so it is always first.
//
// The context guarantee, whatever the strategy: counter(plan.messages) + reserve <= n_ctx, where
// the counter counts the RENDERED template (special tokens, headers, generation prompt). Further
// oldest messages are dropped (for summary strategies: folded into the summary) until it holds; a
// summary that alone does not fit is left out; if the system prompt and the newest message alone
// do not fit, the result is ContextFull.
//
// Threads: everything here is plain functions over values; an EngineSummarizer (and the counter
// from model_token_counter) runs the model and follows the Session rules of quanta/engine.h.
#pragma once

#include "quanta/chat_template.h"
#include "quanta/engine.h"
#include "quanta/memory_state.h"
#include "quanta/result.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace quanta {

struct MemoryStrategy {
    enum class Kind { Buffer, Window, TokenBuffer, Summary, SummaryBuffer };
    Kind kind = Kind::Buffer;
    /// Window: K exchanges (>= 0); TokenBuffer and SummaryBuffer: N tokens (>= 1); otherwise 0.
    int64_t n = 0;
};

/// Parses the CLI syntax `buffer`, `window:K`, `tokens:N`, `summary`, `summary-buffer:N`
/// (K >= 0, N >= 1, decimal). Errors (InvalidArgument) quote the input and list the syntax.
Result<MemoryStrategy> parse_memory_strategy(std::string_view text);

/// The CLI syntax of a strategy; parse_memory_strategy(format_memory_strategy(s)) == s.
std::string format_memory_strategy(const MemoryStrategy& strategy);


/// Writes summaries for the Summary and SummaryBuffer strategies.
class Summarizer {
public:
    virtual ~Summarizer() = default;
    /// A new summary: `previous_summary` ("" at first) extended with `new_messages` (never
    /// empty), the history messages that just left the window, oldest first.
    virtual Result<std::string> summarize(std::string_view previous_summary,
                                          std::span<const ChatMessage> new_messages) = 0;
};

/// Tokens of `messages` as the model would see them: rendered with the chat template (with the
/// generation prompt), then tokenized. Must grow (weakly) when messages are added at the front;
/// build_prompt searches on that assumption. Errors (a template that rejects the list) propagate.
using TokenCounter = std::function<Result<int64_t>(std::span<const ChatMessage> messages)>;

/// What build_prompt decided, for the generator and for a GUI that shows what was sent.
struct PromptPlan {
    std::vector<ChatMessage> messages; ///< to render: system (with the summary) first, then history
    std::string summary;               ///< the summary inside messages[0], "" when none was sent
    int64_t summarized = 0;            ///< history messages that summary stands for (0 without one)
    int64_t first_sent = 0;            ///< history index of the first message sent verbatim
    int64_t dropped = 0;               ///< history messages not sent verbatim (= first_sent)
    int64_t prompt_tokens = 0;         ///< counter(messages)
};

/// The heading that introduces the summary inside the system message.
inline constexpr std::string_view kSummaryHeading = "Summary of the earlier conversation:";

/// Chooses the messages for the next reply. `conversation`: the system prompt first if there is
/// one, then the history, ending with the message to answer. `state` is read and, for the summary
/// strategies, extended (each successful summarize() call advances it, so a later error leaves a
/// consistent state); other strategies leave it alone. `summarizer` may be null except for the
/// summary strategies. `reserve`: tokens kept free for the reply.
/// Errors: InvalidArgument (no history, a null summarizer for a summary strategy, n_ctx < 1,
/// reserve < 0, state.covered beyond the newest message); ContextFull (the system prompt and the
/// newest message alone exceed n_ctx - reserve; the message gives both numbers); any error of the
/// counter or the summarizer.
Result<PromptPlan> build_prompt(const std::vector<ChatMessage>& conversation, const MemoryStrategy& strategy,
                                MemoryState& state, Summarizer* summarizer, const TokenCounter& counter,
                                int64_t n_ctx, int64_t reserve);

/// The prompt ids for `messages`: rendered with `tmpl` and the generation prompt, tokenized with
/// special tokens parsed, BOS added only when the template did not write it already.
Result<std::vector<int32_t>> chat_prompt_tokens(const Model& model, const ModelChatTemplate& tmpl,
                                                std::span<const ChatMessage> messages);

/// A TokenCounter that counts chat_prompt_tokens with the model's own template. Errors: those of
/// chat_template_from_gguf. The counter keeps the model alive.
Result<TokenCounter> model_token_counter(std::shared_ptr<const Model> model);

/// LangChain's progressive-summary instruction; `{summary}` and `{new_lines}` are replaced (the
/// new lines as "User: ..." / "Assistant: ...", one message per line).
inline constexpr std::string_view kDefaultSummaryPrompt =
    "Progressively summarize the lines of conversation provided, adding onto the previous summary, "
    "returning a new summary.\n\n"
    "Current summary:\n{summary}\n\n"
    "New lines of conversation:\n{new_lines}\n\n"
    "New summary:";

/// The instruction for the first summary, when there is no previous one. A separate prompt because
/// small models copy an empty or placeholder "Current summary" instead of summarizing.
inline constexpr std::string_view kDefaultFirstSummaryPrompt =
    "Summarize the lines of conversation provided, returning a summary.\n\n"
    "Lines of conversation:\n{new_lines}\n\n"
    "Summary:";

struct SummarizerOptions {
    std::string prompt{kDefaultSummaryPrompt};             ///< sent as one user message
    std::string first_prompt{kDefaultFirstSummaryPrompt};  ///< the same, when there is no summary yet
    int64_t n_predict = 256;                   ///< most tokens of a summary
    int64_t n_ctx = 2048;                      ///< the summarizer session's KV cache
};

/// A Summarizer that runs the local model greedily on its own Session (created on first use, so
/// a chat session's cache is left alone). Not thread-safe: one summary at a time, and, on a CPU
/// device, not during another forward pass.
class EngineSummarizer final : public Summarizer {
public:
    /// Errors: those of chat_template_from_gguf; InvalidArgument for n_predict < 1 or n_ctx < 1.
    static Result<std::unique_ptr<EngineSummarizer>> create(std::shared_ptr<const Model> model,
                                                            SummarizerOptions options = {});
    /// Errors: ContextFull when the instruction with these messages does not fit options.n_ctx
    /// (pass fewer at a time), those of Session::create and generate; Cancelled when `cancel` fired.
    Result<std::string> summarize(std::string_view previous_summary, std::span<const ChatMessage> new_messages) override;
    /// Checked between tokens; may be set from any thread. Null: never cancelled.
    void set_cancel_token(const CancelToken* cancel) { m_cancel = cancel; }

private:
    EngineSummarizer(std::shared_ptr<const Model> model, ModelChatTemplate tmpl, SummarizerOptions options);
    std::shared_ptr<const Model> m_model;
    ModelChatTemplate m_tmpl;
    SummarizerOptions m_options;
    std::unique_ptr<Session> m_session;
    const CancelToken* m_cancel = nullptr;
};

} // namespace quanta
