// SPDX-License-Identifier: MIT
// The Vulkan executor: records every op into one command buffer (a dispatch and a full compute
// barrier each) and submits it when the engine reads a result or synchronizes. Host data that ops
// need (token ids, RoPE cos/sin tables) goes through a host-visible upload arena; quantized
// activations and the LLM.int8() decomposition use a device scratch buffer. A buffer replaced
// while commands that use it are recorded is kept until they have run.
//
// Ops return nothing (the interface's contract); the first failure while recording is kept and
// returned by the next read() or synchronize(), and the recorded work is dropped.
#include "objects.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <vector>

namespace quanta::vulkan {

namespace {

using backend::View;

// Push constants of the weight shaders (formats.glsl's Params).
struct WeightPush {
    uint32_t k, n, row_stride, aux0, aux1, aux2;
    float auxf;
    uint32_t n_tokens, x_off, y_off, act_off, rows_per_group;
    float inv127, inv127sq;
};

constexpr uint32_t kTokenTile = 8; // TILE of the matmul shaders
constexpr uint32_t kGroup = 64;    // local size of every shader

bool integer_blocks(Format f) {
    switch (f) {
    case Format::Q4_0: case Format::Q4_1: case Format::Q5_0: case Format::Q5_1: case Format::Q8_0:
    case Format::Q4_K: case Format::Q5_K: case Format::Q6_K: return true;
    default: return false;
    }
}

uint32_t u32(int64_t v) {
    QUANTA_ASSERT(v >= 0 && v <= int64_t{UINT32_MAX});
    return static_cast<uint32_t>(v);
}
uint64_t groups_for(int64_t items) { return static_cast<uint64_t>((items + kGroup - 1) / kGroup); }

const VulkanWeight& vw(const backend::DeviceWeight& w) { return static_cast<const VulkanWeight&>(w); }
VkBuffer handle(View v) {
    QUANTA_ASSERT(v.buffer != nullptr);
    return static_cast<VulkanBuffer*>(v.buffer)->buffer.handle();
}
/// A view's offset in 32-bit words (every view the engine makes is 4-byte aligned).
uint32_t word_offset(View v) {
    QUANTA_ASSERT(v.offset % 4 == 0);
    return u32(static_cast<int64_t>(v.offset / 4));
}

WeightPush weight_push(const VulkanWeight& w) {
    WeightPush p{};
    p.k = u32(w.cols);
    p.n = u32(w.rows);
    p.row_stride = w.row_stride;
    p.aux0 = w.aux0;
    p.aux1 = w.aux1;
    p.aux2 = w.aux2;
    p.auxf = w.auxf;
    p.inv127 = 7.874015718698502e-3f;  // the CPU kernel's constants, bit for bit
    p.inv127sq = 6.2000124e-05f;
    return p;
}

std::string shader_for(const char* shader, Format f) {
    return std::string(shader) + "." + std::string(format_traits(f).name);
}

class VulkanExecutor final : public backend::Executor {
public:
    explicit VulkanExecutor(Gpu& gpu) : m_gpu(gpu) {}

    Result<void> init() {
        VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
        pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
        pool.queueFamilyIndex = m_gpu.queue_family();
        if (VkResult r = vkCreateCommandPool(m_gpu.device(), &pool, nullptr, &m_pool); r != VK_SUCCESS)
            return vk_error(r, "vkCreateCommandPool");
        VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        alloc.commandPool = m_pool;
        alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
        alloc.commandBufferCount = 1;
        if (VkResult r = vkAllocateCommandBuffers(m_gpu.device(), &alloc, &m_cmd); r != VK_SUCCESS)
            return vk_error(r, "vkAllocateCommandBuffers");
        VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
        if (VkResult r = vkCreateFence(m_gpu.device(), &fence, nullptr, &m_fence); r != VK_SUCCESS)
            return vk_error(r, "vkCreateFence");
        return {};
    }

    ~VulkanExecutor() override {
        if (m_recording)
            vkEndCommandBuffer(m_cmd); // never submitted: nothing runs
        if (m_fence != VK_NULL_HANDLE)
            vkDestroyFence(m_gpu.device(), m_fence, nullptr);
        if (m_pool != VK_NULL_HANDLE)
            vkDestroyCommandPool(m_gpu.device(), m_pool, nullptr);
    }

