// SPDX-License-Identifier: MIT
// summarize_model on a tiny hand-built GGUF (every value checked exactly) and on the default model.
#include "quanta/gguf.h"
#include "quanta/model_info.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace quanta;

namespace {

constexpr uint32_t kF32 = 0, kF16 = 1, kQ8_0 = 8, kI8 = 24;

struct TinyTensor {
    std::string name;
    uint32_t type;
    std::vector<int64_t> ne;
    size_t bytes;
};

// The tensors of the tiny model, in file order. The NF4 weight blk.0.ffn_up.weight is 128 x 8
// (codes: 64 x 8 bytes; absmax: one I8 per 64 weights; nested: one F32 absmax per 256 absmax,
// an F32 offset and the F32 [256] map); the INT8 weight blk.0.ffn_down.weight is 32 x 8 with its
// scale part stored first, so that the logical row must appear where its first part is.
std::vector<TinyTensor> tiny_tensors() {
    return {
        {"token_embd.weight", kQ8_0, {64, 16}, 64 / 32 * 34 * 16},
        {"blk.0.attn_norm.weight", kF32, {64}, 64 * 4},
        {"blk.0.ffn_up.weight.nf4_codes", kI8, {64, 8}, 64 * 8},
        {"blk.0.ffn_up.weight.nf4_absmax", kI8, {16}, 16},
        {"blk.0.ffn_up.weight.nf4_nested_absmax", kF32, {1}, 4},
        {"blk.0.ffn_up.weight.nf4_nested_offset", kF32, {1}, 4},
        {"blk.0.ffn_up.weight.nf4_nested_map", kF32, {256}, 1024},
        {"blk.0.ffn_down.weight.int8_scb", kF32, {8}, 32},
        {"blk.0.ffn_down.weight.int8", kI8, {32, 8}, 256},
        {"output.weight", kF16, {64, 16}, 64 * 16 * 2},
    };
}

class TinyModel : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::temp_directory_path() /
                ("quanta_test_model_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(m_dir);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }

    // Standard metadata with deliberately mixed integer/float widths; `edit` may change it.
    template <class Edit>
    GgufFile write(Edit edit) {
        GgufWriter w;
        w.set("general.architecture", GgufValue::string("llama"));
        w.set("general.name", GgufValue::string("Tiny Test"));
        w.set("general.file_type", GgufValue::u32(7));
        w.set("llama.context_length", GgufValue::u32(256));
        w.set("llama.embedding_length", GgufValue::u64(64));
        w.set("llama.block_count", GgufValue::i32(1));
        w.set("llama.feed_forward_length", GgufValue::i32_array({96, 128}));
        w.set("llama.attention.head_count", GgufValue::u16(4));
        w.set("llama.attention.head_count_kv", GgufValue::u8(2));
        w.set("llama.rope.freq_base", GgufValue::f64(10000.0));
        w.set("llama.rope.dimension_count", GgufValue::u32(16));
        w.set("llama.attention.layer_norm_rms_epsilon", GgufValue::f32(1e-5f));
        w.set("tokenizer.ggml.model", GgufValue::string("gpt2"));
        w.set("tokenizer.ggml.pre", GgufValue::string("smollm"));
        std::vector<std::string> tokens;
        for (int i = 0; i < 16; ++i)
            tokens.push_back(std::string(1, static_cast<char>('a' + i)));
        w.set("tokenizer.ggml.tokens", GgufValue::string_array(tokens));
        w.set("tokenizer.ggml.merges", GgufValue::string_array({"t 1", "t 2", "t 3"}));
        w.set("tokenizer.ggml.bos_token_id", GgufValue::u32(1));
        w.set("tokenizer.ggml.eos_token_id", GgufValue::i32(2));
        w.set("tokenizer.chat_template", GgufValue::string("{{ messages }}"));
        edit(w);

        std::mt19937 rng(1234);
        std::vector<std::vector<uint8_t>> data;
        for (const TinyTensor& t : tiny_tensors()) {
            auto added = w.add_tensor(t.name, t.type, t.ne);
            EXPECT_TRUE(added.ok()) << t.name << ": " << (added.ok() ? "" : added.error().message);
            std::vector<uint8_t> bytes(t.bytes);
            for (auto& b : bytes)
                b = static_cast<uint8_t>(rng());
            data.push_back(std::move(bytes));
        }
        std::vector<std::span<const uint8_t>> spans(data.begin(), data.end());
        fs::path path = m_dir / "tiny.gguf";
        auto written = w.write_file(path, spans);
        EXPECT_TRUE(written.ok()) << (written.ok() ? "" : written.error().message);
        auto file = GgufFile::open(path);
        if (!file.ok())
            ADD_FAILURE() << file.error().message;
        return std::move(file).value();
    }

    fs::path m_dir;
};

const FormatUsage* find_format(const ModelSummary& s, std::string_view name) {
    for (const auto& f : s.formats)
        if (f.format == name)
            return &f;
    return nullptr;
}

} // namespace

