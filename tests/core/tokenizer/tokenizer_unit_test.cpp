// SPDX-License-Identifier: MIT
// Tokenizer unit tests on tiny hand-built vocabularies: SentencePiece merges and byte fallback,
// byte-level BPE merges and pre-tokenizers, special tokens, the streaming decoder, and the errors
// for input we cannot handle. (The comparisons with llama.cpp on real vocabularies are in
// tokenizer_reference_test.cpp and tokenizer_spm_reference_test.cpp.)
#include "quanta/gguf.h"
#include "quanta/tokenizer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace quanta {
namespace {

using Ids = std::vector<int32_t>;

const std::string k_sp = "\xE2\x96\x81"; // ▁

// <unk> <s> </s>, <0x00>..<0xFF> (ids 3..258), then the pieces given (type normal), then
// <|im_start|> (control) and <tool> (user-defined).
struct SpmVocab {
    TokenizerConfig cfg;
    int32_t id(const std::string& text) const {
        for (size_t i = 0; i < cfg.tokens.size(); ++i)
            if (cfg.tokens[i] == text)
                return static_cast<int32_t>(i);
        ADD_FAILURE() << "no token " << text;
        return -1;
    }
};

int32_t byte_id(uint8_t b) { return 3 + b; }

SpmVocab spm_vocab(const std::vector<std::pair<std::string, float>>& pieces) {
    SpmVocab v;
    TokenizerConfig& c = v.cfg;
    c.model = TokenizerModel::SentencePiece;
    auto add = [&](std::string text, TokenType type, float score) {
        c.tokens.push_back(std::move(text));
        c.types.push_back(type);
        c.scores.push_back(score);
    };
    add("<unk>", TokenType::Unknown, 0);
    add("<s>", TokenType::Control, 0);
    add("</s>", TokenType::Control, 0);
    for (int b = 0; b < 256; ++b) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "<0x%02X>", b);
        add(hex, TokenType::Byte, 0);
    }
    for (const auto& [text, score] : pieces)
        add(text, TokenType::Normal, score);
    add("<|im_start|>", TokenType::Control, 0);
    add("<tool>", TokenType::UserDefined, 0);
    c.unk_id = 0;
    c.bos_id = 1;
    c.eos_id = 2;
    c.add_bos = true;
    c.add_space_prefix = true;
    return v;
}

Tokenizer make(TokenizerConfig cfg) {
    auto tok = Tokenizer::create(std::move(cfg));
    EXPECT_TRUE(tok) << tok.error().message;
    return std::move(*tok);
}

// --- SentencePiece ------------------------------------------------------------------------------

TEST(SpmTokenizer, SpacePrefixBosAndMerges) {
    const SpmVocab v = spm_vocab({{k_sp, -1}, {"a", -1}, {"b", -1}, {k_sp + "a", -2}, {"ab", -3}, {k_sp + "ab", -4}});
    const Tokenizer tok = make(v.cfg);
    // "▁ab": ▁a (score -2) merges before ab (-3), then ▁a+b = ▁ab.
    EXPECT_EQ(tok.encode("ab"), (Ids{1, v.id(k_sp + "ab")}));
    EXPECT_EQ(tok.encode("ab", {.add_special = false}), (Ids{v.id(k_sp + "ab")}));
    EXPECT_EQ(tok.encode("ab b", {.add_special = false}), (Ids{v.id(k_sp + "ab"), v.id(k_sp), v.id("b")}));
    EXPECT_EQ(tok.encode(""), (Ids{1}));
    EXPECT_EQ(tok.encode("", {.add_special = false}), Ids{});
    // Decoding drops the space encode() added, only from the first id (as llama_detokenize).
    EXPECT_EQ(tok.decode(Ids{v.id(k_sp + "ab"), v.id(k_sp), v.id("b")}), "ab b");
    EXPECT_EQ(tok.decode(Ids{1, v.id(k_sp + "ab")}), " ab");
    EXPECT_EQ(tok.decode(Ids{v.id(k_sp + "ab")}, {.strip_leading_space = false}), " ab");
    EXPECT_EQ(tok.decode(Ids{1, v.id(k_sp + "ab")}, {.render_special = true}), "<s> ab");
}

