// SPDX-License-Identifier: MIT
// The public face of the chat-template interpreter: parse once, render per conversation.
#include "quanta/chat_template.h"

#include "chat/evaluator.h"
#include "chat/parser.h"
#include "quanta/gguf.h"

namespace quanta {
namespace {

// The ChatML template llama.cpp and transformers fall back to.
constexpr std::string_view kChatml =
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

std::string token_text(const GgufFile& file, std::string_view id_key) {
    const GgufValue* id = file.find(id_key);
    const GgufValue* tokens = file.find("tokenizer.ggml.tokens");
    if (!id || !tokens)
        return {};
    auto index = id->as_uint();
    const std::vector<std::string>* texts = tokens->as_string_array();
    if (!index || !texts || *index >= texts->size())
        return {};
    return (*texts)[static_cast<size_t>(*index)];
}

} // namespace

Result<ChatTemplate> ChatTemplate::parse(std::string_view source) {
    auto program = chat::parse_template(source);
    if (!program)
        return program.take_error();
    ChatTemplate t;
    t.m_source = std::string(source);
    t.m_program = std::move(*program);
    return t;
}

std::string_view ChatTemplate::chatml_source() {
    return kChatml;
}

ChatTemplate ChatTemplate::chatml() {
    auto t = parse(kChatml);
    QUANTA_ASSERT(t.ok());
    return std::move(t).value();
}

Result<std::string> ChatTemplate::render(std::span<const ChatMessage> messages, bool add_generation_prompt,
                                         std::string_view bos_token, std::string_view eos_token,
                                         std::span<const ChatTemplateVariable> extra,
                                         const ChatTemplateLimits& limits) const {
    if (!m_program)
        return make_error(ErrorCode::InvalidArgument, "chat template: no template");
    chat::Limits l;
    l.max_output_bytes = limits.max_output_bytes;
    l.max_steps = limits.max_steps;
    l.max_call_depth = limits.max_call_depth;
    l.max_list_items = limits.max_list_items;
    chat::Evaluator ev(l);

    chat::ValueList list;
    list.reserve(messages.size());
    for (const ChatMessage& m : messages) {
        chat::Dict d;
        d.set("role", chat::Value::string(m.role));
        d.set("content", chat::Value::string(m.content));
        list.push_back(chat::Value::dict(std::move(d)));
    }
    ev.set_global("messages", chat::Value::list(std::move(list)));
    ev.set_global("add_generation_prompt", chat::Value::boolean(add_generation_prompt));
    ev.set_global("bos_token", chat::Value::string(std::string(bos_token)));
    ev.set_global("eos_token", chat::Value::string(std::string(eos_token)));
    for (const ChatTemplateVariable& v : extra)
        ev.set_global(v.name, chat::Value::string(v.value));

    auto out = ev.render(*m_program);
    if (!out && ev.raised())
        return make_error(ErrorCode::InvalidArgument, *ev.raised());
    return out;
}

Result<ModelChatTemplate> chat_template_from_gguf(const GgufFile& file) {
    std::string bos = token_text(file, "tokenizer.ggml.bos_token_id");
    std::string eos = token_text(file, "tokenizer.ggml.eos_token_id");
    const GgufValue* value = file.find("tokenizer.chat_template");
    if (value && !value->as_string())
        return make_error(ErrorCode::Corrupt, "tokenizer.chat_template is not a string");
    if (!value || value->as_string()->empty())
        return ModelChatTemplate{ChatTemplate::chatml(), true, std::move(bos), std::move(eos)};
    auto t = ChatTemplate::parse(*value->as_string());
    if (!t)
        return make_error(t.error().code, "tokenizer.chat_template: " + t.error().message);
    return ModelChatTemplate{std::move(t).value(), false, std::move(bos), std::move(eos)};
}

} // namespace quanta
