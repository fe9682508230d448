// SPDX-License-Identifier: MIT
// The list of backends compiled into quanta_engine. Written out by hand (no static
// self-registration): a new backend adds one #if block here and one line in CMakeLists.txt.
#include "quanta/backend/backend.h"
#include "quanta/cpu/cpu_backend.h"

#if QUANTA_HAS_VULKAN
#include "quanta/vulkan/vulkan_backend.h"
#endif

namespace quanta::backend {

const char* device_kind_name(DeviceKind kind) {
    switch (kind) {
    case DeviceKind::Cpu: return "cpu";
    case DeviceKind::Vulkan: return "vulkan";
    case DeviceKind::Cuda: return "cuda";
    }
    return "unknown";
}

std::vector<std::unique_ptr<Backend>> available_backends(const BackendOptions& options) {
    std::vector<std::unique_ptr<Backend>> backends;
    backends.push_back(cpu::create_cpu_backend(options.cpu_threads));
#if QUANTA_HAS_VULKAN
    if (options.gpu) {
        // No loader, no driver or no usable device: the build still runs, on the CPU.
        auto vk = vulkan::create_vulkan_backend({.validation = vulkan::validation_requested_by_env()});
        if (vk.ok() && !(*vk)->devices().empty())
            backends.push_back(std::move(*vk));
    }
#endif
    return backends;
}

} // namespace quanta::backend
