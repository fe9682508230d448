// SPDX-License-Identifier: MIT
// ConversationStore: conversations, messages, memory state, search, the bin and secure purge.
#include "storage_test_util.h"

#include <sqlite3.h>

#include <algorithm>

namespace quanta::test {
namespace {

using StorageStore = StorageTest;

NewMessage user(std::string text) { return NewMessage{MessageRole::User, std::move(text), 0, std::nullopt}; }

TEST_F(StorageStore, CreateGetAndListConversations) {
    auto store = open_store();
    ConversationSettings s;
    s.title = "첫 대화";
    s.model_file = "/models/SmolLM2.gguf";
    s.model_type = "Q4_K_M";
    s.sampling_json = R"({ "temperature": 0.7, "top_k": 40 })";
    s.memory_strategy = "summary";
    s.memory_params_json = R"({"keep_last": 8})";
    s.system_prompt = "You are helpful.";
    auto a = store.create_conversation(s);
    ASSERT_TRUE(a.ok()) << a.error().message;
    auto b = store.create_conversation(ConversationSettings{"second"});
    ASSERT_TRUE(b.ok());
    EXPECT_GT(*b, *a);

    auto got = store.get_conversation(*a);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->settings.title, "첫 대화");
    EXPECT_EQ(got->settings.model_file, "/models/SmolLM2.gguf");
    EXPECT_EQ(got->settings.model_type, "Q4_K_M");
    EXPECT_EQ(got->settings.sampling_json, R"({"temperature":0.7,"top_k":40})"); // normalised
    EXPECT_EQ(got->settings.memory_strategy, "summary");
    EXPECT_EQ(got->settings.memory_params_json, R"({"keep_last":8})");
    EXPECT_EQ(got->settings.system_prompt, "You are helpful.");
    EXPECT_EQ(got->created_ms, got->updated_ms);
    EXPECT_FALSE(got->deleted_ms.has_value());

    ASSERT_TRUE(store.append_message(*a, user("hello")).ok());
    ASSERT_TRUE(store.append_message(*a, user("world")).ok());
    auto list = store.list_conversations();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].id, *a); // appended to last: most recently updated
    EXPECT_EQ((*list)[0].title, "첫 대화");
    EXPECT_EQ((*list)[0].message_count, 2);
    EXPECT_EQ((*list)[1].id, *b);
    EXPECT_EQ((*list)[1].message_count, 0);
    EXPECT_GT((*list)[0].updated_ms, (*list)[1].updated_ms);

    ASSERT_TRUE(store.set_title(*b, "renamed").ok());
    list = store.list_conversations();
    EXPECT_EQ((*list)[0].id, *b);
    EXPECT_EQ((*list)[0].title, "renamed");

    EXPECT_EQ(store.get_conversation(999).error().code, ErrorCode::NotFound);
    EXPECT_EQ(store.set_title(999, "x").error().code, ErrorCode::NotFound);
    EXPECT_EQ(store.append_message(999, user("x")).error().code, ErrorCode::NotFound);
    EXPECT_EQ(store.messages(999).error().code, ErrorCode::NotFound);
    EXPECT_EQ(store.create_conversation(ConversationSettings{"bad", "", "", "[1,2]"}).error().code,
              ErrorCode::InvalidArgument);
    EXPECT_EQ(store.create_conversation(ConversationSettings{"bad", "", "", "{not json"}).error().code,
              ErrorCode::InvalidArgument);
}

