// SPDX-License-Identifier: MIT
// The CPU backend: quanta::backend objects over the kernels of kernels.h. Weights stay where the
// file mapping put them (zero copy); buffers are 64-byte aligned host memory.
#include "quanta/cpu/cpu_backend.h"

#include "quanta/cpu/kernels.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <string>
#include <thread>
#include <vector>

namespace quanta::cpu {

namespace {

using backend::View;

class CpuWeight final : public backend::DeviceWeight {
public:
    explicit CpuWeight(const backend::WeightData& d) {
        m_weight.format = d.format;
        m_weight.k = d.k;
        m_weight.n = d.n;
        m_weight.data = d.data;
        m_weight.nf4_absmax = d.nf4_absmax;
        m_weight.nf4_nested_absmax = d.nf4_nested_absmax;
        m_weight.nf4_nested_offset = d.nf4_nested_offset;
        m_weight.nf4_nested_map = d.nf4_nested_map;
        m_weight.int8_scb = d.int8_scb;
        m_weight.int8_threshold = d.int8_threshold;
    }
    Format format() const override { return m_weight.format; }
    int64_t k() const override { return m_weight.k; }
    int64_t n() const override { return m_weight.n; }
    uint64_t device_bytes() const override { return 0; }
    const Weight& weight() const { return m_weight; }

private:
    Weight m_weight;
};

class CpuBuffer final : public backend::Buffer {
public:
    explicit CpuBuffer(size_t bytes, std::byte* data) : m_bytes(bytes), m_data(data) {}
    ~CpuBuffer() override { std::free(m_data); }
    size_t bytes() const override { return m_bytes; }
    std::byte* data() { return m_data; }

private:
    size_t m_bytes;
    std::byte* m_data;
};

const Weight& weight_of(const backend::DeviceWeight& w) { return static_cast<const CpuWeight&>(w).weight(); }

float* f32(View v) {
    QUANTA_ASSERT(v.buffer != nullptr);
    return reinterpret_cast<float*>(static_cast<CpuBuffer*>(v.buffer)->data() + v.offset);
}

uint16_t* f16(View v) {
    QUANTA_ASSERT(v.buffer != nullptr);
    return reinterpret_cast<uint16_t*>(static_cast<CpuBuffer*>(v.buffer)->data() + v.offset);
}

// F32 1-D weights (norms, biases, rope factors) are read directly from the mapping.
const float* f32_weight(const backend::DeviceWeight& w) {
    const Weight& weight = weight_of(w);
    QUANTA_ASSERT(weight.format == Format::F32);
    return static_cast<const float*>(weight.data);
}

class CpuExecutor final : public backend::Executor {
public:
    explicit CpuExecutor(Context& ctx) : m_ctx(ctx) {}

