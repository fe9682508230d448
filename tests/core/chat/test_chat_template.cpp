// SPDX-License-Identifier: MIT
// The public ChatTemplate API: ChatML fallback, SmolLM2's template, errors and the sandbox.
#include "quanta/chat_template.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using quanta::ChatMessage;
using quanta::ChatTemplate;
using quanta::ChatTemplateLimits;

std::string read_template(const std::string& name) {
    std::ifstream in(std::string(QUANTA_TEST_DATA_DIR) + "/chat_templates/" + name + ".jinja", std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string render_or_error(const ChatTemplate& t, const std::vector<ChatMessage>& messages, bool agp = false,
                            const ChatTemplateLimits& limits = {}) {
    auto out = t.render(messages, agp, "<s>", "</s>", {}, limits);
    return out.ok() ? *out : "ERROR: " + out.error().message;
}

quanta::Result<std::string> render_source(std::string_view source, const ChatTemplateLimits& limits = {}) {
    auto t = ChatTemplate::parse(source);
    if (!t)
        return t.take_error();
    return t->render({}, false, "", "", {}, limits);
}

TEST(ChatTemplate, ChatmlFallback) {
    ChatTemplate t = ChatTemplate::chatml();
    std::vector<ChatMessage> msgs{{"system", "Be brief."}, {"user", "Hi"}};
    EXPECT_EQ(render_or_error(t, msgs, true),
              "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    EXPECT_EQ(render_or_error(t, msgs, false),
              "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n");
    EXPECT_EQ(render_or_error(t, {}, true), "<|im_start|>assistant\n");
}

TEST(ChatTemplate, SmolLM2WithGenerationPrompt) {
    auto t = ChatTemplate::parse(read_template("smollm2-135m-instruct"));
    ASSERT_TRUE(t.ok()) << t.error().message;
    std::vector<ChatMessage> msgs{{"user", "What is the capital of France?"}};
    auto out = t->render(msgs, true, "<|im_start|>", "<|im_end|>");
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(*out,
              "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
              "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n");
    auto no_prompt = t->render(msgs, false, "<|im_start|>", "<|im_end|>");
    ASSERT_TRUE(no_prompt.ok());
    EXPECT_EQ(*out, *no_prompt + "<|im_start|>assistant\n");
}

TEST(ChatTemplate, RaiseExceptionMessageIsExact) {
    auto out =
        render_source("{% if true %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}");
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.error().message, "Only user and assistant roles are supported!");
    EXPECT_EQ(out.error().code, quanta::ErrorCode::InvalidArgument);
}

TEST(ChatTemplate, GemmaRejectsSystemRole) {
    auto t = ChatTemplate::parse(read_template("gemma-2b-it"));
    ASSERT_TRUE(t.ok()) << t.error().message;
    std::vector<ChatMessage> msgs{{"system", "x"}, {"user", "y"}};
    EXPECT_EQ(render_or_error(*t, msgs, true), "ERROR: System role not supported");
}

TEST(ChatTemplate, MistralRejectsNonAlternatingRoles) {
    auto t = ChatTemplate::parse(read_template("mistral-7b-instruct-v0.2"));
    ASSERT_TRUE(t.ok()) << t.error().message;
    std::vector<ChatMessage> msgs{{"user", "a"}, {"user", "b"}};
    EXPECT_EQ(render_or_error(*t, msgs), "ERROR: Conversation roles must alternate user/assistant/user/assistant/...");
}

TEST(ChatTemplate, ParseErrorsNameTheLine) {
    struct Case {
        const char* source;
        const char* needle;
    } cases[] = {
        {"line one\nline two\n{% if x %}\nno end", "line 4"},
        {"a\n{% frobnicate %}", "line 2"},
        {"{{ 1 +\n}}", "line 2"},
        {"x\ny\n{{ 'unterminated }}", "line 3"},
        {"{% for %}", "line 1"},
        {"\n\n{# never closed", "line 3"},
    };
    for (const Case& c : cases) {
        auto t = ChatTemplate::parse(c.source);
        ASSERT_FALSE(t.ok()) << c.source;
        EXPECT_NE(t.error().message.find("template syntax error"), std::string::npos) << t.error().message;
        EXPECT_NE(t.error().message.find(c.needle), std::string::npos) << c.source << " -> " << t.error().message;
    }
}

TEST(ChatTemplate, RuntimeErrorsNameTheLine) {
    auto out = render_source("ok\n\n{{ undefined_function() }}");
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.error().message.find("line 3"), std::string::npos) << out.error().message;
    EXPECT_NE(out.error().message.find("undefined_function"), std::string::npos) << out.error().message;
}

