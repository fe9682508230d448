// SPDX-License-Identifier: MIT
// export_hf_model on multi-part weights (NF4, INT8) and llama3 rope factors.
#include "hf_export_test_util.h"
#include "quanta/format.h"
#include "quanta/gguf.h"
#include "quanta/hf_export.h"
#include "quanta/synth_model.h"

#include <gtest/gtest.h>

#include <cmath>

namespace quanta {
namespace {

namespace fs = std::filesystem;

SynthModelSpec small(Format weights) {
    SynthModelSpec spec;
    spec.n_vocab = 300;
    spec.n_embd = 128;
    spec.n_layer = 1;
    spec.n_ff = 128;
    spec.n_head = 4;
    spec.n_head_kv = 2;
    spec.weight_format = weights;
    return spec;
}

/// The whole weight `name` of a multi-part format, dequantized with the reference kernel.
std::vector<float> dequantize_parts(const GgufFile& file, const std::string& name, Format format, int64_t ne0,
                                    int64_t rows) {
    std::vector<PartView> views;
    for (const GgufTensorInfo& t : file.tensors())
        if (t.name.rfind(name + ".", 0) == 0)
            views.push_back(PartView{std::string_view(t.name).substr(name.size()), t.ggml_type,
                                     std::span<const int64_t>(t.ne.data(), t.n_dims), t.bytes()});
    std::vector<float> y(static_cast<size_t>(ne0 * rows));
    EXPECT_TRUE(dequantize_tensor_reference(format, views, ne0, rows, y.data()).ok()) << name;
    return y;
}

void check_multi_part(Format format) {
    test::HfTempDir dir;
    ASSERT_TRUE(write_synth_model(dir / "m.gguf", small(format)).ok());
    auto report = export_hf_model(dir / "m.gguf", dir / "hf");
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->tensor_count, 1u + 9u + 1u);
    auto file = GgufFile::open(dir / "m.gguf");
    ASSERT_TRUE(file.ok());
    const auto st = test::read_safetensors(dir / "hf" / "model.safetensors");
    EXPECT_EQ(st.header.size(), 1u + 11u); // no part names (".nf4_absmax", ".int8_scb") leak out
    EXPECT_EQ(st.shape("model.layers.0.mlp.down_proj.weight"), (std::vector<int64_t>{128, 128}));

    const auto up = dequantize_parts(*file, "blk.0.ffn_up.weight", format, 128, 128);
    const auto up_hf = st.words("model.layers.0.mlp.up_proj.weight");
    for (size_t i = 0; i < up.size(); ++i)
        ASSERT_EQ(up_hf[i], f32_to_fp16(up[i])) << i;
    // q_proj: 4 heads of 32 rows; HF row h*32 + p*16 + j = GGUF row h*32 + 2j + p.
    const auto q = dequantize_parts(*file, "blk.0.attn_q.weight", format, 128, 128);
    const auto q_hf = st.words("model.layers.0.self_attn.q_proj.weight");
    for (int64_t r = 0; r < 128; ++r) {
        const int64_t h = r / 32, p = (r % 32) / 16, j = r % 16;
        const int64_t src = h * 32 + 2 * j + p;
        for (int64_t c = 0; c < 128; ++c)
            ASSERT_EQ(q_hf[static_cast<size_t>(r * 128 + c)], f32_to_fp16(q[static_cast<size_t>(src * 128 + c)]))
                << "row " << r;
    }
}

TEST(HfExportFormats, Nf4WeightsAreDequantized) {
    check_multi_part(Format::NF4);
}
TEST(HfExportFormats, Int8WeightsAreDequantized) {
    check_multi_part(Format::INT8);
}

TEST(HfExportFormats, QuantizedKQuantsExport) {
    test::HfTempDir dir;
    SynthModelSpec spec = small(Format::Q4_K);
    spec.n_embd = 256;
    spec.n_ff = 256;
    ASSERT_TRUE(write_synth_model(dir / "m.gguf", spec).ok());
    auto report = export_hf_model(dir / "m.gguf", dir / "hf");
    ASSERT_TRUE(report.ok()) << report.error().message;
    auto file = GgufFile::open(dir / "m.gguf");
    ASSERT_TRUE(file.ok());
    const auto st = test::read_safetensors(dir / "hf" / "model.safetensors");
    const GgufTensorInfo* t = file->find_tensor("blk.0.ffn_gate.weight");
    std::vector<float> row(256);
    dequantize_row_reference(Format::Q4_K, t->data + 7 * row_bytes(Format::Q4_K, 256), row.data(), 256);
    const auto words = st.words("model.layers.0.mlp.gate_proj.weight");
    for (size_t c = 0; c < 256; ++c)
        ASSERT_EQ(words[7 * 256 + c], f32_to_fp16(row[c]));
}

/// Rewrite a synthetic model with llama3 rope factors (factor 32, low 1, high 4, original 8192).
TEST(HfExportFormats, Llama3RopeFactorsBecomeRopeScaling) {
    test::HfTempDir dir;
    SynthModelSpec spec = small(Format::Q8_0);
    spec.rope_factors = true;
    spec.rope_freq_base = 500000.0f;
    ASSERT_TRUE(write_synth_model(dir / "synth.gguf", spec).ok());
    auto file = GgufFile::open(dir / "synth.gguf");
    ASSERT_TRUE(file.ok());
    const int64_t head_dim = 128 / 4;
    std::vector<float> factors;
    for (int64_t i = 0; i < head_dim; i += 2) {
        const double freq = 1.0 / std::pow(500000.0, static_cast<double>(i) / head_dim);
        const double wavelen = 2.0 * 3.14159265358979323846 / freq;
        if (wavelen < 8192.0 / 4.0)
            factors.push_back(1.0f);
        else if (wavelen > 8192.0 / 1.0)
            factors.push_back(32.0f);
        else {
            const double smooth = (8192.0 / wavelen - 1.0) / (4.0 - 1.0);
            factors.push_back(static_cast<float>(1.0 / ((1.0 - smooth) / 32.0 + smooth)));
        }
    }
    ASSERT_EQ(factors.front(), 1.0f);
    ASSERT_EQ(factors.back(), 32.0f);
    GgufWriter w;
    w.copy_metadata(*file);
    std::vector<std::span<const uint8_t>> data;
    for (const GgufTensorInfo& t : file->tensors()) {
        ASSERT_TRUE(w.add_tensor(t.name, t.ggml_type, std::span<const int64_t>(t.ne.data(), t.n_dims)).ok());
        if (t.name == "rope_freqs.weight") {
            ASSERT_EQ(t.n_elements(), static_cast<int64_t>(factors.size()));
            data.emplace_back(reinterpret_cast<const uint8_t*>(factors.data()), factors.size() * 4);
        } else {
            data.push_back(t.bytes());
        }
    }
    ASSERT_TRUE(w.write_file(dir / "m.gguf", data).ok());

    auto report = export_hf_model(dir / "m.gguf", dir / "hf");
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->warnings.empty());
    const auto rs = test::read_json(dir / "hf" / "config.json").at("rope_scaling");
    EXPECT_EQ(rs.at("rope_type"), "llama3");
    EXPECT_EQ(rs.at("factor"), 32.0);
    EXPECT_EQ(rs.at("low_freq_factor"), 1.0);
    EXPECT_EQ(rs.at("high_freq_factor"), 4.0);
    EXPECT_EQ(rs.at("original_max_position_embeddings"), 8192);
    EXPECT_EQ(test::read_json(dir / "hf" / "config.json").at("rope_theta"), 500000.0);
}