    void get_rows(const backend::DeviceWeight& weight, std::span<const int32_t> ids, View out) override {
        const VulkanWeight& w = vw(weight);
        if (ids.empty() || !begin())
            return;
        const auto ids_off = stage(ids.data(), ids.size_bytes());
        if (!ids_off)
            return;
        WeightPush p = weight_push(w);
        p.n_tokens = u32(static_cast<int64_t>(ids.size()));
        p.x_off = *ids_off;
        p.y_off = word_offset(out);
        const int64_t per_row = integer_blocks(w.fmt) ? w.cols / 32 : w.cols;
        dispatch(shader_for("get_rows", w.fmt), {w.buffer.handle(), m_upload.handle(), handle(out)}, &p, sizeof p,
                 groups_for(static_cast<int64_t>(ids.size()) * per_row));
    }

    void matmul(const backend::DeviceWeight& weight, View x, int64_t n_tokens, View y) override {
        const backend::DeviceWeight* ws[1] = {&weight};
        const View ys[1] = {y};
        matmul_group(ws, x, n_tokens, ys);
    }

    // Weights of the integer-block formats with the same k share one activation quantization.
    void matmul_group(std::span<const backend::DeviceWeight* const> ws, View x, int64_t n_tokens,
                      std::span<const View> ys) override {
        QUANTA_ASSERT(ws.size() == ys.size());
        if (n_tokens <= 0 || !begin())
            return;
        int64_t quantized_k = -1;
        for (size_t i = 0; i < ws.size(); ++i) {
            const VulkanWeight& w = vw(*ws[i]);
            if (w.fmt == Format::INT8) {
                matmul_int8(w, x, n_tokens, ys[i]);
                quantized_k = -1; // the int8 scratch replaced the activations
            } else if (integer_blocks(w.fmt)) {
                if (quantized_k != w.cols && !quantize_activations(x, n_tokens, w.cols))
                    return;
                quantized_k = w.cols;
                WeightPush p = weight_push(w);
                p.n_tokens = u32(n_tokens);
                p.y_off = word_offset(ys[i]);
                p.act_off = 0;
                dispatch_rows("matmul_q", w, {w.buffer.handle(), m_scratch.handle(), handle(ys[i])}, p, n_tokens);
            } else {
                WeightPush p = weight_push(w);
                p.n_tokens = u32(n_tokens);
                p.x_off = word_offset(x);
                p.y_off = word_offset(ys[i]);
                dispatch_rows("matmul_f", w, {w.buffer.handle(), handle(x), handle(ys[i])}, p, n_tokens);
            }
        }
    }

    void rms_norm(View x, const backend::DeviceWeight& weight, int64_t n_tokens, int64_t n, float eps,
                  View y) override {
        if (n_tokens <= 0 || !begin())
            return;
        struct {
            uint32_t n, n_tokens, x_off, y_off;
            float eps;
        } p{u32(n), u32(n_tokens), word_offset(x), word_offset(y), eps};
        dispatch("rms_norm", {handle(x), vw(weight).buffer.handle(), handle(y)}, &p, sizeof p, u32(n_tokens));
    }

    void rope(View x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, int64_t pos0,
              const backend::RopeParams& rp) override {
        QUANTA_ASSERT(rp.n_dims > 0 && rp.n_dims <= head_dim && rp.n_dims % 2 == 0);
        if (n_tokens <= 0 || !begin())
            return;
        const int64_t half = rp.n_dims / 2;
        const RopeKey key{pos0, n_tokens, rp.n_dims, rp.freq_base, rp.freq_scale,
                          rp.freq_factors ? vw(*rp.freq_factors).host_f32 : nullptr};
        if (!m_rope_table || !(m_rope_key == key)) {
            // The CPU kernel's table, value for value: double precision, then rounded to f32.
            std::vector<float> cs(static_cast<size_t>(n_tokens * half * 2));
            for (int64_t t = 0; t < n_tokens; ++t) {
                for (int64_t i = 0; i < half; ++i) {
                    double theta = static_cast<double>(pos0 + t) * static_cast<double>(rp.freq_scale) *
                                   std::pow(static_cast<double>(rp.freq_base),
                                            -2.0 * static_cast<double>(i) / static_cast<double>(rp.n_dims));
                    if (key.factors)
                        theta /= static_cast<double>(key.factors[i]);
                    cs[static_cast<size_t>(2 * (t * half + i))] = static_cast<float>(std::cos(theta));
                    cs[static_cast<size_t>(2 * (t * half + i) + 1)] = static_cast<float>(std::sin(theta));
                }
            }
            m_rope_table = stage(cs.data(), cs.size() * sizeof(float));
            if (!m_rope_table)
                return;
            m_rope_key = key;
        }
        struct {
            uint32_t n_tokens, n_heads, head_dim, half_dims, neox, x_off, cs_off;
        } p{u32(n_tokens), u32(n_heads), u32(head_dim), u32(half), rp.neox ? 1u : 0u, word_offset(x), *m_rope_table};
        dispatch("rope", {handle(x), m_upload.handle()}, &p, sizeof p, groups_for(n_tokens * n_heads * half));
    }

