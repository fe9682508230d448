// SPDX-License-Identifier: MIT
// export_hf_model on the default model (SmolLM2-135M-Instruct Q4_1): config, tokenizer and tensors
// checked against the GGUF with specific values.
#include "hf_export_test_util.h"
#include "quanta/format.h"
#include "quanta/gguf.h"
#include "quanta/hf_export.h"
#include "quanta/hf_import.h"

#include <gtest/gtest.h>

namespace quanta {
namespace {

namespace fs = std::filesystem;

class HfExportDefault : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!fs::exists(QUANTA_DEFAULT_MODEL))
            return;
        s_dir = fs::temp_directory_path() / ("quanta_hfe_default_" + std::to_string(::getpid()));
        fs::remove_all(s_dir);
        fs::create_directories(s_dir);
        size_t calls = 0, last_total = 0;
        HfExportOptions options;
        options.on_progress = [&](size_t, size_t total) {
            ++calls;
            last_total = total;
            return true;
        };
        auto report = export_hf_model(QUANTA_DEFAULT_MODEL, s_dir / "hf", options);
        ASSERT_TRUE(report.ok()) << report.error().message;
        s_report = new HfExportReport(*report);
        s_st = new test::Safetensors(test::read_safetensors(s_dir / "hf" / "model.safetensors"));
        EXPECT_EQ(calls, last_total);
    }
    static void TearDownTestSuite() {
        std::error_code ec;
        if (!s_dir.empty())
            fs::remove_all(s_dir, ec);
        delete s_report;
        s_report = nullptr;
        delete s_st;
        s_st = nullptr;
    }
    void SetUp() override {
        if (!fs::exists(QUANTA_DEFAULT_MODEL))
            GTEST_SKIP() << "default model missing: " << QUANTA_DEFAULT_MODEL;
        ASSERT_NE(s_report, nullptr);
    }
    static fs::path hf() { return s_dir / "hf"; }

    static inline fs::path s_dir;
    static inline HfExportReport* s_report = nullptr;
    static inline test::Safetensors* s_st = nullptr; ///< model.safetensors, read once
};

TEST_F(HfExportDefault, ConfigMatchesTheGgufHyperparameters) {
    const auto c = test::read_json(hf() / "config.json");
    EXPECT_EQ(c.at("architectures")[0], "LlamaForCausalLM");
    EXPECT_EQ(c.at("model_type"), "llama");
    EXPECT_EQ(c.at("hidden_size"), 576);
    EXPECT_EQ(c.at("num_hidden_layers"), 30);
    EXPECT_EQ(c.at("num_attention_heads"), 9);
    EXPECT_EQ(c.at("num_key_value_heads"), 3);
    EXPECT_EQ(c.at("intermediate_size"), 1536);
    EXPECT_EQ(c.at("vocab_size"), 49152);
    EXPECT_EQ(c.at("rope_theta"), 100000.0);
    EXPECT_EQ(c.at("rms_norm_eps"), 1e-5); // the shortest decimal of the float32, not 9.99999974e-06
    EXPECT_EQ(c.at("max_position_embeddings"), 8192);
    EXPECT_EQ(c.at("head_dim"), 64);
    EXPECT_EQ(c.at("tie_word_embeddings"), true);
    EXPECT_TRUE(c.at("rope_scaling").is_null());
    EXPECT_EQ(c.at("bos_token_id"), 1);
    EXPECT_EQ(c.at("eos_token_id"), 2);
    EXPECT_EQ(c.at("torch_dtype"), "float16");
    EXPECT_TRUE(s_report->warnings.empty());
}

