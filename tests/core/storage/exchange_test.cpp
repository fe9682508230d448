// SPDX-License-Identifier: MIT
// Export to Markdown and JSON, and import of the JSON.
#include "storage_test_util.h"

namespace quanta::test {
namespace {

using StorageExchange = StorageTest;

const std::string kTricky = "코드 예시:\n```python\nprint(\"hi\")  # `inline` and ``double``\n```\n"
                            "Quotes: \"double\" 'single' \\backslash\\ tab\there\r\nemoji 🚀👍🏽 and 한국어 문장.";

int64_t make_conversation(ConversationStore& store) {
    ConversationSettings s;
    s.title = "등대 \"lighthouse\" 🚀";
    s.model_file = "/models/qwen2.5-0.5b.gguf";
    s.model_type = "Q4_K_M";
    s.sampling_json = R"({"temperature":0.7,"top_p":0.9,"stop":["</s>","```"]})";
    s.memory_strategy = "summary";
    s.memory_params_json = R"({"keep_last":6})";
    s.system_prompt = "Answer in Korean.\nBe brief.";
    const int64_t c = *store.create_conversation(s);
    EXPECT_TRUE(store.append_message(c, NewMessage{MessageRole::User, kTricky, 57, std::nullopt}).ok());
    EXPECT_TRUE(store.append_message(c, NewMessage{MessageRole::Assistant, "답: ```\n`x`\n```", 9,
                                                   GenerationStats{31.25, 212.5, "/models/q.gguf", "Q4_K_M"}})
                    .ok());
    EXPECT_TRUE(store.append_message(c, NewMessage{MessageRole::System, "", 0, std::nullopt}).ok());
    EXPECT_TRUE(store.set_memory_state(c, MemoryState{"요약 \"summary\"\n", 2}).ok());
    return c;
}

TEST_F(StorageExchange, JsonRoundTripIsExact) {
    auto store = open_store();
    const int64_t a = make_conversation(store);
    auto json = store.export_json(a);
    ASSERT_TRUE(json.ok()) << json.error().message;
    EXPECT_EQ(json->rfind("{\n  \"format\": \"quanta-conversation\",\n  \"version\": 1,\n  \"conversation\": {", 0), 0u)
        << *json;
    EXPECT_NE(json->find("\"sampling\": {\n      \"temperature\": 0.7,\n      \"top_p\": 0.9,"), std::string::npos)
        << *json; // the user's key order is kept
    EXPECT_NE(json->find("🚀"), std::string::npos); // UTF-8 kept, not \u escapes

    auto b = store.import_json(*json);
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_NE(*b, a);
    auto again = store.export_json(*b);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *json);

    const Conversation ca = *store.get_conversation(a);
    const Conversation cb = *store.get_conversation(*b);
    EXPECT_EQ(cb.settings.title, ca.settings.title);
    EXPECT_EQ(cb.settings.sampling_json, ca.settings.sampling_json);
    EXPECT_EQ(cb.settings.memory_params_json, R"({"keep_last":6})");
    EXPECT_EQ(cb.settings.system_prompt, "Answer in Korean.\nBe brief.");
    EXPECT_EQ(cb.created_ms, ca.created_ms);
    EXPECT_EQ(cb.updated_ms, ca.updated_ms);
    const auto ma = *store.messages(a);
    const auto mb = *store.messages(*b);
    ASSERT_EQ(mb.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(mb[i].content, ma[i].content);
        EXPECT_EQ(mb[i].role, ma[i].role);
        EXPECT_EQ(mb[i].token_count, ma[i].token_count);
        EXPECT_EQ(mb[i].created_ms, ma[i].created_ms);
        EXPECT_EQ(mb[i].stats, ma[i].stats);
        EXPECT_EQ(mb[i].conversation_id, *b);
    }
    EXPECT_EQ(mb[0].content, kTricky);
    EXPECT_EQ(**store.memory_state(*b), (MemoryState{"요약 \"summary\"\n", 2}));
    EXPECT_EQ(store.search("lighthouse")->size(), 0u); // titles are not message text
    EXPECT_EQ(store.search("한국어")->size(), 2u);     // the imported copy is indexed
}

TEST_F(StorageExchange, ImportRejectsBadDocumentsWithoutWriting) {
    auto store = open_store();
    const auto code = [&](const std::string& doc) {
        auto r = store.import_json(doc);
        return r.ok() ? std::string("ok") : std::string(error_code_name(r.error().code));
    };
    const std::string invalid = error_code_name(ErrorCode::InvalidArgument);
    EXPECT_EQ(code("not json"), invalid);
    EXPECT_EQ(code("[]"), invalid);
    EXPECT_EQ(code(R"({"format":"something-else","version":1})"), invalid);
    EXPECT_EQ(code(R"({"format":"quanta-conversation"})"), invalid);
    EXPECT_EQ(code(R"({"format":"quanta-conversation","version":2,"conversation":{}})"),
              error_code_name(ErrorCode::Unsupported));
    EXPECT_EQ(code(R"({"format":"quanta-conversation","version":1})"), invalid); // no conversation
    EXPECT_EQ(code(R"({"format":"quanta-conversation","version":1,
                       "conversation":{"title":5,"created":1,"updated":2},"messages":[]})"),
              invalid);
    EXPECT_EQ(code(R"({"format":"quanta-conversation","version":1,
                       "conversation":{"title":"t","created":1,"updated":2},
                       "messages":[{"role":"robot","content":"x","created":1}]})"),
              invalid);
    EXPECT_EQ(store.list_conversations()->size(), 0u);

    // The smallest valid document.
    auto id = store.import_json(R"({"format":"quanta-conversation","version":1,
        "conversation":{"title":"min","created":1000,"updated":2000},"messages":[]})");
    ASSERT_TRUE(id.ok()) << id.error().message;
    auto c = store.get_conversation(*id);
    EXPECT_EQ(c->settings.title, "min");
    EXPECT_EQ(c->settings.sampling_json, "{}");
    EXPECT_EQ(c->updated_ms, 2000);
    EXPECT_FALSE(store.memory_state(*id)->has_value());
}

TEST_F(StorageExchange, Markdown) {
    auto store = open_store();
    const int64_t a = make_conversation(store);
    auto md = store.export_markdown(a);
    ASSERT_TRUE(md.ok()) << md.error().message;
    EXPECT_EQ(md->rfind("# 등대 \"lighthouse\" 🚀\n\n- Created: ", 0), 0u) << *md;
    EXPECT_NE(md->find("- Model: /models/qwen2.5-0.5b.gguf (Q4_K_M)\n"), std::string::npos);
    EXPECT_NE(md->find("\n## System prompt\n\nAnswer in Korean.\nBe brief.\n"), std::string::npos);
    EXPECT_NE(md->find("\n\n" + kTricky + "\n"), std::string::npos);
    EXPECT_NE(md->find("\n## Assistant ("), std::string::npos);
    EXPECT_NE(md->find("\n*31.2 tokens/s, first token after 212 ms*\n"), std::string::npos) << *md;
    EXPECT_EQ(store.export_markdown(404).error().code, ErrorCode::NotFound);
    EXPECT_EQ(store.export_json(404).error().code, ErrorCode::NotFound);
}

} // namespace
} // namespace quanta::test
