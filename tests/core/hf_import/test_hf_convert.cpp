// SPDX-License-Identifier: MIT
// convert_hf_model on tiny generated HF folders: metadata, tensor names/shapes, llama.cpp's Q/K
// permutation, sharded checkpoints, Qwen2, rope scaling, Q8_0 in the same pass, and a real load.
#include "hf_test_util.h"

#include "hf_import/hf_internal.h"
#include "quanta/cpu/cpu_backend.h"
#include "quanta/engine.h"
#include "quanta/gguf.h"
#include "quanta/hf_import.h"

#include <gtest/gtest.h>

#include <cmath>

namespace quanta {
namespace {

using test::TempDir;
using test::TinySpec;

std::string str_key(const GgufFile& f, std::string_view key) {
    const GgufValue* v = f.find(key);
    return v && v->as_string() ? std::string(*v->as_string()) : std::string("<missing>");
}
int64_t int_key(const GgufFile& f, std::string_view key) {
    const GgufValue* v = f.find(key);
    return v && v->as_int() ? *v->as_int() : -1;
}
std::vector<float> f16_data(const GgufTensorInfo& t) {
    std::vector<float> out(static_cast<size_t>(t.n_elements()));
    for (size_t i = 0; i < out.size(); ++i) {
        uint16_t h;
        std::memcpy(&h, t.data + 2 * i, 2);
        out[i] = fp16_to_f32(h);
    }
    return out;
}

/// Load on the CPU device and greedily generate 4 tokens.
void expect_runs(const std::filesystem::path& path) {
    auto backend = cpu::create_cpu_backend(2);
    auto model = Model::load(path, *backend->devices().front());
    ASSERT_TRUE(model.ok()) << model.error().message;
    auto session = Session::create(*model, {.n_ctx = 64});
    ASSERT_TRUE(session.ok()) << session.error().message;
    const auto prompt = (*model)->tokenizer().encode("the cat in the hat");
    ASSERT_FALSE(prompt.empty());
    GenerateOptions g;
    g.n_predict = 4;
    g.stop_at_eog = false;
    g.sampling.temperature = 0.0f;
    auto stats = generate(**session, prompt, g, [](int32_t, std::string_view) { return true; });
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    EXPECT_EQ(stats->n_generated, 4);
}

TEST(HfConvert, TinyLlamaMetadataTensorsAndPermutation) {
    TempDir tmp("llama");
    const TinySpec spec;
    const auto tensors = test::write_tiny_hf_folder(tmp.path / "tiny-llama", spec);
    const auto out = tmp.path / "tiny.gguf";
    auto report = convert_hf_model(tmp.path / "tiny-llama", out, {});
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->type, "F16");
    EXPECT_EQ(report->model.architecture, "llama");
    EXPECT_EQ(report->model.tokenizer_pre, "llama-bpe");
    EXPECT_EQ(report->tensor_count, 2u * 9u + 3u);
    EXPECT_EQ(test::list_dir(tmp.path), (std::vector<std::string>{"tiny-llama", "tiny.gguf"}));