TEST(ChatTemplateSandbox, EndlessLoopHitsStepLimit) {
    ChatTemplateLimits limits;
    limits.max_steps = 100'000;
    // No while loops in Jinja: the longest loop is a nest of big ranges.
    auto out =
        render_source("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", limits);
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.error().message.find("limit"), std::string::npos) << out.error().message;
    // Exponential recursion stays within the depth limit and is stopped by the step limit.
    auto fork_bomb = render_source("{% macro f(n) %}{% if n < 60 %}{{ f(n + 1) }}{{ f(n + 1) }}{% endif %}"
                                   "{% endmacro %}{{ f(0) }}",
                                   limits);
    ASSERT_FALSE(fork_bomb.ok());
    EXPECT_NE(fork_bomb.error().message.find("limit"), std::string::npos) << fork_bomb.error().message;
    // A huge range is refused before it is built.
    auto huge = render_source("{% for i in range(1000000000000) %}{% endfor %}");
    ASSERT_FALSE(huge.ok());
    EXPECT_NE(huge.error().message.find("limit"), std::string::npos) << huge.error().message;
}

TEST(ChatTemplateSandbox, EndlessRecursionHitsDepthLimit) {
    auto out = render_source("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.error().message.find("deeper"), std::string::npos) << out.error().message;
}

TEST(ChatTemplateSandbox, HugeOutputHitsOutputLimit) {
    ChatTemplateLimits limits;
    limits.max_output_bytes = 1 << 20;
    auto out = render_source("{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}", limits);
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.error().message.find("limit"), std::string::npos) << out.error().message;
    // One doubling string grows past the limit without any output at all.
    auto doubling = render_source("{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
                                  "{% endfor %}",
                                  limits);
    ASSERT_FALSE(doubling.ok());
    EXPECT_NE(doubling.error().message.find("limit"), std::string::npos) << doubling.error().message;
    auto repeat = render_source("{{ 'ab' * 100000000000 }}", limits);
    ASSERT_FALSE(repeat.ok());
    auto big_list = render_source("{{ range(1000000000) | length }}", limits);
    ASSERT_FALSE(big_list.ok());
    auto list_repeat = render_source("{{ ([1] * 1000000000) | length }}", limits);
    ASSERT_FALSE(list_repeat.ok());
}

TEST(ChatTemplateSandbox, NoFileAccess) {
    for (const char* source : {"{% include '/etc/passwd' %}", "{% import 'x.jinja' as x %}", "{% from 'x' import y %}",
                               "{% extends '/etc/passwd' %}"}) {
        auto t = ChatTemplate::parse(source);
        EXPECT_FALSE(t.ok()) << source;
    }
    // Nothing reachable from a value leads out of the sandbox: Python's escape hatches are undefined.
    for (const char* source :
         {"{{ ''.__class__.__mro__[1].__subclasses__() }}", "{{ messages.__class__ }}", "{{ self }}",
          "{{ cycler.__init__.__globals__.os.popen('id').read() }}", "{{ lipsum.__globals__ }}",
          "{{ open('/etc/passwd').read() }}", "{{ config }}", "{{ request }}"}) {
        auto out = render_source(source);
        if (out.ok())
            EXPECT_EQ(*out, "") << source;
        else
            EXPECT_EQ(out.error().message.find("root:"), std::string::npos) << source;
    }
}

