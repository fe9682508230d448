// SPDX-License-Identifier: MIT
#include "gpu.h"

#include "shader_table.h"

#include "quanta/vulkan/vulkan_backend.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

namespace quanta::vulkan {

namespace {

const char* result_name(VkResult r) {
    switch (r) {
    case VK_SUCCESS: return "VK_SUCCESS";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED: return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
    default: return "VkResult error";
    }
}

const char* device_type_name(VkPhysicalDeviceType type) {
    switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "CPU";
    default: return "other";
    }
}

bool has_extension(const std::vector<VkExtensionProperties>& list, const char* name) {
    return std::any_of(list.begin(), list.end(),
                       [&](const VkExtensionProperties& e) { return std::strcmp(e.extensionName, name) == 0; });
}

} // namespace

Error vk_error(VkResult result, const std::string& what) {
    const bool memory = result == VK_ERROR_OUT_OF_HOST_MEMORY || result == VK_ERROR_OUT_OF_DEVICE_MEMORY;
    return Error{memory ? ErrorCode::OutOfMemory : ErrorCode::Internal,
                 "vulkan: " + what + " failed (" + result_name(result) + ")"};
}

// --- Instance ------------------------------------------------------------------------------------

VKAPI_ATTR VkBool32 VKAPI_CALL Instance::on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                    VkDebugUtilsMessageTypeFlagsEXT,
                                                    const VkDebugUtilsMessengerCallbackDataEXT* data, void* self) {
    if (severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
        static_cast<Instance*>(self)->m_messages.fetch_add(1);
        std::fprintf(stderr, "vulkan validation: %s\n", data->pMessage != nullptr ? data->pMessage : "");
    }
    return VK_FALSE;
}

Result<std::shared_ptr<Instance>> Instance::create(bool validation) {
    std::shared_ptr<Instance> inst(new Instance());
    std::vector<const char*> layers, extensions;
    if (validation) {
        uint32_t n = 0;
        vkEnumerateInstanceLayerProperties(&n, nullptr);
        std::vector<VkLayerProperties> available(n);
        vkEnumerateInstanceLayerProperties(&n, available.data());
        const bool found = std::any_of(available.begin(), available.end(), [](const VkLayerProperties& l) {
            return std::strcmp(l.layerName, "VK_LAYER_KHRONOS_validation") == 0;
        });
        if (!found)
            return Error{ErrorCode::Unsupported,
                         "vulkan: validation requested but VK_LAYER_KHRONOS_validation is not installed"};
        layers.push_back("VK_LAYER_KHRONOS_validation");
        extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    }
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "Quanta";
    app.pEngineName = "Quanta";
    app.apiVersion = VK_API_VERSION_1_1;
    VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    info.pApplicationInfo = &app;
    info.enabledLayerCount = static_cast<uint32_t>(layers.size());
    info.ppEnabledLayerNames = layers.data();
    info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    info.ppEnabledExtensionNames = extensions.data();
    VkDebugUtilsMessengerCreateInfoEXT messenger{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    messenger.messageSeverity =
        VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    messenger.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                            VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                            VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    messenger.pfnUserCallback = &Instance::on_message;
    messenger.pUserData = inst.get();
    if (validation)
        info.pNext = &messenger; // also covers vkCreateInstance / vkDestroyInstance
    if (VkResult r = vkCreateInstance(&info, nullptr, &inst->m_instance); r != VK_SUCCESS)
        return vk_error(r, "vkCreateInstance");
    if (validation) {
        auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(inst->m_instance, "vkCreateDebugUtilsMessengerEXT"));
        if (create == nullptr || create(inst->m_instance, &messenger, nullptr, &inst->m_messenger) != VK_SUCCESS)
            return Error{ErrorCode::Unsupported, "vulkan: cannot install the validation messenger"};
    }
    return inst;
}

Instance::~Instance() {
    if (m_messenger != VK_NULL_HANDLE) {
        auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(m_instance, "vkDestroyDebugUtilsMessengerEXT"));
        if (destroy != nullptr)
            destroy(m_instance, m_messenger, nullptr);
    }
    if (m_instance != VK_NULL_HANDLE)
        vkDestroyInstance(m_instance, nullptr);
}

