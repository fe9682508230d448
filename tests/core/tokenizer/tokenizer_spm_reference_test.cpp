// SPDX-License-Identifier: MIT
// SentencePiece-style ("llama") tokenization against llama.cpp: a made-up vocabulary with byte
// fallback (scripts/tokenizer_reference.py, spm_vocab()) whose tokens, types and scores are in
// tests/data/tokenizer/spm_expected.json together with llama.cpp's ids for the whole corpus, with
// the metadata defaults (BOS added, space prefix), without (no prefix, no BOS, EOS added), and
// named like a Phi-3 model (whitespace after special tokens is dropped).
// Needs no model file: the GGUF is built in memory from the JSON.
#include "quanta/gguf.h"
#include "quanta/tokenizer.h"
#include "tokenizer_test_util.h"

#include <gtest/gtest.h>

namespace quanta {
namespace {

using test::json;

Result<Tokenizer> spm_tokenizer(const json& data, const json& metadata) {
    const json& vocab = data.at("vocab");
    GgufWriter writer;
    writer.set("general.architecture", GgufValue::string("llama"));
    writer.set("tokenizer.ggml.model", GgufValue::string("llama"));
    writer.set("tokenizer.ggml.tokens", GgufValue::string_array(vocab.at("tokens").get<std::vector<std::string>>()));
    writer.set("tokenizer.ggml.scores", GgufValue::f32_array(vocab.at("scores").get<std::vector<float>>()));
    writer.set("tokenizer.ggml.token_type", GgufValue::i32_array(vocab.at("types").get<std::vector<int32_t>>()));
    for (const auto& item : metadata.items()) {
        if (item.value().is_boolean())
            writer.set(item.key(), GgufValue::boolean(item.value().get<bool>()));
        else
            writer.set(item.key(), GgufValue::string(item.value().get<std::string>()));
    }
    auto bytes = writer.serialize({});
    if (!bytes)
        return bytes.take_error();
    // The tokenizer copies what it needs, so the buffer and the file may go away afterwards.
    auto file = GgufFile::parse(*bytes);
    if (!file)
        return file.take_error();
    return Tokenizer::from_gguf(*file);
}

TEST(SpmReference, IdsAndDecodingMatchLlamaCpp) {
    const json data = test::load_json("spm_expected.json");
    const auto texts = test::corpus_texts();
    ASSERT_EQ(data.at("variants").size(), 3u);
    for (const json& variant : data.at("variants")) {
        const std::string name = variant.at("name").get<std::string>();
        auto tok = spm_tokenizer(data, variant.at("metadata"));
        ASSERT_TRUE(tok) << name << ": " << tok.error().message;
        EXPECT_EQ(tok->model(), TokenizerModel::SentencePiece);
        EXPECT_EQ(tok->bos_id(), 1);
        EXPECT_EQ(tok->eos_id(), 2);
        EXPECT_EQ(tok->unk_id(), 0);
        test::check_facts(*tok, variant.at("facts"), name);
        const auto [ok, total] = test::check_cases(*tok, variant.at("cases"), texts, name);
        std::printf("%-14s: %d / %d id lists identical to llama.cpp\n", name.c_str(), ok, total);
    }
}

} // namespace
} // namespace quanta
