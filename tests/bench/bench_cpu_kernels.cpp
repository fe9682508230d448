// SPDX-License-Identifier: MIT
// Benchmarks of the CPU kernels on the default model's shapes (SmolLM2-135M: d_model 576, 9 query
// heads / 3 KV heads of 64, FFN 1536, vocabulary 49152).
//
//   bench_cpu_kernels [--benchmark_filter=...]        QUANTA_CPU_ISA=scalar|avx2, QUANTA_BENCH_THREADS=n
//
// Matvec cases stream their weights from a ring of copies larger than the last-level cache, as a
// decode step does (the whole model is ~100 MB), and report GB/s of weight bytes read: compare with
// the MemoryRead roofline measured here. Matmul cases (T = 512, prefill) report GFLOP/s.
#include "bench_util.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace quanta::cpu::bench {

void register_decode_step(Context& ctx); // bench_decode_step.cpp

namespace {

int bench_threads() {
    const char* v = std::getenv("QUANTA_BENCH_THREADS");
    return v ? std::atoi(v) : 0;
}

void bm_matmul(benchmark::State& state, Context& ctx, Format f, int64_t n, int64_t k, int64_t t, bool cold) {
    auto ring = make_ring(f, k, n, cold);
    const std::vector<float> x = gaussian(static_cast<size_t>(k * t), 2, 1.0f);
    std::vector<float> y(static_cast<size_t>(n * t));
    size_t i = 0;
    for (auto _ : state) {
        matmul(ctx, ring->copies[i], x.data(), t, y.data());
        benchmark::DoNotOptimize(y.data());
        i = (i + 1) % ring->copies.size();
    }
    state.counters["GB/s"] = benchmark::Counter(static_cast<double>(ring->bytes_per_copy) * state.iterations(),
                                                benchmark::Counter::kIsRate);
    state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * k * t * state.iterations() * 1e-9,
                                                   benchmark::Counter::kIsRate);
    state.SetLabel(std::string(isa_name(ctx.isa())) + " threads=" + std::to_string(ctx.n_threads()));
}

// The machine's read bandwidth: every thread sums its share of a 256 MB buffer.
void bm_memory_read(benchmark::State& state, Context& ctx) {
    const size_t n = kRingBytes / sizeof(uint64_t);
    std::vector<uint64_t> buf(n, 1);
    std::vector<uint64_t> sums(static_cast<size_t>(ctx.n_threads()) * 8);
    for (auto _ : state) {
        ctx.pool().parallel_for(ctx.n_threads(), 0, [&](int64_t b, int64_t, int thread) {
            const size_t begin = n * static_cast<size_t>(b) / static_cast<size_t>(ctx.n_threads());
            const size_t end = n * static_cast<size_t>(b + 1) / static_cast<size_t>(ctx.n_threads());
            uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (size_t i = begin; i + 4 <= end; i += 4) {
                s0 += buf[i];
                s1 += buf[i + 1];
                s2 += buf[i + 2];
                s3 += buf[i + 3];
            }
            sums[static_cast<size_t>(thread) * 8] = s0 + s1 + s2 + s3;
        });
        benchmark::DoNotOptimize(sums.data());
    }
    state.counters["GB/s"] =
        benchmark::Counter(static_cast<double>(kRingBytes) * state.iterations(), benchmark::Counter::kIsRate);
}

// Cost of one dispatch + join of an empty job (a decode step runs ~300 of them).
void bm_dispatch(benchmark::State& state, Context& ctx) {
    std::vector<int> sink(64);
    for (auto _ : state) {
        ctx.pool().parallel_for(ctx.n_threads(), 0, [&](int64_t b, int64_t, int) { sink[static_cast<size_t>(b) * 16] += 1; });
    }
    benchmark::DoNotOptimize(sink.data());
}

