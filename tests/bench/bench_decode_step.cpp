// SPDX-License-Identifier: MIT
// One whole decode step of SmolLM2-135M built from the CPU kernels alone (30 layers with their own
// weights, so ~100 MB streams from memory as in real decoding), to turn kernel speed into a
// tokens/s figure comparable with llama-bench tg. It is not the engine: graph building, sampling
// and the backend interface are missing, so the engine will be a little slower than this.
//
// Weight mixes (per layer: q, k, v, o, gate, up, down; output = tied token_embd):
//   Q4_1    all Q4_1, output Q8_0                           (the default model file)
//   Q8_0    all Q8_0
//   Q4_K_M  what llama-quantize makes of this model: d_model 576 is not a multiple of 256, so
//           the K=576 tensors fall back to Q5_0 (Q4_K) and Q8_0 (Q6_K for attn_v); ffn_down
//           (K=1536) alternates Q6_K / Q4_K; output Q8_0. An approximation of the real file.
#include "bench_util.h"

#include <benchmark/benchmark.h>

#include <map>
#include <utility>

namespace quanta::cpu::bench {

namespace {

constexpr int64_t kLayers = 30, kDim = 576, kFfn = 1536, kHeads = 9, kHeadsKv = 3, kHeadDim = 64;
constexpr int64_t kVocab = 49152, kKvRow = kHeadsKv * kHeadDim, kCtx = 512;

struct Layer {
    std::unique_ptr<WeightRing> q, k, v, o, gate, up, down;
    std::vector<float> attn_norm, ffn_norm;
    std::vector<uint16_t> k_cache, v_cache;
};

struct Model {
    std::vector<Layer> layers;
    std::unique_ptr<WeightRing> output;
    std::vector<float> out_norm;
};

enum class Mix { Q4_1, Q8_0, Q4_K_M };

Model build(Mix mix) {
    auto fmt = [&](const char* what, int64_t layer) {
        const std::string w = what;
        switch (mix) {
        case Mix::Q4_1: return w == "output" ? Format::Q8_0 : Format::Q4_1;
        case Mix::Q8_0: return Format::Q8_0;
        case Mix::Q4_K_M:
            if (w == "output" || w == "v")
                return Format::Q8_0;
            if (w == "down")
                return layer % 2 == 0 ? Format::Q6_K : Format::Q4_K;
            return Format::Q5_0;
        }
        return Format::Q8_0;
    };
    Model m;
    for (int64_t l = 0; l < kLayers; ++l) {
        Layer L;
        L.q = make_ring(fmt("q", l), kDim, kDim, false);
        L.k = make_ring(fmt("k", l), kDim, kKvRow, false);
        L.v = make_ring(fmt("v", l), kDim, kKvRow, false);
        L.o = make_ring(fmt("o", l), kDim, kDim, false);
        L.gate = make_ring(fmt("gate", l), kDim, kFfn, false);
        L.up = make_ring(fmt("up", l), kDim, kFfn, false);
        L.down = make_ring(fmt("down", l), kFfn, kDim, false);
        L.attn_norm = gaussian(kDim, 5, 1.0f);
        L.ffn_norm = gaussian(kDim, 6, 1.0f);
        const std::vector<float> kv = gaussian(static_cast<size_t>(kCtx * kKvRow), 7, 1.0f);
        L.k_cache.resize(kv.size());
        L.v_cache.resize(kv.size());
        for (size_t i = 0; i < kv.size(); ++i)
            L.k_cache[i] = L.v_cache[i] = f32_to_fp16(kv[i]);
        m.layers.push_back(std::move(L));
    }
    m.output = make_ring(fmt("output", 0), kDim, kVocab, false);
    m.out_norm = gaussian(kDim, 8, 1.0f);
    return m;
}

void decode_step(Context& ctx, Model& m, int32_t pos) {
    std::vector<float> x = gaussian(kDim, 9, 1.0f), h(kDim), q(kDim), k(kKvRow), v(kKvRow), att(kDim), o(kDim);
    std::vector<float> g(kFfn), u(kFfn), logits(kVocab);
    RopeParams rp;
    rp.n_dims = kHeadDim;
    rp.freq_base = 100000.0f;
    AttentionParams ap;
    ap.n_head = kHeads;
    ap.n_head_kv = kHeadsKv;
    ap.head_dim = kHeadDim;
    for (Layer& L : m.layers) {
        rms_norm(ctx, x.data(), L.attn_norm.data(), 1, kDim, 1e-5f, h.data());
        matmul(ctx, L.q->copies[0], h.data(), 1, q.data());
        matmul(ctx, L.k->copies[0], h.data(), 1, k.data());
        matmul(ctx, L.v->copies[0], h.data(), 1, v.data());
        rope(ctx, q.data(), 1, kHeads, kHeadDim, &pos, rp);
        rope(ctx, k.data(), 1, kHeadsKv, kHeadDim, &pos, rp);
        kv_store(ctx, k.data(), 1, kKvRow, L.k_cache.data(), pos);
        kv_store(ctx, v.data(), 1, kKvRow, L.v_cache.data(), pos);
        attention(ctx, ap, q.data(), L.k_cache.data(), L.v_cache.data(), 1, pos, att.data());
        matmul(ctx, L.o->copies[0], att.data(), 1, o.data());
        add(ctx, x.data(), o.data(), kDim, x.data());
        rms_norm(ctx, x.data(), L.ffn_norm.data(), 1, kDim, 1e-5f, h.data());
        matmul(ctx, L.gate->copies[0], h.data(), 1, g.data());
        matmul(ctx, L.up->copies[0], h.data(), 1, u.data());
        silu_mul(ctx, g.data(), u.data(), kFfn, g.data());
        matmul(ctx, L.down->copies[0], g.data(), 1, o.data());
        add(ctx, x.data(), o.data(), kDim, x.data());
    }
    rms_norm(ctx, x.data(), m.out_norm.data(), 1, kDim, 1e-5f, h.data());
    matmul(ctx, m.output->copies[0], h.data(), 1, logits.data());
    benchmark::DoNotOptimize(argmax(logits.data(), kVocab));
}

void bm_decode(benchmark::State& state, Context& ctx, Mix mix) {
    Model m = build(mix);
    size_t bytes = m.output->bytes_per_copy;
    for (const Layer& L : m.layers)
        for (const auto* r : {&L.q, &L.k, &L.v, &L.o, &L.gate, &L.up, &L.down})
            bytes += (*r)->bytes_per_copy;
    int32_t pos = 64; // a short chat turn; attention is a small share of the step here
    for (auto _ : state) {
        decode_step(ctx, m, pos);
        pos = pos < 127 ? pos + 1 : 64;
    }
    state.counters["tok/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["GB/s"] =
        benchmark::Counter(static_cast<double>(bytes) * state.iterations(), benchmark::Counter::kIsRate);
    state.counters["MB"] = static_cast<double>(bytes) / 1e6;
}

} // namespace

void register_decode_step(Context& ctx) {
    const std::pair<const char*, Mix> mixes[] = {{"DecodeStep/Q4_1", Mix::Q4_1}, {"DecodeStep/Q8_0", Mix::Q8_0},
                                                 {"DecodeStep/Q4_K_M", Mix::Q4_K_M}};
    for (const auto& [name, mix] : mixes)
        benchmark::RegisterBenchmark(name, [&ctx, mix = mix](benchmark::State& st) { bm_decode(st, ctx, mix); })
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime()
            ->ComputeStatistics("min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); });
}

} // namespace quanta::cpu::bench