    void kv_store(View src, int64_t n_tokens, int64_t row, View cache, int64_t pos0) override {
        if (n_tokens <= 0 || !begin())
            return;
        QUANTA_ASSERT(cache.offset % 2 == 0);
        const int64_t dst = static_cast<int64_t>(cache.offset / 2) + pos0 * row;
        QUANTA_ASSERT(dst % 2 == 0); // whole 32-bit words: no two threads write the same word
        const int64_t n = n_tokens * row;
        struct {
            uint32_t n, x_off, dst_off;
        } p{u32(n), word_offset(src), u32(dst)};
        dispatch("kv_store", {handle(src), handle(cache)}, &p, sizeof p, groups_for((n + 1) / 2));
    }

    void attention(const backend::AttentionParams& ap, View q, View k_cache, View v_cache, int64_t n_tokens,
                   int64_t pos0, View out) override {
        QUANTA_ASSERT(ap.n_head > 0 && ap.n_head_kv > 0 && ap.n_head % ap.n_head_kv == 0);
        QUANTA_ASSERT(ap.head_dim > 0 && ap.head_dim <= 256 && ap.head_dim % 2 == 0);
        QUANTA_ASSERT(k_cache.offset % 4 == 0 && v_cache.offset % 4 == 0 && (ap.n_head_kv * ap.head_dim) % 2 == 0);
        if (n_tokens <= 0 || !begin())
            return;
        const int64_t stride = pos0 + n_tokens; // score row length (the last token's)
        if (!ensure_scratch(static_cast<size_t>(n_tokens * ap.n_head * stride) * 4))
            return;
        struct {
            uint32_t n_tokens, n_head, n_head_kv, head_dim, pos0, kv_row, q_off, k_off, v_off, o_off;
            float scale;
            uint32_t s_stride;
        } p{u32(n_tokens),
            u32(ap.n_head),
            u32(ap.n_head_kv),
            u32(ap.head_dim),
            u32(pos0),
            u32(ap.n_head_kv * ap.head_dim),
            word_offset(q),
            u32(static_cast<int64_t>(k_cache.offset / 2)),
            u32(static_cast<int64_t>(v_cache.offset / 2)),
            word_offset(out),
            ap.scale != 0.0f ? ap.scale : 1.0f / std::sqrt(static_cast<float>(ap.head_dim)),
            u32(stride)};
        dispatch("attention", {handle(q), handle(k_cache), handle(v_cache), handle(out), m_scratch.handle()}, &p,
                 sizeof p, u32(n_tokens * ap.n_head));
    }

    void silu_mul(View gate, View up, int64_t n, View out) override {
        elementwise(1, gate, handle(up), word_offset(up), n, 0, out);
    }
    void add(View a, View b, int64_t n, View out) override { elementwise(0, a, handle(b), word_offset(b), n, 0, out); }
    void add_rows(View x, const backend::DeviceWeight& bias, int64_t n_tokens, int64_t n) override {
        elementwise(2, x, vw(bias).buffer.handle(), 0, n_tokens * n, n, x);
    }

    Result<void> read(View src, float* dst, int64_t n) override {
        if (n > 0 && begin()) {
            const VkDeviceSize bytes = static_cast<VkDeviceSize>(n) * sizeof(float);
            if (m_readback.size() < bytes) {
                auto b = m_gpu.make_buffer(bytes, true);
                if (b.ok())
                    m_readback = std::move(*b);
                else
                    fail(b.take_error());
            }
            if (!m_error) {
                VkBufferCopy copy{src.offset, 0, bytes};
                vkCmdCopyBuffer(m_cmd, handle(src), m_readback.handle(), 1, &copy);
            }
        }
        QUANTA_TRY(flush());
        if (n > 0)
            std::memcpy(dst, m_readback.mapped(), static_cast<size_t>(n) * sizeof(float));
        return {};
    }