TEST(SpmTokenizer, HigherScoreMergesFirstAndTiesGoLeft) {
    // "abc": bc (-1) beats ab (-5).
    SpmVocab v = spm_vocab({{"a", 0}, {"b", 0}, {"c", 0}, {"ab", -5}, {"bc", -1}, {"aa", -2}});
    v.cfg.add_space_prefix = false;
    v.cfg.add_bos = false;
    const Tokenizer tok = make(v.cfg);
    EXPECT_EQ(tok.encode("abc"), (Ids{v.id("a"), v.id("bc")}));
    // "aaa": both pairs are "aa" with the same score: the leftmost merges.
    EXPECT_EQ(tok.encode("aaa"), (Ids{v.id("aa"), v.id("a")}));
}

TEST(SpmTokenizer, ByteFallbackForCharactersNotInTheVocabulary) {
    SpmVocab v = spm_vocab({{k_sp, 0}, {"a", 0}});
    const Tokenizer tok = make(v.cfg);
    // 한 = ED 95 9C, 😀 = F0 9F 98 80: no tokens, so one byte token per byte.
    const Ids expected = {1, v.id(k_sp), byte_id(0xED), byte_id(0x95), byte_id(0x9C), v.id("a"), byte_id(0xF0),
                          byte_id(0x9F), byte_id(0x98), byte_id(0x80)};
    const Ids ids = tok.encode("한a😀");
    EXPECT_EQ(ids, expected);
    EXPECT_EQ(tok.token_to_piece(byte_id(0xED)), "\xED");
    EXPECT_EQ(tok.decode(Ids(ids.begin() + 1, ids.end())), "한a😀");
    // Newline and tab have no piece either.
    EXPECT_EQ(tok.encode("\n\t", {.add_special = false}), (Ids{v.id(k_sp), byte_id('\n'), byte_id('\t')}));
}

TEST(SpmTokenizer, MissingByteTokensBecomeUnknown) {
    TokenizerConfig c;
    c.model = TokenizerModel::SentencePiece;
    c.tokens = {"<unk>", "a"};
    c.types = {TokenType::Unknown, TokenType::Normal};
    c.unk_id = 0;
    const Tokenizer tok = make(c);
    EXPECT_EQ(tok.encode("ab"), (Ids{1, 0}));
    EXPECT_EQ(tok.token_to_piece(0), "");
    EXPECT_EQ(tok.token_to_piece(0, true), "<unk>");
}

TEST(SpmTokenizer, SpecialTokensAndSpacePrefixAfterThem) {
    const SpmVocab v = spm_vocab({{k_sp, 0}, {"a", 0}, {"<", 0}, {"s", 0}, {">", 0}});
    const Tokenizer tok = make(v.cfg);
    const int32_t im = v.id("<|im_start|>"), tool = v.id("<tool>");
    // Control tokens only with parse_special; the text after a special token gets the prefix too.
    EXPECT_EQ(tok.encode("<|im_start|>a", {.add_special = false, .parse_special = true}), (Ids{im, v.id(k_sp), v.id("a")}));
    // User-defined tokens are always recognised.
    EXPECT_EQ(tok.encode("a<tool>a", {.add_special = false}), (Ids{v.id(k_sp), v.id("a"), tool, v.id(k_sp), v.id("a")}));
    // <s> as text without parse_special: its characters.
    EXPECT_EQ(tok.encode("<s>", {.add_special = false}), (Ids{v.id(k_sp), v.id("<"), v.id("s"), v.id(">")}));
    EXPECT_EQ(tok.encode("<s>", {.add_special = false, .parse_special = true}), (Ids{1}));
    EXPECT_EQ(tok.token_to_piece(tool), "<tool>");
    EXPECT_EQ(tok.token_to_piece(im), "");
    EXPECT_EQ(tok.token_to_piece(im, true), "<|im_start|>");
}

