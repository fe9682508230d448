// SPDX-License-Identifier: MIT
// Helpers of the device conformance tests: the CPU and Vulkan devices side by side, test data put
// into device buffers through the interface itself (an F32 weight and get_rows), and results read
// back for comparison.
#pragma once

#include "test_util.h"

#include "quanta/backend/backend.h"
#include "quanta/cpu/cpu_backend.h"
#include "quanta/vulkan/vulkan_backend.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <vector>

namespace quanta::devtest {

using backend::View;

/// One device with an executor and what the test put on it.
struct TestDevice {
    backend::Device* device = nullptr;
    std::unique_ptr<backend::Executor> ex;
    std::vector<std::unique_ptr<backend::DeviceWeight>> weights;
    std::vector<std::unique_ptr<backend::Buffer>> buffers;
    std::vector<std::vector<float>> host; // data behind F32 weights (must outlive them)

    const backend::DeviceWeight& place(const backend::WeightData& d) {
        auto w = device->place_weight(d);
        EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().message);
        weights.push_back(std::move(w.value()));
        return *weights.back();
    }
    const backend::DeviceWeight& place_f32(std::vector<float> values, int64_t k, int64_t n) {
        host.push_back(std::move(values));
        backend::WeightData d;
        d.format = Format::F32;
        d.k = k;
        d.n = n;
        d.data = host.back().data();
        return place(d);
    }
    View zeros(size_t bytes) {
        auto b = device->create_buffer(bytes);
        EXPECT_TRUE(b.ok()) << (b.ok() ? "" : b.error().message);
        buffers.push_back(std::move(b.value()));
        return View{buffers.back().get(), 0};
    }
    /// A buffer holding `values`, put there by get_rows of an F32 weight.
    View input(const std::vector<float>& values) {
        const View v = zeros(values.size() * sizeof(float));
        const int32_t id = 0;
        ex->get_rows(place_f32(values, static_cast<int64_t>(values.size()), 1), std::span(&id, 1), v);
        return v;
    }
    std::vector<float> read(View v, int64_t n) {
        std::vector<float> out(static_cast<size_t>(n));
        auto r = ex->read(v, out.data(), n);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return out;
    }
};

struct Devices {
    std::unique_ptr<backend::Backend> cpu_backend;        ///< the CPU's best kernels (AVX2 here)
    std::unique_ptr<backend::Backend> cpu_scalar_backend; ///< the CPU's scalar kernels
    std::unique_ptr<vulkan::VulkanBackend> sequential_backend; ///< Kernels::Sequential
    std::unique_ptr<vulkan::VulkanBackend> vulkan_backend;   ///< the default (Auto) kernels
    std::unique_ptr<vulkan::VulkanBackend> subgroup_backend; ///< Kernels::Subgroup
    std::unique_ptr<vulkan::VulkanBackend> fallback_backend; ///< Kernels::Shared
    bool validation = false;

    /// Every Vulkan device of both backends.
    std::vector<backend::Device*> gpus() const {
        std::vector<backend::Device*> list;
        for (const auto* b : {vulkan_backend.get(), subgroup_backend.get(), fallback_backend.get()}) {
            if (b != nullptr) {
                for (backend::Device* d : const_cast<vulkan::VulkanBackend*>(b)->devices())
                    list.push_back(d);
            }
        }
        return list;
    }
    uint64_t validation_messages() const {
        uint64_t n = 0;
        for (const auto* b : {vulkan_backend.get(), subgroup_backend.get(), fallback_backend.get(),
                              sequential_backend.get()})
            n += b != nullptr ? b->validation_messages() : 0;
        return n;
    }
};

/// The CPU backend and the Vulkan backend, made once per test process. Validation is on whenever
/// the layer is installed.
inline Devices& devices() {
    static Devices d = [] {
        Devices s;
        s.cpu_backend = cpu::create_cpu_backend(2);
        ::setenv("QUANTA_CPU_ISA", "scalar", 1);
        s.cpu_scalar_backend = cpu::create_cpu_backend(2);
        ::unsetenv("QUANTA_CPU_ISA");
        auto vk = vulkan::create_vulkan_backend({.validation = true});
        s.validation = vk.ok();
        if (!vk.ok())
            vk = vulkan::create_vulkan_backend({.validation = false});
        if (vk.ok())
            s.vulkan_backend = std::move(*vk);
        using Kernels = vulkan::VulkanOptions::Kernels;
        auto sequential = vulkan::create_vulkan_backend({.validation = s.validation, .kernels = Kernels::Sequential});
        if (sequential.ok())
            s.sequential_backend = std::move(*sequential);
        auto subgroup = vulkan::create_vulkan_backend({.validation = s.validation, .kernels = Kernels::Subgroup});
        if (subgroup.ok())
            s.subgroup_backend = std::move(*subgroup);
        auto fallback = vulkan::create_vulkan_backend({.validation = s.validation, .kernels = Kernels::Shared});
        if (fallback.ok())
            s.fallback_backend = std::move(*fallback);
        return s;
    }();
    return d;
}

inline TestDevice make_test_device(backend::Device* device) {
    TestDevice t;
    t.device = device;
    auto ex = device->create_executor();
    EXPECT_TRUE(ex.ok()) << (ex.ok() ? "" : ex.error().message);
    t.ex = std::move(ex.value());
    return t;
}

/// Normalized squared error of `got` against `want` (the CPU's result), with a check that both
/// are finite and the reference is not trivially zero.
inline double nmse_against(const std::vector<float>& got, const std::vector<float>& want) {
    EXPECT_EQ(got.size(), want.size());
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_TRUE(std::isfinite(got[i])) << "element " << i;
        const double d = static_cast<double>(got[i]) - want[i];
        num += d * d;
        den += static_cast<double>(want[i]) * want[i];
    }
    EXPECT_GT(den, 0.0);
    return den > 0.0 ? num / den : num;
}

inline backend::WeightData weight_data(const cpu::Weight& w) {
    backend::WeightData d;
    d.format = w.format;
    d.k = w.k;
    d.n = w.n;
    d.data = w.data;
    d.nf4_absmax = w.nf4_absmax;
    d.nf4_nested_absmax = w.nf4_nested_absmax;
    d.nf4_nested_offset = w.nf4_nested_offset;
    d.nf4_nested_map = w.nf4_nested_map;
    d.int8_scb = w.int8_scb;
    d.int8_threshold = w.int8_threshold;
    return d;
}

} // namespace quanta::devtest
