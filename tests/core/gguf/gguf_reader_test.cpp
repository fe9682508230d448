// SPDX-License-Identifier: MIT
#include "quanta/gguf.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

namespace quanta {
namespace {

const std::filesystem::path kCorpusDir = std::filesystem::path(QUANTA_TEST_DATA_DIR) / ".." / "fuzz" / "corpus";

TEST(GgufReader, DefaultModel) {
    if (!std::filesystem::exists(QUANTA_DEFAULT_MODEL))
        GTEST_SKIP() << "default model not present: " << QUANTA_DEFAULT_MODEL;
    auto file = GgufFile::open(QUANTA_DEFAULT_MODEL);
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->version(), 3u);
    EXPECT_EQ(file->alignment(), 32u);
    EXPECT_EQ(file->metadata().size(), 33u);
    ASSERT_EQ(file->tensors().size(), 272u);
    EXPECT_EQ(file->data_offset(), 1785664u);
    EXPECT_EQ(file->file_size(), 98362432u);

    EXPECT_EQ(file->metadata().front().key, "general.architecture");
    EXPECT_EQ(file->find("general.architecture")->as_string(), "llama");
    const GgufValue* blocks = file->find("llama.block_count");
    ASSERT_NE(blocks, nullptr);
    EXPECT_EQ(blocks->type(), GgufType::Uint32);
    EXPECT_EQ(blocks->as_uint(), 30u);
    EXPECT_EQ(blocks->as_int(), 30);
    EXPECT_EQ(blocks->as_float(), std::nullopt);
    EXPECT_EQ(file->find("llama.embedding_length")->as_uint(), 576u);
    EXPECT_FLOAT_EQ(static_cast<float>(*file->find("llama.rope.freq_base")->as_float()), 100000.0f);
    EXPECT_EQ(file->find("tokenizer.ggml.add_bos_token")->as_bool(), false);
    EXPECT_EQ(file->find("general.quantization_version")->as_uint(), 2u);
    EXPECT_EQ(file->find("no.such.key"), nullptr);

    const GgufValue* tokens = file->find("tokenizer.ggml.tokens");
    ASSERT_NE(tokens, nullptr);
    EXPECT_EQ(tokens->type(), GgufType::Array);
    EXPECT_EQ(tokens->array_type(), GgufType::String);
    ASSERT_NE(tokens->as_string_array(), nullptr);
    EXPECT_EQ(tokens->as_string_array()->size(), 49152u);
    EXPECT_EQ(tokens->summary(), "[49152 \xC3\x97 string]");
    const auto token_type = file->find("tokenizer.ggml.token_type")->as_int_array();
    ASSERT_TRUE(token_type.has_value());
    EXPECT_EQ(token_type->size(), 49152u);
    EXPECT_EQ(file->find("tokenizer.ggml.merges")->array_size(), 48900u);

    const GgufTensorInfo& first = file->tensors().front();
    EXPECT_EQ(first.name, "token_embd.weight");
    EXPECT_STREQ(ggml_type_name(first.ggml_type), "Q8_0");
    EXPECT_EQ(first.n_dims, 2u);
    EXPECT_EQ(first.ne[0], 576);
    EXPECT_EQ(first.ne[1], 49152);
    EXPECT_EQ(first.offset, 0u);
    EXPECT_EQ(first.n_bytes, 30081024u);
    EXPECT_EQ(first.data, file->bytes().data() + file->data_offset());

    const GgufTensorInfo* down = file->find_tensor("blk.0.ffn_down.weight");
    ASSERT_NE(down, nullptr);
    EXPECT_STREQ(ggml_type_name(down->ggml_type), "Q4_1");
    EXPECT_EQ(down->ne[0], 1536);
    EXPECT_EQ(down->ne[1], 576);
    EXPECT_EQ(down->n_elements(), 1536 * 576);
    EXPECT_EQ(down->n_rows(), 576);
    EXPECT_EQ(down->n_bytes, 552960u);
    EXPECT_EQ(file->find_tensor("blk.30.ffn_down.weight"), nullptr);

    const GgufTensorInfo& last = file->tensors().back();
    EXPECT_EQ(last.name, "output_norm.weight");
    EXPECT_EQ(file->data_offset() + last.offset + last.n_bytes, file->file_size());
}

TEST(GgufReader, FormatsExampleFile) {
    // FORMATS.md §2.1 worked example: 1 KV, one Q8_0 tensor of 64 x 8 at byte 128.
    auto file = GgufFile::open(kCorpusDir / "valid_formats_example.gguf");
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->file_size(), 672u);
    EXPECT_EQ(file->data_offset(), 128u);
    ASSERT_EQ(file->tensors().size(), 1u);
    EXPECT_EQ(file->tensors()[0].n_bytes, 544u);
    EXPECT_EQ(file->tensors()[0].bytes()[1], 7u);
}