TEST_F(TinyModel, HeaderAndHyperparameters) {
    GgufFile file = write([](GgufWriter&) {});
    auto summary = summarize_model(file);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    const ModelSummary& s = *summary;
    EXPECT_EQ(s.gguf_version, 3u);
    EXPECT_EQ(s.file_size, file.file_size());
    EXPECT_EQ(s.metadata_count, 19u);
    EXPECT_EQ(s.architecture, "llama");
    EXPECT_EQ(s.name, "Tiny Test");
    ASSERT_TRUE(s.file_type.has_value());
    EXPECT_EQ(*s.file_type, 7u);
    EXPECT_EQ(s.file_type_name, "MOSTLY_Q8_0");
    EXPECT_EQ(s.hparams.context_length, 256u);
    EXPECT_EQ(s.hparams.embedding_length, 64u);
    EXPECT_EQ(s.hparams.block_count, 1u);
    EXPECT_EQ(s.hparams.feed_forward_length, 128u); // the largest per-layer value
    EXPECT_EQ(s.hparams.head_count, 4u);
    EXPECT_EQ(s.hparams.head_count_kv, 2u);
    EXPECT_EQ(s.hparams.rope_freq_base, 10000.0);
    EXPECT_EQ(s.hparams.rope_dimension_count, 16u);
    ASSERT_TRUE(s.hparams.rms_epsilon.has_value());
    EXPECT_DOUBLE_EQ(*s.hparams.rms_epsilon, static_cast<double>(1e-5f));
    EXPECT_FALSE(s.hparams.vocab_size.has_value());
}

TEST_F(TinyModel, Tokenizer) {
    GgufFile file = write([](GgufWriter&) {});
    auto s = summarize_model(file);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->tokenizer.model, "gpt2");
    EXPECT_EQ(s->tokenizer.kind, "byte-level BPE");
    EXPECT_EQ(s->tokenizer.pre, "smollm");
    EXPECT_EQ(s->tokenizer.vocab_size, 16u);
    EXPECT_EQ(s->tokenizer.merges_count, 3u);
    EXPECT_EQ(s->tokenizer.bos_id, 1u);
    EXPECT_EQ(s->tokenizer.eos_id, 2u);
    EXPECT_TRUE(s->tokenizer.has_chat_template);
}

TEST_F(TinyModel, SentencePieceWithoutTemplate) {
    GgufFile file = write([](GgufWriter& w) {
        w.set("tokenizer.ggml.model", GgufValue::string("llama"));
        w.remove("tokenizer.chat_template");
        w.remove("tokenizer.ggml.merges");
    });
    auto s = summarize_model(file);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->tokenizer.kind, "SentencePiece");
    EXPECT_EQ(s->tokenizer.merges_count, 0u);
    EXPECT_FALSE(s->tokenizer.has_chat_template);
}

