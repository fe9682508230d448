// SPDX-License-Identifier: MIT
// The matmul driver: quantizes the activations once, then splits the weight rows across the pool
// and walks each row chunk over the tokens in tiles of kMaxTokTile.
#include "matmul_internal.h"

#include <algorithm>

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

void matmul(Context& ctx, const Weight& w, const float* x, int64_t n_tokens, float* y) {
    if (n_tokens <= 0 || w.n <= 0)
        return;
    if (w.format == Format::INT8) {
        matmul_int8(ctx, w, x, n_tokens, y);
        return;
    }
    const bool avx2 = ctx.isa() == Isa::Avx2;
    const KernelEntry entry = avx2 ? avx2_kernel(w.format) : scalar_kernel(w.format);
    QUANTA_ASSERT(entry.kernel != nullptr);
    QUANTA_ASSERT(w.k % format_traits(w.format).block_elements == 0);

    const void* act = x;
    size_t act_stride = static_cast<size_t>(w.k) * sizeof(float);
    if (entry.act == ActKind::Q8) {
        QUANTA_ASSERT(w.k % 32 == 0);
        const int64_t nb = w.k / 32;
        auto* q = static_cast<ActQ8*>(ctx.scratch(static_cast<size_t>(n_tokens * nb) * sizeof(ActQ8)));
        auto quantize = avx2 ? quantize_act_q8_avx2 : quantize_act_q8_scalar;
        // A few tokens take well under a microsecond: not worth a dispatch.
        if (n_tokens <= kMaxTokTile) {
            for (int64_t t = 0; t < n_tokens; ++t)
                quantize(x + t * w.k, w.k, q + t * nb);
        } else {
            ctx.pool().parallel_for(n_tokens, 8, [&](int64_t t0, int64_t t1, int) {
                for (int64_t t = t0; t < t1; ++t)
                    quantize(x + t * w.k, w.k, q + t * nb);
            });
        }
        act = q;
        act_stride = static_cast<size_t>(nb) * sizeof(ActQ8);
    }

    const size_t w_stride = main_row_bytes(w);
    const auto* w_base = static_cast<const uint8_t*>(w.data);
    // Row chunks: small enough that every thread gets several (dynamic balancing against other
    // processes on the machine), large enough that prefill reuses the chunk's weights from L1/L2
    // across all token tiles.
    const int64_t n_threads = ctx.n_threads();
    int64_t rows = std::clamp<int64_t>(w.n / (n_threads * 8), 4, 64);
    rows = (rows + 3) / 4 * 4;
    const int64_t n_chunks = (w.n + rows - 1) / rows;

    ctx.pool().parallel_for(n_chunks, 1, [&](int64_t c0, int64_t c1, int) {
        for (int64_t c = c0; c < c1; ++c) {
            TileArgs a{};
            a.w = &w;
            a.row0 = c * rows;
            a.n_rows = std::min(rows, w.n - a.row0);
            a.w_rows = w_base + a.row0 * w_stride;
            a.w_stride = w_stride;
            a.act_stride = act_stride;
            a.y_stride = static_cast<size_t>(w.n);
            for (int64_t t0 = 0; t0 < n_tokens; t0 += kMaxTokTile) {
                a.n_tok = static_cast<int>(std::min<int64_t>(kMaxTokTile, n_tokens - t0));
                a.act = static_cast<const uint8_t*>(act) + t0 * act_stride;
                a.y = y + t0 * w.n + a.row0;
                entry.kernel(a);
            }
        }
    });
}

} // namespace quanta::cpu
