// SPDX-License-Identifier: MIT
// Parser for the Jinja subset that chat templates use. Operator precedence follows jinja2's
// parser (filters and `is` tests bind tighter than arithmetic; `not` binds looser than
// comparisons), so that expressions group exactly as they do in Python.
#pragma once

#include "chat/ast.h"
#include "quanta/result.h"

#include <memory>
#include <string_view>

namespace quanta::chat {

/// Parses a template. Errors name the line: "template syntax error at line 4: unknown tag 'foo'".
/// Tags that would reach outside the sandbox (include, import, extends) are rejected here.
Result<std::shared_ptr<const Program>> parse_template(std::string_view source);

} // namespace quanta::chat
