// SPDX-License-Identifier: MIT
// One hand-made corrupt file per failure kind (tests/data/gguf/corrupt/, made by make_corrupt.py;
// the table below mirrors its README.md): the reader must refuse each with the right ErrorCode and
// a one-line message that names the field and a byte offset.
#include "quanta/gguf.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace quanta {
namespace {

const std::filesystem::path kCorruptDir = std::filesystem::path(QUANTA_TEST_DATA_DIR) / "gguf" / "corrupt";
const std::filesystem::path kCorpusDir = std::filesystem::path(QUANTA_TEST_DATA_DIR) / ".." / "fuzz" / "corpus";

struct CorruptCase {
    const char* file;
    ErrorCode code;
    const char* fragment;   // the field the message must name
};

const CorruptCase kCases[] = {
    {"bad_magic.gguf", ErrorCode::BadMagic, "magic"},
    {"truncated_magic.gguf", ErrorCode::Truncated, "magic"},
    {"version_1.gguf", ErrorCode::UnsupportedVersion, "version 1"},
    {"version_4.gguf", ErrorCode::UnsupportedVersion, "version 4"},
    {"version_big_endian.gguf", ErrorCode::UnsupportedVersion, "byte-swapped"},
    {"truncated_header.gguf", ErrorCode::Truncated, "n_tensors"},
    {"truncated_kv.gguf", ErrorCode::Truncated, "key 0 ('general.architecture') value"},
    {"truncated_tensor_info.gguf", ErrorCode::Truncated, "tensor info 0 ('token_embd.weight') ne[1]"},
    {"truncated_data.gguf", ErrorCode::Truncated, "tensor info 0 ('token_embd.weight') offset"},
    {"absurd_tensor_count.gguf", ErrorCode::Corrupt, "n_tensors"},
    {"absurd_kv_count.gguf", ErrorCode::Corrupt, "n_kv"},
    {"string_length_past_eof.gguf", ErrorCode::Truncated, "key 0 name"},
    {"absurd_array_count.gguf", ErrorCode::Corrupt, "array count"},
    {"unknown_value_type.gguf", ErrorCode::UnknownType, "value type"},
    {"unknown_array_type.gguf", ErrorCode::UnknownType, "array element type"},
    {"nested_array.gguf", ErrorCode::Unsupported, "nested"},
    {"bad_bool.gguf", ErrorCode::Corrupt, "neither 0 nor 1"},
    {"tensor_type_4.gguf", ErrorCode::UnknownType, "Q4_2"},
    {"tensor_type_99.gguf", ErrorCode::UnknownType, "unknown ggml type 99"},
    {"dims_overflow.gguf", ErrorCode::Corrupt, "overflows"},
    {"n_dims_0.gguf", ErrorCode::Corrupt, "n_dims"},
    {"n_dims_5.gguf", ErrorCode::Corrupt, "n_dims"},
    {"negative_dim.gguf", ErrorCode::Corrupt, "ne[1]"},
    {"data_offset_past_eof.gguf", ErrorCode::Corrupt, "past the end"},
    {"misaligned_offset.gguf", ErrorCode::Corrupt, "not a multiple of alignment 32"},
    {"duplicate_tensor_names.gguf", ErrorCode::Corrupt, "duplicate tensor name"},
    {"duplicate_keys.gguf", ErrorCode::Corrupt, "duplicate key"},
    {"empty_key.gguf", ErrorCode::Corrupt, "key is empty"},
    {"alignment_not_power_of_two.gguf", ErrorCode::Corrupt, "general.alignment"},
    {"alignment_zero.gguf", ErrorCode::Corrupt, "general.alignment"},
    {"alignment_wrong_type.gguf", ErrorCode::Corrupt, "general.alignment"},
    {"tensor_name_64_bytes.gguf", ErrorCode::Corrupt, "limit is 63"},
    {"empty_tensor_name.gguf", ErrorCode::Corrupt, "tensor name is empty"},
    {"ne0_not_block_multiple.gguf", ErrorCode::Corrupt, "block size 32"},
    {"data_start_past_eof.gguf", ErrorCode::Truncated, "data section"},
};

std::vector<uint8_t> read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class CorruptFile : public testing::TestWithParam<CorruptCase> {};

TEST_P(CorruptFile, IsRejectedWithCodeAndField) {
    const CorruptCase& c = GetParam();
    const auto path = kCorruptDir / c.file;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    auto file = GgufFile::open(path);
    ASSERT_FALSE(file.ok()) << c.file << " was accepted";
    EXPECT_EQ(file.error().code, c.code) << file.error().message;
    const std::string& msg = file.error().message;
    EXPECT_NE(msg.find(c.fragment), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.file), std::string::npos) << "open() prefixes the path: " << msg;
    EXPECT_NE(msg.find("(at byte "), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;

    // parse() of the same bytes gives the same verdict, without the path.
    const auto bytes = read_all(path);
    auto parsed = GgufFile::parse(bytes);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, c.code);
    EXPECT_EQ(msg, path.string() + ": " + parsed.error().message);
}