TEST_F(TinyModel, TensorTableFoldsMultiPartWeights) {
    GgufFile file = write([](GgufWriter&) {});
    auto summary = summarize_model(file);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    const ModelSummary& s = *summary;
    EXPECT_EQ(s.gguf_tensor_count, 10u);
    ASSERT_EQ(s.tensors.size(), 5u);

    EXPECT_EQ(s.tensors[0].name, "token_embd.weight");
    EXPECT_EQ(s.tensors[0].format, "Q8_0");
    EXPECT_EQ(s.tensors[0].shape, (std::vector<int64_t>{64, 16}));
    EXPECT_EQ(s.tensors[0].bytes, 1088u);
    EXPECT_EQ(s.tensors[0].elements, 1024);

    EXPECT_EQ(s.tensors[1].name, "blk.0.attn_norm.weight");
    EXPECT_EQ(s.tensors[1].format, "F32");
    EXPECT_EQ(s.tensors[1].shape, (std::vector<int64_t>{64}));
    EXPECT_EQ(s.tensors[1].bytes, 256u);

    EXPECT_EQ(s.tensors[2].name, "blk.0.ffn_up.weight");
    EXPECT_EQ(s.tensors[2].format, "NF4");
    EXPECT_EQ(s.tensors[2].shape, (std::vector<int64_t>{128, 8}));
    EXPECT_EQ(s.tensors[2].elements, 1024);
    EXPECT_EQ(s.tensors[2].bytes, 512u + 16u + 4u + 4u + 1024u);
    EXPECT_EQ(s.tensors[2].part_count, 5u);

    EXPECT_EQ(s.tensors[3].name, "blk.0.ffn_down.weight");
    EXPECT_EQ(s.tensors[3].format, "INT8");
    EXPECT_EQ(s.tensors[3].shape, (std::vector<int64_t>{32, 8}));
    EXPECT_EQ(s.tensors[3].elements, 256);
    EXPECT_EQ(s.tensors[3].bytes, 288u);
    EXPECT_EQ(s.tensors[3].part_count, 2u);

    EXPECT_EQ(s.tensors[4].name, "output.weight");
    EXPECT_EQ(s.tensors[4].format, "F16");
    EXPECT_EQ(s.tensors[4].bytes, 2048u);
}

TEST_F(TinyModel, ParametersAndBitsPerWeight) {
    GgufFile file = write([](GgufWriter&) {});
    auto summary = summarize_model(file);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    const ModelSummary& s = *summary;
    EXPECT_EQ(s.total_parameters, 1024 + 64 + 1024 + 256 + 1024);
    EXPECT_EQ(s.total_tensor_bytes, 1088u + 256u + 1560u + 288u + 2048u);
    EXPECT_DOUBLE_EQ(s.bits_per_weight, 8.0 * 5240.0 / 3392.0);

    ASSERT_EQ(s.formats.size(), 5u);
    // Sorted by bytes, largest first.
    EXPECT_EQ(s.formats[0].format, "F16");
    EXPECT_EQ(s.formats[1].format, "NF4");
    EXPECT_EQ(s.formats[2].format, "Q8_0");
    EXPECT_EQ(s.formats[3].format, "INT8");
    EXPECT_EQ(s.formats[4].format, "F32");
    EXPECT_DOUBLE_EQ(find_format(s, "F16")->bits_per_weight, 16.0);
    EXPECT_DOUBLE_EQ(find_format(s, "NF4")->bits_per_weight, 8.0 * 1560.0 / 1024.0);
    EXPECT_DOUBLE_EQ(find_format(s, "Q8_0")->bits_per_weight, 8.5);
    EXPECT_DOUBLE_EQ(find_format(s, "INT8")->bits_per_weight, 9.0);
    EXPECT_DOUBLE_EQ(find_format(s, "F32")->bits_per_weight, 32.0);
    EXPECT_EQ(find_format(s, "NF4")->tensor_count, 1u);
    EXPECT_EQ(find_format(s, "NF4")->elements, 1024);
}

TEST_F(TinyModel, MissingArchitectureIsNotFound) {
    GgufFile file = write([](GgufWriter& w) { w.remove("general.architecture"); });
    auto s = summarize_model(file);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::NotFound);
    EXPECT_NE(s.error().message.find("general.architecture"), std::string::npos) << s.error().message;
}

TEST_F(TinyModel, WrongKeyTypeNamesTheKey) {
    GgufFile file = write([](GgufWriter& w) { w.set("llama.block_count", GgufValue::string("thirty")); });
    auto s = summarize_model(file);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::Corrupt);
    EXPECT_NE(s.error().message.find("llama.block_count"), std::string::npos) << s.error().message;
}

