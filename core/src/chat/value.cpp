// SPDX-License-Identifier: MIT
#include "chat/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace quanta::chat {

const Value* Dict::find(std::string_view key) const {
    for (const auto& [k, v] : entries)
        if (k == key)
            return &v;
    return nullptr;
}

Value* Dict::find(std::string_view key) {
    for (auto& [k, v] : entries)
        if (k == key)
            return &v;
    return nullptr;
}

void Dict::set(std::string key, Value value) {
    if (Value* existing = find(key))
        *existing = std::move(value);
    else
        entries.emplace_back(std::move(key), std::move(value));
}

const Value* CallArgs::get(size_t index, std::string_view name) const {
    if (index < positional.size())
        return &positional[index];
    for (const auto& [k, v] : named)
        if (k == name)
            return &v;
    return nullptr;
}

Value Value::undefined(std::string name) {
    Value v;
    if (!name.empty())
        v.m_string = std::make_shared<const std::string>(std::move(name));
    return v;
}

Value Value::none() {
    Value v;
    v.m_kind = Kind::None;
    return v;
}

Value Value::boolean(bool b) {
    Value v;
    v.m_kind = Kind::Bool;
    v.m_bool = b;
    return v;
}

Value Value::integer(int64_t i) {
    Value v;
    v.m_kind = Kind::Int;
    v.m_int = i;
    return v;
}

Value Value::floating(double f) {
    Value v;
    v.m_kind = Kind::Float;
    v.m_float = f;
    return v;
}

const std::string& Value::empty_string() {
    static const std::string empty;
    return empty;
}

Value Value::string(std::string s) {
    Value v;
    v.m_kind = Kind::String;
    if (!s.empty())
        v.m_string = std::make_shared<const std::string>(std::move(s));
    return v;
}

Value Value::list(ValueList items, bool tuple) {
    Value v;
    v.m_kind = Kind::List;
    v.m_tuple = tuple;
    uint32_t deepest = 0;
    for (const Value& item : items)
        deepest = std::max(deepest, item.m_depth);
    v.m_depth = deepest + 1;
    v.m_list = std::make_shared<const ValueList>(std::move(items));
    return v;
}

Value Value::dict(Dict d) {
    Value v;
    v.m_kind = Kind::Dict;
    uint32_t deepest = 0;
    for (const auto& entry : d.entries)
        deepest = std::max(deepest, entry.second.m_depth);
    v.m_depth = deepest + 1;
    v.m_dict = std::make_shared<Dict>(std::move(d));
    return v;
}

Value Value::namespace_object(Dict d) {
    Value v = dict(std::move(d));
    v.m_kind = Kind::Namespace;
    return v;
}

Value Value::callable(std::string name, NativeFunction function) {
    Value v;
    v.m_kind = Kind::Callable;
    v.m_callable = std::make_shared<const Callable>(Callable{std::move(name), std::move(function)});
    return v;
}

bool Value::truthy() const {
    switch (m_kind) {
    case Kind::Undefined:
    case Kind::None: return false;
    case Kind::Bool: return m_bool;
    case Kind::Int: return m_int != 0;
    case Kind::Float: return m_float != 0.0;
    case Kind::String: return !as_string().empty();
    case Kind::List: return !m_list->empty();
    case Kind::Dict: return !m_dict->entries.empty();
    case Kind::Namespace:
    case Kind::Callable: return true;
    }
    return false;
}

const char* Value::type_name() const {
    switch (m_kind) {
    case Kind::Undefined: return "Undefined";
    case Kind::None: return "NoneType";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::List: return m_tuple ? "tuple" : "list";
    case Kind::Dict: return "dict";
    case Kind::Namespace: return "Namespace";
    case Kind::Callable: return "function";
    }
    return "object";
}