// --- Byte-level BPE -----------------------------------------------------------------------------

// All 256 byte characters (id = byte), then the merge results in order.
struct BpeVocab {
    TokenizerConfig cfg;
    int32_t id(const std::string& mapped) const {
        for (size_t i = 0; i < cfg.tokens.size(); ++i)
            if (cfg.tokens[i] == mapped)
                return static_cast<int32_t>(i);
        ADD_FAILURE() << "no token " << mapped;
        return -1;
    }
};

std::string mapped_byte(uint8_t b) {
    const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
    uint32_t cpt = b;
    if (!printable) {
        uint32_t n = 0;
        for (int x = 0; x < b; ++x) {
            const bool p = (x >= 0x21 && x <= 0x7E) || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE);
            n += p ? 0 : 1;
        }
        cpt = 256 + n;
    }
    std::string s;
    if (cpt < 0x80) {
        s.push_back(static_cast<char>(cpt));
    } else {
        s.push_back(static_cast<char>(0xC0 | (cpt >> 6)));
        s.push_back(static_cast<char>(0x80 | (cpt & 0x3F)));
    }
    return s;
}

BpeVocab bpe_vocab(const std::vector<std::string>& merges, PreTokenizer pre) {
    BpeVocab v;
    v.cfg.model = TokenizerModel::Bpe;
    v.cfg.pre = pre;
    for (int b = 0; b < 256; ++b)
        v.cfg.tokens.push_back(mapped_byte(static_cast<uint8_t>(b)));
    for (const std::string& m : merges) {
        v.cfg.merges.push_back(m);
        std::string t = m;
        t.erase(t.find(' ', 1), 1);
        v.cfg.tokens.push_back(t);
    }
    return v;
}

TEST(BpeTokenizer, LowestRankMergesFirst) {
    const std::string G = "\xC4\xA0"; // Ġ (space)
    const BpeVocab v = bpe_vocab({"b c", "a b", G + " a", G + "a bc"}, PreTokenizer::Gpt2);
    const Tokenizer tok = make(v.cfg);
    // "abc": b c (rank 0) before a b (rank 1).
    EXPECT_EQ(tok.encode("abc"), (Ids{'a', v.id("bc")}));
    EXPECT_EQ(tok.encode(" abc"), (Ids{v.id(G + "abc")}));
    EXPECT_EQ(tok.decode(tok.encode(" abc")), " abc");
    // Pre-tokenizer pieces are encoded separately: "x abc" never merges across "x".
    EXPECT_EQ(tok.encode("x abc"), (Ids{'x', v.id(G + "abc")}));
    // Control characters are byte-mapped (\n is Ċ).
    EXPECT_EQ(tok.encode("\n"), (Ids{'\n'}));
    EXPECT_EQ(tok.token_to_piece('\n'), "\n");
}

TEST(BpeTokenizer, IgnoreMergesEmitsWholeVocabularyWords) {
    // "abc" is a token, but no merge chain reaches it.
    BpeVocab v = bpe_vocab({"a b"}, PreTokenizer::Llama3);
    v.cfg.tokens.push_back("abc");
    const Tokenizer plain = make(v.cfg);
    EXPECT_EQ(plain.encode("abc"), (Ids{v.id("ab"), 'c'}));
    v.cfg.ignore_merges = true;
    const Tokenizer llama3 = make(v.cfg);
    EXPECT_EQ(llama3.encode("abc"), (Ids{v.id("abc")}));
}

