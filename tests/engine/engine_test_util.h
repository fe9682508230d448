// SPDX-License-Identifier: MIT
// Shared fixture pieces of the engine tests: a CPU device, a temp directory, synthetic models.
#pragma once

#include "quanta/cpu/cpu_backend.h"
#include "quanta/engine.h"
#include "quanta/synth_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace quanta::test {

inline std::filesystem::path temp_dir() {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("quanta_engine_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir;
}

class EngineTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_backend = cpu::create_cpu_backend(2);
        m_device = m_backend->devices().front();
        m_dir = temp_dir();
    }
    void TearDown() override { std::filesystem::remove_all(m_dir); }

    std::filesystem::path synth(const std::string& name, const SynthModelSpec& spec) {
        const auto path = m_dir / (name + ".gguf");
        auto r = write_synth_model(path, spec);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return path;
    }

    std::shared_ptr<const Model> load(const std::filesystem::path& path, const LoadOptions& options = {}) {
        auto m = Model::load(path, *m_device, options);
        EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
        return m.ok() ? *m : nullptr;
    }

    std::unique_ptr<backend::Backend> m_backend;
    backend::Device* m_device = nullptr;
    std::filesystem::path m_dir;
};

/// max_i |a_i - b_i| / max_i |b_i|
template <class A, class B>
double max_rel_diff(const A& a, const B& b) {
    double diff = 0, scale = 0;
    for (size_t i = 0; i < b.size(); ++i) {
        diff = std::max(diff, std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
        scale = std::max(scale, std::abs(static_cast<double>(b[i])));
    }
    return diff / scale;
}

} // namespace quanta::test