std::string float_repr(double value) {
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value < 0 ? "-inf" : "inf";
    if (value == 0.0)
        return std::signbit(value) ? "-0.0" : "0.0";
    // Shortest round-trip digits in scientific form, e.g. "1.2345e+17", then laid out as Python does.
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    bool negative = sci[0] == '-';
    if (negative)
        sci.erase(0, 1);
    size_t e = sci.find('e');
    std::string digits;
    for (size_t i = 0; i < e; ++i)
        if (sci[i] != '.')
            digits += sci[i];
    int exponent = std::atoi(sci.c_str() + e + 1);
    std::string out = negative ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
        } else {
            size_t int_digits = static_cast<size_t>(exponent) + 1;
            if (digits.size() <= int_digits) {
                out += digits + std::string(int_digits - digits.size(), '0') + ".0";
            } else {
                out.append(digits, 0, int_digits);
                out += '.';
                out.append(digits, int_digits, std::string::npos);
            }
        }
        return out;
    }
    out += digits.substr(0, 1);
    if (digits.size() > 1) {
        out += '.';
        out.append(digits, 1, std::string::npos);
    }
    char exp_buf[16];
    std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + exp_buf;
}

namespace {

// Decode one code point at s[i] (which must be a lead byte); returns the code point and advances i.
// Invalid bytes decode as themselves (one byte each) so that nothing is lost.
uint32_t decode_utf8(std::string_view s, size_t& i) {
    auto b0 = static_cast<unsigned char>(s[i]);
    int extra = b0 < 0x80 ? 0 : (b0 >> 5) == 0x6 ? 1 : (b0 >> 4) == 0xE ? 2 : (b0 >> 3) == 0x1E ? 3 : -1;
    if (extra <= 0 || i + static_cast<size_t>(extra) >= s.size()) {
        ++i;
        return b0;
    }
    uint32_t cp = b0 & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
        auto b = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
        if ((b & 0xC0) != 0x80) {
            ++i;
            return b0;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    i += static_cast<size_t>(extra) + 1;
    return cp;
}

// Python's str.isprintable() for the code points a chat message plausibly holds: control
// characters, format characters and non-ASCII separators are not printable (repr escapes them).
bool python_printable(uint32_t cp) {
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0xA0) || cp == 0xAD)
        return false;
    if ((cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F))
        return false;
    if (cp == 0x3000 || cp == 0xFEFF || cp == 0x1680 || cp == 0x180E || (cp >= 0xD800 && cp <= 0xDFFF))
        return false;
    if ((cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xFFF9 && cp <= 0xFFFB))
        return false;
    return true;
}

std::string string_repr(std::string_view s) {
    bool has_single = s.find('\'') != std::string_view::npos;
    bool has_double = s.find('"') != std::string_view::npos;
    char quote = has_single && !has_double ? '"' : '\'';
    std::string out(1, quote);
    size_t i = 0;
    while (i < s.size()) {
        size_t start = i;
        uint32_t cp = decode_utf8(s, i);
        char buf[16];
        if (cp == '\\') {
            out += "\\\\";
        } else if (cp == static_cast<uint32_t>(quote)) {
            out += '\\';
            out += quote;
        } else if (cp == '\n') {
            out += "\\n";
        } else if (cp == '\r') {
            out += "\\r";
        } else if (cp == '\t') {
            out += "\\t";
        } else if (python_printable(cp)) {
            out.append(s.substr(start, i - start));
        } else {
            if (cp < 0x100)
                std::snprintf(buf, sizeof buf, "\\x%02x", cp);
            else if (cp < 0x10000)
                std::snprintf(buf, sizeof buf, "\\u%04x", cp);
            else
                std::snprintf(buf, sizeof buf, "\\U%08x", cp);
            out += buf;
        }
    }
    out += quote;
    return out;
}

