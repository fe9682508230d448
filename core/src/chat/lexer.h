// SPDX-License-Identifier: MIT
// Tokenizer for Jinja chat templates. Applies the whitespace rules of the environment that Hugging
// Face transformers renders chat templates with: trim_blocks and lstrip_blocks on, `-` and `+`
// modifiers on tags, newlines normalized to "\n", one trailing newline of the source dropped.
#pragma once

#include "quanta/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace quanta::chat {

enum class TokenKind : uint8_t {
    Text,       ///< template data, already whitespace-processed; `text` holds it
    VarBegin,   ///< `{{`
    VarEnd,     ///< `}}`
    BlockBegin, ///< `{%`
    BlockEnd,   ///< `%}`
    Name,       ///< identifier or keyword; `text`
    String,     ///< string literal, escapes resolved; `text`
    Int,        ///< `int_value`
    Float,      ///< `float_value`
    Op,         ///< operator or punctuation; `text` ("+", "//", "==", "(", ...)
    Eof,
};

struct Token {
    TokenKind kind = TokenKind::Eof;
    std::string text;
    int64_t int_value = 0;
    double float_value = 0.0;
    int line = 1;
};

/// Splits a template into tokens. Errors (unclosed tags, comments or strings, stray characters)
/// carry the line number: "template syntax error at line 3: ...".
Result<std::vector<Token>> tokenize(std::string_view source);

} // namespace quanta::chat
