// SPDX-License-Identifier: MIT
// Filters, tests, methods and global functions of the chat-template interpreter: the ones real
// chat templates use, with jinja2's (and Python's) semantics. Each returns an Error with a plain
// message; the evaluator adds the line number.
#pragma once

#include "chat/value.h"
#include "quanta/result.h"

#include <string_view>

namespace quanta::chat {

class Evaluator;

/// `input | name(args)`.
Result<Value> apply_filter(Evaluator& ev, std::string_view name, const Value& input, const CallArgs& args);
/// `input is name(args)`.
Result<bool> apply_test(Evaluator& ev, std::string_view name, const Value& input, const CallArgs& args);
/// A method of a str or dict bound to `object` ('x'.strip, d.items), or undefined when there is none.
Value get_method(const Value& object, std::string_view name);
/// range, namespace, dict, raise_exception, strftime_now.
void install_globals(Evaluator& ev);

/// Python str.strip()/lstrip()/rstrip() with the default whitespace set or explicit characters.
std::string strip(std::string_view s, bool left, bool right, const std::string* chars = nullptr);

} // namespace quanta::chat
