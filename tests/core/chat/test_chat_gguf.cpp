// SPDX-License-Identifier: MIT
// chat_template_from_gguf: the template and the BOS/EOS texts from a model's metadata.
#include "quanta/chat_template.h"
#include "quanta/gguf.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace {

using quanta::ChatMessage;
using quanta::GgufFile;
using quanta::GgufValue;
using quanta::GgufWriter;

// A header-only GGUF with the given extra metadata; `bytes` keeps the buffer alive.
GgufFile make_file(GgufWriter& w, std::vector<uint8_t>& bytes) {
    w.set("general.architecture", GgufValue::string("llama"));
    w.set("tokenizer.ggml.tokens", GgufValue::string_array({"<unk>", "<s>", "</s>", "hi"}));
    w.set("tokenizer.ggml.bos_token_id", GgufValue::u32(1));
    w.set("tokenizer.ggml.eos_token_id", GgufValue::u32(2));
    auto serialized = w.serialize({});
    EXPECT_TRUE(serialized.ok());
    bytes = std::move(*serialized);
    auto file = GgufFile::parse(bytes);
    EXPECT_TRUE(file.ok()) << file.error().message;
    return std::move(file).value();
}

TEST(ChatTemplateGguf, UsesTheModelTemplateAndTokens) {
    GgufWriter w;
    w.set("tokenizer.chat_template",
          GgufValue::string(
              "{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}{{ eos_token }}"));
    std::vector<uint8_t> bytes;
    GgufFile file = make_file(w, bytes);
    auto t = quanta::chat_template_from_gguf(file);
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_FALSE(t->is_fallback);
    EXPECT_EQ(t->bos_token, "<s>");
    EXPECT_EQ(t->eos_token, "</s>");
    std::vector<ChatMessage> msgs{{"user", "hi"}};
    auto out = t->tmpl.render(msgs, true, t->bos_token, t->eos_token);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(*out, "<s>[user]hi</s>");
}

TEST(ChatTemplateGguf, FallsBackToChatml) {
    GgufWriter w;
    std::vector<uint8_t> bytes;
    GgufFile file = make_file(w, bytes);
    auto t = quanta::chat_template_from_gguf(file);
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_TRUE(t->is_fallback);
    EXPECT_EQ(t->tmpl.source(), quanta::ChatTemplate::chatml_source());
    std::vector<ChatMessage> msgs{{"user", "hi"}};
    auto out = t->tmpl.render(msgs, true, t->bos_token, t->eos_token);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(*out, "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplateGguf, BadTemplateIsAnError) {
    GgufWriter w;
    w.set("tokenizer.chat_template", GgufValue::string("ok\n{% if x %}never closed"));
    std::vector<uint8_t> bytes;
    GgufFile file = make_file(w, bytes);
    auto t = quanta::chat_template_from_gguf(file);
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.error().message.find("tokenizer.chat_template"), std::string::npos) << t.error().message;
    EXPECT_NE(t.error().message.find("line 2"), std::string::npos) << t.error().message;

    GgufWriter w2;
    w2.set("tokenizer.chat_template", GgufValue::u32(7));
    std::vector<uint8_t> bytes2;
    GgufFile file2 = make_file(w2, bytes2);
    EXPECT_FALSE(quanta::chat_template_from_gguf(file2).ok());
}

TEST(ChatTemplateGguf, DefaultModelHasSmolLM2Template) {
    if (!std::filesystem::exists(QUANTA_DEFAULT_MODEL))
        GTEST_SKIP() << "default model not present: " << QUANTA_DEFAULT_MODEL;
    auto file = GgufFile::open(QUANTA_DEFAULT_MODEL);
    ASSERT_TRUE(file.ok()) << file.error().message;
    auto t = quanta::chat_template_from_gguf(*file);
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_FALSE(t->is_fallback);
    std::vector<ChatMessage> msgs{{"user", "Hello"}};
    auto out = t->tmpl.render(msgs, true, t->bos_token, t->eos_token);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(*out,
              "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
              "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n");
}

} // namespace
