// SPDX-License-Identifier: MIT
// export_hf_model on small synthetic models: every tensor compared value by value with the GGUF.
#include "hf_export_test_util.h"
#include "quanta/format.h"
#include "quanta/gguf.h"
#include "quanta/hf_export.h"
#include "quanta/synth_model.h"

#include <gtest/gtest.h>

#include <map>

namespace quanta {
namespace {

namespace fs = std::filesystem;

SynthModelSpec f16_spec(const std::string& arch) {
    SynthModelSpec spec;
    spec.architecture = arch;
    spec.n_vocab = 300;
    spec.n_embd = 64;
    spec.n_layer = 2;
    spec.n_ff = 96;
    spec.n_head = 4;
    spec.n_head_kv = 2;
    spec.weight_format = Format::F16;
    spec.embedding_format = Format::F16;
    spec.output_format = Format::F16;
    return spec;
}

/// GGUF name of an HF tensor name (the inverse of the export's table, written out independently).
std::string gguf_name_of(const std::string& hf) {
    static const std::map<std::string, std::string> kTop{{"model.embed_tokens.weight", "token_embd.weight"},
                                                         {"model.norm.weight", "output_norm.weight"},
                                                         {"lm_head.weight", "output.weight"}};
    if (auto it = kTop.find(hf); it != kTop.end())
        return it->second;
    static const std::map<std::string, std::string> kLayer{
        {"input_layernorm", "attn_norm"}, {"post_attention_layernorm", "ffn_norm"},
        {"self_attn.q_proj", "attn_q"},   {"self_attn.k_proj", "attn_k"},
        {"self_attn.v_proj", "attn_v"},   {"self_attn.o_proj", "attn_output"},
        {"mlp.gate_proj", "ffn_gate"},    {"mlp.up_proj", "ffn_up"},
        {"mlp.down_proj", "ffn_down"}};
    const std::string prefix = "model.layers.";
    EXPECT_EQ(hf.rfind(prefix, 0), 0u) << hf;
    const size_t dot = hf.find('.', prefix.size());
    const std::string layer = hf.substr(prefix.size(), dot - prefix.size());
    const std::string rest = hf.substr(dot + 1);
    const size_t kind = rest.rfind('.');
    return "blk." + layer + "." + kLayer.at(rest.substr(0, kind)) + rest.substr(kind);
}

/// Compare every exported tensor with the GGUF: F16 bits as stored (rows un-permuted for llama
/// q/k), F32 tensors through f32_to_fp16. Returns the number of tensors compared.
size_t compare_all(const fs::path& gguf_path, const test::Safetensors& st, const std::string& arch, int64_t n_head,
                   int64_t n_head_kv) {
    auto file = GgufFile::open(gguf_path);
    EXPECT_TRUE(file.ok());
    size_t compared = 0;
    for (const auto& [name, entry] : st.header.items()) {
        if (name == "__metadata__")
            continue;
        const std::string g = gguf_name_of(name);
        const GgufTensorInfo* t = file->find_tensor(g);
        EXPECT_NE(t, nullptr) << g;
        if (!t)
            continue;
        const auto shape = entry.at("shape").get<std::vector<int64_t>>();
        if (t->n_dims == 1 || (t->ne[1] == 1 && g.ends_with(".bias")))
            EXPECT_EQ(shape, (std::vector<int64_t>{t->ne[0]})) << name;
        else
            EXPECT_EQ(shape, (std::vector<int64_t>{t->ne[1], t->ne[0]})) << name;
        if (t->ggml_type == 0) { // F32 stays F32: the same values
            const auto values = st.floats(name);
            EXPECT_EQ(values.size(), static_cast<size_t>(t->n_elements())) << name;
            EXPECT_EQ(std::memcmp(values.data(), t->data, values.size() * 4), 0) << name;
            ++compared;
            continue;
        }
        const auto words = st.words(name);
        const int64_t rows = shape[0], cols = static_cast<int64_t>(words.size()) / rows;
        int64_t heads = 0;
        if (arch == "llama" && g.find("attn_q.") != std::string::npos)
            heads = n_head;
        if (arch == "llama" && g.find("attn_k.") != std::string::npos)
            heads = n_head_kv;
        bool same = true;
        for (int64_t r = 0; r < rows && same; ++r) {
            int64_t src = r;
            if (heads) {
                const int64_t d = rows / heads, h = r / d, in = r % d, p = in / (d / 2), j = in % (d / 2);
                src = h * d + 2 * j + p; // FORMATS.md §5: hf_row[h*D + p*half + j] = gguf_row[h*D + 2j + p]
            }
            for (int64_t c = 0; c < cols && same; ++c) {
                const size_t i = static_cast<size_t>(src * cols + c);
                EXPECT_EQ(t->ggml_type, 1u) << g;
                uint16_t want = 0;
                std::memcpy(&want, t->data + 2 * i, 2);
                same = words[static_cast<size_t>(r * cols + c)] == want;
                EXPECT_TRUE(same) << name << " row " << r << " col " << c;
            }
        }
        ++compared;
    }
    return compared;
}

TEST(HfExportSynth, LlamaF16IsBitExactAfterUnpermutation) {
    test::HfTempDir dir;
    const SynthModelSpec spec = f16_spec("llama");
    ASSERT_TRUE(write_synth_model(dir / "m.gguf", spec).ok());
    auto report = export_hf_model(dir / "m.gguf", dir / "hf");
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->tensor_count, 1u + 2u * 9u + 1u); // embed, 9 per layer, norm; tied: no lm_head
    EXPECT_TRUE(report->tied_embeddings);
    EXPECT_EQ(test::read_text(dir / "hf" / "model.safetensors").size(), report->safetensors_bytes);
    const auto st = test::read_safetensors(dir / "hf" / "model.safetensors");
    EXPECT_EQ((8 + st.header_len) % 8, 0u);
    EXPECT_FALSE(st.header.contains("lm_head.weight"));
    EXPECT_EQ(st.shape("model.layers.1.self_attn.k_proj.weight"), (std::vector<int64_t>{32, 64}));
    EXPECT_EQ(st.shape("model.layers.0.mlp.down_proj.weight"), (std::vector<int64_t>{64, 96}));
    EXPECT_EQ(st.header.at("model.layers.0.self_attn.k_proj.weight").at("dtype"), "F16");
    EXPECT_EQ(compare_all(dir / "m.gguf", st, "llama", 4, 2), 20u);