TEST_F(HfExportDefault, TokenizerJsonHasTheVocabularyMergesAndSpecials) {
    const auto t = test::read_json(hf() / "tokenizer.json");
    const auto& model = t.at("model");
    EXPECT_EQ(model.at("type"), "BPE");
    EXPECT_EQ(model.at("vocab").size(), 49152u);
    EXPECT_EQ(model.at("merges").size(), 48900u);
    EXPECT_EQ(model.at("vocab").at("<|im_start|>"), 1);
    EXPECT_EQ(model.at("vocab").at("Ġthe"), 260); // " the", the first merge result past the specials
    EXPECT_EQ(model.at("merges")[0], "Ġ t");
    bool im_start = false, im_end = false;
    for (const auto& a : t.at("added_tokens")) {
        im_start = im_start || (a.at("content") == "<|im_start|>" && a.at("id") == 1 && a.at("special") == true);
        im_end = im_end || (a.at("content") == "<|im_end|>" && a.at("id") == 2 && a.at("special") == true);
    }
    EXPECT_TRUE(im_start);
    EXPECT_TRUE(im_end);
    EXPECT_EQ(t.at("added_tokens").size(), 17u);
    const auto& pre = t.at("pre_tokenizer");
    EXPECT_EQ(pre.at("type"), "Sequence");
    EXPECT_EQ(pre.at("pretokenizers")[0], (nlohmann::json{{"type", "Digits"}, {"individual_digits", true}}));
    EXPECT_EQ(pre.at("pretokenizers")[1].at("type"), "ByteLevel");
    EXPECT_EQ(pre.at("pretokenizers")[1].at("add_prefix_space"), false);
    EXPECT_EQ(s_report->vocab_size, 49152u);
    EXPECT_EQ(s_report->merges_count, 48900u);

    const auto c = test::read_json(hf() / "tokenizer_config.json");
    auto file = GgufFile::open(QUANTA_DEFAULT_MODEL);
    ASSERT_TRUE(file.ok());
    EXPECT_EQ(c.at("chat_template").get<std::string>(),
              std::string(*file->find("tokenizer.chat_template")->as_string()));
    EXPECT_NE(c.at("chat_template").get<std::string>().find("<|im_start|>"), std::string::npos);
    EXPECT_EQ(c.at("bos_token"), "<|im_start|>");
    EXPECT_EQ(c.at("eos_token"), "<|im_end|>");
    EXPECT_EQ(c.at("add_bos_token"), false);
    EXPECT_EQ(c.at("model_max_length"), 8192);
    EXPECT_EQ(c.at("added_tokens_decoder").at("2").at("content"), "<|im_end|>");
}

TEST_F(HfExportDefault, SafetensorsHasHfNamesAndShapes) {
    const test::Safetensors& st = *s_st;
    EXPECT_EQ((8 + st.header_len) % 8, 0u);
    EXPECT_EQ(st.header.size(), 1u + 272u); // __metadata__ + 272 tensors (tied: no lm_head, no rope_freqs)
    EXPECT_EQ(s_report->tensor_count, 272u);
    EXPECT_EQ(s_report->parameter_count, 134515008);
    EXPECT_EQ(st.header.at("__metadata__").at("format"), "pt");
    const auto shape = [&](const std::string& n) { return st.header.at(n).at("shape").get<std::vector<int64_t>>(); };
    EXPECT_EQ(shape("model.embed_tokens.weight"), (std::vector<int64_t>{49152, 576}));
    EXPECT_EQ(shape("model.layers.0.self_attn.q_proj.weight"), (std::vector<int64_t>{576, 576}));
    EXPECT_EQ(shape("model.layers.29.self_attn.k_proj.weight"), (std::vector<int64_t>{192, 576}));
    EXPECT_EQ(shape("model.layers.7.self_attn.v_proj.weight"), (std::vector<int64_t>{192, 576}));
    EXPECT_EQ(shape("model.layers.3.mlp.down_proj.weight"), (std::vector<int64_t>{576, 1536}));
    EXPECT_EQ(shape("model.layers.3.mlp.gate_proj.weight"), (std::vector<int64_t>{1536, 576}));
    EXPECT_EQ(shape("model.layers.0.input_layernorm.weight"), (std::vector<int64_t>{576}));
    EXPECT_EQ(shape("model.norm.weight"), (std::vector<int64_t>{576}));
    EXPECT_FALSE(st.header.contains("lm_head.weight"));
    // Data offsets are contiguous in header order and cover the data section exactly.
    uint64_t next = 0;
    for (const auto& [name, e] : st.header.items()) {
        if (name == "__metadata__")
            continue;
        // F32 in the GGUF (the norms) stays F32, so that converting back gives the same bytes.
        EXPECT_EQ(e.at("dtype"), e.at("shape").size() == 1 ? "F32" : "F16") << name;
        EXPECT_EQ(e.at("data_offsets")[0].get<uint64_t>(), next) << name;
        next = e.at("data_offsets")[1].get<uint64_t>();
    }
    EXPECT_EQ(next, st.data.size());
}

