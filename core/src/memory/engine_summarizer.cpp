// SPDX-License-Identifier: MIT
// The model-backed pieces of quanta/memory.h: the prompt tokens of a chat, a TokenCounter over
// them, and EngineSummarizer, which asks the local model for a progressive summary.
#include "quanta/memory.h"

#include "quanta/gguf.h"

namespace quanta {

Result<std::vector<int32_t>> chat_prompt_tokens(const Model& model, const ModelChatTemplate& tmpl,
                                                std::span<const ChatMessage> messages) {
    QUANTA_TRY_ASSIGN(auto text, tmpl.tmpl.render(messages, /*add_generation_prompt=*/true, tmpl.bos_token,
                                                  tmpl.eos_token));
    // The template writes BOS itself when the model wants one; do not add a second.
    EncodeOptions options;
    options.parse_special = true;
    options.add_special =
        !(model.tokenizer().add_bos() && !tmpl.bos_token.empty() && text.starts_with(tmpl.bos_token));
    return model.tokenizer().encode(text, options);
}

Result<TokenCounter> model_token_counter(std::shared_ptr<const Model> model) {
    if (!model)
        return make_error(ErrorCode::InvalidArgument, "model_token_counter: no model");
    QUANTA_TRY_ASSIGN(auto tmpl, chat_template_from_gguf(model->file()));
    return TokenCounter([model = std::move(model), tmpl = std::move(tmpl)](
                            std::span<const ChatMessage> messages) -> Result<int64_t> {
        QUANTA_TRY_ASSIGN(auto ids, chat_prompt_tokens(*model, tmpl, messages));
        return static_cast<int64_t>(ids.size());
    });
}

namespace {

/// "User: ...\nAssistant: ..." — the transcript form the summary prompt was written for.
std::string transcript(std::span<const ChatMessage> messages) {
    std::string out;
    for (const ChatMessage& m : messages) {
        if (!out.empty())
            out += '\n';
        std::string role = m.role.empty() ? std::string("Message") : m.role;
        if (role[0] >= 'a' && role[0] <= 'z')
            role[0] = static_cast<char>(role[0] - 'a' + 'A');
        out += role;
        out += ": ";
        out += m.content;
    }
    return out;
}

/// `text` with every `{name}` replaced by `value` (values are not scanned again).
std::string substitute(std::string_view text, std::string_view name, std::string_view value) {
    std::string out;
    for (;;) {
        const size_t at = text.find(name);
        if (at == std::string_view::npos)
            break;
        out.append(text.substr(0, at));
        out.append(value);
        text.remove_prefix(at + name.size());
    }
    out.append(text);
    return out;
}

std::string trim(std::string s) {
    const auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
    while (!s.empty() && is_space(s.back()))
        s.pop_back();
    size_t i = 0;
    while (i < s.size() && is_space(s[i]))
        ++i;
    return s.substr(i);
}

} // namespace

EngineSummarizer::EngineSummarizer(std::shared_ptr<const Model> model, ModelChatTemplate tmpl,
                                   SummarizerOptions options)
    : m_model(std::move(model)), m_tmpl(std::move(tmpl)), m_options(std::move(options)) {}

Result<std::unique_ptr<EngineSummarizer>> EngineSummarizer::create(std::shared_ptr<const Model> model,
                                                                   SummarizerOptions options) {
    if (!model)
        return make_error(ErrorCode::InvalidArgument, "EngineSummarizer: no model");
    if (options.n_predict < 1 || options.n_ctx < 1)
        return make_error(ErrorCode::InvalidArgument, "EngineSummarizer: n_predict and n_ctx must be >= 1");
    QUANTA_TRY_ASSIGN(auto tmpl, chat_template_from_gguf(model->file()));
    return std::unique_ptr<EngineSummarizer>(new EngineSummarizer(std::move(model), std::move(tmpl), std::move(options)));
}

Result<std::string> EngineSummarizer::summarize(std::string_view previous_summary,
                                                std::span<const ChatMessage> new_messages) {
    std::string instruction = previous_summary.empty()
                                  ? m_options.first_prompt
                                  : substitute(m_options.prompt, "{summary}", previous_summary);
    instruction = substitute(instruction, "{new_lines}", transcript(new_messages));
    const ChatMessage request[] = {{"user", std::move(instruction)}};
    QUANTA_TRY_ASSIGN(auto prompt, chat_prompt_tokens(*m_model, m_tmpl, request));
    if (static_cast<int64_t>(prompt.size()) + m_options.n_predict > m_options.n_ctx)
        return make_error(ErrorCode::ContextFull,
                          "the summary prompt needs " + std::to_string(prompt.size()) + " tokens plus " +
                              std::to_string(m_options.n_predict) + " for the summary, more than the " +
                              std::to_string(m_options.n_ctx) + " of the summarizer's context");

    if (!m_session) {
        QUANTA_TRY_ASSIGN(m_session, Session::create(m_model, {.n_ctx = m_options.n_ctx}));
    }
    m_session->clear(); // each summary stands alone: nothing of the last one may leak in

    GenerateOptions options;
    options.n_predict = m_options.n_predict;
    options.sampling.temperature = 0.0f; // greedy: the same conversation gives the same summary
    options.sampling.repeat_penalty = 1.0f;
    std::string summary;
    QUANTA_TRY_ASSIGN(auto stats, generate(*m_session, prompt, options,
                                           [&summary](int32_t, std::string_view text) {
                                               summary += text;
                                               return true;
                                           },
                                           m_cancel));
    if (stats.stop == StopReason::Cancelled)
        return make_error(ErrorCode::Cancelled, "summary cancelled");
    return trim(std::move(summary));
}

} // namespace quanta