// --- GpuBuffer -----------------------------------------------------------------------------------

GpuBuffer& GpuBuffer::operator=(GpuBuffer&& other) noexcept {
    if (this != &other) {
        release();
        m_device = std::exchange(other.m_device, VK_NULL_HANDLE);
        m_buffer = std::exchange(other.m_buffer, VK_NULL_HANDLE);
        m_memory = std::exchange(other.m_memory, VK_NULL_HANDLE);
        m_mapped = std::exchange(other.m_mapped, nullptr);
        m_size = std::exchange(other.m_size, 0);
        m_accounted = std::exchange(other.m_accounted, nullptr);
    }
    return *this;
}

void GpuBuffer::release() {
    if (m_buffer != VK_NULL_HANDLE)
        vkDestroyBuffer(m_device, m_buffer, nullptr);
    if (m_memory != VK_NULL_HANDLE) {
        vkFreeMemory(m_device, m_memory, nullptr);
        if (m_accounted != nullptr)
            m_accounted->fetch_sub(m_size);
    }
    m_buffer = VK_NULL_HANDLE;
    m_memory = VK_NULL_HANDLE;
    m_mapped = nullptr;
    m_size = 0;
}

// --- Gpu -----------------------------------------------------------------------------------------

Result<std::unique_ptr<Gpu>> Gpu::create(std::shared_ptr<Instance> instance, VkPhysicalDevice physical,
                                          int kernels) {
    std::unique_ptr<Gpu> gpu(new Gpu());
    gpu->m_instance = std::move(instance);
    gpu->m_physical = physical;

    VkPhysicalDeviceProperties props{};
    vkGetPhysicalDeviceProperties(physical, &props);
    const std::string name = props.deviceName;
    if (props.apiVersion < VK_API_VERSION_1_1)
        return Error{ErrorCode::Unsupported, "vulkan: " + name + " supports only Vulkan 1.0"};
    uint32_t n_ext = 0;
    vkEnumerateDeviceExtensionProperties(physical, nullptr, &n_ext, nullptr);
    std::vector<VkExtensionProperties> exts(n_ext);
    vkEnumerateDeviceExtensionProperties(physical, nullptr, &n_ext, exts.data());
    if (!has_extension(exts, VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME))
        return Error{ErrorCode::Unsupported, "vulkan: " + name + " lacks VK_KHR_push_descriptor"};

    uint32_t n_families = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &n_families, nullptr);
    std::vector<VkQueueFamilyProperties> families(n_families);
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &n_families, families.data());
    bool found = false;
    for (uint32_t i = 0; i < n_families && !found; ++i) {
        if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
            gpu->m_queue_family = i;
            found = true;
        }
    }
    if (!found)
        return Error{ErrorCode::Unsupported, "vulkan: " + name + " has no compute queue"};

    std::vector<const char*> enabled = {VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME};
    gpu->m_props.memory_budget = has_extension(exts, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    if (gpu->m_props.memory_budget)
        enabled.push_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    queue.queueFamilyIndex = gpu->m_queue_family;
    queue.queueCount = 1;
    queue.pQueuePriorities = &priority;
    VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    info.queueCreateInfoCount = 1;
    info.pQueueCreateInfos = &queue;
    info.enabledExtensionCount = static_cast<uint32_t>(enabled.size());
    info.ppEnabledExtensionNames = enabled.data();
    if (VkResult r = vkCreateDevice(physical, &info, nullptr, &gpu->m_device); r != VK_SUCCESS)
        return vk_error(r, "vkCreateDevice on " + name);
    vkGetDeviceQueue(gpu->m_device, gpu->m_queue_family, 0, &gpu->m_queue);
    gpu->m_push_descriptor_set = reinterpret_cast<PFN_vkCmdPushDescriptorSetKHR>(
        vkGetDeviceProcAddr(gpu->m_device, "vkCmdPushDescriptorSetKHR"));
    if (gpu->m_push_descriptor_set == nullptr)
        return Error{ErrorCode::Unsupported, "vulkan: " + name + " has no vkCmdPushDescriptorSetKHR"};

    VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pool.queueFamilyIndex = gpu->m_queue_family;
    if (VkResult r = vkCreateCommandPool(gpu->m_device, &pool, nullptr, &gpu->m_transfer_pool); r != VK_SUCCESS)
        return vk_error(r, "vkCreateCommandPool");
    VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    if (VkResult r = vkCreateFence(gpu->m_device, &fence, nullptr, &gpu->m_transfer_fence); r != VK_SUCCESS)
        return vk_error(r, "vkCreateFence");

    vkGetPhysicalDeviceMemoryProperties(physical, &gpu->m_memory);
    for (uint32_t h = 0; h < gpu->m_memory.memoryHeapCount; ++h) {
        if (gpu->m_memory.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
            gpu->m_props.device_memory = std::max<uint64_t>(gpu->m_props.device_memory, gpu->m_memory.memoryHeaps[h].size);
    }

    VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    VkPhysicalDeviceProperties2 props2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    props2.pNext = &subgroup;
    vkGetPhysicalDeviceProperties2(physical, &props2);
    VkPhysicalDeviceShaderFloat16Int8FeaturesKHR f16i8{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES_KHR};
    VkPhysicalDeviceFeatures2 features2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    if (has_extension(exts, VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME))
        features2.pNext = &f16i8;
    vkGetPhysicalDeviceFeatures2(physical, &features2);

    GpuProperties& p = gpu->m_props;
    p.name = name;
    p.is_cpu = props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
    p.max_buffer_bytes = props.limits.maxStorageBufferRange;
    p.max_groups_x = props.limits.maxComputeWorkGroupCount[0];
    p.subgroup_size = std::max<uint32_t>(1, subgroup.subgroupSize);
    const bool subgroup_arithmetic = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                                     (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT);
    using Kernels = VulkanOptions::Kernels;
    switch (static_cast<Kernels>(kernels)) {
    case Kernels::Auto: p.matmul_variant = p.is_cpu ? "seq" : subgroup_arithmetic ? "sg" : ""; break;
    case Kernels::Sequential: p.matmul_variant = "seq"; break;
    case Kernels::Subgroup: p.matmul_variant = subgroup_arithmetic ? "sg" : ""; break;
    case Kernels::Shared: p.matmul_variant = ""; break;
    }
    p.description = name + " (" + device_type_name(props.deviceType) + ", Vulkan " +
                    std::to_string(VK_API_VERSION_MAJOR(props.apiVersion)) + "." +
                    std::to_string(VK_API_VERSION_MINOR(props.apiVersion)) + ", subgroup " +
                    std::to_string(subgroup.subgroupSize) + ", fp16 " + (f16i8.shaderFloat16 ? "yes" : "no") +
                    ", int8 " + (f16i8.shaderInt8 ? "yes" : "no") + ", " +
                    (p.matmul_variant == "seq" ? "row kernels" : p.matmul_variant == "sg" ? "subgroup kernels"
                                                                                           : "shared-memory kernels") +
                    ")";
    return gpu;
}

Gpu::~Gpu() {
    if (m_device == VK_NULL_HANDLE)
        return;
    vkDeviceWaitIdle(m_device);
    for (auto& [name, p] : m_pipelines) {
        vkDestroyPipeline(m_device, p->pipeline, nullptr);
        vkDestroyPipelineLayout(m_device, p->layout, nullptr);
        vkDestroyDescriptorSetLayout(m_device, p->set_layout, nullptr);
    }
    if (m_transfer_fence != VK_NULL_HANDLE)
        vkDestroyFence(m_device, m_transfer_fence, nullptr);
    if (m_transfer_pool != VK_NULL_HANDLE)
        vkDestroyCommandPool(m_device, m_transfer_pool, nullptr);
    vkDestroyDevice(m_device, nullptr);
}

uint64_t Gpu::free_memory() const {
    if (m_props.memory_budget) {
        VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT};
        VkPhysicalDeviceMemoryProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2};
        props.pNext = &budget;
        vkGetPhysicalDeviceMemoryProperties2(m_physical, &props);
        uint64_t best = 0;
        for (uint32_t h = 0; h < props.memoryProperties.memoryHeapCount; ++h) {
            if ((props.memoryProperties.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) &&
                budget.heapBudget[h] > budget.heapUsage[h])
                best = std::max<uint64_t>(best, budget.heapBudget[h] - budget.heapUsage[h]);
        }
        return best;
    }
    const uint64_t used = m_allocated.load();
    return used < m_props.device_memory ? m_props.device_memory - used : 0;
}

