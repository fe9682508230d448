// SPDX-License-Identifier: MIT
// build_prompt and the strategy syntax with a fake counter (1 token per message + 1 per word)
// and a fake summarizer (previous + "|" + the contents joined with ","), so every expected
// message list is exact.
#include "quanta/memory.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace quanta;

namespace {

int64_t words(const std::string& text) {
    std::istringstream in(text);
    int64_t n = 0;
    for (std::string w; in >> w;)
        ++n;
    return n;
}

struct FakeCounter {
    int calls = 0;
    TokenCounter counter() {
        return [this](std::span<const ChatMessage> messages) -> Result<int64_t> {
            ++calls;
            int64_t n = 0;
            for (const ChatMessage& m : messages)
                n += 1 + words(m.content);
            return n;
        };
    }
};

class FakeSummarizer : public Summarizer {
public:
    Result<std::string> summarize(std::string_view previous, std::span<const ChatMessage> messages) override {
        calls.emplace_back(messages.begin(), messages.end());
        if (fail)
            return make_error(ErrorCode::Internal, "summarizer failed");
        std::string out(previous);
        out += "|";
        for (size_t i = 0; i < messages.size(); ++i)
            out += (i ? "," : "") + messages[i].content;
        return out;
    }
    std::vector<std::vector<ChatMessage>> calls;
    bool fail = false;
};

std::vector<std::string> contents(const std::vector<ChatMessage>& messages) {
    std::vector<std::string> out;
    for (const ChatMessage& m : messages)
        out.push_back(m.content);
    return out;
}

/// sys, u1, a1, u2, a2, ..., u<n>: every message is 2 tokens.
std::vector<ChatMessage> conversation(int exchanges, bool system = true) {
    std::vector<ChatMessage> c;
    if (system)
        c.push_back({"system", "sys"});
    for (int i = 1; i <= exchanges; ++i) {
        c.push_back({"user", "u" + std::to_string(i)});
        c.push_back({"assistant", "a" + std::to_string(i)});
    }
    c.push_back({"user", "u" + std::to_string(exchanges + 1)});
    return c;
}

using V = std::vector<std::string>;
using Kind = MemoryStrategy::Kind;

Result<PromptPlan> plan(const std::vector<ChatMessage>& c, MemoryStrategy s, MemoryState& state,
                        Summarizer* summarizer = nullptr, int64_t n_ctx = 1000, int64_t reserve = 0) {
    FakeCounter counter;
    return build_prompt(c, s, state, summarizer, counter.counter(), n_ctx, reserve);
}

} // namespace

TEST(MemoryStrategySyntax, ParsesAndFormatsEveryStrategy) {
    const std::pair<const char*, MemoryStrategy> cases[] = {
        {"buffer", {Kind::Buffer, 0}},          {"window:3", {Kind::Window, 3}},
        {"window:0", {Kind::Window, 0}},        {"tokens:512", {Kind::TokenBuffer, 512}},
        {"summary", {Kind::Summary, 0}},        {"summary-buffer:2048", {Kind::SummaryBuffer, 2048}},
    };
    for (const auto& [text, expected] : cases) {
        auto s = parse_memory_strategy(text);
        ASSERT_TRUE(s.ok()) << text << ": " << s.error().message;
        EXPECT_EQ(s->kind, expected.kind) << text;
        EXPECT_EQ(s->n, expected.n) << text;
        EXPECT_EQ(format_memory_strategy(*s), text);
    }
}

TEST(MemoryStrategySyntax, RejectsBadInput) {
    for (const char* text : {"", "buf", "Buffer", "buffer:1", "summary:2", "window", "window:", "window:-1",
                             "window:1x", "window: 1", "tokens:0", "tokens:abc", "summary-buffer",
                             "summary-buffer:0", "tokens:99999999999999999999999"}) {
        auto s = parse_memory_strategy(text);
        ASSERT_FALSE(s.ok()) << text;
        EXPECT_EQ(s.error().code, ErrorCode::InvalidArgument);
        EXPECT_NE(s.error().message.find("window:K"), std::string::npos) << s.error().message;
    }
}

