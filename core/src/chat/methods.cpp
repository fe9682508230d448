// SPDX-License-Identifier: MIT
// Methods of str and dict that chat templates call ('x'.strip(), message.get('content')), the
// global functions, and the string helpers that filters share with them.
#include "chat/builtins.h"
#include "chat/evaluator.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>

namespace quanta::chat {
namespace {

Error plain(const std::string& message) { return make_error(ErrorCode::InvalidArgument, message); }

// Python's str.isspace() code points.
bool is_py_space(uint32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

uint32_t code_point_at(std::string_view s, size_t begin, size_t end) {
    auto b0 = static_cast<unsigned char>(s[begin]);
    size_t n = end - begin;
    if (n == 1)
        return b0;
    uint32_t cp = b0 & (0x7F >> n);
    for (size_t i = begin + 1; i < end; ++i)
        cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
    return cp;
}

Result<std::string> string_arg(const CallArgs& args, size_t index, std::string_view name, const char* method) {
    const Value* v = args.get(index, name);
    if (!v || !v->is_string())
        return plain(std::string(method) + "() needs a string argument '" + std::string(name) + "'");
    return v->as_string();
}

std::string ascii_upper(const std::string& s) { return unicode_case(s, true); }

std::string ascii_lower(const std::string& s) { return unicode_case(s, false); }

// Python str.title(): a cased letter after an uncased character starts a word. Only ASCII letters
// count as cased here (Hangul, CJK and emoji are uncased in Python too).
std::string python_title(const std::string& s) {
    std::string out;
    bool prev_cased = false;
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalpha(u) && u < 0x80) {
            out += static_cast<char>(prev_cased ? std::tolower(u) : std::toupper(u));
            prev_cased = true;
        } else {
            out += c;
            prev_cased = false;
        }
    }
    return out;
}

std::vector<std::string> python_split(const std::string& s, const std::string* sep, int64_t maxsplit) {
    std::vector<std::string> parts;
    if (!sep) {
        size_t i = 0;
        while (true) {
            while (i < s.size() && is_py_space(static_cast<unsigned char>(s[i])))
                ++i;
            if (i >= s.size())
                break;
            if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit) {
                parts.push_back(strip(s.substr(i), false, true));
                break;
            }
            size_t j = i;
            while (j < s.size() && !is_py_space(static_cast<unsigned char>(s[j])))
                ++j;
            parts.push_back(s.substr(i, j - i));
            i = j;
        }
        return parts;
    }
    size_t start = 0;
    while (true) {
        size_t at = s.find(*sep, start);
        if (at == std::string::npos || (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit)) {
            parts.push_back(s.substr(start));
            return parts;
        }
        parts.push_back(s.substr(start, at - start));
        start = at + sep->size();
    }
}

Result<bool> affix_match(const Value& self, const CallArgs& args, bool prefix) {
    const Value* arg = args.get(0, prefix ? "prefix" : "suffix");
    const char* name = prefix ? "startswith" : "endswith";
    if (!arg)
        return plain(std::string(name) + "() takes at least 1 argument");
    std::vector<std::string> options;
    if (arg->is_string()) {
        options.push_back(arg->as_string());
    } else if (arg->is_list()) {
        for (const Value& v : arg->as_list()) {
            if (!v.is_string())
                return plain(std::string(name) + "() tuple items must be strings");
            options.push_back(v.as_string());
        }
    } else {
        return plain(std::string(name) + "() argument must be a string or a tuple of strings");
    }
    const std::string& s = self.as_string();
    for (const std::string& o : options) {
        if (o.size() > s.size())
            continue;
        if (prefix ? s.compare(0, o.size(), o) == 0 : s.compare(s.size() - o.size(), o.size(), o) == 0)
            return true;
    }
    return false;
}