Result<uint32_t> Gpu::memory_type(uint32_t type_bits, bool host_visible) const {
    const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    // Preferences in order; the first type allowed by type_bits that has all the flags wins.
    const VkMemoryPropertyFlags wanted[2] = {
        host_visible ? host | VK_MEMORY_PROPERTY_HOST_CACHED_BIT : VkMemoryPropertyFlags{VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT},
        host_visible ? host : VkMemoryPropertyFlags{0},
    };
    for (VkMemoryPropertyFlags flags : wanted) {
        for (uint32_t i = 0; i < m_memory.memoryTypeCount; ++i) {
            if ((type_bits & (1u << i)) && (m_memory.memoryTypes[i].propertyFlags & flags) == flags)
                return i;
        }
    }
    return Error{ErrorCode::Unsupported, "vulkan: no suitable memory type"};
}

Result<GpuBuffer> Gpu::make_buffer(VkDeviceSize bytes, bool host_visible) {
    bytes = std::max<VkDeviceSize>((bytes + 15) / 16 * 16, 16);
    if (bytes > m_props.max_buffer_bytes)
        return Error{ErrorCode::OutOfMemory, "vulkan: a buffer of " + std::to_string(bytes) + " bytes exceeds " +
                                                 m_props.name + "'s limit of " +
                                                 std::to_string(m_props.max_buffer_bytes) + " bytes"};
    GpuBuffer b;
    b.m_device = m_device;
    VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = bytes;
    info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                 VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    if (VkResult r = vkCreateBuffer(m_device, &info, nullptr, &b.m_buffer); r != VK_SUCCESS)
        return vk_error(r, "vkCreateBuffer");
    VkMemoryRequirements req{};
    vkGetBufferMemoryRequirements(m_device, b.m_buffer, &req);
    QUANTA_TRY_ASSIGN(const uint32_t type, memory_type(req.memoryTypeBits, host_visible));
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = type;
    if (VkResult r = vkAllocateMemory(m_device, &alloc, nullptr, &b.m_memory); r != VK_SUCCESS)
        return vk_error(r, "allocating " + std::to_string(bytes) + " bytes of " + (host_visible ? "host" : "device") +
                               " memory");
    b.m_size = bytes;
    b.m_accounted = &m_allocated;
    m_allocated.fetch_add(bytes);
    if (VkResult r = vkBindBufferMemory(m_device, b.m_buffer, b.m_memory, 0); r != VK_SUCCESS)
        return vk_error(r, "vkBindBufferMemory");
    if (host_visible) {
        if (VkResult r = vkMapMemory(m_device, b.m_memory, 0, VK_WHOLE_SIZE, 0, &b.m_mapped); r != VK_SUCCESS)
            return vk_error(r, "vkMapMemory");
    }
    return b;
}

