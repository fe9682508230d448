// SPDX-License-Identifier: MIT
// Crash safety: a child process appends messages as fast as it can and reports each committed id
// through a pipe; the parent SIGKILLs it at a random moment, reopens the file and checks that every
// reported message is there, byte for byte, and that SQLite's integrity_check says "ok".
// docs/reliability.md, "Conversation storage", records the figures.
#include "storage_test_util.h"

#include <sqlite3.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <map>
#include <random>
#include <sys/wait.h>

namespace quanta::test {
namespace {

using StorageCrashSafety = StorageTest;

struct Committed {
    int64_t id;
    int64_t seq;
};

/// Deterministic content, different lengths (some over a 4 KiB page: overflow pages) and scripts.
std::string content_for(int trial, int64_t seq) {
    std::string s = "trial " + std::to_string(trial) + " seq " + std::to_string(seq) + " 등대 ";
    const size_t target = static_cast<size_t>((seq * 733 + trial * 131) % 6000);
    while (s.size() < target)
        s += "abcdefghij 바다 " + std::to_string(s.size());
    return s;
}

[[noreturn]] void child_main(const fs::path& db, int64_t conversation, int trial, int out_fd) {
    auto store = ConversationStore::open(db);
    if (!store.ok())
        _exit(3);
    for (int64_t seq = 0;; ++seq) {
        auto id = store->append_message(conversation,
                                        NewMessage{MessageRole::User, content_for(trial, seq), seq, std::nullopt});
        if (!id.ok())
            _exit(4);
        const Committed c{*id, seq};
        // 16 bytes < PIPE_BUF: the write is atomic, the parent never sees half a record.
        if (::write(out_fd, &c, sizeof c) != static_cast<ssize_t>(sizeof c))
            _exit(5);
    }
}

std::string integrity_check(const fs::path& db) {
    sqlite3* raw = nullptr;
    std::string result = "cannot open";
    if (sqlite3_open(db.string().c_str(), &raw) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            result = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(raw);
    return result;
}

TEST_F(StorageCrashSafety, SigkillNeverLosesACommittedMessage) {
    constexpr int kTrials = 100;
    int64_t conversation = 0;
    {
        auto store = open_store();
        conversation = *store.create_conversation(ConversationSettings{"crash"});
    }
    std::mt19937 rng(20261123); // fixed: a failure can be replayed
    std::uniform_int_distribution<int> delay_us(2'000, 100'000);
    int64_t committed_total = 0, lost = 0, damaged = 0, integrity_errors = 0, killed_with_commits = 0;
    for (int trial = 0; trial < kTrials; ++trial) {
        int fds[2];
        ASSERT_EQ(::pipe(fds), 0);
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::close(fds[0]);
            child_main(db_path, conversation, trial, fds[1]);
        }
        ::close(fds[1]);
        const int us = delay_us(rng);
        const timespec pause{0, us * 1000L};
        ::nanosleep(&pause, nullptr);
        ::kill(pid, SIGKILL);
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            << "trial " << trial << ": the child ended by itself, exit code " << WEXITSTATUS(status);

        std::vector<Committed> reported;
        Committed c{};
        while (::read(fds[0], &c, sizeof c) == static_cast<ssize_t>(sizeof c))
            reported.push_back(c);
        ::close(fds[0]);

        const std::string check = integrity_check(db_path);
        if (check != "ok") {
            ++integrity_errors;
            ADD_FAILURE() << "trial " << trial << ": integrity_check: " << check;
        }
        auto store = ConversationStore::open(db_path);
        ASSERT_TRUE(store.ok()) << "trial " << trial << ": " << store.error().message;
        auto msgs = store->messages(conversation);
        ASSERT_TRUE(msgs.ok()) << msgs.error().message;
        std::map<int64_t, const Message*> by_id;
        int64_t in_file_this_trial = 0;
        const std::string prefix = "trial " + std::to_string(trial) + " ";
        for (const Message& m : *msgs) {
            by_id[m.id] = &m;
            in_file_this_trial += m.content.rfind(prefix, 0) == 0;
        }
        for (const Committed& r : reported) {
            auto it = by_id.find(r.id);
            if (it == by_id.end()) {
                ++lost;
                ADD_FAILURE() << "trial " << trial << ": committed message " << r.id << " is missing";
            } else if (it->second->content != content_for(trial, r.seq) || it->second->token_count != r.seq) {
                ++damaged;
                ADD_FAILURE() << "trial " << trial << ": message " << r.id << " differs";
            }
        }
        // At most one commit can be in the file without having been reported: the kill may fall
        // between COMMIT and write().
        EXPECT_GE(in_file_this_trial, static_cast<int64_t>(reported.size()));
        EXPECT_LE(in_file_this_trial, static_cast<int64_t>(reported.size()) + 1);
        committed_total += static_cast<int64_t>(reported.size());
        killed_with_commits += !reported.empty();
    }
    std::printf("[ crash    ] %d trials, %lld commits reported, %lld trials killed after >= 1 commit, "
                "%lld lost, %lld damaged, %lld integrity errors\n",
                kTrials, static_cast<long long>(committed_total), static_cast<long long>(killed_with_commits),
                static_cast<long long>(lost), static_cast<long long>(damaged),
                static_cast<long long>(integrity_errors));
    EXPECT_EQ(lost, 0);
    EXPECT_EQ(damaged, 0);
    EXPECT_EQ(integrity_errors, 0);
    EXPECT_GE(killed_with_commits, kTrials / 2); // the kills really fell among writes
}

} // namespace
} // namespace quanta::test