void json_string(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

Result<void> json_write(std::string& out, const Value& v, int indent, bool sort_keys, int level) {
    if (level > 256)
        return make_error(ErrorCode::InvalidArgument, "tojson: value nested too deeply");
    auto newline = [&](int lvl) {
        if (indent >= 0) {
            out += '\n';
            out.append(static_cast<size_t>(indent) * static_cast<size_t>(lvl), ' ');
        }
    };
    const char* item_sep = indent >= 0 ? "," : ", ";
    switch (v.kind()) {
    case Value::Kind::None: out += "null"; return {};
    case Value::Kind::Bool: out += v.as_bool() ? "true" : "false"; return {};
    case Value::Kind::Int: out += std::to_string(v.as_int()); return {};
    case Value::Kind::Float: {
        double f = v.as_float();
        out += std::isnan(f) ? "NaN" : std::isinf(f) ? (f < 0 ? "-Infinity" : "Infinity") : float_repr(f);
        return {};
    }
    case Value::Kind::String: json_string(out, v.as_string()); return {};
    case Value::Kind::List: {
        const ValueList& items = v.as_list();
        if (items.empty()) {
            out += "[]";
            return {};
        }
        out += '[';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i > 0)
                out += item_sep;
            newline(level + 1);
            QUANTA_TRY(json_write(out, items[i], indent, sort_keys, level + 1));
        }
        newline(level);
        out += ']';
        return {};
    }
    case Value::Kind::Dict: {
        std::vector<const std::pair<std::string, Value>*> entries;
        for (const auto& e : v.as_dict().entries)
            entries.push_back(&e);
        if (sort_keys)
            std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->first < b->first; });
        if (entries.empty()) {
            out += "{}";
            return {};
        }
        out += '{';
        for (size_t i = 0; i < entries.size(); ++i) {
            if (i > 0)
                out += item_sep;
            newline(level + 1);
            json_string(out, entries[i]->first);
            out += ": ";
            QUANTA_TRY(json_write(out, entries[i]->second, indent, sort_keys, level + 1));
        }
        newline(level);
        out += '}';
        return {};
    }
    case Value::Kind::Undefined:
    case Value::Kind::Namespace:
    case Value::Kind::Callable: break;
    }
    return make_error(ErrorCode::InvalidArgument,
                      std::string("Object of type ") + v.type_name() + " is not JSON serializable");
}

} // namespace

std::string to_repr(const Value& value) {
    switch (value.kind()) {
    case Value::Kind::String: return string_repr(value.as_string());
    case Value::Kind::List: {
        std::string out = value.is_tuple() ? "(" : "[";
        const ValueList& items = value.as_list();
        for (size_t i = 0; i < items.size(); ++i) {
            if (i > 0)
                out += ", ";
            out += to_repr(items[i]);
        }
        if (value.is_tuple() && items.size() == 1)
            out += ',';
        out += value.is_tuple() ? ")" : "]";
        return out;
    }
    case Value::Kind::Dict: {
        std::string out = "{";
        bool first = true;
        for (const auto& [k, v] : value.as_dict().entries) {
            if (!first)
                out += ", ";
            first = false;
            out += string_repr(k) + ": " + to_repr(v);
        }
        return out + "}";
    }
    default: return to_output(value);
    }
}

std::string to_output(const Value& value) {
    switch (value.kind()) {
    case Value::Kind::Undefined: return "";
    case Value::Kind::None: return "None";
    case Value::Kind::Bool: return value.as_bool() ? "True" : "False";
    case Value::Kind::Int: return std::to_string(value.as_int());
    case Value::Kind::Float: return float_repr(value.as_float());
    case Value::Kind::String: return value.as_string();
    case Value::Kind::List:
    case Value::Kind::Dict: return to_repr(value);
    case Value::Kind::Namespace: return "<Namespace>";
    case Value::Kind::Callable: return "<function " + value.as_callable().name + ">";
    }
    return "";
}

Result<std::string> to_json(const Value& value, int indent, bool sort_keys) {
    std::string out;
    QUANTA_TRY(json_write(out, value, indent, sort_keys, 0));
    return out;
}

bool equals(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_float() || b.is_float())
            return a.as_float() == b.as_float();
        return a.as_int() == b.as_int();
    }
    if (a.kind() != b.kind())
        return false;
    switch (a.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::None: return true;
    case Value::Kind::String: return a.as_string() == b.as_string();
    case Value::Kind::List: {
        const ValueList& x = a.as_list();
        const ValueList& y = b.as_list();
        if (x.size() != y.size() || a.is_tuple() != b.is_tuple())
            return false;
        for (size_t i = 0; i < x.size(); ++i)
            if (!equals(x[i], y[i]))
                return false;
        return true;
    }
    case Value::Kind::Dict: {
        const Dict& x = a.as_dict();
        const Dict& y = b.as_dict();
        if (x.entries.size() != y.entries.size())
            return false;
        for (const auto& [k, v] : x.entries) {
            const Value* other = y.find(k);
            if (!other || !equals(v, *other))
                return false;
        }
        return true;
    }
    case Value::Kind::Namespace: return &a.as_dict() == &b.as_dict();
    case Value::Kind::Callable: return &a.as_callable() == &b.as_callable();
    default: return false;
    }
}

