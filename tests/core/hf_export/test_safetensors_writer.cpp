// SPDX-License-Identifier: MIT
#include "hf_export/safetensors_writer.h"
#include "hf_export_test_util.h"

#include <gtest/gtest.h>

namespace quanta {
namespace {

TEST(SafetensorsWriter, HeaderIsCompactPaddedAndOrdered) {
    SafetensorsWriter w;
    ASSERT_TRUE(w.add("b.weight", "F16", {2, 3}).ok());
    ASSERT_TRUE(w.add("a.bias", "F16", {3}).ok());
    const std::string h = w.header();
    EXPECT_EQ((8 + h.size()) % 8, 0u);
    EXPECT_EQ(h.rfind("{\"__metadata__\":{\"format\":\"pt\"},"
                      "\"b.weight\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
                      "\"a.bias\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[12,18]}}",
                      0),
              0u);
    EXPECT_EQ(h.find_last_not_of(' ') + 1, h.find_last_of('}') + 1); // only spaces after the JSON
}

TEST(SafetensorsWriter, RejectsBadDeclarations) {
    SafetensorsWriter w;
    ASSERT_TRUE(w.add("x", "BF16", {4}).ok());
    EXPECT_EQ(w.add("x", "F16", {1}).error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(w.add("__metadata__", "F16", {1}).error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(w.add("y", "Q4_K", {1}).error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(w.add("z", "F16", {-1}).error().code, ErrorCode::InvalidArgument);
}

TEST(SafetensorsWriter, StreamsDataAndChecksTheCount) {
    test::HfTempDir dir;
    SafetensorsWriter w;
    ASSERT_TRUE(w.add("t", "F16", {2, 2}).ok());
    ASSERT_TRUE(w.add("u", "F32", {1}).ok());
    ASSERT_TRUE(w.begin(dir / "m.safetensors").ok());
    const uint8_t a[5] = {1, 2, 3, 4, 5};
    const uint8_t b[8] = {6, 7, 8, 9, 10, 11, 12, 13};
    ASSERT_TRUE(w.write(a).ok()); // a write may end inside a tensor and span into the next
    EXPECT_EQ(w.write(b).error().code, ErrorCode::InvalidArgument); // one byte too many
    ASSERT_TRUE(w.write(std::span<const uint8_t>(b, 7)).ok());
    ASSERT_TRUE(w.finish().ok());
    const auto s = test::read_safetensors(dir / "m.safetensors");
    EXPECT_EQ(s.header.at("u").at("data_offsets")[0], 8);
    EXPECT_EQ(s.header.at("__metadata__").at("format"), "pt");
    ASSERT_EQ(s.data.size(), 12u);
    EXPECT_EQ(s.data[11], 12);
    EXPECT_EQ(std::filesystem::file_size(dir / "m.safetensors"), w.file_size());

    SafetensorsWriter short_writer;
    ASSERT_TRUE(short_writer.add("t", "F16", {2}).ok());
    ASSERT_TRUE(short_writer.begin(dir / "short.safetensors").ok());
    EXPECT_EQ(short_writer.finish().error().code, ErrorCode::InvalidArgument);
}

} // namespace
} // namespace quanta