TEST(BuildPrompt, BufferSendsEverything) {
    MemoryState state;
    auto p = plan(conversation(2), {Kind::Buffer, 0}, state);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(contents(p->messages), (V{"sys", "u1", "a1", "u2", "a2", "u3"}));
    EXPECT_EQ(p->dropped, 0);
    EXPECT_EQ(p->prompt_tokens, 12);
    EXPECT_EQ(p->summary, "");
}

TEST(BuildPrompt, WindowKeepsTheLastKExchanges) {
    MemoryState state;
    const auto c = conversation(3);
    auto w1 = plan(c, {Kind::Window, 1}, state);
    ASSERT_TRUE(w1.ok());
    EXPECT_EQ(contents(w1->messages), (V{"sys", "u3", "a3", "u4"}));
    EXPECT_EQ(w1->dropped, 4);
    EXPECT_EQ(w1->first_sent, 4);
    auto w0 = plan(c, {Kind::Window, 0}, state);
    ASSERT_TRUE(w0.ok());
    EXPECT_EQ(contents(w0->messages), (V{"sys", "u4"}));
    auto w2 = plan(c, {Kind::Window, 2}, state);
    ASSERT_TRUE(w2.ok());
    EXPECT_EQ(contents(w2->messages), (V{"sys", "u2", "a2", "u3", "a3", "u4"}));
}

TEST(BuildPrompt, WindowLargerThanTheHistoryKeepsEverything) {
    MemoryState state;
    auto w = plan(conversation(2), {Kind::Window, 50}, state);
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(contents(w->messages), (V{"sys", "u1", "a1", "u2", "a2", "u3"}));
    EXPECT_EQ(w->dropped, 0);
    auto first = plan(conversation(0), {Kind::Window, 3}, state);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(contents(first->messages), (V{"sys", "u1"}));
}

TEST(BuildPrompt, TokenBufferBoundaryIsInclusive) {
    MemoryState state;
    const auto c = conversation(2); // history u1 a1 u2 a2 u3, 2 tokens each
    auto exact = plan(c, {Kind::TokenBuffer, 6}, state);
    ASSERT_TRUE(exact.ok());
    EXPECT_EQ(contents(exact->messages), (V{"sys", "u2", "a2", "u3"})); // exactly 6
    auto under = plan(c, {Kind::TokenBuffer, 5}, state);
    ASSERT_TRUE(under.ok());
    EXPECT_EQ(contents(under->messages), (V{"sys", "u3"}));
    // 4 tokens would take "a2, u3", but a reply without its question is dropped too.
    auto aligned = plan(c, {Kind::TokenBuffer, 4}, state);
    ASSERT_TRUE(aligned.ok());
    EXPECT_EQ(contents(aligned->messages), (V{"sys", "u3"}));
    auto all = plan(c, {Kind::TokenBuffer, 10}, state);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(contents(all->messages), (V{"sys", "u1", "a1", "u2", "a2", "u3"}));
    // The newest message is sent even when it alone is over N.
    auto tiny = plan(c, {Kind::TokenBuffer, 1}, state);
    ASSERT_TRUE(tiny.ok());
    EXPECT_EQ(contents(tiny->messages), (V{"sys", "u3"}));
}

TEST(BuildPrompt, SummaryIsExtendedWithNewlyEvictedMessagesOnly) {
    FakeSummarizer summarizer;
    MemoryState state;
    auto c = conversation(1); // sys u1 a1 u2
    auto p1 = plan(c, {Kind::Summary, 0}, state, &summarizer);
    ASSERT_TRUE(p1.ok()) << p1.error().message;
    ASSERT_EQ(summarizer.calls.size(), 1u);
    EXPECT_EQ(contents(summarizer.calls[0]), (V{"u1", "a1"}));
    EXPECT_EQ(state.summary, "|u1,a1");
    EXPECT_EQ(state.covered, 2);
    ASSERT_EQ(p1->messages.size(), 2u);
    EXPECT_EQ(p1->messages[0].role, "system");
    EXPECT_EQ(p1->messages[0].content, "sys\n\n" + std::string(kSummaryHeading) + "\n|u1,a1");
    EXPECT_EQ(p1->messages[1].content, "u2");
    EXPECT_EQ(p1->summary, "|u1,a1");
    EXPECT_EQ(p1->summarized, 2);
    EXPECT_EQ(p1->dropped, 2);

    // The same conversation again: nothing new left the window, no call.
    auto again = plan(c, {Kind::Summary, 0}, state, &summarizer);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(summarizer.calls.size(), 1u);

    c.push_back({"assistant", "a2"});
    c.push_back({"user", "u3"});
    auto p2 = plan(c, {Kind::Summary, 0}, state, &summarizer);
    ASSERT_TRUE(p2.ok());
    ASSERT_EQ(summarizer.calls.size(), 2u);
    EXPECT_EQ(contents(summarizer.calls[1]), (V{"u2", "a2"}));
    EXPECT_EQ(state.summary, "|u1,a1|u2,a2");
    EXPECT_EQ(state.covered, 4);
    EXPECT_EQ(contents(p2->messages).back(), "u3");
}