    const auto config = test::read_json(dir / "hf" / "config.json");
    EXPECT_EQ(config.at("architectures")[0], "LlamaForCausalLM");
    EXPECT_EQ(config.at("hidden_size"), 64);
    EXPECT_EQ(config.at("num_key_value_heads"), 2);
    EXPECT_EQ(config.at("vocab_size"), 300);
    EXPECT_EQ(config.at("rope_theta"), 10000.0);
    EXPECT_EQ(config.at("torch_dtype"), "float16");
    const auto tok = test::read_json(dir / "hf" / "tokenizer.json");
    EXPECT_EQ(tok.at("model").at("vocab").size(), 300u);
    // tokenizer.ggml.pre "smollm": Digits(individual) then ByteLevel, as SmolLM2's tokenizer.json.
    EXPECT_EQ(tok.at("pre_tokenizer").at("type"), "Sequence");
    EXPECT_EQ(tok.at("pre_tokenizer").at("pretokenizers")[0].at("type"), "Digits");
    EXPECT_EQ(tok.at("pre_tokenizer").at("pretokenizers")[0].at("individual_digits"), true);
    EXPECT_EQ(tok.at("pre_tokenizer").at("pretokenizers")[1].at("type"), "ByteLevel");
    EXPECT_EQ(tok.at("decoder").at("type"), "ByteLevel");
    EXPECT_EQ(test::read_json(dir / "hf" / "generation_config.json").at("eos_token_id"), 2);
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"hf", "m.gguf"})); // no temporary folder left
}

TEST(HfExportSynth, UntiedOutputBecomesLmHead) {
    test::HfTempDir dir;
    SynthModelSpec spec = f16_spec("llama");
    spec.tied_output = false;
    ASSERT_TRUE(write_synth_model(dir / "m.gguf", spec).ok());
    auto report = export_hf_model(dir / "m.gguf", dir / "hf");
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_FALSE(report->tied_embeddings);
    const auto st = test::read_safetensors(dir / "hf" / "model.safetensors");
    EXPECT_EQ(st.shape("lm_head.weight"), (std::vector<int64_t>{300, 64}));
    EXPECT_EQ(compare_all(dir / "m.gguf", st, "llama", 4, 2), 21u);
    EXPECT_EQ(test::read_json(dir / "hf" / "config.json").at("tie_word_embeddings"), false);
}