TEST(ChatTemplate, ExtraVariablesAndCopies) {
    auto t =
        ChatTemplate::parse("{{ bos_token }}{{ date_string | default('none') }}{{ messages | length }}{{ eos_token }}");
    ASSERT_TRUE(t.ok()) << t.error().message;
    std::vector<ChatMessage> msgs{{"user", "a"}, {"assistant", "b"}};
    std::vector<quanta::ChatTemplateVariable> extra{{"date_string", "26 Jul 2024"}};
    ChatTemplate copy = *t;
    auto out = copy.render(msgs, false, "<s>", "</s>", extra);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(*out, "<s>26 Jul 20242</s>");
    auto plain = t->render(msgs, false, "<s>", "</s>");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(*plain, "<s>none2</s>");
}

} // namespace

namespace {

// Hostile shapes that would exhaust the stack or the heap of a naive tree-walker.
TEST(ChatTemplateSandbox, DeepStructuresFailCleanly) {
    auto repeat = [](const std::string& s, int n) {
        std::string out;
        for (int i = 0; i < n; ++i)
            out += s;
        return out;
    };
    const int n = 20000;
    for (const std::string& source :
         {"{{ 1" + repeat("+1", n) + " }}", "{{ 'a'" + repeat("|upper", n) + " }}", "{{ x" + repeat(".a", n) + " }}",
          "{{ x" + repeat("[0]", n) + " }}", "{{ 1" + repeat(" and 1", n) + " }}", "{{ 1" + repeat(" < 1", n) + " }}",
          "{{ " + repeat("(", n) + "1" + repeat(")", n) + " }}", "{{ " + repeat("not ", n) + "1 }}",
          repeat("{% if 1 %}", n)}) {
        auto t = ChatTemplate::parse(source);
        ASSERT_FALSE(t.ok()) << source.substr(0, 40);
        EXPECT_NE(t.error().message.find("nested too deeply"), std::string::npos) << t.error().message;
    }
    // Chains of a realistic length are fine.
    auto ok = render_source("{{ 1" + repeat("+1", 150) + " }}");
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(*ok, "151");

    // A value nested ever deeper at run time.
    auto deep = render_source("{% set ns = namespace(a=1) %}{% for i in range(100000) %}{% set ns.a = [ns.a] %}"
                              "{% endfor %}{{ ns.a }}");
    ASSERT_FALSE(deep.ok());
    EXPECT_NE(deep.error().message.find("nested deeper"), std::string::npos) << deep.error().message;
    // Deep recursion through macros and expressions together.
    auto recursion = render_source("{% macro f(n) %}{{ ((((((((((f(n + 1)))))))))) }}{% endmacro %}{{ f(0) }}");
    ASSERT_FALSE(recursion.ok());
}

TEST(ChatTemplateSandbox, ReferenceCyclesAndHugeArguments) {
    // A namespace that holds itself: renders, and is freed (the ASan build checks for leaks).
    auto cycle =
        render_source("{% set ns = namespace(a=1) %}{% set ns.a = [ns] %}{% set ns.b = ns %}{{ ns.a | length }}"
                      "{% for x in [1, ns, 2] %}{% set ns.l = loop %}{% endfor %}");
    ASSERT_TRUE(cycle.ok()) << cycle.error().message;
    EXPECT_EQ(*cycle, "1");

    EXPECT_FALSE(render_source("{{ 'x\ny' | indent(9223372036854775807) }}").ok());
    EXPECT_FALSE(render_source("{{ {'a': [1, 2]} | tojson(indent=100000000) }}").ok());
    ChatTemplateLimits limits;
    limits.max_output_bytes = 1 << 20;
    EXPECT_FALSE(render_source("{% set s = 'a' * 1000 %}{{ s.replace('a', s).replace('a', s) }}", limits).ok());
    EXPECT_FALSE(render_source("{% set s = 'a' * 1000 %}{{ (s | replace('a', s)) | replace('a', s) }}", limits).ok());
    EXPECT_FALSE(render_source("{% set s = 'a' * 100000 %}{{ ([s] * 100000) | join }}", limits).ok());

    auto slices = render_source("{{ [1, 2, 3][1:3:9223372036854775807] }}{{ 'abc'[::-9223372036854775807 - 1] }}");
    ASSERT_TRUE(slices.ok()) << slices.error().message;
    EXPECT_EQ(*slices, "[2]c");
}

} // namespace