    auto file = GgufFile::open(out);
    ASSERT_TRUE(file.ok()) << file.error().message;
    const GgufFile& f = *file;
    EXPECT_EQ(str_key(f, "general.architecture"), "llama");
    EXPECT_EQ(str_key(f, "general.name"), "tiny-llama");
    EXPECT_EQ(int_key(f, "general.file_type"), 1);
    EXPECT_EQ(int_key(f, "llama.block_count"), 2);
    EXPECT_EQ(int_key(f, "llama.embedding_length"), 64);
    EXPECT_EQ(int_key(f, "llama.feed_forward_length"), 128);
    EXPECT_EQ(int_key(f, "llama.attention.head_count"), 4);
    EXPECT_EQ(int_key(f, "llama.attention.head_count_kv"), 2);
    EXPECT_EQ(int_key(f, "llama.context_length"), 256);
    EXPECT_EQ(int_key(f, "llama.rope.dimension_count"), 16);
    EXPECT_EQ(int_key(f, "llama.vocab_size"), 264);
    EXPECT_FLOAT_EQ(static_cast<float>(*f.find("llama.rope.freq_base")->as_float()), 10000.0f);
    EXPECT_FLOAT_EQ(static_cast<float>(*f.find("llama.attention.layer_norm_rms_epsilon")->as_float()), 1e-5f);
    EXPECT_EQ(f.find("llama.rope.freq_base")->type(), GgufType::Float32);
    EXPECT_EQ(f.find("llama.block_count")->type(), GgufType::Uint32);
    // Tokenizer.
    EXPECT_EQ(str_key(f, "tokenizer.ggml.model"), "gpt2");
    EXPECT_EQ(str_key(f, "tokenizer.ggml.pre"), "llama-bpe");
    const auto* tokens = f.find("tokenizer.ggml.tokens")->as_string_array();
    ASSERT_NE(tokens, nullptr);
    ASSERT_EQ(tokens->size(), 264u);
    EXPECT_EQ((*tokens)[32], "\xC4\xA0");   // byte 0x20 -> U+0120
    EXPECT_EQ((*tokens)[258], "\xC4\xA0the");
    EXPECT_EQ((*tokens)[261], "<|im_start|>");
    EXPECT_EQ((*tokens)[263], "[PAD263]");
    const auto types = f.find("tokenizer.ggml.token_type")->as_int_array();
    ASSERT_TRUE(types.has_value());
    EXPECT_EQ((*types)[65], 1);
    EXPECT_EQ((*types)[260], 3);
    EXPECT_EQ((*types)[262], 3);
    EXPECT_EQ((*types)[263], 5);
    const auto* merges = f.find("tokenizer.ggml.merges")->as_string_array();
    ASSERT_NE(merges, nullptr);
    EXPECT_EQ(*merges, (std::vector<std::string>{"\xC4\xA0 t", "h e", "\xC4\xA0t he", "i n"}));
    EXPECT_EQ(int_key(f, "tokenizer.ggml.bos_token_id"), 261);
    EXPECT_EQ(int_key(f, "tokenizer.ggml.eos_token_id"), 262);
    EXPECT_EQ(int_key(f, "tokenizer.ggml.padding_token_id"), 260);
    EXPECT_EQ(f.find("tokenizer.ggml.add_bos_token")->as_bool(), std::optional<bool>(false));
    EXPECT_EQ(str_key(f, "tokenizer.chat_template"), test::kTinyChatTemplate);

    // Tensor names, shapes (GGUF order), types.
    struct Want {
        const char* name;
        int64_t ne0, ne1;
        uint32_t type;
    };
    for (const Want& w : {Want{"token_embd.weight", 64, 264, 1}, Want{"output.weight", 64, 264, 1}, Want{"output_norm.weight", 64, 1, 0},
                          Want{"blk.1.attn_norm.weight", 64, 1, 0}, Want{"blk.1.attn_q.weight", 64, 64, 1},
                          Want{"blk.1.attn_k.weight", 64, 32, 1}, Want{"blk.1.attn_v.weight", 64, 32, 1},
                          Want{"blk.1.attn_output.weight", 64, 64, 1}, Want{"blk.1.ffn_norm.weight", 64, 1, 0},
                          Want{"blk.1.ffn_gate.weight", 64, 128, 1}, Want{"blk.1.ffn_up.weight", 64, 128, 1},
                          Want{"blk.1.ffn_down.weight", 128, 64, 1}}) {
        const GgufTensorInfo* t = f.find_tensor(w.name);
        ASSERT_NE(t, nullptr) << w.name;
        EXPECT_EQ(t->ne[0], w.ne0) << w.name;
        EXPECT_EQ(t->ne[1], w.ne1) << w.name;
        EXPECT_EQ(t->ggml_type, w.type) << w.name;
    }
    EXPECT_EQ(f.find_tensor("rope_freqs.weight"), nullptr);

