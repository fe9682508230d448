// SPDX-License-Identifier: MIT
// Quanta's tokenizer against llama.cpp: the ids (and decoded text) that
// scripts/tokenizer_reference.py recorded with llama-cpp-python for the default model
// (tests/data/tokenizer/smollm2_expected.json) and for the same vocabulary under every other
// pre-tokenizer (pre_variants_expected.json). Skipped when the model file is missing.
#include "quanta/gguf.h"
#include "quanta/tokenizer.h"

#include "tokenizer_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

namespace quanta {
namespace {

using test::check_cases;
using test::corpus_texts;
using test::json;
using test::load_json;

// The merges scripts/tokenizer_reference.py (augmentation()) appends to the vocabulary so that
// the pre-tokenizers' differences show in the ids; each merge "A B" adds the token "AB".
std::vector<std::string> augmentation() {
    const std::string digits = "0123456789";
    std::vector<std::string> merges;
    for (const char a : digits)
        for (const char b : digits)
            merges.push_back({a, ' ', b});
    for (const char a : digits)
        for (const char b : digits)
            for (const char c : digits)
                merges.push_back({a, b, ' ', c});
    for (const char d : digits)
        merges.push_back(std::string("\xC4\xA0 ") + d); // "Ġ d"
    for (const char* m : {"' S", "' T", "' M", "' D", "( hello", ". \xC4\x8A"}) // ". Ċ"
        merges.emplace_back(m);
    return merges;
}

// The model's metadata with tokenizer.ggml.pre = `pre` (and the augmentation appended), as an
// in-memory GGUF.
std::vector<uint8_t> rewritten_vocabulary(const GgufFile& file, const std::string& pre, bool augmented) {
    GgufWriter writer;
    writer.copy_metadata(file);
    writer.set("tokenizer.ggml.pre", GgufValue::string(pre));
    if (augmented) {
        const GgufValue* tokens_v = file.find("tokenizer.ggml.tokens");
        const GgufValue* types_v = file.find("tokenizer.ggml.token_type");
        const GgufValue* merges_v = file.find("tokenizer.ggml.merges");
        EXPECT_TRUE(tokens_v && types_v && merges_v);
        std::vector<std::string> tokens = *tokens_v->as_string_array();
        std::vector<int64_t> types = *types_v->as_int_array();
        std::vector<std::string> merges = *merges_v->as_string_array();
        for (const std::string& m : augmentation()) {
            std::string token = m;
            token.erase(token.find(' '), 1);
            EXPECT_EQ(std::find(tokens.begin(), tokens.end(), token), tokens.end()) << token;
            merges.push_back(m);
            tokens.push_back(token);
            types.push_back(1);
        }
        writer.set("tokenizer.ggml.tokens", GgufValue::string_array(std::move(tokens)));
        writer.set("tokenizer.ggml.token_type", GgufValue::int_array(types_v->array_type(), std::move(types)));
        writer.set("tokenizer.ggml.merges", GgufValue::string_array(std::move(merges)));
    }
    auto bytes = writer.serialize({});
    EXPECT_TRUE(bytes) << bytes.error().message;
    return bytes ? std::move(*bytes) : std::vector<uint8_t>{};
}

class SmolLM2Reference : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!std::filesystem::exists(QUANTA_DEFAULT_MODEL))
            return;
        auto file = GgufFile::open(QUANTA_DEFAULT_MODEL);
        ASSERT_TRUE(file) << file.error().message;
        s_file = std::make_unique<GgufFile>(std::move(*file));
        auto tok = Tokenizer::from_gguf(*s_file);
        ASSERT_TRUE(tok) << tok.error().message;
        s_tokenizer = std::make_unique<Tokenizer>(std::move(*tok));
    }
    static void TearDownTestSuite() {
        s_tokenizer.reset();
        s_file.reset();
    }
    void SetUp() override {
        if (!s_tokenizer)
            GTEST_SKIP() << "model not found: " << QUANTA_DEFAULT_MODEL << " (scripts/fetch-model.sh)";
    }

    static std::unique_ptr<GgufFile> s_file;
    static std::unique_ptr<Tokenizer> s_tokenizer;
};

std::unique_ptr<GgufFile> SmolLM2Reference::s_file;
std::unique_ptr<Tokenizer> SmolLM2Reference::s_tokenizer;