/// HF row `hf_row` of `hf_name` equals fp16(dequantized GGUF row `gguf_row` of `gguf_name`).
void expect_row(const test::Safetensors& st, const GgufFile& file, const std::string& hf_name, int64_t hf_row,
                const std::string& gguf_name, int64_t gguf_row) {
    const GgufTensorInfo* t = file.find_tensor(gguf_name);
    ASSERT_NE(t, nullptr);
    ASSERT_EQ(t->ggml_type, 3u); // Q4_1
    std::vector<float> row(576);
    dequantize_row_reference(Format::Q4_1, t->data + gguf_row * static_cast<int64_t>(row_bytes(Format::Q4_1, 576)),
                             row.data(), 576);
    const auto words = st.words(hf_name);
    for (size_t c = 0; c < 576; ++c)
        ASSERT_EQ(words[static_cast<size_t>(hf_row) * 576 + c], f32_to_fp16(row[c]))
            << hf_name << " row " << hf_row << " col " << c;
}

TEST_F(HfExportDefault, QkRowsAreUnpermutedPerHead) {
    const test::Safetensors& st = *s_st;
    auto file = GgufFile::open(QUANTA_DEFAULT_MODEL);
    ASSERT_TRUE(file.ok());
    // Q: 9 heads of 64 rows, half = 32. hf_row[h*64 + p*32 + j] = gguf_row[h*64 + 2j + p].
    const std::string q = "model.layers.0.self_attn.q_proj.weight";
    expect_row(st, *file, q, 0, "blk.0.attn_q.weight", 0);     // h0 p0 j0
    expect_row(st, *file, q, 1, "blk.0.attn_q.weight", 2);     // h0 p0 j1
    expect_row(st, *file, q, 31, "blk.0.attn_q.weight", 62);   // h0 p0 j31
    expect_row(st, *file, q, 32, "blk.0.attn_q.weight", 1);    // h0 p1 j0
    expect_row(st, *file, q, 63, "blk.0.attn_q.weight", 63);   // h0 p1 j31
    expect_row(st, *file, q, 97, "blk.0.attn_q.weight", 67);   // h1 p1 j1
    expect_row(st, *file, q, 530, "blk.0.attn_q.weight", 548); // h8 p0 j18: 512 + 36
    // K: 3 heads of 64 rows.
    const std::string k = "model.layers.12.self_attn.k_proj.weight";
    expect_row(st, *file, k, 150, "blk.12.attn_k.weight", 172); // h2 p0 j22: 128 + 44
    expect_row(st, *file, k, 191, "blk.12.attn_k.weight", 191); // h2 p1 j31
    expect_row(st, *file, k, 96, "blk.12.attn_k.weight", 65);   // h1 p1 j0
    // V and o_proj are not permuted.
    expect_row(st, *file, "model.layers.12.self_attn.v_proj.weight", 96, "blk.12.attn_v.weight", 96);
    expect_row(st, *file, "model.layers.5.self_attn.o_proj.weight", 33, "blk.5.attn_output.weight", 33);
}