TEST(BuildPrompt, SummaryWithoutASystemPromptMakesASystemMessage) {
    FakeSummarizer summarizer;
    MemoryState state;
    auto p = plan(conversation(1, /*system=*/false), {Kind::Summary, 0}, state, &summarizer);
    ASSERT_TRUE(p.ok());
    ASSERT_EQ(p->messages.size(), 2u);
    EXPECT_EQ(p->messages[0].role, "system");
    EXPECT_EQ(p->messages[0].content, std::string(kSummaryHeading) + "\n|u1,a1");
    EXPECT_EQ(p->messages[1].content, "u2");
}

TEST(BuildPrompt, SummaryBufferKeepsRecentTokensAndSummarizesTheRest) {
    FakeSummarizer summarizer;
    MemoryState state;
    auto c = conversation(2); // history u1 a1 u2 a2 u3
    auto p = plan(c, {Kind::SummaryBuffer, 6}, state, &summarizer);
    ASSERT_TRUE(p.ok());
    ASSERT_EQ(summarizer.calls.size(), 1u);
    EXPECT_EQ(contents(summarizer.calls[0]), (V{"u1", "a1"}));
    EXPECT_EQ(state.covered, 2);
    EXPECT_EQ(contents(p->messages), (V{"sys\n\n" + std::string(kSummaryHeading) + "\n|u1,a1", "u2", "a2", "u3"}));
    // Two more messages: the window moves by one exchange, which is all the summarizer sees.
    c.push_back({"assistant", "a3"});
    c.push_back({"user", "u4"});
    auto p2 = plan(c, {Kind::SummaryBuffer, 6}, state, &summarizer);
    ASSERT_TRUE(p2.ok());
    ASSERT_EQ(summarizer.calls.size(), 2u);
    EXPECT_EQ(contents(summarizer.calls[1]), (V{"u2", "a2"}));
    EXPECT_EQ(state.summary, "|u1,a1|u2,a2");
    EXPECT_EQ(contents(p2->messages).back(), "u4");
    EXPECT_EQ(p2->first_sent, 4);
}

TEST(BuildPrompt, ContextCapDropsOldestMessagesOfTheRenderedPrompt) {
    MemoryState state;
    auto c = conversation(2);
    c[2].content = std::string(200, 'x') + " " + std::string("y y y y y y y y y y"); // a1: 12 tokens
    // Everything: 2 + 2 + 12 + 2 + 2 + 2 = 22 tokens; 20 free after the reserve.
    auto p = plan(c, {Kind::Buffer, 0}, state, nullptr, /*n_ctx=*/30, /*reserve=*/10);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(contents(p->messages), (V{"sys", "u2", "a2", "u3"}));
    EXPECT_EQ(p->dropped, 2); // u1 and the long a1
    EXPECT_LE(p->prompt_tokens + 10, 30);
    // Only the system prompt and the last message fit.
    auto tight = plan(c, {Kind::Buffer, 0}, state, nullptr, 4, 0);
    ASSERT_TRUE(tight.ok());
    EXPECT_EQ(contents(tight->messages), (V{"sys", "u3"}));
}

TEST(BuildPrompt, ContextFullWhenTheSystemPromptAndLastMessageDoNotFit) {
    MemoryState state;
    auto c = conversation(1);
    c.back().content = "a very long question of many words";
    auto p = plan(c, {Kind::Window, 2}, state, nullptr, 10, 3);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().code, ErrorCode::ContextFull);
    EXPECT_NE(p.error().message.find("10 tokens"), std::string::npos) << p.error().message;
}