    Result<void> synchronize() override { return flush(); }

private:
    struct RopeKey {
        int64_t pos0, n_tokens, n_dims;
        float base, scale;
        const float* factors;
        bool operator==(const RopeKey&) const = default;
    };

    static uint32_t tiles(int64_t n_tokens) { return u32((n_tokens + kTokenTile - 1) / kTokenTile); }

    void fail(Error e) {
        if (!m_error)
            m_error = std::move(e);
    }

    bool begin() {
        if (m_error)
            return false;
        if (!m_recording) {
            VkCommandBufferBeginInfo info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
            info.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
            if (VkResult r = vkBeginCommandBuffer(m_cmd, &info); r != VK_SUCCESS) {
                fail(vk_error(r, "vkBeginCommandBuffer"));
                return false;
            }
            m_recording = true;
        }
        return true;
    }

    /// Copies host bytes into the upload arena; their offset in words, or nullopt after a failure.
    std::optional<uint32_t> stage(const void* data, size_t bytes) {
        size_t at = (m_upload_used + 15) / 16 * 16;
        if (!m_upload || at + bytes > m_upload.size()) {
            auto b = m_gpu.make_buffer(std::max<size_t>(bytes + (size_t{1} << 20), 2 * m_upload.size()), true);
            if (!b.ok()) {
                fail(b.take_error());
                return std::nullopt;
            }
            if (m_upload)
                m_retired.push_back(std::move(m_upload));
            m_upload = std::move(*b);
            m_rope_table.reset();
            at = 0;
        }
        std::memcpy(static_cast<uint8_t*>(m_upload.mapped()) + at, data, bytes);
        m_upload_used = at + bytes;
        return static_cast<uint32_t>(at / 4);
    }

    bool ensure_scratch(size_t bytes) {
        if (m_scratch.size() >= bytes)
            return true;
        auto b = m_gpu.make_buffer(std::max<size_t>(bytes, 2 * m_scratch.size()), false);
        if (!b.ok()) {
            fail(b.take_error());
            return false;
        }
        if (m_scratch)
            m_retired.push_back(std::move(m_scratch));
        m_scratch = std::move(*b);
        return true;
    }

    bool quantize_activations(View x, int64_t n_tokens, int64_t k) {
        QUANTA_ASSERT(k % 32 == 0);
        const int64_t n_blocks = n_tokens * (k / 32);
        if (!ensure_scratch(static_cast<size_t>(n_blocks) * 40))
            return false;
        struct {
            uint32_t k, n_blocks, x_off, act_off;
            float c127;
        } p{u32(k), u32(n_blocks), word_offset(x), 0, 127.0f};
        dispatch("quantize_q8", {handle(x), m_scratch.handle()}, &p, sizeof p, groups_for(n_blocks));
        return !m_error;
    }

    void matmul_int8(const VulkanWeight& w, View x, int64_t n_tokens, View y) {
        // Scratch words: outlier flags [k] | SCA [n_tokens] | CA [n_tokens][k]
        if (!ensure_scratch(static_cast<size_t>(w.cols + n_tokens + n_tokens * w.cols) * 4))
            return;
        struct {
            uint32_t k, n_tokens, x_off, act_off;
            float tau;
            uint32_t pass;
            float c127;
        } prep{u32(w.cols), u32(n_tokens), word_offset(x), 0, w.auxf, 0, 127.0f};
        dispatch("int8_prepare", {handle(x), m_scratch.handle()}, &prep, sizeof prep, groups_for(w.cols));
        prep.pass = 1;
        dispatch("int8_prepare", {handle(x), m_scratch.handle()}, &prep, sizeof prep, u32(n_tokens));
        WeightPush p = weight_push(w);
        p.n_tokens = u32(n_tokens);
        p.x_off = word_offset(x);
        p.y_off = word_offset(y);
        p.act_off = 0;
        dispatch_rows("int8_matmul", w, {w.buffer.handle(), handle(x), handle(y), m_scratch.handle()}, p, n_tokens);
    }

