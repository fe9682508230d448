// SPDX-License-Identifier: MIT
#include "quanta/cpu/thread_pool.h"

#include "quanta/result.h"

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace quanta::cpu {

namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
}

// Spins before a worker goes to sleep. A decode step dispatches a job every few microseconds, so
// workers must stay awake across the serial gaps between ops; a pause is ~40-140 cycles, so this is
// a fraction of a millisecond of spinning after the last job.
constexpr int kSpinsBeforeSleep = 1 << 14;

} // namespace

ThreadPool::ThreadPool(int n_threads) {
    if (n_threads <= 0)
        n_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    m_n_threads = n_threads;
    m_workers.reserve(static_cast<size_t>(n_threads - 1));
    for (int i = 1; i < n_threads; ++i)
        m_workers.emplace_back([this, i] { worker_main(i); });
}

ThreadPool::~ThreadPool() {
    m_stop.store(true, std::memory_order_relaxed);
    m_generation.fetch_add(1, std::memory_order_seq_cst);
    m_generation.notify_all();
    for (auto& t : m_workers)
        t.join();
}

namespace {

constexpr int kCountBits = 20;
constexpr uint64_t kCountMask = (uint64_t{1} << kCountBits) - 1;

} // namespace

void ThreadPool::run(int64_t n_items, int64_t chunk, Thunk thunk, void* ctx) {
    if (chunk <= 0)
        chunk = (n_items + m_n_threads - 1) / m_n_threads;
    const int64_t n_chunks = (n_items + chunk - 1) / chunk;
    if (m_workers.empty() || n_chunks == 1) {
        thunk(ctx, 0, n_items, 0);
        return;
    }
    QUANTA_ASSERT(static_cast<uint64_t>(n_chunks) <= kCountMask);
    m_thunk = thunk;
    m_ctx = ctx;
    m_n_items = n_items;
    m_chunk = chunk;
    m_done.store(0, std::memory_order_relaxed);
    m_serial = (m_serial + 1) & 0xFFFFFF;
    m_claim.store((uint64_t{m_serial} << (2 * kCountBits)) | (static_cast<uint64_t>(n_chunks) << kCountBits),
                  std::memory_order_release);
    // seq_cst pairs with the seq_cst increment of m_sleeping in worker_main: either the worker
    // sees the new generation before it blocks, or we see it sleeping and wake it.
    m_generation.fetch_add(1, std::memory_order_seq_cst);
    if (m_sleeping.load(std::memory_order_seq_cst) > 0)
        m_generation.notify_all();
    work(0);
    while (m_done.load(std::memory_order_acquire) != n_chunks)
        cpu_relax();
}

void ThreadPool::work(int thread) {
    uint64_t w = m_claim.load(std::memory_order_acquire);
    for (;;) {
        const uint64_t next = w & kCountMask;
        const uint64_t count = (w >> kCountBits) & kCountMask;
        if (next >= count)
            return;
        if (!m_claim.compare_exchange_weak(w, w + 1, std::memory_order_acquire, std::memory_order_acquire))
            continue;
        // The claim succeeded, so this job cannot finish (and its fields cannot change) before the
        // chunk is done.
        const int64_t begin = static_cast<int64_t>(next) * m_chunk;
        m_thunk(m_ctx, begin, std::min(begin + m_chunk, m_n_items), thread);
        m_done.fetch_add(1, std::memory_order_release);
        w = m_claim.load(std::memory_order_acquire);
    }
}

void ThreadPool::worker_main(int thread) {
    uint32_t seen = 0;
    for (;;) {
        int spins = 0;
        uint32_t generation;
        while ((generation = m_generation.load(std::memory_order_acquire)) == seen) {
            if (++spins < kSpinsBeforeSleep) {
                cpu_relax();
                continue;
            }
            m_sleeping.fetch_add(1, std::memory_order_seq_cst);
            m_generation.wait(seen, std::memory_order_acquire);
            m_sleeping.fetch_sub(1, std::memory_order_relaxed);
            spins = 0;
        }
        seen = generation;
        if (m_stop.load(std::memory_order_relaxed))
            return;
        work(thread);
    }
}

} // namespace quanta::cpu
