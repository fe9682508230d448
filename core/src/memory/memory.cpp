// SPDX-License-Identifier: MIT
// Memory strategies: the CLI syntax and build_prompt (quanta/memory.h, docs/memory.md).
#include "quanta/memory.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace quanta {

namespace {

constexpr std::string_view kSyntax = "buffer, window:K, tokens:N, summary or summary-buffer:N";

Error bad_strategy(std::string_view text, std::string_view why) {
    return make_error(ErrorCode::InvalidArgument, "bad memory strategy '" + std::string(text) + "': " +
                                                      std::string(why) + " (expected " + std::string(kSyntax) + ")");
}

} // namespace

Result<MemoryStrategy> parse_memory_strategy(std::string_view text) {
    const size_t colon = text.find(':');
    const std::string_view name = text.substr(0, colon);
    struct Entry {
        std::string_view name;
        MemoryStrategy::Kind kind;
        bool has_number;
        int64_t min;
    };
    static constexpr Entry kEntries[] = {
        {"buffer", MemoryStrategy::Kind::Buffer, false, 0},
        {"window", MemoryStrategy::Kind::Window, true, 0},
        {"tokens", MemoryStrategy::Kind::TokenBuffer, true, 1},
        {"summary", MemoryStrategy::Kind::Summary, false, 0},
        {"summary-buffer", MemoryStrategy::Kind::SummaryBuffer, true, 1},
    };
    for (const Entry& e : kEntries) {
        if (name != e.name)
            continue;
        if (!e.has_number) {
            if (colon != std::string_view::npos)
                return bad_strategy(text, std::string(e.name) + " takes no number");
            return MemoryStrategy{e.kind, 0};
        }
        if (colon == std::string_view::npos)
            return bad_strategy(text, std::string(e.name) + " needs a number after ':'");
        const std::string_view digits = text.substr(colon + 1);
        int64_t n = 0;
        // from_chars alone would accept "-1" and stop at "12x"; only plain decimal digits are valid.
        const bool all_digits = !digits.empty() && std::all_of(digits.begin(), digits.end(),
                                                               [](char c) { return c >= '0' && c <= '9'; });
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (!all_digits || ec != std::errc() || end != digits.data() + digits.size())
            return bad_strategy(text, "'" + std::string(digits) + "' is not a whole number");
        if (n < e.min)
            return bad_strategy(text, std::string(e.name) + " needs a number >= " + std::to_string(e.min));
        return MemoryStrategy{e.kind, n};
    }
    return bad_strategy(text, "unknown strategy '" + std::string(name) + "'");
}

std::string format_memory_strategy(const MemoryStrategy& strategy) {
    switch (strategy.kind) {
    case MemoryStrategy::Kind::Buffer: return "buffer";
    case MemoryStrategy::Kind::Window: return "window:" + std::to_string(strategy.n);
    case MemoryStrategy::Kind::TokenBuffer: return "tokens:" + std::to_string(strategy.n);
    case MemoryStrategy::Kind::Summary: return "summary";
    case MemoryStrategy::Kind::SummaryBuffer: return "summary-buffer:" + std::to_string(strategy.n);
    }
    return "buffer";
}

namespace {

/// One build_prompt call: the conversation split into system prompt and history, and the
/// helpers that assemble and count candidate prompts.
class Planner {
public:
    Planner(const std::vector<ChatMessage>& conversation, const TokenCounter& counter)
        : m_counter(counter) {
        m_has_system = !conversation.empty() && conversation.front().role == "system";
        const size_t offset = m_has_system ? 1 : 0;
        if (m_has_system)
            m_system = conversation.front();
        m_history = std::span<const ChatMessage>(conversation).subspan(offset);
    }

    int64_t size() const { return static_cast<int64_t>(m_history.size()); }
    int64_t newest() const { return size() - 1; }
    std::span<const ChatMessage> history(int64_t from, int64_t to) const {
        return m_history.subspan(static_cast<size_t>(from), static_cast<size_t>(to - from));
    }