TEST(GgufReader, AllValueTypes) {
    auto file = GgufFile::open(kCorpusDir / "valid_all_types.gguf");
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->metadata().size(), 18u);
    EXPECT_EQ(file->find("t.u8")->as_uint(), 255u);
    EXPECT_EQ(file->find("t.i8")->as_int(), -128);
    EXPECT_EQ(file->find("t.i8")->as_uint(), std::nullopt);
    EXPECT_EQ(file->find("t.u16")->as_uint(), 65535u);
    EXPECT_EQ(file->find("t.i16")->as_int(), -2);
    EXPECT_EQ(file->find("t.u32")->as_uint(), 7u);
    EXPECT_EQ(file->find("t.i32")->as_int(), -7);
    EXPECT_EQ(file->find("t.f32")->as_float(), 1.5);
    EXPECT_EQ(file->find("t.f32")->as_int(), std::nullopt);
    EXPECT_EQ(file->find("t.bool")->as_bool(), true);
    EXPECT_EQ(file->find("t.bool")->as_uint(), std::nullopt);
    EXPECT_EQ(file->find("t.str")->as_string(), "h\xc3\xa9llo");
    EXPECT_EQ(file->find("t.u64")->as_uint(), uint64_t{1} << 63);
    EXPECT_EQ(file->find("t.u64")->as_int(), std::nullopt);   // does not fit int64
    EXPECT_EQ(file->find("t.i64")->as_int(), std::numeric_limits<int64_t>::min());
    EXPECT_EQ(file->find("t.f64")->as_float(), -0.25);
    EXPECT_EQ(*file->find("t.arr_str")->as_string_array(), (std::vector<std::string>{"a", "", "<s>"}));
    EXPECT_EQ(file->find("t.arr_f32")->as_float_array(), (std::vector<float>{0.5f, -1.0f}));
    EXPECT_EQ(file->find("t.arr_f32")->as_int_array(), std::nullopt);
    EXPECT_EQ(file->find("t.arr_i32")->as_int_array(), (std::vector<int64_t>{1, -2, 3}));
    EXPECT_EQ(file->find("t.arr_i32")->as_string_array(), nullptr);
    EXPECT_EQ(file->find("t.arr_bool")->array(), GgufValue::Array(std::vector<bool>{false, true}));
    EXPECT_EQ(file->find("t.arr_empty")->array_size(), 0u);
    EXPECT_EQ(file->find("t.arr_empty")->array_type(), GgufType::Uint8);
    EXPECT_EQ(file->find("t.arr_empty")->as_int_array(), std::vector<int64_t>{});
}

TEST(GgufReader, AlignmentAndVersion2) {
    auto file = GgufFile::open(kCorpusDir / "valid_align64_two_tensors.gguf");
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->alignment(), 64u);
    EXPECT_EQ(file->data_offset() % 64, 0u);
    ASSERT_EQ(file->tensors().size(), 2u);
    EXPECT_EQ(file->tensors()[1].offset, 64u);
    EXPECT_EQ(file->tensors()[1].n_bytes, 6u);

    auto v2 = GgufFile::open(kCorpusDir / "valid_version2.gguf");
    ASSERT_TRUE(v2.ok()) << v2.error().message;
    EXPECT_EQ(v2->version(), 2u);
    EXPECT_EQ(v2->tensors().size(), 1u);

    auto none = GgufFile::open(kCorpusDir / "valid_no_tensors.gguf");
    ASSERT_TRUE(none.ok()) << none.error().message;
    EXPECT_TRUE(none->tensors().empty());
    EXPECT_EQ(none->data_offset(), none->file_size());
}