TEST(BuildPrompt, ContextCapFoldsDroppedMessagesIntoTheSummary) {
    FakeSummarizer summarizer;
    MemoryState state;
    const auto c = conversation(3); // history u1 a1 u2 a2 u3 a3 u4: 16 tokens with sys
    // summary-buffer:100 would keep everything, but 12 tokens are free. Without a summary the
    // prompt from u2 on fits (12), so u1 a1 are summarized; the system message with the summary
    // is 8 tokens, so the window moves on to u4 (10), and u2..a3 extend the summary.
    auto p = plan(c, {Kind::SummaryBuffer, 100}, state, &summarizer, 12, 0);
    ASSERT_TRUE(p.ok()) << p.error().message;
    ASSERT_EQ(summarizer.calls.size(), 2u);
    EXPECT_EQ(contents(summarizer.calls[0]), (V{"u1", "a1"}));
    EXPECT_EQ(contents(summarizer.calls[1]), (V{"u2", "a2", "u3", "a3"}));
    EXPECT_EQ(state.covered, 6);
    EXPECT_EQ(state.summary, "|u1,a1|u2,a2,u3,a3");
    EXPECT_EQ(contents(p->messages), (V{"sys\n\n" + std::string(kSummaryHeading) + "\n|u1,a1|u2,a2,u3,a3", "u4"}));
    EXPECT_EQ(p->prompt_tokens, 10);
    EXPECT_EQ(p->summarized, 6);
    EXPECT_EQ(p->dropped, 6);
}

TEST(BuildPrompt, ASummaryThatDoesNotFitIsLeftOut) {
    FakeSummarizer summarizer;
    MemoryState state{"one two three four five six seven eight nine ten", 2};
    auto p = plan(conversation(1), {Kind::Summary, 0}, state, &summarizer, 6, 0);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_TRUE(summarizer.calls.empty());
    EXPECT_EQ(contents(p->messages), (V{"sys", "u2"}));
    EXPECT_EQ(p->summary, "");
    EXPECT_EQ(p->summarized, 0);
}

TEST(BuildPrompt, SystemPromptIsAlwaysFirst) {
    FakeSummarizer summarizer;
    for (const char* s : {"buffer", "window:1", "tokens:3", "summary", "summary-buffer:3"}) {
        MemoryState state;
        auto p = plan(conversation(3), *parse_memory_strategy(s), state, &summarizer, 12, 2);
        ASSERT_TRUE(p.ok()) << s << ": " << p.error().message;
        EXPECT_EQ(p->messages.front().role, "system") << s;
        EXPECT_EQ(p->messages.front().content.substr(0, 3), "sys") << s;
        EXPECT_EQ(p->messages.back().content, "u4") << s;
        EXPECT_LE(p->prompt_tokens, 10) << s;
    }
}

TEST(BuildPrompt, BadArguments) {
    FakeSummarizer summarizer;
    MemoryState state;
    const auto c = conversation(1);
    const std::vector<ChatMessage> only_system = {{"system", "sys"}};
    EXPECT_EQ(plan(only_system, {}, state).error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(plan(c, {Kind::Summary, 0}, state, nullptr).error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(plan(c, {}, state, nullptr, 0).error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(plan(c, {}, state, nullptr, 10, -1).error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(build_prompt(c, {}, state, nullptr, TokenCounter(), 10, 0).error().code, ErrorCode::InvalidArgument);
    MemoryState beyond{"s", 3};
    EXPECT_EQ(plan(c, {Kind::Summary, 0}, beyond, &summarizer).error().code, ErrorCode::InvalidArgument);
}

TEST(BuildPrompt, SummarizerErrorsPropagateAndLeaveTheStateAlone) {
    FakeSummarizer summarizer;
    summarizer.fail = true;
    MemoryState state{"old", 0};
    auto p = plan(conversation(2), {Kind::Summary, 0}, state, &summarizer);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().message, "summarizer failed");
    EXPECT_EQ(state.summary, "old");
    EXPECT_EQ(state.covered, 0);
}

TEST(BuildPrompt, CounterErrorsPropagate) {
    MemoryState state;
    TokenCounter failing = [](std::span<const ChatMessage>) -> Result<int64_t> {
        return make_error(ErrorCode::InvalidArgument, "roles must alternate");
    };
    auto p = build_prompt(conversation(1), {}, state, nullptr, failing, 100, 0);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().message, "roles must alternate");
}