    /// Where the kept history may begin at or after `s`: s itself when nothing is dropped,
    /// otherwise the next user message (a reply without its question confuses the model and
    /// breaks templates that check alternation), and never past the newest message.
    int64_t align(int64_t s) const {
        if (s <= 0)
            return 0;
        for (int64_t i = s; i < newest(); ++i)
            if (m_history[static_cast<size_t>(i)].role == "user")
                return i;
        return newest();
    }

    /// The starts after `s` that align() can give, in order: user messages, then the newest.
    std::vector<int64_t> starts_after(int64_t s) const {
        std::vector<int64_t> starts;
        for (int64_t i = std::max<int64_t>(s + 1, 1); i < newest(); ++i)
            if (m_history[static_cast<size_t>(i)].role == "user")
                starts.push_back(i);
        if (newest() > s)
            starts.push_back(newest());
        return starts;
    }

    std::vector<ChatMessage> assemble(int64_t start, const std::string& summary) const {
        std::vector<ChatMessage> messages;
        messages.reserve(m_history.size() + 1 - static_cast<size_t>(start));
        if (!summary.empty()) {
            std::string content = m_has_system ? m_system.content : std::string();
            if (!content.empty())
                content += "\n\n";
            content += kSummaryHeading;
            content += '\n';
            content += summary;
            messages.push_back({"system", std::move(content)});
        } else if (m_has_system) {
            messages.push_back(m_system);
        }
        const auto tail = history(start, size());
        messages.insert(messages.end(), tail.begin(), tail.end());
        return messages;
    }

    Result<int64_t> count(std::span<const ChatMessage> messages) const { return m_counter(messages); }