TEST(BpeTokenizer, PreTokenizersSplitAsLlamaCpp) {
    const std::string G = "\xC4\xA0";
    // Digits merge when the pre-tokenizer lets them meet.
    const std::vector<std::string> merges = {"1 2", "12 3", "4 5", "3 4", G + " 1"};
    auto ids = [&](PreTokenizer pre, const std::string& text) { return make(bpe_vocab(merges, pre).cfg).encode(text); };
    const BpeVocab v = bpe_vocab(merges, PreTokenizer::Gpt2);
    const int32_t t12 = v.id("12"), t123 = v.id("123"), t45 = v.id("45"), t34 = v.id("34");
    EXPECT_EQ(ids(PreTokenizer::Gpt2, "12345"), (Ids{t123, t45}));
    EXPECT_EQ(ids(PreTokenizer::Llama3, "12345"), (Ids{t123, t45}));      // 123 | 45
    EXPECT_EQ(ids(PreTokenizer::Llama3, "1234"), (Ids{t123, '4'}));       // 123 | 4
    EXPECT_EQ(ids(PreTokenizer::Gpt2, "1234"), (Ids{t123, '4'}));         // 1 2, then 12 3
    EXPECT_EQ(ids(PreTokenizer::Gpt2, "2345"), (Ids{'2', '3', t45}));     // 4 5 (rank 2) before 3 4
    EXPECT_EQ(ids(PreTokenizer::Llama3, "2345"), (Ids{'2', t34, '5'}));   // 234 | 5
    EXPECT_EQ(ids(PreTokenizer::Qwen2, "12345"), (Ids{'1', '2', '3', '4', '5'}));
    EXPECT_EQ(ids(PreTokenizer::StarCoder, "12345"), (Ids{'1', '2', '3', '4', '5'}));
    EXPECT_EQ(ids(PreTokenizer::Gpt2, " 12"), (Ids{' ', t12}));           // 1 2 (rank 0) before Ġ 1
    EXPECT_EQ(ids(PreTokenizer::Gpt2, " 1"), (Ids{v.id(G + "1")}));
    EXPECT_EQ(ids(PreTokenizer::StarCoder, " 1"), (Ids{' ', '1'}));      // digits stand alone
    // R_GPT2: "a   b" -> "a", "  ", " b".
    EXPECT_EQ(ids(PreTokenizer::Gpt2, "a   b"), (Ids{'a', v.id(G), v.id(G), v.id(G), 'b'}));
}

TEST(BpeTokenizer, DecodeCleansSpacesWhenTheVocabularyAsks) {
    BpeVocab v = bpe_vocab({}, PreTokenizer::Gpt2);
    const std::string text = "a , b ' c 's ?";
    v.cfg.clean_spaces = false; // e.g. smollm, qwen2
    const Tokenizer plain = make(v.cfg);
    EXPECT_EQ(plain.decode(plain.encode(text)), text);
    v.cfg.clean_spaces = true; // e.g. gpt-2, llama3: as llama_detokenize
    const Tokenizer clean = make(v.cfg);
    const Ids ids = clean.encode(text);
    EXPECT_EQ(clean.decode(ids), "a, b'c's?");
    EXPECT_EQ(clean.decode(ids, {.clean_spaces = false}), text);
    std::string pieces;
    for (const int32_t id : ids)
        pieces += clean.token_to_piece(id);
    EXPECT_EQ(pieces, text); // pieces (what generation streams) are never cleaned
}

TEST(BpeTokenizer, InvalidUtf8BecomesReplacementCharacter) {
    const BpeVocab v = bpe_vocab({}, PreTokenizer::Gpt2);
    const Tokenizer tok = make(v.cfg);
    // As llama.cpp: each undecodable byte is U+FFFD (EF BF BD), here as three byte tokens.
    EXPECT_EQ(tok.encode("\x80"), (Ids{0xEF, 0xBF, 0xBD}));
    EXPECT_EQ(tok.encode("a\xFF"), (Ids{'a', 0xEF, 0xBF, 0xBD}));
}

