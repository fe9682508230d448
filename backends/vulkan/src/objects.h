// SPDX-License-Identifier: MIT
// The backend objects the executor works on: weights and buffers as device buffers.
#pragma once

#include "gpu.h"

#include "quanta/backend/backend.h"

namespace quanta::vulkan {

/// A weight in its file layout in one device buffer; multi-part formats keep their extra parts
/// after the main one at the byte offsets aux0..aux2 (the shaders' push constants).
class VulkanWeight final : public backend::DeviceWeight {
public:
    Format format() const override { return fmt; }
    int64_t k() const override { return cols; }
    int64_t n() const override { return rows; }
    uint64_t device_bytes() const override { return buffer.size(); }

    Format fmt = Format::F32;
    int64_t cols = 0, rows = 0;
    GpuBuffer buffer;
    uint32_t row_stride = 0;        ///< bytes per row of the main part
    uint32_t aux0 = 0, aux1 = 0, aux2 = 0;
    float auxf = 0.0f;
    const float* host_f32 = nullptr; ///< F32 weights: the mapping (rope factors are read on the host)
};

class VulkanBuffer final : public backend::Buffer {
public:
    size_t bytes() const override { return requested; }
    size_t requested = 0;
    GpuBuffer buffer;
};

Result<std::unique_ptr<backend::Executor>> create_executor(Gpu& gpu);

} // namespace quanta::vulkan
