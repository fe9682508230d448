// SPDX-License-Identifier: MIT
// The Vulkan objects behind the backend: the instance (with the optional validation messenger),
// one logical device per physical device (queue, pipelines built lazily from the embedded SPIR-V,
// buffer allocation, one-off transfers) and an owning buffer type.
//
// Threads: a Gpu is shared by the sessions of a device. Its queue and pipeline cache are guarded
// by mutexes; everything else is immutable after create().
#pragma once

#include "quanta/result.h"

#include <vulkan/vulkan.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace quanta::vulkan {

/// An Error naming the call that failed and its VkResult (OutOfMemory for the memory errors).
Error vk_error(VkResult result, const std::string& what);

class Instance {
public:
    /// validation: enable VK_LAYER_KHRONOS_validation when installed; its messages go to stderr
    /// and are counted.
    static Result<std::shared_ptr<Instance>> create(bool validation);
    ~Instance();
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;

    VkInstance handle() const { return m_instance; }
    bool validation_enabled() const { return m_messenger != VK_NULL_HANDLE; }
    /// Validation warnings and errors reported so far.
    uint64_t validation_messages() const { return m_messages.load(); }

private:
    Instance() = default;
    static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                     VkDebugUtilsMessageTypeFlagsEXT type,
                                                     const VkDebugUtilsMessengerCallbackDataEXT* data, void* self);
    VkInstance m_instance = VK_NULL_HANDLE;
    VkDebugUtilsMessengerEXT m_messenger = VK_NULL_HANDLE;
    std::atomic<uint64_t> m_messages{0};
};

/// A VkBuffer with its own memory. Host-visible buffers stay mapped.
class GpuBuffer {
public:
    GpuBuffer() = default;
    GpuBuffer(GpuBuffer&& other) noexcept { *this = std::move(other); }
    GpuBuffer& operator=(GpuBuffer&& other) noexcept;
    ~GpuBuffer() { release(); }

    VkBuffer handle() const { return m_buffer; }
    VkDeviceSize size() const { return m_size; }
    void* mapped() const { return m_mapped; }
    explicit operator bool() const { return m_buffer != VK_NULL_HANDLE; }

private:
    friend class Gpu;
    void release();
    VkDevice m_device = VK_NULL_HANDLE;
    VkBuffer m_buffer = VK_NULL_HANDLE;
    VkDeviceMemory m_memory = VK_NULL_HANDLE;
    void* m_mapped = nullptr;
    VkDeviceSize m_size = 0;
    std::atomic<uint64_t>* m_accounted = nullptr; // the device's allocated-bytes counter
};

struct Pipeline {
    VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
    VkPipelineLayout layout = VK_NULL_HANDLE;
    VkPipeline pipeline = VK_NULL_HANDLE;
    uint32_t n_bindings = 0;
    uint32_t push_bytes = 0;
};

struct GpuProperties {
    std::string name;        ///< deviceName
    std::string description; ///< name, type, API version, subgroup size, fp16/int8 support
    bool is_cpu = false;     ///< a software device (llvmpipe)
    uint64_t device_memory = 0;     ///< the largest device-local heap
    uint64_t max_buffer_bytes = 0;  ///< the largest storage buffer a shader may address
    uint32_t max_groups_x = 65535;
    uint32_t subgroup_size = 1;
    /// The matmul shader variant: "seq", "sg" or "" (shared memory); see VulkanOptions::Kernels.
    std::string matmul_variant;
    bool memory_budget = false;     ///< VK_EXT_memory_budget is enabled
};

class Gpu {
public:
    /// A logical device on `physical`, or Unsupported when it lacks what the shaders need
    /// (Vulkan 1.1, a compute queue, VK_KHR_push_descriptor).
    /// kernels: a VulkanOptions::Kernels value (Auto picks from the device).
    static Result<std::unique_ptr<Gpu>> create(std::shared_ptr<Instance> instance, VkPhysicalDevice physical,
                                               int kernels);
    ~Gpu();
    Gpu(const Gpu&) = delete;
    Gpu& operator=(const Gpu&) = delete;

    const GpuProperties& properties() const { return m_props; }
    VkDevice device() const { return m_device; }
    uint32_t queue_family() const { return m_queue_family; }
    PFN_vkCmdPushDescriptorSetKHR push_descriptor_set() const { return m_push_descriptor_set; }

    /// Bytes of device memory free now (the driver's budget when it reports one).
    uint64_t free_memory() const;
    uint64_t allocated_bytes() const { return m_allocated.load(); }

    /// A storage buffer: device-local, or host-visible, coherent and mapped.
    Result<GpuBuffer> make_buffer(VkDeviceSize bytes, bool host_visible);
    /// The compute pipeline of an embedded shader ("matmul_q.Q4_K"), built on first use.
    Result<const Pipeline*> pipeline(const std::string& shader, uint32_t n_bindings, uint32_t push_bytes);

    /// Submit a recorded command buffer and wait for `fence` (then reset it).
    Result<void> submit_and_wait(VkCommandBuffer cmd, VkFence fence);
    /// Copy host bytes into a device buffer through a staging buffer; waits.
    Result<void> upload(const GpuBuffer& dst, VkDeviceSize offset, const void* src, size_t bytes);
    /// Fill a device buffer with zeros; waits.
    Result<void> zero(const GpuBuffer& dst);

private:
    Gpu() = default;
    Result<void> run_once(const std::function<void(VkCommandBuffer)>& record);
    Result<uint32_t> memory_type(uint32_t type_bits, bool host_visible) const;

    std::shared_ptr<Instance> m_instance;
    VkPhysicalDevice m_physical = VK_NULL_HANDLE;
    VkDevice m_device = VK_NULL_HANDLE;
    VkQueue m_queue = VK_NULL_HANDLE;
    uint32_t m_queue_family = 0;
    PFN_vkCmdPushDescriptorSetKHR m_push_descriptor_set = nullptr;
    VkPhysicalDeviceMemoryProperties m_memory{};
    GpuProperties m_props;
    std::atomic<uint64_t> m_allocated{0};

    std::mutex m_queue_mutex;
    std::mutex m_transfer_mutex; // the one-off command pool below
    VkCommandPool m_transfer_pool = VK_NULL_HANDLE;
    VkFence m_transfer_fence = VK_NULL_HANDLE;

    std::mutex m_pipeline_mutex;
    std::map<std::string, std::unique_ptr<Pipeline>> m_pipelines;
};

} // namespace quanta::vulkan
