// SPDX-License-Identifier: MIT
// The matmul driver: quantizes the activations once, then splits the weight rows across the pool
// and walks each row chunk over the tokens in tiles of kMaxTokTile.
#include "matmul_internal.h"

#include <algorithm>
#include <vector>

namespace quanta::cpu {

using namespace detail;

namespace {

size_t main_row_bytes(const Weight& w) {
    if (w.format == Format::NF4)
        return static_cast<size_t>(w.k / 2);
    return row_bytes(w.format, w.k);
}

} // namespace

namespace detail {

KernelEntry avx2_kernel(Format format) {
    for (auto get : {avx2_kernel_legacy, avx2_kernel_kquant, avx2_kernel_float}) {
        const KernelEntry e = get(format);
        if (e.kernel)
            return e;
    }
    return {};
}

} // namespace detail

namespace {

/// Quantizes x for `entry` (or passes it through) into the context's scratch memory.
const void* prepare_activations(Context& ctx, const KernelEntry& entry, bool avx2, int64_t k, const float* x,
                                int64_t n_tokens, size_t& act_stride) {
    act_stride = static_cast<size_t>(k) * sizeof(float);
    if (entry.act != ActKind::Q8)
        return x;
    QUANTA_ASSERT(k % 32 == 0);
    const int64_t nb = k / 32;
    auto* q = static_cast<ActQ8*>(ctx.scratch(static_cast<size_t>(n_tokens * nb) * sizeof(ActQ8)));
    auto quantize = avx2 ? quantize_act_q8_avx2 : quantize_act_q8_scalar;
    // A few tokens take well under a microsecond: not worth a dispatch.
    if (n_tokens <= kMaxTokTile) {
        for (int64_t t = 0; t < n_tokens; ++t)
            quantize(x + t * k, k, q + t * nb);
    } else {
        ctx.pool().parallel_for(n_tokens, 8, [&](int64_t t0, int64_t t1, int) {
            for (int64_t t = t0; t < t1; ++t)
                quantize(x + t * k, k, q + t * nb);
        });
    }
    act_stride = static_cast<size_t>(nb) * sizeof(ActQ8);
    return q;
}

struct GroupMember {
    const Weight* w;
    float* y;
    int64_t rows;       // rows per chunk
    int64_t first_chunk;
};

} // namespace

void matmul_group(Context& ctx, std::span<const Weight* const> ws, const float* x, int64_t n_tokens,
                  std::span<float* const> ys) {
    QUANTA_ASSERT(ws.size() == ys.size());
    if (n_tokens <= 0 || ws.empty())
        return;
    const bool avx2 = ctx.isa() == Isa::Avx2;
    const int64_t k = ws[0]->k;
    const KernelEntry first = avx2 ? avx2_kernel(ws[0]->format) : scalar_kernel(ws[0]->format);
    bool shared = first.kernel != nullptr;
    for (const Weight* w : ws) {
        const KernelEntry e = avx2 ? avx2_kernel(w->format) : scalar_kernel(w->format);
        shared = shared && w->format != Format::INT8 && w->k == k && e.kernel != nullptr && e.act == first.act &&
                 w->n > 0;
    }
    if (!shared) { // different inputs or kinds: one matmul each
        for (size_t i = 0; i < ws.size(); ++i)
            matmul(ctx, *ws[i], x, n_tokens, ys[i]);
        return;
    }
    size_t act_stride = 0;
    const void* act = prepare_activations(ctx, first, avx2, k, x, n_tokens, act_stride);

    // Row chunks: small enough that every thread gets several (dynamic balancing against other
    // processes on the machine), large enough that prefill reuses the chunk's weights from L1/L2
    // across all token tiles. All members' chunks go into one parallel_for: one dispatch for
    // Q, K and V (or gate and up), and no thread idles between them.
    const int64_t n_threads = ctx.n_threads();
    std::vector<GroupMember> members;
    int64_t n_chunks = 0;
    for (size_t i = 0; i < ws.size(); ++i) {
        int64_t rows = std::clamp<int64_t>(ws[i]->n / (n_threads * 8), 4, 64);
        rows = (rows + 3) / 4 * 4;
        members.push_back({ws[i], ys[i], rows, n_chunks});
        n_chunks += (ws[i]->n + rows - 1) / rows;
    }
    ctx.pool().parallel_for(n_chunks, 1, [&](int64_t c0, int64_t c1, int) {
        for (int64_t c = c0; c < c1; ++c) {
            size_t m = members.size() - 1;
            while (members[m].first_chunk > c)
                --m;
            const GroupMember& g = members[m];
            const Weight& w = *g.w;
            const KernelEntry entry = avx2 ? avx2_kernel(w.format) : scalar_kernel(w.format);
            const size_t w_stride = main_row_bytes(w);
            TileArgs a{};
            a.w = &w;
            a.row0 = (c - g.first_chunk) * g.rows;
            a.n_rows = std::min(g.rows, w.n - a.row0);
            a.w_rows = static_cast<const uint8_t*>(w.data) + a.row0 * w_stride;
            a.w_stride = w_stride;
            a.act_stride = act_stride;
            a.y_stride = static_cast<size_t>(w.n);
            for (int64_t t0 = 0; t0 < n_tokens; t0 += entry.max_tile) {
                a.n_tok = static_cast<int>(std::min<int64_t>(entry.max_tile, n_tokens - t0));
                a.act = static_cast<const uint8_t*>(act) + t0 * act_stride;
                a.y = g.y + t0 * w.n + a.row0;
                entry.kernel(a);
            }
        }
    });
}

void matmul(Context& ctx, const Weight& w, const float* x, int64_t n_tokens, float* y) {
    if (n_tokens <= 0 || w.n <= 0)
        return;
    if (w.format == Format::INT8) {
        matmul_int8(ctx, w, x, n_tokens, y);
        return;
    }
    QUANTA_ASSERT(w.k % format_traits(w.format).block_elements == 0);
    const Weight* ws[1] = {&w};
    float* ys[1] = {y};
    matmul_group(ctx, ws, x, n_tokens, ys);
}

} // namespace quanta::cpu
