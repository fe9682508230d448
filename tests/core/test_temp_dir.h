// SPDX-License-Identifier: MIT
// A fresh, empty directory per GoogleTest test, named after the test and the process, removed at
// the end: for tests that write files (quantizer, Hugging Face export, ...).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace quanta::test {

class TempDir {
public:
    explicit TempDir(const std::string& prefix = "quanta") {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string leaf = prefix + "_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
                           std::to_string(::getpid());
        std::replace(leaf.begin(), leaf.end(), '/', '_');
        m_path = std::filesystem::temp_directory_path() / leaf;
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }
    /// The names in the directory, sorted (tests check that nothing was left behind).
    std::vector<std::string> entries() const {
        std::vector<std::string> out;
        for (const auto& e : std::filesystem::directory_iterator(m_path))
            out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    std::filesystem::path m_path;
};

} // namespace quanta::test