    /// The first of `starts` for which `tokens(start) <= limit`, with its count; nullopt when
    /// none. tokens() grows as the start moves back, so this is a binary search.
    template <class Tokens>
    Result<std::optional<std::pair<int64_t, int64_t>>> first_fitting(const std::vector<int64_t>& starts,
                                                                     int64_t limit, const Tokens& tokens) const {
        std::optional<std::pair<int64_t, int64_t>> best;
        size_t lo = 0, hi = starts.size(); // answer in [lo, hi]; hi: none
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            QUANTA_TRY_ASSIGN(const int64_t n, tokens(starts[mid]));
            if (n <= limit) {
                best = std::pair{starts[mid], n};
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return best;
    }

private:
    const TokenCounter& m_counter;
    bool m_has_system = false;
    ChatMessage m_system;
    std::span<const ChatMessage> m_history;
};

/// The start the strategy asks for, before the context cap.
Result<int64_t> strategy_start(const Planner& p, const MemoryStrategy& strategy) {
    switch (strategy.kind) {
    case MemoryStrategy::Kind::Buffer: return int64_t{0};
    case MemoryStrategy::Kind::Summary: return p.newest();
    case MemoryStrategy::Kind::Window: {
        // Exchanges begin at user messages; the newest message's exchange is the last one.
        std::vector<int64_t> user;
        for (int64_t i = 0; i <= p.newest(); ++i)
            if (p.history(i, i + 1).front().role == "user")
                user.push_back(i);
        const int64_t current = static_cast<int64_t>(user.size()) - 1;
        if (current - strategy.n <= 0)
            return int64_t{0}; // K covers every exchange (and anything before the first question)
        return user[static_cast<size_t>(current - strategy.n)];
    }
    case MemoryStrategy::Kind::TokenBuffer:
    case MemoryStrategy::Kind::SummaryBuffer: {
        std::vector<int64_t> starts{0};
        const auto after = p.starts_after(0);
        starts.insert(starts.end(), after.begin(), after.end());
        QUANTA_TRY_ASSIGN(auto fit, p.first_fitting(starts, strategy.n, [&](int64_t s) {
                              return p.count(p.history(s, p.size()));
                          }));
        return fit ? fit->first : p.newest();
    }
    }
    return int64_t{0};
}

} // namespace

Result<PromptPlan> build_prompt(const std::vector<ChatMessage>& conversation, const MemoryStrategy& strategy,
                                MemoryState& state, Summarizer* summarizer, const TokenCounter& counter,
                                int64_t n_ctx, int64_t reserve) {
    const bool summarizing =
        strategy.kind == MemoryStrategy::Kind::Summary || strategy.kind == MemoryStrategy::Kind::SummaryBuffer;
    if (n_ctx < 1 || reserve < 0)
        return make_error(ErrorCode::InvalidArgument, "build_prompt: n_ctx must be >= 1 and reserve >= 0 (got " +
                                                          std::to_string(n_ctx) + ", " + std::to_string(reserve) + ")");
    if (!counter)
        return make_error(ErrorCode::InvalidArgument, "build_prompt: no token counter");
    if (summarizing && summarizer == nullptr)
        return make_error(ErrorCode::InvalidArgument,
                          "build_prompt: the " + format_memory_strategy(strategy) + " strategy needs a summarizer");
    const Planner p(conversation, counter);
    if (p.size() == 0)
        return make_error(ErrorCode::InvalidArgument, "build_prompt: the conversation has no message to answer");
    if (summarizing && (state.covered < 0 || state.covered > p.newest()))
        return make_error(ErrorCode::InvalidArgument,
                          "build_prompt: the memory state covers " + std::to_string(state.covered) +
                              " messages but the conversation has " + std::to_string(p.size()) +
                              " after its system prompt; reset the summary");
    const int64_t budget = n_ctx - reserve;

    QUANTA_TRY_ASSIGN(int64_t start, strategy_start(p, strategy));
    if (summarizing)
        start = std::max(start, state.covered); // what the summary holds is never sent twice
    start = p.align(start);

    for (;;) {
        if (summarizing && start > state.covered) {
            // Extend, never rewrite: only the messages that just left the window are read.
            QUANTA_TRY_ASSIGN(std::string extended, summarizer->summarize(state.summary, p.history(state.covered, start)));
            state.summary = std::move(extended);
            state.covered = start;
        }
        const std::string summary = summarizing ? state.summary : std::string();
        auto messages = p.assemble(start, summary);
        QUANTA_TRY_ASSIGN(int64_t tokens, p.count(messages));
        if (tokens > budget) {
            // Over the context: the first later start that fits with this summary.
            QUANTA_TRY_ASSIGN(auto fit, p.first_fitting(p.starts_after(start), budget, [&](int64_t s) {
                                  return p.count(p.assemble(s, summary));
                              }));
            if (fit && summarizing && fit->first > state.covered) {
                start = fit->first; // summarize what is dropped, then count again
                continue;
            }
            if (fit) {
                start = fit->first;
                messages = p.assemble(start, summary);
                tokens = fit->second;
            } else {
                // Not even the newest message fits beside the summary: send it without one.
                start = p.newest();
                messages = p.assemble(start, std::string());
                QUANTA_TRY_ASSIGN(tokens, p.count(messages));
                if (tokens > budget)
                    return make_error(ErrorCode::ContextFull,
                                      "the system prompt and the last message need " + std::to_string(tokens) +
                                          " tokens, but the context has room for " + std::to_string(budget) + " (" +
                                          std::to_string(n_ctx) + " minus " + std::to_string(reserve) +
                                          " kept for the reply)");
                PromptPlan plan;
                plan.messages = std::move(messages);
                plan.first_sent = plan.dropped = start;
                plan.prompt_tokens = tokens;
                return plan;
            }
        }
        PromptPlan plan;
        plan.messages = std::move(messages);
        if (!summary.empty()) {
            plan.summary = summary;
            plan.summarized = state.covered;
        }
        plan.first_sent = plan.dropped = start;
        plan.prompt_tokens = tokens;
        return plan;
    }
}

} // namespace quanta
