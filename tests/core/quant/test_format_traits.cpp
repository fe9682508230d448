// SPDX-License-Identifier: MIT
// The traits table generated from formats.def: lookups, sizes, bits per weight.
#include "quanta/format.h"

#include <gtest/gtest.h>

namespace quanta {
namespace {

TEST(FormatTraits, TableMatchesFormatsDef) {
    ASSERT_EQ(kFormatCount, 13);
    ASSERT_EQ(all_formats().size(), 13u);
    for (const FormatTraits& t : all_formats())
        EXPECT_EQ(&format_traits(t.format), &t);
    const FormatTraits& q4k = format_traits(Format::Q4_K);
    EXPECT_EQ(q4k.name, "Q4_K");
    EXPECT_EQ(q4k.ggml_type, 12);
    EXPECT_EQ(q4k.block_elements, 256);
    EXPECT_EQ(q4k.block_bytes, 144);
    EXPECT_TRUE(q4k.quantized());
    EXPECT_FALSE(q4k.multi_part());
    EXPECT_FALSE(format_traits(Format::F16).quantized());
    EXPECT_TRUE(format_traits(Format::NF4).multi_part());
    EXPECT_TRUE(format_traits(Format::INT8).quantized());
    EXPECT_EQ(format_name(Format::Q6_K), "Q6_K");
}

TEST(FormatTraits, LookupByNameIsCaseInsensitive) {
    EXPECT_EQ(format_from_name("Q4_K"), Format::Q4_K);
    EXPECT_EQ(format_from_name("q4_k"), Format::Q4_K);
    EXPECT_EQ(format_from_name("nf4"), Format::NF4);
    EXPECT_EQ(format_from_name("Int8"), Format::INT8);
    EXPECT_EQ(format_from_name("bf16"), Format::BF16);
    EXPECT_EQ(format_from_name("Q4_K_M"), std::nullopt); // a recipe, not a format
    EXPECT_EQ(format_from_name(""), std::nullopt);
    EXPECT_EQ(format_from_name("Q4"), std::nullopt);
    for (const FormatTraits& t : all_formats())
        EXPECT_EQ(format_from_name(t.name), t.format);
}

TEST(FormatTraits, LookupByGgmlType) {
    EXPECT_EQ(format_from_ggml_type(0), Format::F32);
    EXPECT_EQ(format_from_ggml_type(1), Format::F16);
    EXPECT_EQ(format_from_ggml_type(2), Format::Q4_0);
    EXPECT_EQ(format_from_ggml_type(3), Format::Q4_1);
    EXPECT_EQ(format_from_ggml_type(6), Format::Q5_0);
    EXPECT_EQ(format_from_ggml_type(7), Format::Q5_1);
    EXPECT_EQ(format_from_ggml_type(8), Format::Q8_0);
    EXPECT_EQ(format_from_ggml_type(12), Format::Q4_K);
    EXPECT_EQ(format_from_ggml_type(13), Format::Q5_K);
    EXPECT_EQ(format_from_ggml_type(14), Format::Q6_K);
    EXPECT_EQ(format_from_ggml_type(30), Format::BF16);
    EXPECT_EQ(format_from_ggml_type(24), std::nullopt); // I8: a part type, not a weight format
    EXPECT_EQ(format_from_ggml_type(4), std::nullopt);
    EXPECT_EQ(format_from_ggml_type(0xffffffffu), std::nullopt);
}

TEST(FormatTraits, StorageBytesAndBitsPerWeight) {
    EXPECT_EQ(tensor_storage_bytes(Format::Q4_K, 256, 2), 288u);
    EXPECT_EQ(tensor_storage_bytes(Format::Q8_0, 576, 3), 576u / 32 * 34 * 3);
    EXPECT_EQ(tensor_storage_bytes(Format::F32, 7, 3), 84u);
    EXPECT_EQ(tensor_storage_bytes(Format::BF16, 7, 3), 42u);
    // NF4 576 x 10: codes 2880 + qabsmax 90 + nested absmax 4 + offset 4 + map 1024.
    EXPECT_EQ(tensor_storage_bytes(Format::NF4, 576, 10), 4002u);
    EXPECT_EQ(tensor_storage_bytes(Format::INT8, 100, 3), 312u);
    EXPECT_DOUBLE_EQ(bits_per_weight(Format::Q8_0, 4096, 4096), 8.5);
    EXPECT_DOUBLE_EQ(bits_per_weight(Format::Q4_K, 4096, 4096), 4.5);
    EXPECT_DOUBLE_EQ(bits_per_weight(Format::Q5_K, 4096, 4096), 5.5);
    EXPECT_DOUBLE_EQ(bits_per_weight(Format::Q6_K, 4096, 4096), 6.5625);
    EXPECT_DOUBLE_EQ(bits_per_weight(Format::Q4_0, 4096, 4096), 4.5);
    EXPECT_DOUBLE_EQ(bits_per_weight(Format::Q5_1, 4096, 4096), 6.0);
    EXPECT_DOUBLE_EQ(bits_per_weight(Format::F16, 4096, 4096), 16.0);
    // NF4 with double quantization: 4 + 8/64 + 32/(64*256) plus the 1028-byte tables (§9.9).
    EXPECT_NEAR(bits_per_weight(Format::NF4, 4096, 4096), 4.127, 1e-3);
    EXPECT_NEAR(bits_per_weight(Format::INT8, 4096, 4096), 8.0 + 32.0 / 4096, 1e-12);
}

TEST(FormatTraits, RowBytes) {
    EXPECT_EQ(row_bytes(Format::Q4_K, 512), 288u);
    EXPECT_EQ(row_bytes(Format::Q6_K, 256), 210u);
    EXPECT_EQ(row_bytes(Format::Q5_K, 256), 176u);
    EXPECT_EQ(row_bytes(Format::Q4_1, 64), 40u);
    EXPECT_EQ(row_bytes(Format::F16, 3), 6u);
    EXPECT_EQ(row_bytes(Format::Q8_0, 0), 0u);
}

} // namespace
} // namespace quanta