TEST_F(SmolLM2Reference, MetadataAsLlamaCpp) {
    const Tokenizer& tok = *s_tokenizer;
    EXPECT_EQ(tok.model(), TokenizerModel::Bpe);
    EXPECT_EQ(tok.pre_tokenizer(), PreTokenizer::StarCoder);
    EXPECT_EQ(tok.vocab_size(), 49152);
    EXPECT_EQ(tok.bos_id(), 1);
    EXPECT_EQ(tok.eos_id(), 2);
    EXPECT_FALSE(tok.add_bos());
    EXPECT_FALSE(tok.add_eos());
    EXPECT_EQ(tok.find_token("<|im_start|>"), 1);
    EXPECT_EQ(tok.token_type(1), TokenType::Control);
    EXPECT_TRUE(tok.is_eog(2));  // <|im_end|> = eos
    EXPECT_TRUE(tok.is_eog(0));  // <|endoftext|>
    EXPECT_TRUE(tok.is_eog(4));  // <reponame>, a fill-in-the-middle token llama.cpp stops on
    EXPECT_FALSE(tok.is_eog(1));
    test::check_facts(tok, load_json("smollm2_expected.json").at("facts"), "smollm2");
}

TEST_F(SmolLM2Reference, IdsMatchLlamaCpp) {
    const json data = load_json("smollm2_expected.json");
    const auto [ok, total] = check_cases(*s_tokenizer, data.at("cases"), corpus_texts(), "smollm");
    std::printf("smollm2: %d / %d id lists identical to llama.cpp (%zu cases)\n", ok, total, data.at("cases").size());
    EXPECT_GE(data.at("cases").size(), 60u);
}

TEST_F(SmolLM2Reference, EveryPreTokenizerMatchesLlamaCpp) {
    const auto text_of = corpus_texts();
    const json data = load_json("pre_variants_expected.json");
    EXPECT_GE(data.at("variants").size(), 9u);
    for (const json& variant : data.at("variants")) {
        const std::string pre = variant.at("pre").get<std::string>();
        const bool augmented = variant.at("augmented").get<bool>();
        const std::vector<uint8_t> bytes = rewritten_vocabulary(*s_file, pre, augmented);
        auto file = GgufFile::parse(bytes);
        ASSERT_TRUE(file) << file.error().message;
        auto tok = Tokenizer::from_gguf(*file);
        ASSERT_TRUE(tok) << pre << ": " << tok.error().message;
        const std::string label = pre + (augmented ? " (augmented)" : "");
        const auto [ok, total] = check_cases(*tok, variant.at("cases"), text_of, label);
        std::printf("pre %-22s: %d / %d id lists identical to llama.cpp\n", label.c_str(), ok, total);
    }
}

TEST_F(SmolLM2Reference, DecodeRoundTrip) {
    const json data = load_json("smollm2_expected.json");
    const Tokenizer& tok = *s_tokenizer;
    for (const json& c : data.at("cases")) {
        if (!c.contains("text"))
            continue; // invalid UTF-8 does not survive (it becomes U+FFFD, as in llama.cpp)
        const std::string text = c.at("text").get<std::string>();
        // Without special parsing every byte of the text is encoded as text.
        EXPECT_EQ(tok.decode(tok.encode(text, {.add_special = false, .parse_special = false})), text) << c.at("name");
        // With it, control tokens decode back to their text only when rendered.
        const auto ids = tok.encode(text, {.add_special = true, .parse_special = true});
        EXPECT_EQ(tok.decode(ids, {.render_special = true}), text) << c.at("name");
        // Streaming gives the same text, whatever the token boundaries.
        StreamDecoder stream(tok, true);
        std::string streamed;
        for (const int32_t id : ids) {
            const std::string part = stream.push(id);
            streamed += part;
        }
        streamed += stream.flush();
        EXPECT_EQ(streamed, text) << c.at("name");
    }
}

// Sanitizers slow everything down several times: the bound is for the plain build.
#if defined(__SANITIZE_ADDRESS__)
constexpr double k_time_limit_s = 5.0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
constexpr double k_time_limit_s = 5.0;
#else
constexpr double k_time_limit_s = 1.0;
#endif
#else
constexpr double k_time_limit_s = 1.0;
#endif

TEST_F(SmolLM2Reference, HundredKilobytesUnderASecond) {
    const json data = load_json("smollm2_expected.json");
    std::string corpus;
    for (const json& c : data.at("cases"))
        if (c.contains("text"))
            corpus += c.at("text").get<std::string>();
    auto repeat = [](const std::string& unit) {
        std::string text;
        while (text.size() < 100 * 1024)
            text += unit;
        text.resize(100 * 1024); // may cut a character: invalid UTF-8 is fine
        return text;
    };
    // The corpus, and single pre-tokens of 100 KB (one BPE word each).
    for (const std::string& text : {repeat(corpus), repeat("a"), repeat("한국어"), repeat("<|im_start|>x")}) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto ids = s_tokenizer->encode(text, {.add_special = true, .parse_special = true});
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("encoded %zu bytes (%.12s...) into %zu tokens in %.3f s\n", text.size(), text.c_str(), ids.size(), seconds);
        EXPECT_GT(ids.size(), 100u);
        EXPECT_LT(seconds, k_time_limit_s);
    }
}

} // namespace
} // namespace quanta