/// tokenizer.ggml.pre "llama-bpe" with add_bos_token: Llama 3's layout (Split + ByteLevel without
/// regex, ignore_merges, BOS added by a TemplateProcessing post-processor).
TEST(HfExportFormats, Llama3TokenizerLayout) {
    test::HfTempDir dir;
    ASSERT_TRUE(write_synth_model(dir / "synth.gguf", small(Format::Q8_0)).ok());
    auto file = GgufFile::open(dir / "synth.gguf");
    ASSERT_TRUE(file.ok());
    GgufWriter w;
    w.copy_metadata(*file);
    w.set("tokenizer.ggml.pre", GgufValue::string("llama-bpe"));
    w.set("tokenizer.ggml.add_bos_token", GgufValue::boolean(true));
    std::vector<std::span<const uint8_t>> data;
    for (const GgufTensorInfo& t : file->tensors()) {
        ASSERT_TRUE(w.add_tensor(t.name, t.ggml_type, std::span<const int64_t>(t.ne.data(), t.n_dims)).ok());
        data.push_back(t.bytes());
    }
    ASSERT_TRUE(w.write_file(dir / "m.gguf", data).ok());
    auto report = export_hf_model(dir / "m.gguf", dir / "hf");
    ASSERT_TRUE(report.ok()) << report.error().message;
    const auto tok = test::read_json(dir / "hf" / "tokenizer.json");
    EXPECT_EQ(tok.at("model").at("ignore_merges"), true);
    const auto& pre = tok.at("pre_tokenizer").at("pretokenizers");
    EXPECT_EQ(pre[0].at("type"), "Split");
    EXPECT_NE(pre[0].at("pattern").at("Regex").get<std::string>().find("\\p{N}{1,3}"), std::string::npos);
    EXPECT_EQ(pre[0].at("behavior"), "Isolated");
    EXPECT_EQ(pre[1].at("use_regex"), false);
    const auto& post = tok.at("post_processor");
    EXPECT_EQ(post.at("type"), "Sequence");
    const auto& tp = post.at("processors")[1];
    EXPECT_EQ(tp.at("type"), "TemplateProcessing");
    const std::string bos = tp.at("single")[0].at("SpecialToken").at("id");
    EXPECT_EQ(tp.at("special_tokens").at(bos).at("ids"), nlohmann::json::array({0})); // synth BOS id 0
    EXPECT_EQ(test::read_json(dir / "hf" / "tokenizer_config.json").at("add_bos_token"), true);
}

} // namespace
} // namespace quanta
