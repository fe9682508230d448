// SPDX-License-Identifier: MIT
// Test helpers for test_hf_export: a temporary folder and a minimal safetensors/JSON reader.
#pragma once

#include "test_temp_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace quanta::test {

/// The export tests' temporary folder (tests/core/test_temp_dir.h).
class HfTempDir : public TempDir {
public:
    HfTempDir() : TempDir("quanta_hfe") {}
};

inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::string text(static_cast<size_t>(std::filesystem::file_size(path)), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    return text;
}

inline nlohmann::json read_json(const std::filesystem::path& path) {
    return nlohmann::json::parse(read_text(path));
}

/// A whole safetensors file: the parsed header and the data section.
struct Safetensors {
    uint64_t header_len = 0;
    std::string header_text;
    nlohmann::ordered_json header;
    std::vector<uint8_t> data;

    std::vector<int64_t> shape(const std::string& name) const {
        return header.at(name).at("shape").get<std::vector<int64_t>>();
    }
    /// The values of one F32 tensor (norms and biases keep F32 in the export).
    std::vector<float> floats(const std::string& name) const {
        const auto& off = header.at(name).at("data_offsets");
        const uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
        std::vector<float> out((end - begin) / 4);
        std::memcpy(out.data(), data.data() + begin, end - begin);
        return out;
    }
    /// The 16-bit words of one tensor (F16/BF16).
    std::vector<uint16_t> words(const std::string& name) const {
        const auto& off = header.at(name).at("data_offsets");
        const uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
        std::vector<uint16_t> out((end - begin) / 2);
        std::memcpy(out.data(), data.data() + begin, end - begin);
        return out;
    }
};

inline Safetensors read_safetensors(const std::filesystem::path& path) {
    const std::string bytes = read_text(path);
    Safetensors s;
    for (int i = 0; i < 8; ++i)
        s.header_len |= static_cast<uint64_t>(static_cast<uint8_t>(bytes.at(static_cast<size_t>(i)))) << (8 * i);
    s.header_text = bytes.substr(8, s.header_len);
    s.header = nlohmann::ordered_json::parse(s.header_text);
    s.data.assign(bytes.begin() + 8 + static_cast<std::ptrdiff_t>(s.header_len), bytes.end());
    return s;
}

} // namespace quanta::test
