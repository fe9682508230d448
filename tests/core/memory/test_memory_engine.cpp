// SPDX-License-Identifier: MIT
// The model-backed pieces of quanta/memory.h on the default model (SmolLM2-135M) on the CPU
// device: the token counter and EngineSummarizer.
#include "quanta/cpu/cpu_backend.h"
#include "quanta/gguf.h"
#include "quanta/memory.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace quanta;

namespace {

class MemoryEngine : public ::testing::Test {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(QUANTA_DEFAULT_MODEL))
            GTEST_SKIP() << "default model not fetched: " << QUANTA_DEFAULT_MODEL;
        m_backend = cpu::create_cpu_backend(0);
        auto model = Model::load(QUANTA_DEFAULT_MODEL, *m_backend->devices().front());
        ASSERT_TRUE(model.ok()) << model.error().message;
        m_model = *model;
    }

    std::unique_ptr<backend::Backend> m_backend;
    std::shared_ptr<const Model> m_model;
};

const std::vector<ChatMessage> kParis = {
    {"user", "I am planning a trip to Paris next month. What should I visit?"},
    {"assistant", "Visit the Eiffel Tower, the Louvre museum and Notre-Dame cathedral."},
    {"user", "How many days do I need?"},
    {"assistant", "Three or four days are enough to see the main sights of Paris."},
};

} // namespace

TEST_F(MemoryEngine, CounterCountsTheRenderedTemplate) {
    auto counter = model_token_counter(m_model);
    ASSERT_TRUE(counter.ok()) << counter.error().message;
    auto tmpl = chat_template_from_gguf(m_model->file());
    ASSERT_TRUE(tmpl.ok());
    auto ids = chat_prompt_tokens(*m_model, *tmpl, kParis);
    ASSERT_TRUE(ids.ok()) << ids.error().message;
    auto n = (*counter)(kParis);
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(*n, static_cast<int64_t>(ids->size()));
    // The template's headers and special tokens are counted, not just the contents.
    int64_t content_tokens = 0;
    for (const ChatMessage& m : kParis)
        content_tokens += static_cast<int64_t>(m_model->tokenizer().encode(m.content, {.add_special = false}).size());
    EXPECT_GT(*n, content_tokens + 4 * 3);
}

TEST_F(MemoryEngine, SummarizesATripToParis) {
    auto summarizer = EngineSummarizer::create(m_model, {.n_predict = 96});
    ASSERT_TRUE(summarizer.ok()) << summarizer.error().message;
    auto summary = (*summarizer)->summarize("", kParis);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    // SmolLM2-135M, greedy: "In this scenario, the user is planning a trip to Paris, ...".
    EXPECT_FALSE(summary->empty());
    EXPECT_LT(summary->size(), 800u) << *summary;
    EXPECT_NE(summary->find("Paris"), std::string::npos) << *summary;

    // Extending it reads only the new lines and keeps a non-empty summary.
    const std::vector<ChatMessage> more = {
        {"user", "Which hotel is close to the Louvre?"},
        {"assistant", "The Hotel du Louvre is right next to the museum."},
    };
    auto extended = (*summarizer)->summarize(*summary, more);
    ASSERT_TRUE(extended.ok()) << extended.error().message;
    EXPECT_FALSE(extended->empty());
    EXPECT_LT(extended->size(), 800u) << *extended;
}

TEST_F(MemoryEngine, BuildPromptWithTheRealCounterFitsTheContext) {
    auto counter = model_token_counter(m_model);
    ASSERT_TRUE(counter.ok());
    std::vector<ChatMessage> conversation = {{"system", "You are a travel guide."}};
    for (int i = 0; i < 20; ++i) {
        conversation.push_back({"user", "Tell me fact number " + std::to_string(i) + " about Paris."});
        conversation.push_back({"assistant", "Paris fact " + std::to_string(i) + ": it has many cafes and bridges."});
    }
    conversation.push_back({"user", "And one more?"});
    MemoryState state;
    auto plan = build_prompt(conversation, {MemoryStrategy::Kind::Buffer, 0}, state, nullptr, *counter, 256, 64);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_LE(plan->prompt_tokens + 64, 256);
    EXPECT_GT(plan->dropped, 0);
    EXPECT_EQ(plan->messages.front().content, "You are a travel guide.");
    EXPECT_EQ(plan->messages.back().content, "And one more?");
    EXPECT_EQ(plan->messages[1].role, "user");
    auto tmpl = chat_template_from_gguf(m_model->file());
    ASSERT_TRUE(tmpl.ok());
    auto ids = chat_prompt_tokens(*m_model, *tmpl, plan->messages);
    ASSERT_TRUE(ids.ok());
    EXPECT_EQ(static_cast<int64_t>(ids->size()), plan->prompt_tokens);
}