void bm_attention(benchmark::State& state, Context& ctx) {
    const int64_t n_ctx = state.range(0);
    AttentionParams p;
    p.n_head = 9;
    p.n_head_kv = 3;
    p.head_dim = 64;
    const std::vector<float> kv = gaussian(static_cast<size_t>(n_ctx * 192), 3, 1.0f);
    std::vector<uint16_t> kc(kv.size()), vc(kv.size());
    kv_store(ctx, kv.data(), n_ctx, 192, kc.data(), 0);
    kv_store(ctx, kv.data(), n_ctx, 192, vc.data(), 0);
    const std::vector<float> q = gaussian(576, 4, 1.0f);
    std::vector<float> out(576);
    for (auto _ : state) {
        attention(ctx, p, q.data(), kc.data(), vc.data(), 1, n_ctx - 1, out.data());
        benchmark::DoNotOptimize(out.data());
    }
}

// With --benchmark_repetitions, the fastest repetition is the least disturbed by other processes.
double min_of(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

void register_all(Context& ctx) {
    benchmark::RegisterBenchmark("MemoryRead", [&ctx](benchmark::State& st) { bm_memory_read(st, ctx); })->Unit(benchmark::kMillisecond)->UseRealTime()->ComputeStatistics("min", min_of);
    benchmark::RegisterBenchmark("Dispatch", [&ctx](benchmark::State& st) { bm_dispatch(st, ctx); })->UseRealTime()->ComputeStatistics("min", min_of);
    const Format formats[] = {Format::Q4_0, Format::Q4_1, Format::Q5_0, Format::Q5_1, Format::Q8_0, Format::Q4_K,
                              Format::Q5_K, Format::Q6_K, Format::F16,  Format::BF16, Format::F32,  Format::NF4,
                              Format::INT8};
    // (rows N, columns K): q/o, k/v, gate/up, down, output.
    const struct { int64_t n, k; } shapes[] = {{576, 576}, {192, 576}, {1536, 576}, {576, 1536}, {49152, 576}};
    for (Format f : formats) {
        for (auto s : shapes) {
            const std::string name = "Matvec/" + std::string(format_name(f)) + "/" + std::to_string(s.n) + "x" +
                                     std::to_string(s.k);
            benchmark::RegisterBenchmark(name.c_str(), [&ctx, f, s](benchmark::State& st) { bm_matmul(st, ctx, f, s.n, s.k, 1, true); })
                ->Unit(benchmark::kMicrosecond)
                ->UseRealTime()->ComputeStatistics("min", min_of);
        }
        {
            // The same weights every run (cache-resident): the kernel's compute speed alone.
            const auto s = shapes[3];
            const std::string name = "MatvecHot/" + std::string(format_name(f)) + "/" + std::to_string(s.n) + "x" +
                                     std::to_string(s.k);
            benchmark::RegisterBenchmark(name.c_str(), [&ctx, f, s](benchmark::State& st) { bm_matmul(st, ctx, f, s.n, s.k, 1, false); })
                ->Unit(benchmark::kMicrosecond)
                ->UseRealTime()->ComputeStatistics("min", min_of);
        }
        for (auto s : {shapes[0], shapes[3]}) {
            const std::string name = "Matmul512/" + std::string(format_name(f)) + "/" + std::to_string(s.n) + "x" +
                                     std::to_string(s.k);
            benchmark::RegisterBenchmark(name.c_str(), [&ctx, f, s](benchmark::State& st) { bm_matmul(st, ctx, f, s.n, s.k, 512, false); })
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime()->ComputeStatistics("min", min_of);
        }
    }
    benchmark::RegisterBenchmark("Attention/decode", [&ctx](benchmark::State& st) { bm_attention(st, ctx); })->Arg(128)->Arg(1024)->Unit(benchmark::kMicrosecond)->UseRealTime()->ComputeStatistics("min", min_of);
}

} // namespace
} // namespace quanta::cpu::bench

int main(int argc, char** argv) {
    using namespace quanta::cpu;
    using namespace quanta::cpu::bench;
    Context ctx(bench_threads()); // one pool for the whole run, as the engine has
    register_all(ctx);
    register_decode_step(ctx);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
