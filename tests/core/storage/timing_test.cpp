// SPDX-License-Identifier: MIT
// Timings for docs/storage.md: one conversation of 10,000 messages. Disabled (numbers depend on the
// machine; they are recorded, not asserted). Run with:
//   ./bin/test_storage --gtest_also_run_disabled_tests --gtest_filter='StorageTiming.*'
#include "storage_test_util.h"

#include <chrono>
#include <cstdio>
#include <functional>

namespace quanta::test {
namespace {

using StorageTiming = StorageTest;

double best_ms(int runs, const std::function<void()>& f) {
    double best = 1e300;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

TEST_F(StorageTiming, DISABLED_TenThousandMessages) {
    constexpr int kMessages = 10'000;
    // Built as one import (one transaction) rather than 10,000 appends with an fsync each. The text
    // has no character that JSON must escape.
    std::string doc = R"({"format":"quanta-conversation","version":1,)"
                      R"("conversation":{"title":"long","created":1,"updated":2},"messages":[)";
    for (int i = 0; i < kMessages; ++i) {
        std::string text = "Message " + std::to_string(i) + ": the keeper lit the lamp again; 그는 저녁마다 등대를 "
                           "밝혔다. Nothing unusual happened on the shore that evening, number " +
                           std::to_string(i * 7919 % 10007) + ".";
        if (i == 7777)
            text += " A lighthouse appeared. 바다.";
        doc += std::string(i ? "," : "") + R"({"role":")" + (i % 2 ? "assistant" : "user") + R"(","content":")" + text +
               R"(","created":)" + std::to_string(i) + "}";
    }
    doc += "]}";
    int64_t id = 0;
    double import_ms = 0;
    {
        auto store = open_store();
        import_ms = best_ms(1, [&] { id = *store.import_json(doc); });
    }
    double open_ms = best_ms(5, [&] { auto s = ConversationStore::open(db_path); ASSERT_TRUE(s.ok()); });
    auto store = open_store();
    size_t n = 0;
    const double list_ms = best_ms(5, [&] { n = store.list_conversations()->size(); });
    EXPECT_EQ(n, 1u);
    const double messages_ms = best_ms(5, [&] { n = store.messages(id)->size(); });
    EXPECT_EQ(n, static_cast<size_t>(kMessages));
    const double fts_rare_ms = best_ms(5, [&] { n = store.search("lighthouse")->size(); });
    EXPECT_EQ(n, 1u);
    const double fts_common_ms = best_ms(5, [&] { n = store.search("등대를")->size(); });
    EXPECT_EQ(n, 50u);
    const double short_rare_ms = best_ms(5, [&] { n = store.search("바다")->size(); });
    EXPECT_EQ(n, 1u);
    const double short_none_ms = best_ms(5, [&] { n = store.search("zq")->size(); });
    EXPECT_EQ(n, 0u);
    const double append_ms = best_ms(5, [&] {
        ASSERT_TRUE(store.append_message(id, NewMessage{MessageRole::User, "one more", 2, std::nullopt}).ok());
    });
    std::printf("[ timing   ] %d messages, file %.1f MB: import %.0f ms, open %.1f ms, list %.2f ms, messages() %.1f ms,\n"
                "[ timing   ] search 'lighthouse' (FTS, 1 hit) %.2f ms, '등대를' (FTS, 50 of 10,000 hits) %.2f ms,\n"
                "[ timing   ] '바다' (instr, 1 hit) %.1f ms, 'zq' (instr, 0 hits) %.1f ms, append %.2f ms\n",
                kMessages, static_cast<double>(fs::file_size(db_path)) / 1e6, import_ms, open_ms, list_ms, messages_ms,
                fts_rare_ms, fts_common_ms, short_rare_ms, short_none_ms, append_ms);
}

} // namespace
} // namespace quanta::test
