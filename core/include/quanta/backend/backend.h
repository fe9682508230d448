// SPDX-License-Identifier: MIT
// The backend interface: what the engine needs from a compute device, and nothing more.
//
//   Backend  -> lists Devices (a CPU backend has one; a GPU backend one per GPU)
//   Device   -> name, kind, memory, supports(op, format); places weights, makes Buffers, Executors
//   Executor -> runs ops in order (a CPU executor runs each op before returning; a GPU executor may
//               queue them until synchronize() or read())
//
// Tensors the engine computes (activations, KV cache) live in Buffers and are addressed by a View
// (buffer + byte offset). Weights are placed once at load from their file layout (WeightData,
// usually memory-mapped): the CPU keeps pointers into the mapping, a GPU uploads, a backend may
// repack into a kernel-friendly layout. Files on disk stay in the standard layouts.
//
// Shapes follow GGUF order: a weight has `n` rows of `k` elements; activations are row-major f32
// with one row per token. The ops and their exact semantics are those of the CPU reference kernels
// (backends/cpu/include/quanta/cpu/kernels.h); tests/backend_ops compares every backend with them.
//
// Threads: a Device may be shared by several sessions; an Executor and its Buffers are used by one
// thread at a time.
#pragma once

#include "quanta/format.h"
#include "quanta/result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace quanta::backend {

enum class DeviceKind : uint8_t { Cpu, Vulkan, Cuda };
const char* device_kind_name(DeviceKind kind); ///< "cpu", "vulkan", "cuda"

struct DeviceInfo {
    std::string name;            ///< "cpu", "vulkan0", "cuda0": what --backend / --device accepts
    std::string description;     ///< human: model name, instruction set or driver
    DeviceKind kind = DeviceKind::Cpu;
    uint64_t total_memory = 0;   ///< bytes (system RAM for the CPU)
    uint64_t free_memory = 0;    ///< bytes available now
    int threads = 0;             ///< worker threads (CPU); 0 elsewhere
};

enum class Op : uint8_t { GetRows, RmsNorm, MatMul, Rope, KvStore, Attention, SiluMul, Add, AddRows };

/// A weight in its file layout, in host memory that outlives the placed weight (the mapping).
/// Same meaning as quanta::cpu::Weight; multi-part formats (NF4, INT8) fill their extra parts.
struct WeightData {
    Format format = Format::F32;
    int64_t k = 0;                            ///< elements per row (ne0)
    int64_t n = 1;                            ///< rows
    const void* data = nullptr;               ///< blocks / NF4 packed codes / INT8 CB
    const uint8_t* nf4_absmax = nullptr;      ///< [n * k / 64]
    const float* nf4_nested_absmax = nullptr; ///< [ceil(n * k / 64 / 256)]
    float nf4_nested_offset = 0.0f;
    const float* nf4_nested_map = nullptr;    ///< [256]
    const float* int8_scb = nullptr;          ///< [n]
    float int8_threshold = 6.0f;
};

/// A weight placed on a device. Opaque to the engine except for its shape.
class DeviceWeight {
public:
    virtual ~DeviceWeight() = default;
    virtual Format format() const = 0;
    virtual int64_t k() const = 0;
    virtual int64_t n() const = 0;
    /// Device memory this weight holds beyond the file mapping (0 for zero-copy CPU weights).
    virtual uint64_t device_bytes() const = 0;
};

class Buffer {
public:
    virtual ~Buffer() = default;
    virtual size_t bytes() const = 0;
};

/// A place inside a buffer. Activations are f32; KV caches are f16.
struct View {
    Buffer* buffer = nullptr;
    size_t offset = 0; ///< bytes

    View at_f32(int64_t elements) const { return {buffer, offset + static_cast<size_t>(elements) * 4}; }
    View at_f16(int64_t elements) const { return {buffer, offset + static_cast<size_t>(elements) * 2}; }
};

struct RopeParams {
    int64_t n_dims = 0;     ///< rotated dimensions per head (<= head_dim)
    bool neox = false;      ///< false: pairs (2i, 2i+1); true: pairs (i, i + n_dims/2)
    float freq_base = 10000.0f;
    float freq_scale = 1.0f;
    const DeviceWeight* freq_factors = nullptr; ///< optional F32 [n_dims/2] (llama3 rope_freqs)
};