TEST_F(HfExportDefault, EmbeddingsAndNormsAreDequantized) {
    const test::Safetensors& st = *s_st;
    auto file = GgufFile::open(QUANTA_DEFAULT_MODEL);
    ASSERT_TRUE(file.ok());
    const GgufTensorInfo* e = file->find_tensor("token_embd.weight");
    ASSERT_EQ(e->ggml_type, 8u); // Q8_0
    std::vector<float> row(576);
    const int64_t id = 12345;
    dequantize_row_reference(Format::Q8_0, e->data + id * static_cast<int64_t>(row_bytes(Format::Q8_0, 576)),
                             row.data(), 576);
    const auto emb = st.words("model.embed_tokens.weight");
    for (size_t c = 0; c < 576; ++c)
        ASSERT_EQ(emb[static_cast<size_t>(id) * 576 + c], f32_to_fp16(row[c]));
    const GgufTensorInfo* n = file->find_tensor("output_norm.weight");
    const auto norm = st.floats("model.norm.weight");
    for (size_t c = 0; c < 576; ++c) {
        float x = 0;
        std::memcpy(&x, n->data + 4 * c, 4);
        ASSERT_EQ(norm[c], x);
    }
}

// The exported folder converts back (hf_import, F16) to the GGUF's tokenizer and hyperparameters,
// and to weights equal to the GGUF's dequantized ones in GGUF row order (the permutation undone
// by the export is redone by the importer).
TEST_F(HfExportDefault, ConvertsBackToTheSameModel) {
    HfConvertOptions options;
    options.type = "F16";
    const fs::path back = s_dir / "back.gguf";
    auto converted = convert_hf_model(hf(), back, options);
    ASSERT_TRUE(converted.ok()) << converted.error().message;
    auto a = GgufFile::open(QUANTA_DEFAULT_MODEL);
    auto b = GgufFile::open(back);
    ASSERT_TRUE(a.ok() && b.ok());
    for (const char* key : {"tokenizer.ggml.tokens", "tokenizer.ggml.merges"})
        EXPECT_EQ(*a->find(key)->as_string_array(), *b->find(key)->as_string_array()) << key;
    for (const char* key :
         {"tokenizer.ggml.token_type", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
          "tokenizer.ggml.pre", "tokenizer.chat_template", "llama.block_count", "llama.embedding_length",
          "llama.feed_forward_length", "llama.attention.head_count", "llama.attention.head_count_kv",
          "llama.rope.freq_base", "llama.context_length", "llama.attention.layer_norm_rms_epsilon"}) {
        ASSERT_NE(b->find(key), nullptr) << key;
        EXPECT_EQ(a->find(key)->summary(100000), b->find(key)->summary(100000)) << key;
    }
    EXPECT_EQ(a->tensors().size(), b->tensors().size());
    for (const char* name : {"blk.0.attn_q.weight", "blk.17.attn_k.weight", "blk.29.ffn_down.weight"}) {
        const GgufTensorInfo* t = a->find_tensor(name);
        const GgufTensorInfo* u = b->find_tensor(name);
        ASSERT_TRUE(t && u) << name;
        ASSERT_EQ(t->ne, u->ne) << name;
        ASSERT_EQ(u->ggml_type, 1u) << name; // F16
        const int64_t ne0 = t->ne[0];
        std::vector<float> row(static_cast<size_t>(ne0));
        for (int64_t r = 0; r < t->ne[1]; ++r) {
            dequantize_row_reference(Format::Q4_1, t->data + r * static_cast<int64_t>(row_bytes(Format::Q4_1, ne0)),
                                     row.data(), ne0);
            for (int64_t c = 0; c < ne0; ++c) {
                uint16_t h = 0;
                std::memcpy(&h, u->data + 2 * (r * ne0 + c), 2);
                ASSERT_EQ(h, f32_to_fp16(row[static_cast<size_t>(c)])) << name << " row " << r << " col " << c;
            }
        }
    }
}

} // namespace
} // namespace quanta