Result<bool> less_than(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_float() || b.is_float())
            return a.as_float() < b.as_float();
        return a.as_int() < b.as_int();
    }
    if (a.is_string() && b.is_string())
        return a.as_string() < b.as_string(); // UTF-8 byte order is code point order
    if (a.is_list() && b.is_list()) {
        const ValueList& x = a.as_list();
        const ValueList& y = b.as_list();
        for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
            if (equals(x[i], y[i]))
                continue;
            return less_than(x[i], y[i]);
        }
        return x.size() < y.size();
    }
    return make_error(ErrorCode::InvalidArgument, std::string("'<' not supported between instances of '") +
                                                      a.type_name() + "' and '" + b.type_name() + "'");
}

std::vector<size_t> utf8_offsets(std::string_view s) {
    std::vector<size_t> offsets;
    offsets.reserve(s.size() + 1);
    size_t i = 0;
    while (i < s.size()) {
        offsets.push_back(i);
        decode_utf8(s, i);
    }
    offsets.push_back(s.size());
    return offsets;
}

size_t utf8_length(std::string_view s) {
    size_t n = 0;
    size_t i = 0;
    while (i < s.size()) {
        decode_utf8(s, i);
        ++n;
    }
    return n;
}

namespace {

uint32_t lower_cp(uint32_t c) {
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
        (c >= 0x410 && c <= 0x42F) || (c >= 0xFF21 && c <= 0xFF3A))
        return c + 32;
    if ((c >= 0x100 && c <= 0x137 && c != 0x130 && c % 2 == 0) || (c >= 0x139 && c <= 0x148 && c % 2 == 1) ||
        (c >= 0x14A && c <= 0x177 && c % 2 == 0) || (c >= 0x179 && c <= 0x17E && c % 2 == 1))
        return c + 1;
    if (c >= 0x400 && c <= 0x40F)
        return c + 80;
    switch (c) {
    case 0x178: return 0xFF;
    case 0x386: return 0x3AC;
    case 0x388: case 0x389: case 0x38A: return c + 37;
    case 0x38C: return 0x3CC;
    case 0x38E: case 0x38F: return c + 63;
    default: return c;
    }
}

uint32_t upper_cp(uint32_t c) {
    if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7) || (c >= 0x3B1 && c <= 0x3CB && c != 0x3C2) ||
        (c >= 0x430 && c <= 0x44F) || (c >= 0xFF41 && c <= 0xFF5A))
        return c - 32;
    if ((c >= 0x101 && c <= 0x137 && c != 0x131 && c % 2 == 1) || (c >= 0x13A && c <= 0x148 && c % 2 == 0) ||
        (c >= 0x14B && c <= 0x177 && c % 2 == 1) || (c >= 0x17A && c <= 0x17E && c % 2 == 0))
        return c - 1;
    if (c >= 0x450 && c <= 0x45F)
        return c - 80;
    switch (c) {
    case 0xB5: return 0x39C;
    case 0xFF: return 0x178;
    case 0x131: return 'I';
    case 0x17F: return 'S';
    case 0x3C2: return 0x3A3;
    case 0x3AC: return 0x386;
    case 0x3AD: case 0x3AE: case 0x3AF: return c - 37;
    case 0x3CC: return 0x38C;
    case 0x3CD: case 0x3CE: return c - 63;
    default: return c;
    }
}

void put_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

} // namespace

std::string unicode_capitalize(std::string_view s) {
    if (s.empty())
        return {};
    size_t first = 0;
    decode_utf8(s, first);
    return unicode_case(s.substr(0, first), true) + unicode_case(s.substr(first), false);
}

std::string unicode_case(std::string_view s, bool upper) {
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        const size_t start = i;
        const uint32_t cp = decode_utf8(s, i);
        const uint32_t mapped = upper ? upper_cp(cp) : lower_cp(cp);
        if (upper && cp == 0xDF)
            out += "SS";
        else if (mapped == cp || cp > 0x10FFFF)
            out.append(s, start, i - start); // unchanged (also keeps invalid bytes as they were)
        else
            put_utf8(out, mapped);
    }
    return out;
}

} // namespace quanta::chat
