// SPDX-License-Identifier: MIT
// Every template in tests/data/chat_templates/ rendered for every conversation, and every feature
// snippet, compared byte for byte with jinja2's output (scripts/chat_template_reference.py).
#include "chat/evaluator.h"
#include "chat/parser.h"
#include "quanta/chat_template.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nlohmann::json;
using quanta::ChatMessage;
using quanta::ChatTemplate;

const std::string kDir = std::string(QUANTA_TEST_DATA_DIR) + "/chat_templates/";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const json& expected() {
    static const json data = [] {
        std::string text = read_file(kDir + "expected.json");
        return json::parse(text, nullptr, /*allow_exceptions=*/false);
    }();
    return data;
}

std::vector<ChatMessage> conversation(const std::string& name) {
    std::vector<ChatMessage> out;
    for (const json& m : expected()["conversations"][name])
        out.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
    return out;
}

quanta::chat::Value to_value(const json& j) {
    using quanta::chat::Value;
    switch (j.type()) {
    case json::value_t::null:
        return Value::none();
    case json::value_t::boolean:
        return Value::boolean(j.get<bool>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
        return Value::integer(j.get<int64_t>());
    case json::value_t::number_float:
        return Value::floating(j.get<double>());
    case json::value_t::string:
        return Value::string(j.get<std::string>());
    case json::value_t::array: {
        quanta::chat::ValueList items;
        for (const json& item : j)
            items.push_back(to_value(item));
        return Value::list(std::move(items));
    }
    case json::value_t::object: {
        quanta::chat::Dict d;
        for (const auto& [k, v] : j.items())
            d.set(k, to_value(v));
        return Value::dict(std::move(d));
    }
    default:
        return Value();
    }
}

TEST(ChatReference, DataIsPresent) {
    const json& data = expected();
    ASSERT_TRUE(data.is_object()) << "cannot read " << kDir << "expected.json";
    EXPECT_GE(data["cases"].size(), 150u);
    EXPECT_GE(data["features"].size(), 25u);
}

TEST(ChatReference, EveryTemplateEveryConversation) {
    const json& data = expected();
    ASSERT_TRUE(data.is_object());
    std::map<std::string, ChatTemplate> templates;
    size_t compared = 0, errors = 0;
    for (const json& c : data["cases"]) {
        const std::string name = c["template"].get<std::string>();
        auto it = templates.find(name);
        if (it == templates.end()) {
            auto parsed = ChatTemplate::parse(read_file(kDir + name + ".jinja"));
            ASSERT_TRUE(parsed.ok()) << name << ": " << parsed.error().message;
            it = templates.emplace(name, std::move(parsed).value()).first;
        }
        std::vector<quanta::ChatTemplateVariable> extra;
        for (const auto& [k, v] : c["variables"].items())
            extra.push_back({k, v.get<std::string>()});
        const std::string conv = c["conversation"].get<std::string>();
        const bool agp = c["add_generation_prompt"].get<bool>();
        auto messages = conversation(conv);
        auto out = it->second.render(messages, agp, c["bos_token"].get<std::string>(),
                                     c["eos_token"].get<std::string>(), extra);
        const std::string label = name + " / " + conv + (agp ? " / generation prompt" : "");
        if (c.contains("output")) {
            ASSERT_TRUE(out.ok()) << label << ": " << out.error().message;
            EXPECT_EQ(*out, c["output"].get<std::string>()) << label;
            ++compared;
        } else {
            ASSERT_FALSE(out.ok()) << label << " should fail, rendered:\n" << *out;
            EXPECT_EQ(out.error().message, c["error"].get<std::string>()) << label;
            ++errors;
        }
    }
    EXPECT_GE(compared, 130u);
    EXPECT_GE(errors, 10u);
}

TEST(ChatReference, LanguageFeatures) {
    const json& data = expected();
    ASSERT_TRUE(data.is_object());
    for (const json& f : data["features"]) {
        const std::string name = f["name"].get<std::string>();
        auto program = quanta::chat::parse_template(f["source"].get<std::string>());
        ASSERT_TRUE(program.ok()) << name << ": " << program.error().message;
        quanta::chat::Evaluator ev(quanta::chat::Limits{});
        for (const auto& [k, v] : data["feature_variables"].items())
            ev.set_global(k, to_value(v));
        auto out = ev.render(**program);
        if (f.contains("output")) {
            ASSERT_TRUE(out.ok()) << name << ": " << out.error().message;
            EXPECT_EQ(*out, f["output"].get<std::string>()) << name << "\nsource: " << f["source"].get<std::string>();
        } else {
            ASSERT_FALSE(out.ok()) << name;
            const std::string error = f["error"].get<std::string>();
            if (error.rfind("jinja2: ", 0) == 0) {
                // jinja2's own error (not raise_exception): the same reason, in Quanta's wording.
                EXPECT_NE(out.error().message.find(error.substr(8)), std::string::npos)
                    << name << ": " << out.error().message << " vs " << error;
            } else {
                ASSERT_TRUE(ev.raised().has_value()) << name << ": " << out.error().message;
                EXPECT_EQ(*ev.raised(), error) << name;
            }
        }
    }
}

} // namespace