    // Q: rows viewed as (n_head, 2, head_dim/2, n_embd), axes 1 and 2 swapped (llama.cpp's permute).
    for (const auto& [hf_name, gguf_name, heads] : {std::tuple{"model.layers.0.self_attn.q_proj.weight", "blk.0.attn_q.weight", 4},
                                                    std::tuple{"model.layers.0.self_attn.k_proj.weight", "blk.0.attn_k.weight", 2}}) {
        const test::StTensor& src = tensors.at(hf_name);
        const auto got = f16_data(*f.find_tensor(gguf_name));
        const int64_t rows = src.shape[0], cols = src.shape[1], d = rows / heads, half = d / 2;
        ASSERT_EQ(got.size(), static_cast<size_t>(rows * cols));
        for (int64_t h = 0; h < heads; ++h)
            for (int64_t j = 0; j < half; ++j)
                for (int64_t p = 0; p < 2; ++p)
                    for (int64_t c = 0; c < cols; ++c) {
                        float v = src.values[static_cast<size_t>((h * d + p * half + j) * cols + c)];
                        if (src.dtype == "BF16")
                            v = bf16_to_f32(f32_to_bf16(v));
                        ASSERT_EQ(got[static_cast<size_t>((h * d + 2 * j + p) * cols + c)], fp16_to_f32(f32_to_fp16(v)))
                            << gguf_name << " head " << h << " j " << j << " p " << p;
                    }
    }
    // V is not permuted.
    const auto v = f16_data(*f.find_tensor("blk.0.attn_v.weight"));
    EXPECT_EQ(v[33], fp16_to_f32(f32_to_fp16(bf16_to_f32(f32_to_bf16(tensors.at("model.layers.0.self_attn.v_proj.weight").values[33])))));
    expect_runs(out);
}

TEST(HfConvert, PermutationHelperMatchesTheHandFormula) {
    // 2 heads of 4 rows: GGUF rows 0..3 of a head come from HF rows 0,2,1,3.
    std::vector<int64_t> src;
    for (int64_t r = 0; r < 8; ++r)
        src.push_back(hf::permuted_source_row(r, 8, 2));
    EXPECT_EQ(src, (std::vector<int64_t>{0, 2, 1, 3, 4, 6, 5, 7}));
}

TEST(HfConvert, ShardedCheckpointGivesTheSameTensors) {
    TempDir tmp("shards");
    TinySpec one;
    TinySpec three;
    three.shards = 3;
    test::write_tiny_hf_folder(tmp.path / "single", one);
    test::write_tiny_hf_folder(tmp.path / "sharded", three);
    auto info = read_hf_model(tmp.path / "sharded");
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->shards.size(), 3u);
    ASSERT_TRUE(convert_hf_model(tmp.path / "single", tmp.path / "a.gguf").ok());
    auto r = convert_hf_model(tmp.path / "sharded", tmp.path / "b.gguf");
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto a = GgufFile::open(tmp.path / "a.gguf");
    auto b = GgufFile::open(tmp.path / "b.gguf");
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->tensors().size(), b->tensors().size());
    for (const GgufTensorInfo& t : a->tensors()) {
        const GgufTensorInfo* u = b->find_tensor(t.name);
        ASSERT_NE(u, nullptr) << t.name;
        EXPECT_TRUE(std::equal(t.bytes().begin(), t.bytes().end(), u->bytes().begin(), u->bytes().end())) << t.name;
    }
    expect_runs(tmp.path / "b.gguf");
}

TEST(HfConvert, Qwen2HasBiasesAndNoPermutation) {
    TempDir tmp("qwen2");
    TinySpec spec;
    spec.architecture = "Qwen2ForCausalLM";
    spec.qwen2 = true;
    spec.weight_dtype = "F16";
    const auto tensors = test::write_tiny_hf_folder(tmp.path / "qwen", spec);
    auto r = convert_hf_model(tmp.path / "qwen", tmp.path / "q.gguf");
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto f = GgufFile::open(tmp.path / "q.gguf");
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(str_key(*f, "general.architecture"), "qwen2");
    EXPECT_EQ(str_key(*f, "tokenizer.ggml.pre"), "qwen2");
    EXPECT_EQ(int_key(*f, "qwen2.block_count"), 2);
    EXPECT_FLOAT_EQ(static_cast<float>(*f->find("qwen2.rope.freq_base")->as_float()), 1e6f);
    const GgufTensorInfo* bias = f->find_tensor("blk.0.attn_k.bias");
    ASSERT_NE(bias, nullptr);
    EXPECT_EQ(bias->ggml_type, 0u);
    EXPECT_EQ(bias->ne[0], 32);
    float b5;
    std::memcpy(&b5, bias->data + 5 * 4, 4);
    EXPECT_EQ(b5, tensors.at("model.layers.0.self_attn.k_proj.bias").values[5]);
    const auto q = f16_data(*f->find_tensor("blk.0.attn_q.weight"));
    const auto& src = tensors.at("model.layers.0.self_attn.q_proj.weight").values;
    for (size_t i = 0; i < q.size(); ++i)
        ASSERT_EQ(q[i], fp16_to_f32(f32_to_fp16(src[i]))) << i;
    expect_runs(tmp.path / "q.gguf");
}