struct AttentionParams {
    int64_t n_head = 0;
    int64_t n_head_kv = 0;
    int64_t head_dim = 0;
    float scale = 0.0f;     ///< 0: 1/sqrt(head_dim)
};

class Executor {
public:
    virtual ~Executor() = default;

    /// out[i] = row ids[i] of w as f32. ids are host memory, each in [0, w.n()).
    virtual void get_rows(const DeviceWeight& w, std::span<const int32_t> ids, View out) = 0;
    /// y[t] = W x[t] for t < n_tokens. x: [n_tokens][w.k()], y: [n_tokens][w.n()].
    virtual void matmul(const DeviceWeight& w, View x, int64_t n_tokens, View y) = 0;
    /// ys[i] = ws[i] x for each i: one input, several weights (Q/K/V, gate/up). A backend may fuse
    /// them (one activation pass, one dispatch); the default runs matmul() for each.
    virtual void matmul_group(std::span<const DeviceWeight* const> ws, View x, int64_t n_tokens,
                              std::span<const View> ys) {
        for (size_t i = 0; i < ws.size(); ++i)
            matmul(*ws[i], x, n_tokens, ys[i]);
    }
    /// y[t] = x[t] / rms(x[t]) * weight (weight: F32 [n]).
    virtual void rms_norm(View x, const DeviceWeight& weight, int64_t n_tokens, int64_t n, float eps, View y) = 0;
    /// Rotary embedding in place on x: [n_tokens][n_heads][head_dim] at positions pos0, pos0 + 1, ...
    virtual void rope(View x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, int64_t pos0,
                      const RopeParams& p) = 0;
    /// cache rows pos0 .. pos0 + n_tokens - 1 (f16, `row` halves each) = src rows (f32).
    virtual void kv_store(View src, int64_t n_tokens, int64_t row, View cache, int64_t pos0) = 0;
    /// Causal attention of n_tokens queries at pos0.. over caches already holding their rows.
    virtual void attention(const AttentionParams& p, View q, View k_cache, View v_cache, int64_t n_tokens,
                           int64_t pos0, View out) = 0;
    /// out = silu(gate) * up, n elements.
    virtual void silu_mul(View gate, View up, int64_t n, View out) = 0;
    /// out = a + b, n elements.
    virtual void add(View a, View b, int64_t n, View out) = 0;
    /// x[t] += bias for every row t (bias: F32 [n]).
    virtual void add_rows(View x, const DeviceWeight& bias, int64_t n_tokens, int64_t n) = 0;

    /// Copy n f32 values to host memory (waits for queued work).
    virtual Result<void> read(View src, float* dst, int64_t n) = 0;
    /// Wait until every queued op has run; reports device errors.
    virtual Result<void> synchronize() = 0;
};

class Device {
public:
    virtual ~Device() = default;
    virtual DeviceInfo info() const = 0;
    virtual bool supports(Op op, Format format) const = 0;
    /// Errors: OutOfMemory, Unsupported (format this device has no kernel for).
    virtual Result<std::unique_ptr<DeviceWeight>> place_weight(const WeightData& data) = 0;
    /// A zero-initialized buffer. Errors: OutOfMemory.
    virtual Result<std::unique_ptr<Buffer>> create_buffer(size_t bytes) = 0;
    virtual Result<std::unique_ptr<Executor>> create_executor() = 0;
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0; ///< "cpu", "vulkan", "cuda"
    virtual std::vector<Device*> devices() = 0;
};

struct BackendOptions {
    int cpu_threads = 0; ///< <= 0: all hardware threads
    bool gpu = true;     ///< false: the CPU only (no GPU driver is even loaded)
};

/// The backends compiled into this build that found at least one device (CPU always). Defined in
/// quanta_engine (backends/registry.cpp), which lists them explicitly.
std::vector<std::unique_ptr<Backend>> available_backends(const BackendOptions& options = {});

} // namespace quanta::backend