TEST(BpeTokenizer, SpecialTokensLongestFirst) {
    BpeVocab v = bpe_vocab({}, PreTokenizer::Gpt2);
    v.cfg.tokens.push_back("<|a|>");
    v.cfg.tokens.push_back("<|a|><|a|>");
    v.cfg.tokens.push_back("<|im_end|>");
    v.cfg.types.assign(v.cfg.tokens.size(), TokenType::Normal);
    v.cfg.types[256] = TokenType::Control;
    v.cfg.types[257] = TokenType::UserDefined;
    const Tokenizer tok = make(v.cfg);
    EXPECT_EQ(tok.encode("<|a|><|a|><|a|>", {.parse_special = true}), (Ids{257, 256}));
    EXPECT_EQ(tok.encode("x<|a|>", {.parse_special = false}), (Ids{'x', '<', '|', 'a', '|', '>'}));
    // <|im_end|> is end-of-generation and reported as control, whatever the file says.
    EXPECT_TRUE(tok.is_eog(258));
    EXPECT_EQ(tok.token_type(258), TokenType::Control);
    EXPECT_FALSE(tok.is_eog(256));
    EXPECT_EQ(tok.token_to_piece(-1), "");
    EXPECT_EQ(tok.token_to_piece(100000), "");
    EXPECT_EQ(tok.token_type(100000), TokenType::Undefined);
}

// --- Streaming decoder --------------------------------------------------------------------------

bool complete_utf8(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<uint8_t>(s[i]);
        const size_t n = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
        if (n == 0 || i + n > s.size())
            return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<uint8_t>(s[i + k]) & 0xC0) != 0x80)
                return false;
        i += n;
    }
    return true;
}

TEST(StreamDecoder, NeverEmitsHalfACharacterFromByteTokens) {
    const SpmVocab v = spm_vocab({{k_sp, 0}, {"a", 0}});
    const Tokenizer tok = make(v.cfg);
    const std::string text = "a한국어 😀👨\u200d👩\u200d👧 🇰🇷a";
    const Ids ids = tok.encode(text, {.add_special = false});
    ASSERT_GT(ids.size(), text.size() / 2); // mostly byte tokens
    StreamDecoder stream(tok);
    std::string out;
    for (const int32_t id : ids) {
        const std::string part = stream.push(id);
        EXPECT_TRUE(complete_utf8(part)) << "token " << id;
        out += part;
    }
    out += stream.flush();
    EXPECT_EQ(out, " " + text); // the stream does not strip the prefix space
}

TEST(StreamDecoder, KoreanSyllableArrivesWhole) {
    const SpmVocab v = spm_vocab({});
    StreamDecoder stream(make(v.cfg));
    EXPECT_EQ(stream.push(byte_id(0xED)), "");
    EXPECT_EQ(stream.push(byte_id(0x95)), "");
    EXPECT_EQ(stream.push(byte_id(0x9C)), "한");
    EXPECT_EQ(stream.push(byte_id(0xF0)), "");
    EXPECT_EQ(stream.push(byte_id(0x9F)), "");
    EXPECT_EQ(stream.push(byte_id(0x98)), "");
    EXPECT_EQ(stream.push(byte_id(0x80)), "😀");
    EXPECT_EQ(stream.flush(), "");
}

TEST(StreamDecoder, EveryByteSplitGivesTheSameText) {
    const std::string text = "가나다 🙂 👍🏽 中文 ok";
    const Tokenizer tok = make(spm_vocab({}).cfg);
    for (size_t a = 1; a < text.size(); ++a) {
        for (size_t b = a; b < text.size(); b += 3) {
            StreamDecoder stream(tok);
            std::string out;
            for (const std::string_view part : {std::string_view(text).substr(0, a), std::string_view(text).substr(a, b - a),
                                                 std::string_view(text).substr(b)}) {
                const std::string got = stream.push_bytes(part);
                ASSERT_TRUE(complete_utf8(got)) << a << "," << b;
                out += got;
            }
            out += stream.flush();
            ASSERT_EQ(out, text) << a << "," << b;
        }
    }
}

TEST(StreamDecoder, IllFormedBytesBecomeReplacementCharacters) {
    StreamDecoder stream(make(spm_vocab({}).cfg));
    EXPECT_EQ(stream.push_bytes("\xFF" "a"), "\xEF\xBF\xBD" "a");
    EXPECT_EQ(stream.push_bytes("\xED\x95"), "");
    EXPECT_EQ(stream.push_bytes("b"), "\xEF\xBF\xBD" "b"); // the prefix can no longer complete
    EXPECT_EQ(stream.push_bytes("\xE4\xBD"), "");
    EXPECT_EQ(stream.flush(), "\xEF\xBF\xBD"); // an incomplete tail at the end
    EXPECT_EQ(stream.flush(), "");
}