Result<const Pipeline*> Gpu::pipeline(const std::string& shader, uint32_t n_bindings, uint32_t push_bytes) {
    std::lock_guard lock(m_pipeline_mutex);
    if (auto it = m_pipelines.find(shader); it != m_pipelines.end()) {
        QUANTA_ASSERT(it->second->n_bindings == n_bindings && it->second->push_bytes == push_bytes);
        return static_cast<const Pipeline*>(it->second.get());
    }
    const std::span<const uint32_t> code = shader_code(shader);
    if (code.empty())
        return Error{ErrorCode::Internal, "vulkan: no embedded shader '" + shader + "'"};
    auto p = std::make_unique<Pipeline>();
    p->n_bindings = n_bindings;
    p->push_bytes = push_bytes;
    std::vector<VkDescriptorSetLayoutBinding> bindings(n_bindings);
    for (uint32_t i = 0; i < n_bindings; ++i) {
        bindings[i].binding = i;
        bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        bindings[i].descriptorCount = 1;
        bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo set{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    set.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR;
    set.bindingCount = n_bindings;
    set.pBindings = bindings.data();
    if (VkResult r = vkCreateDescriptorSetLayout(m_device, &set, nullptr, &p->set_layout); r != VK_SUCCESS)
        return vk_error(r, "vkCreateDescriptorSetLayout");
    VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes};
    VkPipelineLayoutCreateInfo layout{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    layout.setLayoutCount = 1;
    layout.pSetLayouts = &p->set_layout;
    layout.pushConstantRangeCount = 1;
    layout.pPushConstantRanges = &range;
    if (VkResult r = vkCreatePipelineLayout(m_device, &layout, nullptr, &p->layout); r != VK_SUCCESS)
        return vk_error(r, "vkCreatePipelineLayout");
    VkShaderModuleCreateInfo module_info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    module_info.codeSize = code.size() * sizeof(uint32_t);
    module_info.pCode = code.data();
    VkShaderModule module = VK_NULL_HANDLE;
    if (VkResult r = vkCreateShaderModule(m_device, &module_info, nullptr, &module); r != VK_SUCCESS)
        return vk_error(r, "vkCreateShaderModule(" + shader + ")");
    VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    info.stage.module = module;
    info.stage.pName = "main";
    info.layout = p->layout;
    const VkResult r = vkCreateComputePipelines(m_device, VK_NULL_HANDLE, 1, &info, nullptr, &p->pipeline);
    vkDestroyShaderModule(m_device, module, nullptr);
    if (r != VK_SUCCESS) {
        vkDestroyPipelineLayout(m_device, p->layout, nullptr);
        vkDestroyDescriptorSetLayout(m_device, p->set_layout, nullptr);
        return vk_error(r, "vkCreateComputePipelines(" + shader + ")");
    }
    const Pipeline* result = p.get();
    m_pipelines.emplace(shader, std::move(p));
    return result;
}

Result<void> Gpu::submit_and_wait(VkCommandBuffer cmd, VkFence fence) {
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cmd;
    {
        std::lock_guard lock(m_queue_mutex);
        if (VkResult r = vkQueueSubmit(m_queue, 1, &submit, fence); r != VK_SUCCESS)
            return vk_error(r, "vkQueueSubmit");
    }
    if (VkResult r = vkWaitForFences(m_device, 1, &fence, VK_TRUE, UINT64_MAX); r != VK_SUCCESS)
        return vk_error(r, "vkWaitForFences");
    if (VkResult r = vkResetFences(m_device, 1, &fence); r != VK_SUCCESS)
        return vk_error(r, "vkResetFences");
    return {};
}

Result<void> Gpu::run_once(const std::function<void(VkCommandBuffer)>& record) {
    std::lock_guard lock(m_transfer_mutex);
    VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    alloc.commandPool = m_transfer_pool;
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 1;
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    if (VkResult r = vkAllocateCommandBuffers(m_device, &alloc, &cmd); r != VK_SUCCESS)
        return vk_error(r, "vkAllocateCommandBuffers");
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    vkBeginCommandBuffer(cmd, &begin);
    record(cmd);
    VkResult r = vkEndCommandBuffer(cmd);
    Result<void> done = r == VK_SUCCESS ? submit_and_wait(cmd, m_transfer_fence) : vk_error(r, "vkEndCommandBuffer");
    vkFreeCommandBuffers(m_device, m_transfer_pool, 1, &cmd);
    return done;
}

Result<void> Gpu::upload(const GpuBuffer& dst, VkDeviceSize offset, const void* src, size_t bytes) {
    constexpr size_t kChunk = size_t{16} << 20;
    QUANTA_TRY_ASSIGN(GpuBuffer staging, make_buffer(std::min(bytes, kChunk), true));
    for (size_t done = 0; done < bytes;) {
        const size_t n = std::min(kChunk, bytes - done);
        std::memcpy(staging.mapped(), static_cast<const uint8_t*>(src) + done, n);
        QUANTA_TRY(run_once([&](VkCommandBuffer cmd) {
            VkBufferCopy copy{0, offset + done, n};
            vkCmdCopyBuffer(cmd, staging.handle(), dst.handle(), 1, &copy);
        }));
        done += n;
    }
    return {};
}

Result<void> Gpu::zero(const GpuBuffer& dst) {
    return run_once([&](VkCommandBuffer cmd) { vkCmdFillBuffer(cmd, dst.handle(), 0, VK_WHOLE_SIZE, 0); });
}

} // namespace quanta::vulkan