Result<Value> string_method(Evaluator& ev, const Value& self, const std::string& name, const CallArgs& args) {
    const std::string& s = self.as_string();
    if (name == "strip" || name == "lstrip" || name == "rstrip") {
        const Value* chars = args.get(0, "chars");
        std::string set;
        bool explicit_chars = chars && !chars->is_none();
        if (explicit_chars) {
            if (!chars->is_string())
                return plain(name + "() argument must be a string or none");
            set = chars->as_string();
        }
        return Value::string(strip(s, name != "rstrip", name != "lstrip", explicit_chars ? &set : nullptr));
    }
    if (name == "upper")
        return Value::string(ascii_upper(s));
    if (name == "lower")
        return Value::string(ascii_lower(s));
    if (name == "title")
        return Value::string(python_title(s));
    if (name == "capitalize")
        return Value::string(unicode_capitalize(s));
    if (name == "split") {
        const Value* sep = args.get(0, "sep");
        const Value* maxsplit = args.get(1, "maxsplit");
        std::string sep_text;
        bool has_sep = sep && !sep->is_none();
        if (has_sep) {
            if (!sep->is_string())
                return plain("split() separator must be a string or none");
            sep_text = sep->as_string();
            if (sep_text.empty())
                return plain("empty separator");
        }
        int64_t max = maxsplit && maxsplit->is_int() ? maxsplit->as_int() : -1;
        ValueList out;
        for (std::string& part : python_split(s, has_sep ? &sep_text : nullptr, max))
            out.push_back(Value::string(std::move(part)));
        return Value::list(std::move(out));
    }
    if (name == "startswith" || name == "endswith") {
        auto r = affix_match(self, args, name == "startswith");
        if (!r)
            return r.take_error();
        return Value::boolean(*r);
    }
    if (name == "replace") {
        auto from = string_arg(args, 0, "old", "replace");
        if (!from)
            return from.take_error();
        auto to = string_arg(args, 1, "new", "replace");
        if (!to)
            return to.take_error();
        const Value* count = args.get(2, "count");
        return apply_filter(ev, "replace", self,
                            CallArgs{{Value::string(*from), Value::string(*to), count ? *count : Value::integer(-1)}, {}});
    }
    if (name == "find" || name == "count") {
        auto sub = string_arg(args, 0, "sub", name.c_str());
        if (!sub)
            return sub.take_error();
        if (name == "find") {
            size_t at = s.find(*sub);
            return Value::integer(at == std::string::npos ? -1 : static_cast<int64_t>(utf8_length(s.substr(0, at))));
        }
        if (sub->empty())
            return Value::integer(static_cast<int64_t>(utf8_length(s)) + 1);
        int64_t n = 0;
        for (size_t at = s.find(*sub); at != std::string::npos; at = s.find(*sub, at + sub->size()))
            ++n;
        return Value::integer(n);
    }
    if (name == "join") {
        const Value* items = args.get(0, "iterable");
        if (!items)
            return plain("join() takes exactly one argument");
        auto list = iterate(*items);
        if (!list)
            return list.take_error();
        std::string out;
        for (size_t i = 0; i < list->size(); ++i) {
            if (!(*list)[i].is_string())
                return plain("sequence item " + std::to_string(i) + ": expected str instance, " +
                             (*list)[i].type_name() + " found");
            if (i > 0)
                out += s;
            out += (*list)[i].as_string();
            QUANTA_TRY(ev.check_string_size(out.size()));
        }
        return Value::string(std::move(out));
    }
    if (name == "isdigit" || name == "isalpha" || name == "isalnum" || name == "isspace" || name == "islower" ||
        name == "isupper") {
        if (s.empty())
            return Value::boolean(false);
        bool any_cased = false;
        for (char c : s) {
            auto u = static_cast<unsigned char>(c);
            bool ok = name == "isdigit"   ? std::isdigit(u) != 0
                      : name == "isalpha" ? std::isalpha(u) != 0
                      : name == "isalnum" ? std::isalnum(u) != 0
                      : name == "isspace" ? is_py_space(u)
                      : name == "islower" ? !std::isupper(u)
                                          : !std::islower(u);
            any_cased = any_cased || std::isalpha(u);
            if (!ok)
                return Value::boolean(false);
        }
        return Value::boolean(name == "islower" || name == "isupper" ? any_cased : true);
    }
    if (name == "splitlines") {
        ValueList out;
        size_t start = 0;
        for (size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '\n' || s[i] == '\r') {
                out.push_back(Value::string(s.substr(start, i - start)));
                if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')
                    ++i;
                start = i + 1;
            }
        }
        if (start < s.size())
            out.push_back(Value::string(s.substr(start)));
        return Value::list(std::move(out));
    }
    return plain("'str' object has no attribute '" + name + "'");
}

Result<Value> dict_method(const Value& self, const std::string& name, const CallArgs& args) {
    const Dict& d = self.as_dict();
    if (name == "items") {
        ValueList out;
        for (const auto& [k, v] : d.entries)
            out.push_back(Value::list({Value::string(k), v}, true));
        return Value::list(std::move(out));
    }
    if (name == "keys" || name == "values") {
        ValueList out;
        for (const auto& [k, v] : d.entries)
            out.push_back(name == "keys" ? Value::string(k) : v);
        return Value::list(std::move(out));
    }
    // get
    const Value* key = args.get(0, "key");
    if (!key)
        return plain("get() takes at least 1 argument");
    const Value* fallback = args.get(1, "default");
    if (key->is_string())
        if (const Value* v = d.find(key->as_string()))
            return *v;
    return fallback ? *fallback : Value::none();
}

} // namespace

std::string strip(std::string_view s, bool left, bool right, const std::string* chars) {
    auto offsets = utf8_offsets(s);
    size_t first = 0;
    size_t last = offsets.size() - 1; // code points [first, last)
    auto strippable = [&](size_t i) {
        std::string_view cp = s.substr(offsets[i], offsets[i + 1] - offsets[i]);
        if (chars) {
            // Characters of the argument, compared as whole code points.
            auto set_offsets = utf8_offsets(*chars);
            for (size_t k = 0; k + 1 < set_offsets.size(); ++k)
                if (std::string_view(*chars).substr(set_offsets[k], set_offsets[k + 1] - set_offsets[k]) == cp)
                    return true;
            return false;
        }
        return is_py_space(code_point_at(s, offsets[i], offsets[i + 1]));
    };
    if (left)
        while (first < last && strippable(first))
            ++first;
    if (right)
        while (last > first && strippable(last - 1))
            --last;
    return std::string(s.substr(offsets[first], offsets[last] - offsets[first]));
}

