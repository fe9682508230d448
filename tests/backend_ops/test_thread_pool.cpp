// SPDX-License-Identifier: MIT
#include "quanta/cpu/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <utility>
#include <vector>

namespace quanta::cpu::test {
namespace {

// Every item is visited exactly once, for static and dynamic schedules, over many back-to-back
// jobs (the spin/sleep handshake is exercised by the repetition and by the pause in the middle).
TEST(ThreadPool, EveryItemExactlyOnce) {
    for (int threads : {1, 2, 3}) {
        ThreadPool pool(threads);
        EXPECT_EQ(pool.n_threads(), threads);
        for (int64_t chunk : {0, 1, 7}) {
            for (int64_t n : {1, 2, 5, 100, 1001}) {
                for (int rep = 0; rep < 50; ++rep) {
                    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
                    std::atomic<int> bad_thread{0};
                    pool.parallel_for(n, chunk, [&](int64_t b, int64_t e, int thread) {
                        if (thread < 0 || thread >= threads || b >= e)
                            bad_thread.fetch_add(1);
                        for (int64_t i = b; i < e; ++i)
                            hits[static_cast<size_t>(i)].fetch_add(1);
                    });
                    ASSERT_EQ(bad_thread.load(), 0);
                    for (int64_t i = 0; i < n; ++i)
                        ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1) << "item " << i << " chunk " << chunk;
                }
            }
        }
    }
}

TEST(ThreadPool, StaticSplitMakesOneChunkPerThread) {
    ThreadPool pool(2);
    std::atomic<int> calls{0};
    std::vector<std::pair<int64_t, int64_t>> ranges(2);
    pool.parallel_for(10, 0, [&](int64_t b, int64_t e, int) {
        ranges[static_cast<size_t>(b / 5)] = {b, e};
        calls.fetch_add(1);
    });
    EXPECT_EQ(calls.load(), 2);
    EXPECT_EQ(ranges[0], (std::pair<int64_t, int64_t>{0, 5}));
    EXPECT_EQ(ranges[1], (std::pair<int64_t, int64_t>{5, 10}));
}

TEST(ThreadPool, ThreadIndexIsNeverSharedAndSleepingWorkersWake) {
    ThreadPool pool(3);
    // Let the workers pass their spin phase and block in wait().
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::vector<std::atomic<int>> busy(3), ran(3);
    std::atomic<int> clashes{0};
    pool.parallel_for(600, 1, [&](int64_t, int64_t, int thread) {
        if (busy[static_cast<size_t>(thread)].exchange(1) != 0)
            clashes.fetch_add(1);
        ran[static_cast<size_t>(thread)].fetch_add(1);
        std::this_thread::sleep_for(std::chrono::microseconds(100)); // 60 ms of work: workers join in
        busy[static_cast<size_t>(thread)].store(0);
    });
    EXPECT_EQ(clashes.load(), 0);
    EXPECT_EQ(ran[0].load() + ran[1].load() + ran[2].load(), 600);
    EXPECT_GT(ran[1].load(), 0);
    EXPECT_GT(ran[2].load(), 0);
}

TEST(ThreadPool, EmptyRangeDoesNothing) {
    ThreadPool pool(2);
    int calls = 0;
    pool.parallel_for(0, 1, [&](int64_t, int64_t, int) { ++calls; });
    EXPECT_EQ(calls, 0);
}

} // namespace
} // namespace quanta::cpu::test