    /// A matmul shader over w's rows: with subgroups, each subgroup of a 64-wide workgroup takes
    /// whole rows; otherwise one workgroup a row.
    void dispatch_rows(const char* shader, const VulkanWeight& w, std::initializer_list<VkBuffer> buffers,
                       WeightPush& p, int64_t n_tokens) {
        const GpuProperties& props = m_gpu.properties();
        std::string name = w.fmt == Format::INT8 ? std::string(shader) : shader_for(shader, w.fmt);
        p.rows_per_group = 1;
        if (props.matmul_variant == "seq") {
            name += ".seq";
            p.rows_per_group = kGroup;
        } else if (props.matmul_variant == "sg") {
            name += ".sg";
            p.rows_per_group = std::max<uint32_t>(1, kGroup / props.subgroup_size);
        }
        dispatch(name, buffers, &p, sizeof p, (u32(w.rows) + p.rows_per_group - 1) / p.rows_per_group,
                 tiles(n_tokens));
    }

    void elementwise(uint32_t op, View a, VkBuffer b, uint32_t b_off, int64_t n, int64_t row, View out) {
        if (n <= 0 || !begin())
            return;
        struct {
            uint32_t op, n, row, a_off, b_off, y_off;
        } p{op, u32(n), u32(row), word_offset(a), b_off, word_offset(out)};
        dispatch("elementwise", {handle(a), b, handle(out)}, &p, sizeof p, groups_for(n));
    }

    void dispatch(const std::string& shader, std::initializer_list<VkBuffer> buffers, const void* push,
                  uint32_t push_bytes, uint64_t groups, uint32_t z = 1) {
        if (m_error || groups == 0 || z == 0)
            return;
        auto pipeline = m_gpu.pipeline(shader, static_cast<uint32_t>(buffers.size()), push_bytes);
        if (!pipeline.ok()) {
            fail(pipeline.take_error());
            return;
        }
        const Pipeline& p = **pipeline;
        VkDescriptorBufferInfo infos[8]{};
        VkWriteDescriptorSet writes[8]{};
        uint32_t i = 0;
        for (VkBuffer b : buffers) {
            infos[i] = {b, 0, VK_WHOLE_SIZE};
            writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
            writes[i].dstBinding = i;
            writes[i].descriptorCount = 1;
            writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
            writes[i].pBufferInfo = &infos[i];
            ++i;
        }
        vkCmdBindPipeline(m_cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
        m_gpu.push_descriptor_set()(m_cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p.layout, 0, i, writes);
        vkCmdPushConstants(m_cmd, p.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes, push);
        const uint64_t x = std::min<uint64_t>(groups, std::min<uint32_t>(m_gpu.properties().max_groups_x, 65535));
        const uint64_t y = (groups + x - 1) / x;
        QUANTA_ASSERT(y <= 65535);
        vkCmdDispatch(m_cmd, static_cast<uint32_t>(x), static_cast<uint32_t>(y), z);
        // Every op reads what the previous ones wrote: one full barrier after each dispatch.
        VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
        barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
        barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                                VK_ACCESS_TRANSFER_WRITE_BIT;
        const VkPipelineStageFlags stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
        vkCmdPipelineBarrier(m_cmd, stages, stages, 0, 1, &barrier, 0, nullptr, 0, nullptr);
    }

    Result<void> flush() {
        Result<void> done;
        if (m_recording) {
            const VkResult r = vkEndCommandBuffer(m_cmd);
            if (m_error)
                done = *m_error;
            else if (r != VK_SUCCESS)
                done = vk_error(r, "vkEndCommandBuffer");
            else
                done = m_gpu.submit_and_wait(m_cmd, m_fence);
            vkResetCommandBuffer(m_cmd, 0);
            m_recording = false;
        } else if (m_error) {
            done = *m_error;
        }
        m_error.reset();
        m_upload_used = 0;
        m_rope_table.reset();
        m_retired.clear();
        return done;
    }

    Gpu& m_gpu;
    VkCommandPool m_pool = VK_NULL_HANDLE;
    VkCommandBuffer m_cmd = VK_NULL_HANDLE;
    VkFence m_fence = VK_NULL_HANDLE;
    bool m_recording = false;
    std::optional<Error> m_error;
    GpuBuffer m_upload, m_scratch, m_readback;
    size_t m_upload_used = 0;
    std::vector<GpuBuffer> m_retired;
    std::optional<uint32_t> m_rope_table; // word offset of the last RoPE table in the arena
    RopeKey m_rope_key{};
};

} // namespace

Result<std::unique_ptr<backend::Executor>> create_executor(Gpu& gpu) {
    auto ex = std::make_unique<VulkanExecutor>(gpu);
    QUANTA_TRY(ex->init());
    return std::unique_ptr<backend::Executor>(std::move(ex));
}

} // namespace quanta::vulkan
