// SPDX-License-Identifier: MIT
// GGUF -> HF (export_hf_model) -> GGUF (convert_hf_model): an F16 model comes back bit for bit,
// F32 norms and biases included.
#include "hf_export_test_util.h"
#include "quanta/format.h"
#include "quanta/gguf.h"
#include "quanta/hf_export.h"
#include "quanta/hf_import.h"
#include "quanta/synth_model.h"

#include <gtest/gtest.h>

namespace quanta {
namespace {

void round_trip(const std::string& arch, bool tied) {
    test::HfTempDir dir;
    SynthModelSpec spec;
    spec.architecture = arch;
    spec.n_vocab = 300;
    spec.n_embd = 64;
    spec.n_layer = 2;
    spec.n_ff = 96;
    spec.n_head = 4;
    spec.n_head_kv = 2;
    spec.weight_format = spec.embedding_format = spec.output_format = Format::F16;
    spec.tied_output = tied;
    ASSERT_TRUE(write_synth_model(dir / "a.gguf", spec).ok());
    auto exported = export_hf_model(dir / "a.gguf", dir / "hf");
    ASSERT_TRUE(exported.ok()) << exported.error().message;
    HfConvertOptions options;
    options.type = "F16";
    auto converted = convert_hf_model(dir / "hf", dir / "b.gguf", options);
    ASSERT_TRUE(converted.ok()) << converted.error().message;

    auto a = GgufFile::open(dir / "a.gguf");
    auto b = GgufFile::open(dir / "b.gguf");
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->tensors().size(), b->tensors().size());
    for (const GgufTensorInfo& t : a->tensors()) {
        const GgufTensorInfo* u = b->find_tensor(t.name);
        ASSERT_NE(u, nullptr) << t.name;
        EXPECT_EQ(t.ne, u->ne) << t.name;
        if (t.ggml_type == u->ggml_type && (t.ggml_type == 1 || t.ggml_type == 0)) {
            // F16 weights and F32 norms and biases (kept F32 by the export): the same bytes.
            EXPECT_TRUE(std::equal(t.bytes().begin(), t.bytes().end(), u->bytes().begin(), u->bytes().end()))
                << t.name << " differs after the round trip";
        } else {
            ADD_FAILURE() << t.name << ": types " << t.ggml_type << " -> " << u->ggml_type;
        }
    }
    for (const char* key : {"tokenizer.ggml.tokens", "tokenizer.ggml.merges", "tokenizer.ggml.token_type",
                            "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.pre"}) {
        const GgufValue* x = a->find(key);
        const GgufValue* y = b->find(key);
        ASSERT_NE(y, nullptr) << key;
        EXPECT_EQ(x->summary(200), y->summary(200)) << key;
        if (x->type() == GgufType::Array && x->array_type() == GgufType::String) {
            EXPECT_EQ(*x->as_string_array(), *y->as_string_array()) << key;
        }
    }
    for (const std::string key :
         {"block_count", "embedding_length", "feed_forward_length", "attention.head_count", "attention.head_count_kv",
          "context_length", "rope.freq_base", "attention.layer_norm_rms_epsilon"}) {
        const GgufValue* x = a->find(arch + "." + key);
        const GgufValue* y = b->find(arch + "." + key);
        ASSERT_NE(y, nullptr) << key;
        EXPECT_EQ(x->summary(), y->summary()) << key;
    }
}

TEST(HfExportRoundTrip, LlamaF16) {
    round_trip("llama", true);
}
TEST(HfExportRoundTrip, LlamaF16Untied) {
    round_trip("llama", false);
}
TEST(HfExportRoundTrip, Qwen2F16) {
    round_trip("qwen2", true);
}

} // namespace
} // namespace quanta