std::string case_name(const testing::TestParamInfo<CorruptCase>& info) {
    std::string name = info.param.file;
    name = name.substr(0, name.find('.'));
    for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch)))
            ch = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Gguf, CorruptFile, testing::ValuesIn(kCases), case_name);

TEST(GgufCorrupt, EveryFileInTheFolderIsRejectedAndListed) {
    size_t n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kCorruptDir)) {
        if (entry.path().extension() != ".gguf")
            continue;
        ++n;
        EXPECT_FALSE(GgufFile::open(entry.path()).ok()) << entry.path();
        const std::string name = entry.path().filename().string();
        bool listed = false;
        for (const CorruptCase& c : kCases)
            listed = listed || name == c.file;
        EXPECT_TRUE(listed) << name << " has no test case";
    }
    EXPECT_EQ(n, std::size(kCases));
}

TEST(GgufCorrupt, EveryPrefixShorterThanTheDataIsRejected) {
    // Cutting a valid file anywhere before the end of its last tensor's data must fail cleanly.
    for (const char* name : {"valid_all_types.gguf", "valid_align64_two_tensors.gguf", "valid_formats_example.gguf"}) {
        const auto bytes = read_all(kCorpusDir / name);
        ASSERT_FALSE(bytes.empty()) << name;
        auto whole = GgufFile::parse(bytes);
        ASSERT_TRUE(whole.ok()) << whole.error().message;
        const GgufTensorInfo& last = whole->tensors().back();
        const uint64_t end = whole->data_offset() + last.offset + last.n_bytes;
        for (uint64_t len = 0; len < end; ++len) {
            auto cut = GgufFile::parse(std::span(bytes.data(), len));
            ASSERT_FALSE(cut.ok()) << name << " cut at " << len;
            EXPECT_TRUE(cut.error().code == ErrorCode::Truncated || cut.error().code == ErrorCode::Corrupt ||
                        cut.error().code == ErrorCode::BadMagic)
                << cut.error().message;
        }
        // The padding after the last tensor is optional for a reader.
        EXPECT_TRUE(GgufFile::parse(std::span(bytes.data(), end)).ok()) << name;
    }
}

TEST(GgufCorrupt, EmptyInputIsTruncated) {
    auto file = GgufFile::parse({});
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().code, ErrorCode::Truncated);
    EXPECT_NE(file.error().message.find("magic"), std::string::npos);
}

TEST(GgufCorrupt, MissingFileIsNotFound) {
    auto file = GgufFile::open(kCorruptDir / "does_not_exist.gguf");
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().code, ErrorCode::NotFound);
    EXPECT_NE(file.error().message.find("does_not_exist.gguf"), std::string::npos);
}

TEST(GgufCorrupt, DirectoryIsAnIoError) {
    auto file = GgufFile::open(kCorruptDir);
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().code, ErrorCode::Io);
}

} // namespace
} // namespace quanta
