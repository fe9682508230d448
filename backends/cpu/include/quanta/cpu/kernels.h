// SPDX-License-Identifier: MIT
// The CPU compute kernels: plain functions on raw pointers, run on a Context (thread pool, chosen
// instruction set, scratch memory). The backend interface wraps these; they do no allocation of
// their own except growing the Context's scratch buffer.
//
// Shapes follow GGUF order: a weight W has `n` rows of `k` elements (ne0 = k, ne1 = n) in its file
// layout; activations are row-major f32 with one row per token: x[t][k], y[t][n].
//
// Thread safety: a Context is used by one thread at a time (it owns a pool and a scratch buffer).
// Different Contexts are independent. Every function here is deterministic for a given Isa and
// thread count (work is split by rows, never by the reduction dimension).
#pragma once

#include "quanta/cpu/thread_pool.h"
#include "quanta/format.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace quanta::cpu {

// --- instruction sets ----------------------------------------------------------------------------

/// A kernel set. Scalar runs anywhere; Avx2 needs AVX2 + FMA + F16C (x86-64-v3).
enum class Isa { Scalar, Avx2 };

struct CpuFeatures {
    bool avx2 = false, fma = false, f16c = false;         // x86-64-v3 core
    bool avx512f = false, avx512bw = false, avx512vnni = false;
    bool avx_vnni = false;                                // VEX-encoded VNNI (Alder Lake, Zen 5)
};

/// What the CPU and OS support (cpuid + xgetbv), detected once.
const CpuFeatures& cpu_features();
/// The best kernel set this machine runs.
Isa best_isa();
/// "scalar" / "avx2".
std::string_view isa_name(Isa isa);
/// QUANTA_CPU_ISA=scalar|avx2 when set and valid, else nullopt.
std::optional<Isa> isa_from_env();

// --- context -------------------------------------------------------------------------------------

class Context {
public:
    /// n_threads <= 0: all hardware threads. isa: forced kernel set; without it QUANTA_CPU_ISA,
    /// then best_isa(). A forced set the CPU cannot run falls back to Scalar.
    explicit Context(int n_threads = 0, std::optional<Isa> isa = std::nullopt);

    ThreadPool& pool() { return m_pool; }
    Isa isa() const { return m_isa; }
    int n_threads() const { return m_pool.n_threads(); }

    /// Scratch memory of at least `bytes`, 64-byte aligned, valid until the next call. Kernels use
    /// it for quantized activations; callers must not hold it across kernel calls.
    void* scratch(size_t bytes);

private:
    ThreadPool m_pool;
    Isa m_isa;
    std::unique_ptr<std::byte[]> m_scratch;
    size_t m_scratch_bytes = 0;
};

// --- weights -------------------------------------------------------------------------------------

/// A weight matrix in its file layout (memory-mapped or uploaded), `n` rows of `k` elements.
/// Single-part formats use `data` only: n rows of row_bytes(format, k) bytes.
struct Weight {
    Format format = Format::F32;
    int64_t k = 0;                 ///< elements per row (ne0); a multiple of the block size
    int64_t n = 0;                 ///< rows (ne1)
    const void* data = nullptr;    ///< main part: blocks, or NF4 packed codes, or INT8 CB [n][k]

    // NF4 (FORMATS.md §9): data = packed codes (even element in the HIGH nibble), k/2 bytes a row.
    // Block b (64 weights, global index row * k/64 + j) has the scale
    // nested_map[absmax[b]] * nested_absmax[b / 256] + nested_offset.
    const uint8_t* nf4_absmax = nullptr;        ///< [n * k / 64]
    const float* nf4_nested_absmax = nullptr;   ///< [ceil(n * k / 64 / 256)]
    float nf4_nested_offset = 0.0f;
    const float* nf4_nested_map = nullptr;      ///< [256]

    // INT8 (FORMATS.md §10): data = CB int8 [n][k]; W[r][c] = CB[r][c] * SCB[r] / 127.
    const float* int8_scb = nullptr;            ///< [n]
    float int8_threshold = 6.0f;                ///< tau: input columns with |x| >= tau run in f32
};

// --- ops -----------------------------------------------------------------------------------------