TEST_F(StorageStore, MessagesKeepOrderContentAndStats) {
    auto store = open_store();
    const int64_t c = *store.create_conversation(ConversationSettings{"t"});
    const std::string code = "```cpp\nint main() { return 0; }\n```\n\"quoted\" 'single' 🙂 한국어";
    const int64_t m1 = *store.append_message(c, NewMessage{MessageRole::System, "system text", 2, std::nullopt});
    const int64_t m2 = *store.append_message(c, NewMessage{MessageRole::User, code, 17, std::nullopt});
    const GenerationStats stats{42.5, 180.25, "/m/model.gguf", "Q8_0"};
    const int64_t m3 = *store.append_message(c, NewMessage{MessageRole::Assistant, "", 0, stats});
    auto msgs = store.messages(c);
    ASSERT_TRUE(msgs.ok());
    ASSERT_EQ(msgs->size(), 3u);
    EXPECT_EQ((*msgs)[0].id, m1);
    EXPECT_EQ((*msgs)[0].role, MessageRole::System);
    EXPECT_EQ((*msgs)[0].token_count, 2);
    EXPECT_FALSE((*msgs)[0].stats.has_value());
    EXPECT_EQ((*msgs)[1].id, m2);
    EXPECT_EQ((*msgs)[1].content, code);
    EXPECT_EQ((*msgs)[1].token_count, 17);
    EXPECT_EQ((*msgs)[2].id, m3);
    EXPECT_EQ((*msgs)[2].role, MessageRole::Assistant);
    EXPECT_EQ((*msgs)[2].content, "");
    ASSERT_TRUE((*msgs)[2].stats.has_value());
    EXPECT_EQ(*(*msgs)[2].stats, stats);
    EXPECT_EQ((*msgs)[2].conversation_id, c);
    EXPECT_GT((*msgs)[0].created_ms, 1'700'000'000'000); // milliseconds since 1970, after 2023
}

TEST_F(StorageStore, MemoryState) {
    auto store = open_store();
    const int64_t c = *store.create_conversation(ConversationSettings{"t"});
    auto none = store.memory_state(c);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
    ASSERT_TRUE(store.set_memory_state(c, MemoryState{"요약: the user likes boats", 4}).ok());
    ASSERT_TRUE(store.set_memory_state(c, MemoryState{"요약 v2", 6}).ok());
    auto got = store.memory_state(c);
    ASSERT_TRUE(got.ok() && got->has_value());
    EXPECT_EQ(**got, (MemoryState{"요약 v2", 6}));
    EXPECT_EQ(store.memory_state(77).error().code, ErrorCode::NotFound);
    EXPECT_EQ(store.set_memory_state(77, MemoryState{"x", 1}).error().code, ErrorCode::NotFound);
    EXPECT_EQ(store.set_memory_state(c, MemoryState{"x", -1}).error().code, ErrorCode::InvalidArgument);
}

TEST_F(StorageStore, SearchEnglishAndKorean) {
    auto store = open_store();
    const int64_t a = *store.create_conversation(ConversationSettings{"a"});
    const int64_t b = *store.create_conversation(ConversationSettings{"b"});
    const int64_t m1 = *store.append_message(a, user("The Lighthouse keeper walked along the shore."));
    const int64_t m2 = *store.append_message(b, user("그는 저녁마다 등대를 밝혔다. 멀리서 바다가 울었다."));
    const int64_t m3 = *store.append_message(b, user("no match here"));
    (void)m3;

    auto hits = store.search("lighthouse"); // FTS, case-insensitive
    ASSERT_TRUE(hits.ok()) << hits.error().message;
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_EQ((*hits)[0].conversation_id, a);
    EXPECT_EQ((*hits)[0].message_id, m1);
    EXPECT_EQ((*hits)[0].snippet, "The Lighthouse keeper walked along the shore.");
    EXPECT_EQ((*hits)[0].snippet.substr((*hits)[0].match_offset, (*hits)[0].match_length), "Lighthouse");

    hits = store.search("등대를"); // 3 syllables: trigram index
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_EQ((*hits)[0].message_id, m2);
    EXPECT_EQ((*hits)[0].conversation_id, b);
    EXPECT_EQ((*hits)[0].snippet.substr((*hits)[0].match_offset, (*hits)[0].match_length), "등대를");

    hits = store.search("바다"); // 2 syllables: the instr() fallback
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_EQ((*hits)[0].message_id, m2);
    EXPECT_EQ((*hits)[0].snippet.substr((*hits)[0].match_offset, (*hits)[0].match_length), "바다");

    hits = store.search("he"); // short English: both messages containing "he", newest first
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 2u);
    EXPECT_EQ((*hits)[0].message_id, m3);
    EXPECT_EQ((*hits)[1].message_id, m1);

    hits = store.search("keeper walked"); // phrase across a space
    ASSERT_EQ(hits->size(), 1u);
    hits = store.search("\"quoted AND OR"); // FTS5 syntax characters are plain text
    ASSERT_TRUE(hits.ok());
    EXPECT_EQ(hits->size(), 0u);
    EXPECT_EQ(store.search("   ")->size(), 0u);
    EXPECT_EQ(store.search("바다", 0)->size(), 0u);
}

