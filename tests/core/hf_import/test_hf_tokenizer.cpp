// SPDX-License-Identifier: MIT
// tokenizer.json -> tokenizer.* keys: pre-tokenizer recognition and SentencePiece-style vocabularies.
#include "hf_test_util.h"

#include "quanta/cpu/cpu_backend.h"
#include "quanta/engine.h"
#include "quanta/gguf.h"
#include "quanta/hf_import.h"
#include "quanta/tokenizer.h"

#include <gtest/gtest.h>

namespace quanta {
namespace {

using test::TempDir;
using test::TinySpec;

std::string pre_of(const nlohmann::json& pre_tokenizer) {
    TempDir tmp("pre");
    test::write_tiny_hf_folder(tmp.path / "m", TinySpec{});
    auto tj = test::tiny_tokenizer_json(false);
    tj["pre_tokenizer"] = pre_tokenizer;
    test::write_text(tmp.path / "m" / "tokenizer.json", tj.dump());
    auto info = read_hf_model(tmp.path / "m");
    return info.ok() ? info->tokenizer_pre : "error: " + info.error().message;
}

TEST(HfTokenizer, RecognizesPreTokenizers) {
    const nlohmann::json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
    EXPECT_EQ(pre_of(byte_level), "gpt-2");
    EXPECT_EQ(pre_of({{"type", "Sequence"}, {"pretokenizers", {{{"type", "Digits"}, {"individual_digits", true}}, byte_level}}}), "smollm");
    EXPECT_EQ(pre_of(test::tiny_tokenizer_json(true)["pre_tokenizer"]), "qwen2");
    EXPECT_EQ(pre_of(test::tiny_tokenizer_json(false)["pre_tokenizer"]), "llama-bpe");
    const std::string digits_grouped = pre_of({{"type", "Sequence"}, {"pretokenizers", {{{"type", "Digits"}, {"individual_digits", false}}, byte_level}}});
    EXPECT_NE(digits_grouped.find("not one Quanta recognizes"), std::string::npos) << digits_grouped;
}

TEST(HfTokenizer, MergesAsPairsAreAccepted) {
    TempDir tmp("pairs");
    test::write_tiny_hf_folder(tmp.path / "m", TinySpec{});
    auto tj = test::tiny_tokenizer_json(false);
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{{"\xC4\xA0", "t"}, {"h", "e"}, {"\xC4\xA0t", "he"}, {"i", "n"}})
        pairs.push_back(nlohmann::json::array({a, b}));
    tj["model"]["merges"] = pairs;
    test::write_text(tmp.path / "m" / "tokenizer.json", tj.dump());
    auto r = convert_hf_model(tmp.path / "m", tmp.path / "o.gguf");
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto f = GgufFile::open(tmp.path / "o.gguf");
    ASSERT_TRUE(f.ok());
    EXPECT_EQ((*f->find("tokenizer.ggml.merges")->as_string_array())[2], "\xC4\xA0t he");
    auto tok = Tokenizer::from_gguf(*f);
    ASSERT_TRUE(tok.ok()) << tok.error().message;
    EXPECT_EQ(tok->encode(" the"), (std::vector<int32_t>{258}));
}

TEST(HfTokenizer, SentencePieceStyleVocabularyBecomesLlama) {
    TempDir tmp("spm");
    const std::vector<std::string> pieces = {"\xE2\x96\x81", "t", "h", "e", "\xE2\x96\x81t", "he", "\xE2\x96\x81the"};
    TinySpec spec;
    spec.n_vocab = 3 + 256 + static_cast<int64_t>(pieces.size());
    test::write_tiny_hf_folder(tmp.path / "m", spec);
    nlohmann::json vocab = nlohmann::json::object();
    vocab["<unk>"] = 0;
    vocab["<s>"] = 1;
    vocab["</s>"] = 2;
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        vocab[name] = 3 + b;
    }
    for (size_t i = 0; i < pieces.size(); ++i)
        vocab[pieces[i]] = 259 + i;
    nlohmann::json tj;
    tj["added_tokens"] = nlohmann::json::array();
    for (int i = 0; i < 3; ++i)
        tj["added_tokens"].push_back({{"id", i}, {"content", i == 0 ? "<unk>" : i == 1 ? "<s>" : "</s>"}, {"special", true}, {"normalized", false}});
    tj["normalizer"] = {{"type", "Sequence"},
                        {"normalizers", {{{"type", "Prepend"}, {"prepend", "\xE2\x96\x81"}}, {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\xE2\x96\x81"}}}}};
    tj["pre_tokenizer"] = nullptr;
    tj["post_processor"] = {{"type", "TemplateProcessing"},
                            {"single", {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}}};
    tj["model"] = {{"type", "BPE"}, {"unk_token", "<unk>"}, {"byte_fallback", true}, {"vocab", vocab},
                   {"merges", {"\xE2\x96\x81 t", "h e", "\xE2\x96\x81t he"}}};
    test::write_text(tmp.path / "m" / "tokenizer.json", tj.dump());
    test::write_text(tmp.path / "m" / "tokenizer_config.json",
                     R"({"bos_token":"<s>","eos_token":"</s>","unk_token":"<unk>","add_eos_token":false})");

    auto r = convert_hf_model(tmp.path / "m", tmp.path / "o.gguf");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->model.tokenizer_model, "llama");
    auto f = GgufFile::open(tmp.path / "o.gguf");
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(*f->find("tokenizer.ggml.model")->as_string(), "llama");
    EXPECT_EQ(f->find("tokenizer.ggml.pre"), nullptr);
    const auto types = *f->find("tokenizer.ggml.token_type")->as_int_array();
    EXPECT_EQ(types[0], 2);     // unknown
    EXPECT_EQ(types[1], 3);     // control
    EXPECT_EQ(types[3 + 0x41], 6);  // byte
    EXPECT_EQ(types[259], 1);
    const auto scores = *f->find("tokenizer.ggml.scores")->as_float_array();
    EXPECT_EQ(scores[263], -0.0f);  // "▁t": merge 0
    EXPECT_EQ(scores[264], -1.0f);  // "he": merge 1
    EXPECT_EQ(scores[265], -2.0f);  // "▁the": merge 2
    EXPECT_EQ(*f->find("tokenizer.ggml.add_bos_token")->as_bool(), true);
    EXPECT_EQ(*f->find("tokenizer.ggml.add_eos_token")->as_bool(), false);
    EXPECT_EQ(*f->find("tokenizer.ggml.add_space_prefix")->as_bool(), true);
    EXPECT_EQ(*f->find("tokenizer.ggml.bos_token_id")->as_uint(), 1u);
    EXPECT_EQ(*f->find("tokenizer.ggml.unknown_token_id")->as_uint(), 0u);

    auto backend = cpu::create_cpu_backend(1);
    auto model = Model::load(tmp.path / "o.gguf", *backend->devices().front());
    ASSERT_TRUE(model.ok()) << model.error().message;
    // BOS, then "the" with the space prefix as one piece; "x" through byte fallback.
    EXPECT_EQ((*model)->tokenizer().encode("the x"), (std::vector<int32_t>{1, 265, 259, 3 + 'x'}));
}

} // namespace
} // namespace quanta