TEST(HfExportSynth, Qwen2HasBiasesAndNoPermutation) {
    test::HfTempDir dir;
    const SynthModelSpec spec = f16_spec("qwen2");
    ASSERT_TRUE(write_synth_model(dir / "m.gguf", spec).ok());
    auto report = export_hf_model(dir / "m.gguf", dir / "hf");
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->hf_architecture, "Qwen2ForCausalLM");
    const auto st = test::read_safetensors(dir / "hf" / "model.safetensors");
    EXPECT_EQ(st.shape("model.layers.0.self_attn.q_proj.bias"), (std::vector<int64_t>{64}));
    EXPECT_EQ(st.shape("model.layers.1.self_attn.k_proj.bias"), (std::vector<int64_t>{32}));
    EXPECT_TRUE(st.header.contains("model.layers.1.self_attn.v_proj.bias"));
    EXPECT_EQ(compare_all(dir / "m.gguf", st, "qwen2", 4, 2), 2u + 2u * 12u);
    const auto config = test::read_json(dir / "hf" / "config.json");
    EXPECT_EQ(config.at("model_type"), "qwen2");
    const auto tok = test::read_json(dir / "hf" / "tokenizer.json");
    EXPECT_EQ(tok.at("normalizer").at("type"), "NFC");
    EXPECT_EQ(tok.at("pre_tokenizer").at("pretokenizers")[0].at("type"), "Split");
    const std::string regex = tok.at("pre_tokenizer").at("pretokenizers")[0].at("pattern").at("Regex");
    EXPECT_NE(regex.find("\\p{N}|"), std::string::npos) << regex; // single digits, not \p{N}{1,3}
    EXPECT_EQ(regex.find("{1,3}"), std::string::npos) << regex;
    EXPECT_EQ(tok.at("pre_tokenizer").at("pretokenizers")[1].at("use_regex"), false);
}

TEST(HfExportSynth, Bf16AndQuantizedWeights) {
    test::HfTempDir dir;
    SynthModelSpec spec = f16_spec("llama");
    spec.weight_format = Format::Q8_0;
    ASSERT_TRUE(write_synth_model(dir / "m.gguf", spec).ok());
    HfExportOptions options;
    options.dtype = "bf16";
    auto report = export_hf_model(dir / "m.gguf", dir / "hf", options);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->dtype, "BF16");
    const auto st = test::read_safetensors(dir / "hf" / "model.safetensors");
    EXPECT_EQ(st.header.at("model.layers.0.mlp.up_proj.weight").at("dtype"), "BF16");
    EXPECT_EQ(test::read_json(dir / "hf" / "config.json").at("torch_dtype"), "bfloat16");
    // up_proj row 5 = bf16(dequantized Q8_0 row 5), no permutation.
    auto file = GgufFile::open(dir / "m.gguf");
    ASSERT_TRUE(file.ok());
    const GgufTensorInfo* t = file->find_tensor("blk.0.ffn_up.weight");
    std::vector<float> row(64);
    dequantize_row_reference(Format::Q8_0, t->data + 5 * row_bytes(Format::Q8_0, 64), row.data(), 64);
    const auto words = st.words("model.layers.0.mlp.up_proj.weight");
    for (int c = 0; c < 64; ++c)
        EXPECT_EQ(words[static_cast<size_t>(5 * 64 + c)], f32_to_bf16(row[static_cast<size_t>(c)]));
}

TEST(HfExportSynth, RopeFactorsThatAreNotLlama3AreReported) {
    test::HfTempDir dir;
    SynthModelSpec spec = f16_spec("llama");
    spec.rope_factors = true; // a linear ramp, not the llama3 formula
    ASSERT_TRUE(write_synth_model(dir / "m.gguf", spec).ok());
    auto report = export_hf_model(dir / "m.gguf", dir / "hf");
    ASSERT_TRUE(report.ok()) << report.error().message;
    ASSERT_EQ(report->warnings.size(), 1u);
    EXPECT_NE(report->warnings[0].find("rope_freqs"), std::string::npos);
    EXPECT_TRUE(test::read_json(dir / "hf" / "config.json").at("rope_scaling").is_null());
    EXPECT_FALSE(test::read_safetensors(dir / "hf" / "model.safetensors").header.contains("rope_freqs.weight"));
}

} // namespace
} // namespace quanta