// --- Errors -------------------------------------------------------------------------------------

Result<Tokenizer> from_metadata(const std::vector<std::pair<std::string, GgufValue>>& kvs) {
    GgufWriter writer;
    for (const auto& [key, value] : kvs)
        writer.set(key, value);
    auto bytes = writer.serialize({});
    EXPECT_TRUE(bytes) << bytes.error().message;
    auto file = GgufFile::parse(*bytes);
    EXPECT_TRUE(file) << file.error().message;
    return Tokenizer::from_gguf(*file);
}

TEST(TokenizerErrors, UnsupportedTokenizerModel) {
    for (const char* model : {"bert", "t5", "rwkv", "plamo2", "none"}) {
        auto tok = from_metadata({{"tokenizer.ggml.model", GgufValue::string(model)},
                                  {"tokenizer.ggml.tokens", GgufValue::string_array({"a", "b"})}});
        ASSERT_FALSE(tok) << model;
        EXPECT_EQ(tok.error().code, ErrorCode::Unsupported);
        EXPECT_NE(tok.error().message.find(std::string("'") + model + "'"), std::string::npos) << tok.error().message;
    }
}

TEST(TokenizerErrors, UnsupportedPreTokenizer) {
    for (const char* pre : {"tekken", "chatglm-bpe", "deepseek-llm", "gpt-4o", "no-such-pre"}) {
        auto tok = from_metadata({{"tokenizer.ggml.model", GgufValue::string("gpt2")},
                                  {"tokenizer.ggml.pre", GgufValue::string(pre)},
                                  {"tokenizer.ggml.tokens", GgufValue::string_array({"a", "b", "ab"})},
                                  {"tokenizer.ggml.merges", GgufValue::string_array({"a b"})}});
        ASSERT_FALSE(tok) << pre;
        EXPECT_EQ(tok.error().code, ErrorCode::Unsupported);
        EXPECT_NE(tok.error().message.find(pre), std::string::npos) << tok.error().message;
        EXPECT_FALSE(pre_tokenizer_from_name(pre));
    }
    for (const char* pre : {"default", "gpt-2", "llama-bpe", "llama3", "qwen2", "smollm", "starcoder"})
        EXPECT_TRUE(pre_tokenizer_from_name(pre)) << pre;
    EXPECT_TRUE(pre_tokenizer_from_name("llama-bpe")->ignore_merges);
    EXPECT_TRUE(pre_tokenizer_from_name("llama-bpe")->add_bos_default);
    EXPECT_EQ(pre_tokenizer_from_name("smollm")->pre, PreTokenizer::StarCoder);
}

TEST(TokenizerErrors, MissingOrMistypedMetadata) {
    auto no_model = from_metadata({{"tokenizer.ggml.tokens", GgufValue::string_array({"a"})}});
    ASSERT_FALSE(no_model);
    EXPECT_EQ(no_model.error().code, ErrorCode::Corrupt);
    auto no_tokens = from_metadata({{"tokenizer.ggml.model", GgufValue::string("llama")}});
    ASSERT_FALSE(no_tokens);
    EXPECT_EQ(no_tokens.error().code, ErrorCode::Corrupt);
    EXPECT_NE(no_tokens.error().message.find("tokenizer.ggml.tokens"), std::string::npos);
    auto no_merges = from_metadata({{"tokenizer.ggml.model", GgufValue::string("gpt2")},
                                    {"tokenizer.ggml.tokens", GgufValue::string_array({"a"})}});
    ASSERT_FALSE(no_merges);
    EXPECT_NE(no_merges.error().message.find("merges"), std::string::npos);
    auto bad_types = from_metadata({{"tokenizer.ggml.model", GgufValue::string("llama")},
                                    {"tokenizer.ggml.tokens", GgufValue::string_array({"a", "b"})},
                                    {"tokenizer.ggml.token_type", GgufValue::i32_array({1})}});
    ASSERT_FALSE(bad_types);
    EXPECT_EQ(bad_types.error().code, ErrorCode::Corrupt);
    auto bad_bos = from_metadata({{"tokenizer.ggml.model", GgufValue::string("llama")},
                                  {"tokenizer.ggml.tokens", GgufValue::string_array({"a", "b"})},
                                  {"tokenizer.ggml.add_bos_token", GgufValue::u32(1)}});
    ASSERT_FALSE(bad_bos);
    EXPECT_NE(bad_bos.error().message.find("add_bos_token"), std::string::npos);
}

