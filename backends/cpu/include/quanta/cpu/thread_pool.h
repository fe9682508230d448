// SPDX-License-Identifier: MIT
// A persistent pool of worker threads for the CPU kernels.
//
// A decode step runs ~300 small ops, so a dispatch + join must cost about a microsecond: workers
// spin on an atomic generation counter for a short while after each job and only then sleep on
// std::atomic::wait (a futex on Linux). The calling thread always takes part in the work, so a pool
// of n threads starts n - 1 workers.
//
// Work is handed out in chunks that any thread may claim, and a job ends when every chunk is done,
// not when every worker has checked in: a worker that the OS has not scheduled yet (other processes
// busy on the same cores) simply misses the job instead of stalling it for a scheduler time slice.
//
// Thread safety: one thread at a time may call parallel_for (the owner of the pool, normally the
// engine's executor). Jobs must not call parallel_for on the same pool.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace quanta::cpu {

class ThreadPool {
public:
    /// n_threads <= 0: one per hardware thread. The pool starts n_threads - 1 workers.
    explicit ThreadPool(int n_threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int n_threads() const { return m_n_threads; }

    /// Runs fn(begin, end, thread_index) over [0, n_items) in chunks of `chunk` items, claimed
    /// dynamically by whichever thread is free (chunk <= 0: n_threads() equal contiguous chunks).
    /// Returns when every item is done. thread_index is in [0, n_threads()); 0 is the caller; two
    /// calls of fn running at the same time never share a thread_index (per-thread scratch is safe).
    /// At most 2^20 chunks per job.
    template <class Fn>
    void parallel_for(int64_t n_items, int64_t chunk, Fn&& fn) {
        if (n_items <= 0)
            return;
        auto thunk = [](void* ctx, int64_t begin, int64_t end, int thread) {
            (*static_cast<Fn*>(ctx))(begin, end, thread);
        };
        run(n_items, chunk, thunk, &fn);
    }

private:
    using Thunk = void (*)(void* ctx, int64_t begin, int64_t end, int thread);

    void run(int64_t n_items, int64_t chunk, Thunk thunk, void* ctx);
    void work(int thread); // claims and runs chunks until none is left
    void worker_main(int thread);

    int m_n_threads = 1;
    std::vector<std::thread> m_workers;

    // The current job: written by the caller before it publishes the job's claim word (release);
    // a thread reads them only after claiming a chunk of that job (acquire), and the caller does not
    // touch them again before every chunk is done, so a late worker never sees a half-written job.
    Thunk m_thunk = nullptr;
    void* m_ctx = nullptr;
    int64_t m_n_items = 0;
    int64_t m_chunk = 0;

    // Claim word: job serial (24 bits) | chunk count (20 bits) | next unclaimed chunk (20 bits). A
    // claim is a CAS on the whole word, so a stale claim on a finished job cannot succeed.
    alignas(64) std::atomic<uint64_t> m_claim{0};
    alignas(64) std::atomic<int64_t> m_done{0};        // chunks finished in the current job
    alignas(64) std::atomic<uint32_t> m_generation{0}; // bumped once per job; workers wait on it
    alignas(64) std::atomic<int> m_sleeping{0};        // workers blocked in wait(): notify needed
    uint32_t m_serial = 0;                             // caller only
    std::atomic<bool> m_stop{false};
};

} // namespace quanta::cpu
