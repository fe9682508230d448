// SPDX-License-Identifier: MIT
// The Vulkan backend's devices: weights uploaded once through staging buffers into device-local
// memory in their file layouts (every format of the CPU backend has shaders), zeroed buffers,
// executors.
#include "quanta/vulkan/vulkan_backend.h"

#include "objects.h"

#include <cstdlib>
#include <cstring>
#include <vector>

namespace quanta::vulkan {

namespace {

size_t align16(size_t v) { return (v + 15) / 16 * 16; }

class VulkanDevice final : public backend::Device {
public:
    VulkanDevice(std::unique_ptr<Gpu> gpu, int index) : m_gpu(std::move(gpu)), m_index(index) {}

    backend::DeviceInfo info() const override {
        backend::DeviceInfo info;
        info.name = "vulkan" + std::to_string(m_index);
        info.kind = backend::DeviceKind::Vulkan;
        info.description = m_gpu->properties().description;
        info.total_memory = m_gpu->properties().device_memory;
        info.free_memory = m_gpu->free_memory();
        return info;
    }

    // Every format the CPU backend runs has shaders here; INT8 and NF4 included.
    bool supports(backend::Op, Format) const override { return true; }

    Result<std::unique_ptr<backend::DeviceWeight>> place_weight(const backend::WeightData& d) override {
        if (d.data == nullptr || d.k <= 0 || d.n <= 0)
            return Error{ErrorCode::InvalidArgument, "vulkan: empty weight"};
        const FormatTraits& traits = format_traits(d.format);
        auto w = std::make_unique<VulkanWeight>();
        w->fmt = d.format;
        w->cols = d.k;
        w->rows = d.n;
        struct Part {
            const void* data;
            size_t bytes;
            size_t offset;
        };
        std::vector<Part> parts;
        const size_t count = static_cast<size_t>(d.k) * static_cast<size_t>(d.n);
        if (d.format == Format::NF4) {
            if (d.k % 64 != 0 || !d.nf4_absmax || !d.nf4_nested_absmax || !d.nf4_nested_map)
                return Error{ErrorCode::InvalidArgument, "vulkan: incomplete NF4 weight"};
            const size_t blocks = count / 64;
            parts.push_back({d.data, count / 2, 0});
            parts.push_back({d.nf4_absmax, blocks, align16(count / 2)});
            parts.push_back({d.nf4_nested_absmax, (blocks + 255) / 256 * 4, align16(parts[1].offset + blocks)});
            parts.push_back({d.nf4_nested_map, 256 * 4, align16(parts[2].offset + parts[2].bytes)});
            w->row_stride = static_cast<uint32_t>(d.k / 2);
            w->aux0 = static_cast<uint32_t>(parts[1].offset);
            w->aux1 = static_cast<uint32_t>(parts[2].offset);
            w->aux2 = static_cast<uint32_t>(parts[3].offset);
            w->auxf = d.nf4_nested_offset;
        } else if (d.format == Format::INT8) {
            if (!d.int8_scb)
                return Error{ErrorCode::InvalidArgument, "vulkan: INT8 weight without SCB"};
            parts.push_back({d.data, count, 0});
            parts.push_back({d.int8_scb, static_cast<size_t>(d.n) * 4, align16(count)});
            w->row_stride = static_cast<uint32_t>(d.k);
            w->aux0 = static_cast<uint32_t>(parts[1].offset);
            w->auxf = d.int8_threshold;
        } else {
            if (d.k % traits.block_elements != 0)
                return Error{ErrorCode::InvalidArgument, "vulkan: row length " + std::to_string(d.k) +
                                                             " is not a multiple of the " + std::string(traits.name) +
                                                             " block"};
            const size_t row = row_bytes(d.format, d.k);
            parts.push_back({d.data, row * static_cast<size_t>(d.n), 0});
            w->row_stride = static_cast<uint32_t>(row);
            if (d.format == Format::F32)
                w->host_f32 = static_cast<const float*>(d.data);
        }
        const size_t total = parts.back().offset + parts.back().bytes + 4; // +4: w_u32 reads a word ahead
        if (total > UINT32_MAX)
            return Error{ErrorCode::Unsupported, "vulkan: a weight of " + std::to_string(total) +
                                                     " bytes exceeds the 4 GiB a shader addresses"};
        QUANTA_TRY_ASSIGN(w->buffer, m_gpu->make_buffer(total, false));
        for (const Part& p : parts)
            QUANTA_TRY(m_gpu->upload(w->buffer, p.offset, p.data, p.bytes));
        return std::unique_ptr<backend::DeviceWeight>(std::move(w));
    }

    Result<std::unique_ptr<backend::Buffer>> create_buffer(size_t bytes) override {
        auto b = std::make_unique<VulkanBuffer>();
        b->requested = bytes;
        QUANTA_TRY_ASSIGN(b->buffer, m_gpu->make_buffer(bytes, false));
        QUANTA_TRY(m_gpu->zero(b->buffer));
        return std::unique_ptr<backend::Buffer>(std::move(b));
    }

    Result<std::unique_ptr<backend::Executor>> create_executor() override { return vulkan::create_executor(*m_gpu); }

private:
    std::unique_ptr<Gpu> m_gpu;
    int m_index;
};

class VulkanBackendImpl final : public VulkanBackend {
public:
    explicit VulkanBackendImpl(std::shared_ptr<Instance> instance) : m_instance(std::move(instance)) {}
    ~VulkanBackendImpl() override { m_devices.clear(); } // before the instance

    std::string name() const override { return "vulkan"; }
    std::vector<backend::Device*> devices() override {
        std::vector<backend::Device*> list;
        for (auto& d : m_devices)
            list.push_back(d.get());
        return list;
    }
    uint64_t validation_messages() const override { return m_instance->validation_messages(); }

    std::shared_ptr<Instance> m_instance;
    std::vector<std::unique_ptr<VulkanDevice>> m_devices;
};

} // namespace

bool validation_requested_by_env() {
    const char* v = std::getenv("QUANTA_VULKAN_VALIDATION");
    return v != nullptr && std::strcmp(v, "1") == 0;
}

Result<std::unique_ptr<VulkanBackend>> create_vulkan_backend(const VulkanOptions& options) {
    QUANTA_TRY_ASSIGN(auto instance, Instance::create(options.validation));
    uint32_t n = 0;
    if (VkResult r = vkEnumeratePhysicalDevices(instance->handle(), &n, nullptr); r != VK_SUCCESS)
        return vk_error(r, "vkEnumeratePhysicalDevices");
    std::vector<VkPhysicalDevice> physical(n);
    vkEnumeratePhysicalDevices(instance->handle(), &n, physical.data());
    auto backend = std::make_unique<VulkanBackendImpl>(instance);
    for (VkPhysicalDevice p : physical) {
        auto gpu = Gpu::create(instance, p, static_cast<int>(options.kernels));
        if (!gpu.ok())
            continue; // a device without what the shaders need is not offered
        const int index = static_cast<int>(backend->m_devices.size());
        backend->m_devices.push_back(std::make_unique<VulkanDevice>(std::move(*gpu), index));
    }
    return std::unique_ptr<VulkanBackend>(std::move(backend));
}

} // namespace quanta::vulkan