Value get_method(const Value& object, std::string_view name) {
    static const char* const kStringMethods[] = {
        "strip", "lstrip", "rstrip", "upper", "lower", "title", "capitalize", "split", "startswith", "endswith",
        "replace", "find", "count", "join", "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper",
        "splitlines"};
    static const char* const kDictMethods[] = {"items", "keys", "values", "get"};
    std::string method(name);
    if (object.is_string()) {
        for (const char* m : kStringMethods)
            if (name == m)
                return Value::callable(method, [object, method](Evaluator& ev, const CallArgs& args) {
                    return string_method(ev, object, method, args);
                });
    } else if (object.is_dict()) {
        for (const char* m : kDictMethods)
            if (name == m)
                return Value::callable(method, [object, method](Evaluator&, const CallArgs& args) {
                    return dict_method(object, method, args);
                });
    }
    return Value::undefined(method);
}

void install_globals(Evaluator& ev) {
    ev.set_global("range", Value::callable("range", [](Evaluator& e, const CallArgs& args) -> Result<Value> {
        int64_t p[3] = {0, 0, 1};
        size_t n = args.positional.size();
        if (n < 1 || n > 3)
            return plain("range() takes 1 to 3 arguments");
        for (size_t i = 0; i < n; ++i) {
            if (!args.positional[i].is_int() && !args.positional[i].is_bool())
                return plain(std::string("range() arguments must be integers, not ") + args.positional[i].type_name());
        }
        if (n == 1) {
            p[1] = args.positional[0].as_int();
        } else {
            p[0] = args.positional[0].as_int();
            p[1] = args.positional[1].as_int();
            if (n == 3)
                p[2] = args.positional[2].as_int();
        }
        if (p[2] == 0)
            return plain("range() arg 3 must not be zero");
        // Size first: range(10**12) must fail here, not after filling memory.
        double count = std::max(0.0, std::ceil((static_cast<double>(p[1]) - static_cast<double>(p[0])) /
                                               static_cast<double>(p[2])));
        QUANTA_TRY(e.check_list_size(static_cast<size_t>(std::min(count, 1e18))));
        // Building the list is work too: a loop over a fresh big range each time is counted.
        QUANTA_TRY(e.count_steps(static_cast<uint64_t>(count)));
        ValueList out;
        out.reserve(static_cast<size_t>(count));
        for (int64_t i = p[0]; p[2] > 0 ? i < p[1] : i > p[1]; i += p[2])
            out.push_back(Value::integer(i));
        return Value::list(std::move(out));
    }));
    auto make_dict = [](const CallArgs& args) -> Result<Dict> {
        Dict d;
        if (!args.positional.empty()) {
            if (args.positional.size() > 1 || !args.positional[0].is_mapping())
                return plain("expected a single mapping argument");
            d = args.positional[0].as_dict();
        }
        for (const auto& [k, v] : args.named)
            d.set(k, v);
        return d;
    };
    ev.set_global("namespace", Value::callable("namespace", [make_dict](Evaluator& e, const CallArgs& args) -> Result<Value> {
        auto d = make_dict(args);
        if (!d)
            return d.take_error();
        Value ns = Value::namespace_object(std::move(*d));
        e.track_mutable(ns);
        return ns;
    }));
    ev.set_global("dict", Value::callable("dict", [make_dict](Evaluator&, const CallArgs& args) -> Result<Value> {
        auto d = make_dict(args);
        if (!d)
            return d.take_error();
        return Value::dict(std::move(*d));
    }));
    ev.set_global("raise_exception", Value::callable("raise_exception", [](Evaluator& e, const CallArgs& args) -> Result<Value> {
        // The caller sees exactly the template's message (ChatTemplate::render reads it back from
        // the evaluator); the error travelling up the tree only has to stop the render.
        const Value* message = args.get(0, "message");
        std::string text = message ? to_output(*message) : std::string();
        e.note_raised(text);
        return make_error(ErrorCode::InvalidArgument, "template error: raise_exception: " + text);
    }));
    ev.set_global("strftime_now", Value::callable("strftime_now", [](Evaluator&, const CallArgs& args) -> Result<Value> {
        const Value* format = args.get(0, "format");
        if (!format || !format->is_string())
            return plain("strftime_now() needs a format string");
        std::time_t now = std::time(nullptr);
        std::tm local{};
        localtime_r(&now, &local);
        char buf[256];
        size_t n = std::strftime(buf, sizeof buf, format->as_string().c_str(), &local);
        return Value::string(std::string(buf, n));
    }));
}

} // namespace quanta::chat
