// SPDX-License-Identifier: MIT
// The Vulkan implementation of the backend interface (quanta/backend/backend.h): one device per
// Vulkan physical device that has a compute queue and VK_KHR_push_descriptor, named vulkan0,
// vulkan1, ... in the driver's order. Mesa's llvmpipe (a CPU Vulkan device) counts: CI runs the
// backend's tests on it.
#pragma once

#include "quanta/backend/backend.h"

#include <memory>

namespace quanta::vulkan {

struct VulkanOptions {
    /// Enable VK_LAYER_KHRONOS_validation (vulkan-validationlayers); messages go to stderr and
    /// are counted by validation_messages().
    bool validation = false;
    /// How the matmul shaders spread a row's dot product (tests run all three):
    ///   Auto        Sequential on a CPU device (llvmpipe), else Subgroup where the device has
    ///               subgroup arithmetic, else Shared;
    ///   Sequential  one invocation a row, in the CPU scalar kernels' order: bit for bit the CPU's;
    ///   Subgroup    a subgroup a row, reduced with subgroupAdd;
    ///   Shared      a workgroup a row, reduced in shared memory.
    enum class Kernels { Auto, Sequential, Subgroup, Shared };
    Kernels kernels = Kernels::Auto;
};

class VulkanBackend : public backend::Backend {
public:
    /// Validation warnings and errors so far (0 without validation).
    virtual uint64_t validation_messages() const = 0;
};

/// True when QUANTA_VULKAN_VALIDATION is set to 1 (how tests and users turn validation on for the
/// backends that available_backends() makes).
bool validation_requested_by_env();

/// The backend, possibly with no devices; an Error when there is no Vulkan loader or driver, or
/// validation was asked for and is not installed.
Result<std::unique_ptr<VulkanBackend>> create_vulkan_backend(const VulkanOptions& options = {});

} // namespace quanta::vulkan
