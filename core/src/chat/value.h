// SPDX-License-Identifier: MIT
// The dynamic value of the chat-template interpreter: the subset of Python objects that Jinja
// templates see (undefined, None, bool, int, float, str, list/tuple, dict, namespace, callables),
// with Python's printing, truthiness, equality and ordering rules, because templates were written
// against jinja2 and their output must match it byte for byte.
#pragma once

#include "quanta/result.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quanta::chat {

class Value;
class Evaluator;

using ValueList = std::vector<Value>;

/// An insertion-ordered string-keyed map (Python dicts keep insertion order, and templates print
/// and iterate them). Linear lookup: template dicts have a handful of keys.
struct Dict {
    std::vector<std::pair<std::string, Value>> entries;

    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);
    void set(std::string key, Value value);
};

/// Arguments of a call: positional first, then keyword arguments in source order.
struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> named;

    /// The argument at `index`, or the keyword `name`, or nullptr.
    const Value* get(size_t index, std::string_view name) const;
};

using NativeFunction = std::function<Result<Value>(Evaluator&, const CallArgs&)>;

struct Callable {
    std::string name;
    NativeFunction function;
};

class Value {
public:
    enum class Kind : uint8_t { Undefined, None, Bool, Int, Float, String, List, Dict, Namespace, Callable };

    Value() = default; ///< undefined
    static Value undefined(std::string name = {});
    static Value none();
    static Value boolean(bool b);
    static Value integer(int64_t i);
    static Value floating(double f);
    static Value string(std::string s);
    static Value list(ValueList items, bool tuple = false);
    static Value dict(Dict d);
    static Value namespace_object(Dict d);
    static Value callable(std::string name, NativeFunction function);

    Kind kind() const { return m_kind; }
    bool is_undefined() const { return m_kind == Kind::Undefined; }
    bool is_none() const { return m_kind == Kind::None; }
    bool is_bool() const { return m_kind == Kind::Bool; }
    bool is_int() const { return m_kind == Kind::Int; }
    bool is_float() const { return m_kind == Kind::Float; }
    bool is_number() const { return m_kind == Kind::Int || m_kind == Kind::Float || m_kind == Kind::Bool; }
    bool is_string() const { return m_kind == Kind::String; }
    bool is_list() const { return m_kind == Kind::List; }
    bool is_tuple() const { return m_kind == Kind::List && m_tuple; }
    bool is_dict() const { return m_kind == Kind::Dict; }
    bool is_namespace() const { return m_kind == Kind::Namespace; }
    bool is_mapping() const { return m_kind == Kind::Dict || m_kind == Kind::Namespace; }
    bool is_callable() const { return m_kind == Kind::Callable; }

    bool as_bool() const { return m_bool; }
    int64_t as_int() const { return m_kind == Kind::Bool ? (m_bool ? 1 : 0) : m_int; }
    double as_float() const { return m_kind == Kind::Float ? m_float : static_cast<double>(as_int()); }
    const std::string& as_string() const { return m_string ? *m_string : empty_string(); }
    /// Name of the variable an undefined value came from ("" when unknown), for error messages.
    const std::string& undefined_name() const { return as_string(); }
    const ValueList& as_list() const { return *m_list; }
    const Dict& as_dict() const { return *m_dict; }
    /// Namespaces are the one mutable object (`{% set ns.x = ... %}`); all copies share it.
    Dict& mutable_dict() const { return *m_dict; }
    const Callable& as_callable() const { return *m_callable; }

    /// How deeply containers nest in this value: 0 for scalars, 1 for a list of scalars. The
    /// evaluator bounds it, since printing, comparing and freeing a value recurse that deep.
    uint32_t depth() const { return m_depth; }
    /// For a container that is later filled in place (the `loop` object): its depth as if it held
    /// items `depth` deep.
    void raise_depth(uint32_t depth) { m_depth = std::max(m_depth, depth); }
    /// The shared dict of a dict or namespace (null otherwise), to break reference cycles.
    std::weak_ptr<Dict> dict_ref() const { return m_dict; }

    /// Python truthiness: undefined, None, False, 0, 0.0, "", [], {} are false.
    bool truthy() const;
    /// Python type name, for error messages ("str", "int", "list", ...).
    const char* type_name() const;

private:
    Kind m_kind = Kind::Undefined;
    bool m_bool = false;
    bool m_tuple = false;
    uint32_t m_depth = 0; ///< containers: 1 + the deepest item (at construction)
    int64_t m_int = 0;
    double m_float = 0.0;
    // Shared, so that copying a value (list repetition, loop variables, arguments) never copies
    // the bytes of a long string: memory stays proportional to the strings actually built.
    std::shared_ptr<const std::string> m_string;
    static const std::string& empty_string();
    std::shared_ptr<const ValueList> m_list;
    std::shared_ptr<Dict> m_dict;
    std::shared_ptr<const Callable> m_callable;
};

/// `str(value)` as jinja2 prints it into the output ("" for undefined, "None", "True", Python
/// float repr, list/dict repr).
std::string to_output(const Value& value);
/// `repr(value)` in Python (strings quoted and escaped as Python does).
std::string to_repr(const Value& value);
/// Python's float repr: shortest round-trip digits, ".0" on integral values, exponent form
/// outside 1e-4 <= |x| < 1e16 ("1e-05", "1e+16"), "inf", "nan".
std::string float_repr(double value);

/// `json.dumps(value, ensure_ascii=False, indent=indent)` (indent < 0: compact one-line form with
/// ", " and ": " separators). Fails on undefined and callables as Python does.
Result<std::string> to_json(const Value& value, int indent, bool sort_keys = false);

/// Python `==` (1 == 1.0 == True; lists and dicts compare deeply).
bool equals(const Value& a, const Value& b);
/// Python ordering for `<`: numbers, strings (code point order), lists lexicographically.
/// Fails on other type pairs as Python's TypeError would.
Result<bool> less_than(const Value& a, const Value& b);

// UTF-8 helpers. Jinja works on code points; Quanta keeps UTF-8 bytes and converts where a
// position or a length is observable (len, slicing, indexing, reversing).
/// Byte offsets of each code point's start, plus the total size at the end.
std::vector<size_t> utf8_offsets(std::string_view s);
size_t utf8_length(std::string_view s);
/// Python str.upper()/str.lower() for ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic and
/// fullwidth Latin ('ß'.upper() is "SS"); other code points, and invalid bytes, pass unchanged.
/// Not handled: Greek final sigma in lower(), 'İ'.lower(), other scripts' special cases.
std::string unicode_case(std::string_view s, bool upper);
/// Python str.capitalize(): the first code point upper-cased, the rest lower-cased.
std::string unicode_capitalize(std::string_view s);

} // namespace quanta::chat