TEST(GgufReader, ValueAccessorsConvertWithRangeChecks) {
    EXPECT_EQ(GgufValue::i32(-1).as_uint(), std::nullopt);
    EXPECT_EQ(GgufValue::i32(-1).as_int(), -1);
    EXPECT_EQ(GgufValue::u8(200).as_int(), 200);
    EXPECT_EQ(GgufValue::u64(~uint64_t{0}).as_uint(), ~uint64_t{0});
    EXPECT_EQ(GgufValue::f64(2.5).as_float(), 2.5);
    EXPECT_EQ(GgufValue::string("x").as_float(), std::nullopt);
    EXPECT_EQ(GgufValue::u32_array({1, 2}).as_int_array(), (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(GgufValue::u64_array({~uint64_t{0}}).as_int_array(), std::nullopt);
    EXPECT_EQ(GgufValue::f32_array({0.25f}).as_float_array(), std::vector<float>{0.25f});
    EXPECT_EQ(GgufValue::int_array(GgufType::Int16, {-300, 300}).array_type(), GgufType::Int16);
    EXPECT_EQ(GgufValue::u16(7).summary(), "7");
    EXPECT_EQ(GgufValue::boolean(true).summary(), "true");
    EXPECT_EQ(GgufValue::string("abcdefghij").summary(8), "\"abcd...");
    EXPECT_EQ(GgufValue::i32_array({1, 2, 3}).summary(), "[3 \xC3\x97 int32]");
    EXPECT_STREQ(gguf_type_name(GgufType::Float64), "float64");
}

struct TypeSize {
    uint32_t id;
    const char* name;
    int64_t block;
    uint64_t bytes;
};

TEST(GgmlTypes, EveryTypeIdHasItsBlockSizeAndBytes) {
    // clang-format off
    const TypeSize table[] = {
        {0, "F32", 1, 4},          {1, "F16", 1, 2},          {2, "Q4_0", 32, 18},     {3, "Q4_1", 32, 20},
        {6, "Q5_0", 32, 22},       {7, "Q5_1", 32, 24},       {8, "Q8_0", 32, 34},     {9, "Q8_1", 32, 36},
        {10, "Q2_K", 256, 84},     {11, "Q3_K", 256, 110},    {12, "Q4_K", 256, 144},  {13, "Q5_K", 256, 176},
        {14, "Q6_K", 256, 210},    {15, "Q8_K", 256, 292},    {16, "IQ2_XXS", 256, 66}, {17, "IQ2_XS", 256, 74},
        {18, "IQ3_XXS", 256, 98},  {19, "IQ1_S", 256, 50},    {20, "IQ4_NL", 32, 18},  {21, "IQ3_S", 256, 110},
        {22, "IQ2_S", 256, 82},    {23, "IQ4_XS", 256, 136},  {24, "I8", 1, 1},        {25, "I16", 1, 2},
        {26, "I32", 1, 4},         {27, "I64", 1, 8},         {28, "F64", 1, 8},       {29, "IQ1_M", 256, 56},
        {30, "BF16", 1, 2},        {34, "TQ1_0", 256, 54},    {35, "TQ2_0", 256, 66},  {39, "MXFP4", 32, 17},
        {40, "NVFP4", 64, 36},     {41, "Q1_0", 128, 18},     {42, "Q2_0", 64, 18},
    };
    // clang-format on
    size_t valid = 0;
    for (uint32_t id = 0; id < 64; ++id) {
        const TypeSize* t = nullptr;
        for (const TypeSize& row : table)
            if (row.id == id)
                t = &row;
        if (t == nullptr) {
            EXPECT_EQ(ggml_type_name(id), nullptr) << id;
            const int64_t ne[] = {256};
            EXPECT_EQ(ggml_tensor_bytes(id, ne), std::nullopt) << id;
            continue;
        }
        ++valid;
        EXPECT_STREQ(ggml_type_name(id), t->name);
        // 3 rows x 2 matrices of 2 blocks each.
        const int64_t ne[] = {2 * t->block, 3, 2};
        EXPECT_EQ(ggml_tensor_bytes(id, ne), 12 * t->bytes) << t->name;
        if (t->block > 1) {
            const int64_t odd[] = {t->block + 1, 3};
            EXPECT_EQ(ggml_tensor_bytes(id, odd), std::nullopt) << t->name;
        }
    }
    EXPECT_EQ(valid, std::size(table));
    EXPECT_EQ(ggml_type_name(~uint32_t{0}), nullptr);
}

TEST(GgmlTypes, TensorBytesRejectsBadShapes) {
    const int64_t negative[] = {4, -1};
    EXPECT_EQ(ggml_tensor_bytes(0, negative), std::nullopt);
    const int64_t overflow[] = {int64_t{1} << 32, int64_t{1} << 32};
    EXPECT_EQ(ggml_tensor_bytes(0, overflow), std::nullopt);
    // The element count must fit int64 even when another dimension is zero.
    const int64_t zero_after_overflow[] = {int64_t{1} << 40, int64_t{1} << 40, 0};
    EXPECT_EQ(ggml_tensor_bytes(0, zero_after_overflow), std::nullopt);
    const int64_t empty[] = {4, 0};
    EXPECT_EQ(ggml_tensor_bytes(0, empty), 0u);
    const int64_t five[] = {1, 1, 1, 1, 1};
    EXPECT_EQ(ggml_tensor_bytes(0, five), std::nullopt);
    EXPECT_EQ(ggml_tensor_bytes(0, {}), std::nullopt);
    const int64_t big[] = {int64_t{1} << 31, int64_t{1} << 30};
    EXPECT_EQ(ggml_tensor_bytes(0, big), uint64_t{1} << 63);
}

} // namespace
} // namespace quanta