TEST_F(TinyModel, NegativeCountIsCorrupt) {
    GgufFile file = write([](GgufWriter& w) { w.set("llama.context_length", GgufValue::i32(-5)); });
    auto s = summarize_model(file);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::Corrupt);
    EXPECT_NE(s.error().message.find("llama.context_length"), std::string::npos) << s.error().message;
}

TEST(ModelFormat, HumanRenderings) {
    const int64_t shape[] = {576, 49152};
    EXPECT_EQ(format_shape(shape), "576 x 49152");
    EXPECT_EQ(format_shape(std::span<const int64_t>(shape, 1)), "576");
    EXPECT_EQ(format_byte_size(512), "512 B");
    EXPECT_EQ(format_byte_size(1536), "1.50 KiB");
    EXPECT_EQ(format_byte_size(98362432), "93.8 MiB");
    EXPECT_EQ(format_byte_size(1023ull * 1024), "1.00 MiB");
    EXPECT_EQ(format_count(999), "999");
    EXPECT_EQ(format_count(134515008), "135 M");
    EXPECT_EQ(format_count(999600), "1.00 M");
    EXPECT_EQ(format_count(1240000000), "1.24 B");
    EXPECT_STREQ(file_type_name(3), "MOSTLY_Q4_1");
    EXPECT_STREQ(file_type_name(15), "MOSTLY_Q4_K_M");
    EXPECT_STREQ(file_type_name(32), "MOSTLY_BF16");
    EXPECT_EQ(file_type_name(4), nullptr);
    EXPECT_EQ(file_type_name(42), nullptr);
}

TEST(DefaultModel, Summary) {
    if (!fs::exists(QUANTA_DEFAULT_MODEL))
        GTEST_SKIP() << QUANTA_DEFAULT_MODEL << " is absent (scripts/fetch-model.sh fetches it)";
    auto file = GgufFile::open(QUANTA_DEFAULT_MODEL);
    ASSERT_TRUE(file.ok()) << file.error().message;
    auto summary = summarize_model(*file);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    const ModelSummary& s = *summary;
    EXPECT_EQ(s.architecture, "llama");
    EXPECT_EQ(s.hparams.block_count, 30u);
    EXPECT_EQ(s.hparams.embedding_length, 576u);
    EXPECT_EQ(s.hparams.context_length, 8192u);
    EXPECT_EQ(s.hparams.feed_forward_length, 1536u);
    EXPECT_EQ(s.hparams.head_count, 9u);
    EXPECT_EQ(s.hparams.head_count_kv, 3u);
    EXPECT_EQ(s.hparams.rope_freq_base, 100000.0);
    EXPECT_EQ(s.gguf_tensor_count, 272u);
    EXPECT_EQ(s.tensors.size(), 272u);
    EXPECT_EQ(s.tokenizer.kind, "byte-level BPE");
    EXPECT_EQ(s.tokenizer.vocab_size, 49152u);
    EXPECT_EQ(s.tokenizer.merges_count, 48900u);
    EXPECT_TRUE(s.tokenizer.has_chat_template);
    EXPECT_EQ(s.file_type_name, "MOSTLY_Q4_1");
    EXPECT_EQ(s.total_parameters, 134515008);
    EXPECT_EQ(s.total_tensor_bytes, 96576768u);
    ASSERT_EQ(s.formats.size(), 3u);
    EXPECT_EQ(s.formats[0].format, "Q4_1");
    EXPECT_EQ(s.formats[0].tensor_count, 210u);
    EXPECT_DOUBLE_EQ(s.formats[0].bits_per_weight, 5.0);
    EXPECT_EQ(s.formats[1].format, "Q8_0");
    EXPECT_DOUBLE_EQ(s.formats[1].bits_per_weight, 8.5);
    EXPECT_EQ(s.formats[2].format, "F32");
    EXPECT_EQ(s.formats[2].tensor_count, 61u);
    EXPECT_DOUBLE_EQ(s.bits_per_weight, 8.0 * 96576768.0 / 134515008.0);
}
