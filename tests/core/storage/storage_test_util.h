// SPDX-License-Identifier: MIT
// A fresh temporary folder per test, and file helpers, for the storage tests.
#pragma once

#include "quanta/conversation_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

namespace quanta::test {

namespace fs = std::filesystem;

class StorageTest : public testing::Test {
protected:
    void SetUp() override {
        const auto* info = testing::UnitTest::GetInstance()->current_test_info();
        dir = fs::temp_directory_path() /
              ("quanta_storage_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" + info->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
        db_path = dir / "conversations.db";
    }
    void TearDown() override { fs::remove_all(dir); }

    static std::string read_bytes(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    static void write_bytes(const fs::path& p, const std::string& bytes) {
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    ConversationStore open_store() {
        auto store = ConversationStore::open(db_path);
        EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
        return std::move(store).value();
    }

    fs::path dir;
    fs::path db_path;
};

} // namespace quanta::test