TEST(TokenizerErrors, DefaultsForAMissingPreTokenizerAndSpecialIds) {
    // No tokenizer.ggml.pre: "default" (llama.cpp warns); out-of-range BOS: llama.cpp's default.
    auto tok = from_metadata({{"tokenizer.ggml.model", GgufValue::string("gpt2")},
                              {"tokenizer.ggml.tokens", GgufValue::string_array(std::vector<std::string>(20, "x"))},
                              {"tokenizer.ggml.merges", GgufValue::string_array({})},
                              {"tokenizer.ggml.bos_token_id", GgufValue::u32(1000)}});
    ASSERT_TRUE(tok) << tok.error().message;
    EXPECT_EQ(tok->pre_tokenizer(), PreTokenizer::Default);
    EXPECT_EQ(tok->bos_id(), 11);
    EXPECT_FALSE(tok->add_bos());
}

TEST(TokenizerErrors, Llama3PreTokenizerAddsBosUnlessTheFileSaysOtherwise) {
    std::vector<std::string> tokens(300, "");
    for (size_t i = 0; i < tokens.size(); ++i)
        tokens[i] = "t" + std::to_string(i);
    auto with = [&](std::vector<std::pair<std::string, GgufValue>> extra) {
        std::vector<std::pair<std::string, GgufValue>> kvs = {{"tokenizer.ggml.model", GgufValue::string("gpt2")},
                                                              {"tokenizer.ggml.pre", GgufValue::string("llama-bpe")},
                                                              {"tokenizer.ggml.tokens", GgufValue::string_array(tokens)},
                                                              {"tokenizer.ggml.merges", GgufValue::string_array({})},
                                                              {"tokenizer.ggml.bos_token_id", GgufValue::u32(7)}};
        for (auto& kv : extra)
            kvs.push_back(std::move(kv));
        return from_metadata(kvs);
    };
    auto dflt = with({});
    ASSERT_TRUE(dflt) << dflt.error().message;
    EXPECT_TRUE(dflt->add_bos());
    EXPECT_EQ(dflt->encode("").front(), 7);
    auto off = with({{"tokenizer.ggml.add_bos_token", GgufValue::boolean(false)}});
    ASSERT_TRUE(off) << off.error().message;
    EXPECT_FALSE(off->add_bos());
    EXPECT_TRUE(off->encode("").empty());
}

TEST(TokenizerErrors, CreateRejectsInconsistentConfigs) {
    TokenizerConfig empty;
    EXPECT_EQ(Tokenizer::create(empty).error().code, ErrorCode::InvalidArgument);
    TokenizerConfig types;
    types.tokens = {"a", "b"};
    types.types = {TokenType::Normal};
    EXPECT_EQ(Tokenizer::create(types).error().code, ErrorCode::InvalidArgument);
    TokenizerConfig bos;
    bos.tokens = {"a"};
    bos.bos_id = 1;
    EXPECT_EQ(Tokenizer::create(bos).error().code, ErrorCode::InvalidArgument);
    TokenizerConfig merge;
    merge.tokens = {"a", "b"};
    merge.merges = {"ab"};
    EXPECT_EQ(Tokenizer::create(merge).error().code, ErrorCode::Corrupt);
}

} // namespace
} // namespace quanta