TEST(HfConvert, Q8_0InTheSamePassLeavesNoTemporaryFile) {
    TempDir tmp("q8");
    test::write_tiny_hf_folder(tmp.path / "m", TinySpec{});
    std::vector<HfConvertProgress::Stage> stages;
    HfConvertOptions o;
    o.type = "q8_0";
    o.threads = 2;
    o.on_progress = [&](const HfConvertProgress& p) {
        if (stages.empty() || stages.back() != p.stage)
            stages.push_back(p.stage);
        return true;
    };
    auto r = convert_hf_model(tmp.path / "m", tmp.path / "m.Q8_0.gguf", o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->type, "Q8_0");
    EXPECT_EQ(stages, (std::vector{HfConvertProgress::Stage::Converting, HfConvertProgress::Stage::Quantizing}));
    EXPECT_EQ(test::list_dir(tmp.path), (std::vector<std::string>{"m", "m.Q8_0.gguf"}));
    auto f = GgufFile::open(tmp.path / "m.Q8_0.gguf");
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(int_key(*f, "general.file_type"), 7);
    EXPECT_EQ(f->find_tensor("blk.0.attn_q.weight")->ggml_type, 8u);
    EXPECT_EQ(f->find_tensor("blk.0.attn_norm.weight")->ggml_type, 0u);
    expect_runs(tmp.path / "m.Q8_0.gguf");
}

TEST(HfConvert, Llama3RopeScalingWritesRopeFreqs) {
    TempDir tmp("rope");
    TinySpec spec;
    spec.rope_scaling = {{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0}, {"high_freq_factor", 4.0},
                         {"original_max_position_embeddings", 64}};
    test::write_tiny_hf_folder(tmp.path / "m", spec);
    auto r = convert_hf_model(tmp.path / "m", tmp.path / "m.gguf", {.type = "F32"});
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto f = GgufFile::open(tmp.path / "m.gguf");
    ASSERT_TRUE(f.ok());
    const GgufTensorInfo* t = f->find_tensor("rope_freqs.weight");
    ASSERT_NE(t, nullptr);
    ASSERT_EQ(t->ne[0], 8);
    std::vector<float> got(8);
    std::memcpy(got.data(), t->data, 32);
    const auto want = hf::llama3_rope_factors(16, 10000.0, 8.0, 1.0, 4.0, 64.0);
    EXPECT_EQ(got, want);
    // By hand: freq_i = 10000^(-2i/16), wavelen = 2 pi / freq; < 16 -> 1, > 64 -> 8, else smoothed.
    EXPECT_FLOAT_EQ(got[0], 1.0f);                   // wavelen 6.28
    EXPECT_FLOAT_EQ(got[7], 8.0f);                   // wavelen 2 pi * 10000^(7/8)
    const double wl = 2 * M_PI * std::pow(10000.0, 2.0 / 16.0);   // i = 1: 19.3, between 16 and 64
    const double smooth = (64.0 / wl - 1.0) / 3.0;
    EXPECT_NEAR(got[1], 1.0 / ((1 - smooth) / 8.0 + smooth), 1e-5);
    EXPECT_EQ(f->find_tensor("blk.0.attn_q.weight")->ggml_type, 0u);
    expect_runs(tmp.path / "m.gguf");
}

TEST(HfConvert, CancelLeavesNothing) {
    TempDir tmp("cancel");
    test::write_tiny_hf_folder(tmp.path / "m", TinySpec{});
    for (const char* type : {"F16", "Q4_K_M"}) {
        int calls = 0;
        HfConvertOptions o;
        o.type = type;
        o.on_progress = [&](const HfConvertProgress&) { return ++calls < 3; };
        auto r = convert_hf_model(tmp.path / "m", tmp.path / "out.gguf", o);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::Cancelled);
        EXPECT_EQ(test::list_dir(tmp.path), std::vector<std::string>{"m"}) << type;
    }
}

} // namespace
} // namespace quanta