/// y[t][r] = sum_c W[r][c] * x[t][c] for t < n_tokens, r < w.n. x: [n_tokens][w.k], y: [n_tokens][w.n].
/// Quantized formats multiply against 8-bit quantized activations (blocks of 32 with an f32 scale;
/// relative error ~1e-4 against an exact product); F32/F16/BF16/NF4 multiply in f32; INT8 follows
/// LLM.int8() (FORMATS.md §10.2) in f32 arithmetic (no fp16 rounding of inputs or outputs).
/// Prefill (n_tokens > 1) tiles over tokens so each weight block is decoded once per tile.
void matmul(Context& ctx, const Weight& w, const float* x, int64_t n_tokens, float* y);

/// Several matmuls of the same input (Q, K, V; gate, up) as one: the activations are quantized
/// once and all row chunks share one dispatch. Equal to one matmul() per weight.
void matmul_group(Context& ctx, std::span<const Weight* const> ws, const float* x, int64_t n_tokens,
                  std::span<float* const> ys);

/// out[i][:] = row ids[i] of W dequantized to f32 (embedding lookup). out: [n_ids][w.k].
/// Precondition: 0 <= ids[i] < w.n.
void get_rows(Context& ctx, const Weight& w, const int32_t* ids, int64_t n_ids, float* out);

/// y[t] = x[t] / sqrt(mean(x[t]^2) + eps) * weight (weight may be null: no scaling). In place ok.
void rms_norm(Context& ctx, const float* x, const float* weight, int64_t n_tokens, int64_t n, float eps,
              float* y);

struct RopeParams {
    int64_t n_dims = 0;                ///< rotated dimensions per head (<= head_dim); the rest pass through
    bool neox = false;                 ///< false: pairs (2i, 2i+1); true: pairs (i, i + n_dims/2)
    float freq_base = 10000.0f;
    float freq_scale = 1.0f;           ///< linear position scaling: theta = pos * freq_scale * ...
    const float* freq_factors = nullptr; ///< optional [n_dims/2]: theta_i /= freq_factors[i] (rope_freqs)
};
/// Rotary position embedding in place. x: [n_tokens][n_heads][head_dim]; pos: [n_tokens].
/// Pair i rotates by theta = pos * freq_scale * freq_base^(-2i/n_dims) / freq_factors[i].
void rope(Context& ctx, float* x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, const int32_t* pos,
          const RopeParams& p);

// KV cache layout (one layer): K and V are each F16 [n_ctx][n_head_kv][head_dim], i.e. one row of
// n_head_kv * head_dim halves per position, positions contiguous.

/// cache[(pos0 + t) * row + j] = fp16(src[t * row + j]) for t < n_tokens, j < row (RNE).
void kv_store(Context& ctx, const float* src, int64_t n_tokens, int64_t row, uint16_t* cache, int64_t pos0);

struct AttentionParams {
    int64_t n_head = 0;
    int64_t n_head_kv = 0;             ///< divides n_head (GQA: query head h reads kv head h / (n_head/n_head_kv))
    int64_t head_dim = 0;              ///< <= 256
    float scale = 0.0f;                ///< score scale; 0 means 1/sqrt(head_dim)
};
/// Causal attention of n_tokens new queries at positions pos0 .. pos0 + n_tokens - 1 over a cache
/// that already holds their K/V rows (kv_store first). Token t attends to positions 0 .. pos0 + t.
/// q, out: [n_tokens][n_head][head_dim] f32; k_cache, v_cache: F16 [n_ctx][n_head_kv][head_dim].
void attention(Context& ctx, const AttentionParams& p, const float* q, const uint16_t* k_cache,
               const uint16_t* v_cache, int64_t n_tokens, int64_t pos0, float* out);

/// out[i] = silu(gate[i]) * up[i], silu(g) = g / (1 + exp(-g)). In place on either input ok.
void silu_mul(Context& ctx, const float* gate, const float* up, int64_t n, float* out);
/// out[i] = a[i] + b[i]. In place ok.
void add(Context& ctx, const float* a, const float* b, int64_t n, float* out);
/// Row-wise softmax in place, x: [n_rows][n].
void softmax(Context& ctx, float* x, int64_t n_rows, int64_t n);
/// Index of the largest element (the first one on ties; NaN never wins). n > 0.
int64_t argmax(const float* x, int64_t n);

} // namespace quanta::cpu