TEST_F(StorageStore, SearchSnippetIsCutOnCharacterBoundaries) {
    auto store = open_store();
    const int64_t c = *store.create_conversation(ConversationSettings{"t"});
    std::string text;
    for (int i = 0; i < 60; ++i)
        text += "가";
    text += "\nneedle\n";
    for (int i = 0; i < 80; ++i)
        text += "나";
    ASSERT_TRUE(store.append_message(c, user(text)).ok());
    auto hits = store.search("needle");
    ASSERT_EQ(hits->size(), 1u);
    const SearchHit& h = (*hits)[0];
    // "…" + 29 × 가 + " needle " + 49 × 나 + "…" (30 characters before, 50 after, newlines flattened)
    std::string expected = "\u2026";
    for (int i = 0; i < 29; ++i)
        expected += "가";
    expected += " needle ";
    for (int i = 0; i < 49; ++i)
        expected += "나";
    expected += "\u2026";
    EXPECT_EQ(h.snippet, expected);
    EXPECT_EQ(h.snippet.substr(h.match_offset, h.match_length), "needle");
}

TEST_F(StorageStore, SoftDeleteHidesAndUndeleteRestores) {
    auto store = open_store();
    const int64_t a = *store.create_conversation(ConversationSettings{"keep"});
    const int64_t b = *store.create_conversation(ConversationSettings{"bin"});
    ASSERT_TRUE(store.append_message(b, user("secret lighthouse")).ok());
    ASSERT_TRUE(store.delete_conversation(b).ok());
    auto list = store.list_conversations();
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ((*list)[0].id, a);
    EXPECT_EQ(store.search("lighthouse")->size(), 0u);
    EXPECT_EQ(store.search("li")->size(), 0u);
    auto got = store.get_conversation(b);
    ASSERT_TRUE(got.ok());
    EXPECT_TRUE(got->deleted_ms.has_value());

    ASSERT_TRUE(store.undelete_conversation(b).ok());
    EXPECT_EQ(store.list_conversations()->size(), 2u);
    EXPECT_EQ(store.search("lighthouse")->size(), 1u);
    EXPECT_FALSE(store.get_conversation(b)->deleted_ms.has_value());
    EXPECT_EQ(store.delete_conversation(12345).error().code, ErrorCode::NotFound);
}

NewMessage assistant(std::string text) {
    return NewMessage{MessageRole::Assistant, std::move(text), 0, GenerationStats{12.5, 80, "m.gguf", "Q8_0"}};
}

