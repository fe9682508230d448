// SPDX-License-Identifier: MIT
// The estimate of the default model (SmolLM2-135M-Instruct Q4_1, skipped when not fetched) at
// context 2048 against the memory the engine really takes: the peak resident set (VmHWM) of this
// process after loading the model, opening a session and filling its whole KV cache, minus the
// resident set before the load. The peak covers everything that was ever resident at once, so the
// test must be the first in its process: ctest runs every test case in a process of its own, and
// a run of the whole executable skips it after another test has run.
#include "quanta/cpu/cpu_backend.h"
#include "quanta/engine.h"
#include "quanta/estimate.h"
#include "quanta/model_info.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

// A sanitizer's shadow memory and quarantine make the resident set measure the sanitizer.
#if defined(__SANITIZE_ADDRESS__)
#define QUANTA_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define QUANTA_TEST_SANITIZED 1
#endif
#endif

namespace quanta {
namespace {

int g_tests_started = 0;

class CountTests : public ::testing::EmptyTestEventListener {
    void OnTestStart(const ::testing::TestInfo&) override { ++g_tests_started; }
};

// Registered before main() runs the tests (gtest_main is linked, so there is no main of our own).
const bool g_counter_registered = [] {
    ::testing::UnitTest::GetInstance()->listeners().Append(new CountTests);
    return true;
}();

/// A "VmRSS:"-style line of /proc/self/status, in bytes (0 when absent).
uint64_t status_bytes(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string name;
    while (in >> name) {
        if (name == key) {
            uint64_t kib = 0;
            in >> kib;
            return kib * 1024;
        }
        std::string rest;
        std::getline(in, rest);
    }
    return 0;
}

TEST(EstimateDefaultModel, TotalIsWithinFivePercentOfThePeakResidentMemoryAtContext2048) {
    ASSERT_TRUE(g_counter_registered);
#ifdef QUANTA_TEST_SANITIZED
    GTEST_SKIP() << "resident memory is not meaningful under a sanitizer";
#endif
    if (g_tests_started != 1)
        GTEST_SKIP() << "needs a fresh process (run it alone: --gtest_filter=EstimateDefaultModel.*)";
    const std::filesystem::path path = QUANTA_DEFAULT_MODEL;
    if (!std::filesystem::exists(path))
        GTEST_SKIP() << "default model not fetched: " << path;
    constexpr int64_t kCtx = 2048;
    constexpr int64_t kBatch = 512;

    const uint64_t rss_before = status_bytes("VmRSS:");
    auto backend = cpu::create_cpu_backend(0);
    backend::Device& device = *backend->devices().front();
    auto model = Model::load(path, device);
    ASSERT_TRUE(model.ok()) << model.error().message;
    const uint64_t rss_loaded = status_bytes("VmRSS:");
    auto session = Session::create(*model, {.n_ctx = kCtx, .n_batch = kBatch});
    ASSERT_TRUE(session.ok()) << session.error().message;
    // Fill the whole cache, so that every page of it (and every weight page) has been touched.
    const int64_t n_vocab = (*model)->config().n_vocab;
    std::vector<int32_t> ids(static_cast<size_t>(kBatch));
    for (int64_t done = 0; done < kCtx; done += kBatch) {
        for (int64_t i = 0; i < kBatch; ++i)
            ids[static_cast<size_t>(i)] = static_cast<int32_t>(((done + i) * 7919 + 13) % n_vocab);
        auto r = (*session)->decode(ids);
        ASSERT_TRUE(r.ok()) << r.error().message;
    }
    ASSERT_EQ((*session)->position(), kCtx);
    const uint64_t peak = status_bytes("VmHWM:");
    ASSERT_GT(peak, rss_before);
    const uint64_t measured = peak - rss_before;

    auto e = estimate_memory((*model)->file(), std::nullopt,
                             {.n_ctx = kCtx, .n_batch = kBatch, .threads = device.info().threads});
    ASSERT_TRUE(e.ok()) << e.error().message;
    const double error = (static_cast<double>(e->total_bytes()) - static_cast<double>(measured)) /
                         static_cast<double>(measured);
    // The numbers docs/estimate.md reports.
    std::printf("estimate: total %llu (file %llu, kv %llu, compute %llu, metadata %llu, tokenizer %llu, runtime %llu)\n"
                "measured: VmHWM - VmRSS before load = %llu (load alone %llu); error %+.2f%%\n",
                static_cast<unsigned long long>(e->total_bytes()), static_cast<unsigned long long>(e->file_bytes),
                static_cast<unsigned long long>(e->kv_bytes), static_cast<unsigned long long>(e->compute_bytes()),
                static_cast<unsigned long long>(e->metadata_bytes),
                static_cast<unsigned long long>(e->tokenizer_bytes),
                static_cast<unsigned long long>(e->runtime_bytes), static_cast<unsigned long long>(measured),
                static_cast<unsigned long long>(rss_loaded - rss_before), 100.0 * error);
    EXPECT_LT(std::abs(error), 0.05) << "estimated " << format_byte_size(e->total_bytes()) << ", measured "
                                     << format_byte_size(measured);
}

} // namespace
} // namespace quanta