    void get_rows(const backend::DeviceWeight& w, std::span<const int32_t> ids, View out) override {
        cpu::get_rows(m_ctx, weight_of(w), ids.data(), static_cast<int64_t>(ids.size()), f32(out));
    }
    void matmul(const backend::DeviceWeight& w, View x, int64_t n_tokens, View y) override {
        cpu::matmul(m_ctx, weight_of(w), f32(x), n_tokens, f32(y));
    }
    void matmul_group(std::span<const backend::DeviceWeight* const> ws, View x, int64_t n_tokens,
                      std::span<const View> ys) override {
        const Weight* weights[8];
        float* outputs[8];
        QUANTA_ASSERT(ws.size() <= 8 && ws.size() == ys.size());
        for (size_t i = 0; i < ws.size(); ++i) {
            weights[i] = &weight_of(*ws[i]);
            outputs[i] = f32(ys[i]);
        }
        cpu::matmul_group(m_ctx, std::span<const Weight* const>(weights, ws.size()), f32(x), n_tokens,
                          std::span<float* const>(outputs, ws.size()));
    }
    void rms_norm(View x, const backend::DeviceWeight& weight, int64_t n_tokens, int64_t n, float eps,
                  View y) override {
        cpu::rms_norm(m_ctx, f32(x), f32_weight(weight), n_tokens, n, eps, f32(y));
    }
    void rope(View x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, int64_t pos0,
              const backend::RopeParams& p) override {
        m_positions.resize(static_cast<size_t>(n_tokens));
        for (int64_t t = 0; t < n_tokens; ++t)
            m_positions[static_cast<size_t>(t)] = static_cast<int32_t>(pos0 + t);
        RopeParams cp;
        cp.n_dims = p.n_dims;
        cp.neox = p.neox;
        cp.freq_base = p.freq_base;
        cp.freq_scale = p.freq_scale;
        cp.freq_factors = p.freq_factors ? f32_weight(*p.freq_factors) : nullptr;
        cpu::rope(m_ctx, f32(x), n_tokens, n_heads, head_dim, m_positions.data(), cp);
    }
    void kv_store(View src, int64_t n_tokens, int64_t row, View cache, int64_t pos0) override {
        cpu::kv_store(m_ctx, f32(src), n_tokens, row, f16(cache), pos0);
    }
    void attention(const backend::AttentionParams& p, View q, View k_cache, View v_cache, int64_t n_tokens,
                   int64_t pos0, View out) override {
        AttentionParams cp;
        cp.n_head = p.n_head;
        cp.n_head_kv = p.n_head_kv;
        cp.head_dim = p.head_dim;
        cp.scale = p.scale;
        cpu::attention(m_ctx, cp, f32(q), f16(k_cache), f16(v_cache), n_tokens, pos0, f32(out));
    }
    void silu_mul(View gate, View up, int64_t n, View out) override {
        cpu::silu_mul(m_ctx, f32(gate), f32(up), n, f32(out));
    }
    void add(View a, View b, int64_t n, View out) override { cpu::add(m_ctx, f32(a), f32(b), n, f32(out)); }
    void add_rows(View x, const backend::DeviceWeight& bias, int64_t n_tokens, int64_t n) override {
        const float* b = f32_weight(bias);
        float* rows = f32(x);
        for (int64_t t = 0; t < n_tokens; ++t)
            cpu::add(m_ctx, rows + t * n, b, n, rows + t * n);
    }
    Result<void> read(View src, float* dst, int64_t n) override {
        std::memcpy(dst, f32(src), static_cast<size_t>(n) * sizeof(float));
        return {};
    }
    Result<void> synchronize() override { return {}; }

private:
    Context& m_ctx;
    std::vector<int32_t> m_positions;
};

uint64_t meminfo_bytes(const char* key) {
    std::ifstream in("/proc/meminfo");
    std::string name;
    uint64_t kib = 0;
    std::string unit;
    while (in >> name >> kib >> unit) {
        if (name == key)
            return kib * 1024;
    }
    return 0;
}

std::string cpu_model_name() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            const size_t colon = line.find(':');
            if (colon != std::string::npos)
                return line.substr(colon + 2);
        }
    }
    return "CPU";
}

class CpuDevice final : public backend::Device {
public:
    explicit CpuDevice(int threads) : m_ctx(threads) {}

    backend::DeviceInfo info() const override {
        backend::DeviceInfo info;
        info.name = "cpu";
        info.kind = backend::DeviceKind::Cpu;
        info.description = cpu_model_name() + " (" + std::string(isa_name(m_ctx.isa())) + ")";
        info.total_memory = meminfo_bytes("MemTotal:");
        info.free_memory = meminfo_bytes("MemAvailable:");
        info.threads = m_ctx.n_threads();
        return info;
    }
    bool supports(backend::Op, Format) const override { return true; }

    Result<std::unique_ptr<backend::DeviceWeight>> place_weight(const backend::WeightData& data) override {
        if (data.data == nullptr || data.k <= 0 || data.n <= 0)
            return Error{ErrorCode::InvalidArgument, "cpu: empty weight"};
        return std::unique_ptr<backend::DeviceWeight>(std::make_unique<CpuWeight>(data));
    }

    Result<std::unique_ptr<backend::Buffer>> create_buffer(size_t bytes) override {
        const size_t rounded = (std::max<size_t>(bytes, 1) + 63) / 64 * 64;
        void* p = std::aligned_alloc(64, rounded);
        if (p == nullptr)
            return Error{ErrorCode::OutOfMemory, "cpu: cannot allocate " + std::to_string(bytes) + " bytes"};
        std::memset(p, 0, rounded);
        return std::unique_ptr<backend::Buffer>(std::make_unique<CpuBuffer>(bytes, static_cast<std::byte*>(p)));
    }

    // Executors share the device's thread pool: the engine runs one forward pass at a time per
    // device (the GUI's EngineWorker and the CLI are single-threaded callers).
    Result<std::unique_ptr<backend::Executor>> create_executor() override {
        return std::unique_ptr<backend::Executor>(std::make_unique<CpuExecutor>(m_ctx));
    }

private:
    mutable Context m_ctx;
};

class CpuBackend final : public backend::Backend {
public:
    explicit CpuBackend(int threads) : m_device(threads) {}
    std::string name() const override { return "cpu"; }
    std::vector<backend::Device*> devices() override { return {&m_device}; }

private:
    CpuDevice m_device;
};

} // namespace

int default_thread_count() {
    // One thread per physical core is what the memory-bound matvec wants; without topology
    // information use the hardware threads.
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(hw);
}

std::unique_ptr<backend::Backend> create_cpu_backend(int threads) {
    return std::make_unique<CpuBackend>(threads > 0 ? threads : default_thread_count());
}

} // namespace quanta::cpu