TEST_F(StorageStore, DeleteMessagesFromDropsTheTailAndItsIndexEntries) {
    auto store = open_store();
    const int64_t c = *store.create_conversation(ConversationSettings{"chat"});
    const int64_t other = *store.create_conversation(ConversationSettings{"other"});
    const int64_t u1 = *store.append_message(c, user("tell me about the lighthouse"));
    const int64_t a1 = *store.append_message(c, assistant("the lighthouse keeper 등대지기"));
    const int64_t u2 = *store.append_message(c, user("and the harbour 바다"));
    const int64_t a2 = *store.append_message(c, assistant("the harbour is calm 항구"));
    const int64_t o1 = *store.append_message(other, user("other harbour"));
    ASSERT_TRUE(store.set_memory_state(c, MemoryState{"about lighthouses", 2}).ok());
    const int64_t updated_before = store.get_conversation(c)->updated_ms;

    // Regenerate: drop the last reply only. covered = 2 <= 3 remaining: the summary stays.
    auto n = store.delete_messages_from(c, a2);
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(*n, 1);
    auto rest = store.messages(c);
    ASSERT_EQ(rest->size(), 3u);
    EXPECT_EQ((*rest)[2].id, u2);
    EXPECT_EQ((*rest)[2].content, "and the harbour 바다");
    EXPECT_EQ(store.search("calm")->size(), 0u);
    EXPECT_EQ(store.search("항구")->size(), 0u); // the 2-character scan
    EXPECT_EQ(**store.memory_state(c), (MemoryState{"about lighthouses", 2}));
    EXPECT_GT(store.get_conversation(c)->updated_ms, updated_before);
    EXPECT_EQ((*store.list_conversations())[0].message_count, 3);

    // Edit-and-resend of the second turn: the user message and everything after it.
    ASSERT_TRUE(store.append_message(c, assistant("a second reply about harbours")).ok());
    n = store.delete_messages_from(c, u2);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 2);
    rest = store.messages(c);
    ASSERT_EQ(rest->size(), 2u);
    EXPECT_EQ((*rest)[0].id, u1);
    EXPECT_EQ((*rest)[1].id, a1);
    EXPECT_EQ((*rest)[1].stats, (GenerationStats{12.5, 80, "m.gguf", "Q8_0"}));
    EXPECT_EQ(store.search("harbour")->size(), 1u); // only the other conversation's message
    EXPECT_EQ((*store.search("harbour"))[0].message_id, o1);
    EXPECT_EQ(store.search("바다")->size(), 0u);
    EXPECT_EQ(store.search("lighthouse")->size(), 2u);
    // covered = 2 and 2 history messages remain: still valid.
    EXPECT_EQ(**store.memory_state(c), (MemoryState{"about lighthouses", 2}));

    // Dropping the reply the summary stands for resets it.
    n = store.delete_messages_from(c, a1);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 1);
    EXPECT_EQ(**store.memory_state(c), (MemoryState{"", 0}));
    EXPECT_EQ(store.messages(c)->size(), 1u);
    EXPECT_EQ(store.messages(other)->size(), 1u);

    // The full-text index still agrees with the table.
    ASSERT_TRUE(store.append_message(c, user("fresh lighthouse text")).ok());
    EXPECT_EQ(store.search("lighthouse")->size(), 2u);
    EXPECT_EQ(store.search("fresh")->size(), 1u);
}

TEST_F(StorageStore, DeleteMessagesFromCountsHistoryNotSystemMessages) {
    auto store = open_store();
    const int64_t c = *store.create_conversation(ConversationSettings{"chat"});
    ASSERT_TRUE(store.append_message(c, NewMessage{MessageRole::System, "be brief", 0, std::nullopt}).ok());
    ASSERT_TRUE(store.append_message(c, user("one")).ok());
    ASSERT_TRUE(store.append_message(c, assistant("two")).ok());
    const int64_t u2 = *store.append_message(c, user("three"));
    ASSERT_TRUE(store.append_message(c, assistant("four")).ok());
    ASSERT_TRUE(store.set_memory_state(c, MemoryState{"one, two", 2}).ok());
    ASSERT_TRUE(store.delete_messages_from(c, u2).ok());
    EXPECT_EQ(store.messages(c)->size(), 3u);
    EXPECT_EQ(**store.memory_state(c), (MemoryState{"one, two", 2})); // 2 history messages remain

    ASSERT_TRUE(store.set_memory_state(c, MemoryState{"one, two, three", 3}).ok());
    ASSERT_TRUE(store.append_message(c, user("three again")).ok());
    const int64_t tail = *store.append_message(c, assistant("four again"));
    ASSERT_TRUE(store.delete_messages_from(c, tail).ok());
    EXPECT_EQ(**store.memory_state(c), (MemoryState{"one, two, three", 3})); // 3 remain
    const int64_t last_user = store.messages(c)->back().id;
    ASSERT_TRUE(store.delete_messages_from(c, last_user).ok());
    EXPECT_EQ(**store.memory_state(c), (MemoryState{"", 0})); // 2 remain, the system one not counted
}

