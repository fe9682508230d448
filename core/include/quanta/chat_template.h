// SPDX-License-Identifier: MIT
// Chat templates: a model's `tokenizer.chat_template` (a Jinja template) rendered for a list of
// messages, with the output Hugging Face transformers' apply_chat_template gives (jinja2 with
// trim_blocks, lstrip_blocks, loop controls, `tojson`, `raise_exception`, `strftime_now`).
//
// The interpreter implements the Jinja subset real chat templates use. It is a sandbox by
// construction: there is no include/import/extends, no file or environment access, no Python
// object attributes, and every render is bounded in steps, output bytes, list sizes and macro
// depth, so a hostile template ends with an Error instead of a hang or an exhausted heap.
//
// Threads: a ChatTemplate is immutable after parse(); copies share the parsed program and any
// number of threads may call render() on the same object at once.
#pragma once

#include "quanta/result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quanta {

class GgufFile;

namespace chat {
struct Program;
}

/// One message of a conversation: `role` is "system", "user" or "assistant" (templates decide
/// what they accept), `content` is UTF-8 text.
struct ChatMessage {
    std::string role;
    std::string content;
};

/// Bounds on one render. The defaults are far above what any real template needs.
struct ChatTemplateLimits {
    size_t max_output_bytes = size_t{16} << 20; ///< the output, and any one string built on the way
    uint64_t max_steps = 5'000'000;             ///< statements + expressions + loop iterations
    int max_call_depth = 64;                    ///< nested macro calls
    size_t max_list_items = 1'000'000;          ///< range(), list repetition
};

/// An extra variable for a render (e.g. `date_string` for Llama 3.1); string values only.
struct ChatTemplateVariable {
    std::string name;
    std::string value;
};

class ChatTemplate {
public:
    /// Parses a template. Errors (InvalidArgument) name the line:
    /// "template syntax error at line 4: unknown tag 'foo'". include/import/extends are rejected.
    static Result<ChatTemplate> parse(std::string_view source);

    /// The ChatML template (`<|im_start|>role\ncontent<|im_end|>\n` per message, then
    /// `<|im_start|>assistant\n` when a generation prompt is asked for): the fallback for models
    /// without a template.
    static ChatTemplate chatml();
    static std::string_view chatml_source();

    /// Renders `messages`. The template sees `messages` (a list of {role, content} dicts),
    /// `add_generation_prompt`, `bos_token`, `eos_token` and `extra` variables.
    /// Errors (InvalidArgument):
    ///   - `raise_exception(msg)` in the template: the message is exactly `msg`;
    ///   - runtime errors: "template error at line N: ..." (undefined callee, type errors, ...);
    ///   - a limit of `limits` exceeded: "template error at line N: ... exceeds the limit ...".
    Result<std::string> render(std::span<const ChatMessage> messages, bool add_generation_prompt,
                               std::string_view bos_token, std::string_view eos_token,
                               std::span<const ChatTemplateVariable> extra = {},
                               const ChatTemplateLimits& limits = {}) const;

    /// The source this template was parsed from.
    const std::string& source() const { return m_source; }

private:
    ChatTemplate() = default;
    std::string m_source;
    std::shared_ptr<const chat::Program> m_program;
};

/// The chat template of a model and the special-token texts it is rendered with.
struct ModelChatTemplate {
    ChatTemplate tmpl;
    bool is_fallback = false; ///< the model has no `tokenizer.chat_template`: ChatML is used
    std::string bos_token;    ///< text of `tokenizer.ggml.bos_token_id`, "" when absent
    std::string eos_token;    ///< text of `tokenizer.ggml.eos_token_id`, "" when absent
};

/// Reads `tokenizer.chat_template` (ChatML when the key is absent or empty) and the BOS/EOS token
/// texts from GGUF metadata. Errors: the template does not parse (the message says so and names
/// the line), or the key holds something other than a string.
Result<ModelChatTemplate> chat_template_from_gguf(const GgufFile& file);

} // namespace quanta