TEST_F(StorageStore, DeleteMessagesFromRejectsUnknownIds) {
    auto store = open_store();
    const int64_t a = *store.create_conversation(ConversationSettings{"a"});
    const int64_t b = *store.create_conversation(ConversationSettings{"b"});
    const int64_t in_a = *store.append_message(a, user("alpha"));
    ASSERT_TRUE(store.append_message(b, user("beta")).ok());
    EXPECT_EQ(store.delete_messages_from(12345, in_a).error().code, ErrorCode::NotFound);
    EXPECT_EQ(store.delete_messages_from(b, in_a).error().code, ErrorCode::NotFound); // not b's
    EXPECT_EQ(store.delete_messages_from(a, in_a + 100).error().code, ErrorCode::NotFound);
    EXPECT_EQ(store.messages(a)->size(), 1u);
    EXPECT_EQ(store.messages(b)->size(), 1u);
    // No memory state stored: nothing to reset, and none is created.
    EXPECT_EQ(*store.delete_messages_from(a, in_a), 1);
    EXPECT_FALSE(store.memory_state(a)->has_value());
}

bool contains(const std::string& haystack, const std::string& needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

TEST_F(StorageStore, PurgeRemovesTextFromTheFile) {
    // Rare syllables: the index stores the trigram "꿿똠뾹" prefix-compressed against its neighbour,
    // which shares at most the lead bytes of 꿿, so "똠뾹" is in the file while any index entry is.
    const std::string marker = "ZQXMARKER-7f3a9c-뷁꿿똠뾹";
    const std::string title_marker = "TITLEMARK-55e1";
    int64_t keep = 0;
    {
        auto store = open_store();
        keep = *store.create_conversation(ConversationSettings{"kept"});
        ASSERT_TRUE(store.append_message(keep, user("kept message")).ok());
        const int64_t gone = *store.create_conversation(ConversationSettings{title_marker});
        for (int i = 0; i < 50; ++i) // enough to spill over several pages and index segments
            ASSERT_TRUE(store.append_message(gone, user("message " + std::to_string(i) + " " + marker)).ok());
        ASSERT_TRUE(store.set_memory_state(gone, MemoryState{"summary " + marker, 3}).ok());
        ASSERT_TRUE(store.checkpoint().ok());
        const std::string before = read_bytes(db_path);
        ASSERT_TRUE(contains(before, marker)); // the scans below can see it
        // 50 in the messages, at least 1 more in the index (it may be more, once per segment).
        ASSERT_GE(std::count_if(before.begin(), before.end(), [&, i = size_t{0}](char) mutable {
                      return before.compare(i++, 6, "똠뾹") == 0;
                  }),
                  51);
        ASSERT_TRUE(store.delete_conversation(gone).ok());
        auto purged = store.purge_deleted();
        ASSERT_TRUE(purged.ok()) << purged.error().message;
        EXPECT_EQ(*purged, 1);
        EXPECT_EQ(store.get_conversation(gone).error().code, ErrorCode::NotFound);
        EXPECT_EQ(store.search("7f3a9c")->size(), 0u);
        // Still open: the -wal file exists (empty after the checkpoint) and must not hold the text.
        const std::string wal = read_bytes(fs::path(db_path.string() + "-wal"));
        EXPECT_FALSE(contains(wal, marker));
        EXPECT_FALSE(contains(wal, "7f3a9c"));
        EXPECT_FALSE(contains(wal, title_marker));
        EXPECT_FALSE(contains(wal, "똠뾹"));
    }
    const std::string bytes = read_bytes(db_path);
    EXPECT_FALSE(contains(bytes, marker));
    EXPECT_FALSE(contains(bytes, "7f3a9c")); // no fragment either (trigram index, overflow pages)
    EXPECT_FALSE(contains(bytes, title_marker));
    EXPECT_FALSE(contains(bytes, "똠뾹")); // the trigram index's copy
    EXPECT_TRUE(contains(bytes, "kept message"));
    auto store = open_store();
    EXPECT_EQ(store.messages(keep)->size(), 1u);
    EXPECT_EQ(store.search("kept")->size(), 1u);
}

} // namespace
} // namespace quanta::test
