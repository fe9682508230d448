// SPDX-License-Identifier: MIT
// Jinja filters (`x | name`) and tests (`x is name`) with jinja2's semantics.
#include "chat/builtins.h"
#include "chat/evaluator.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace quanta::chat {
namespace {

Error plain(const std::string& message) { return make_error(ErrorCode::InvalidArgument, message); }

std::string ascii_case(const std::string& s, bool upper) { return unicode_case(s, upper); }

Result<int64_t> length_of(const Value& v) {
    switch (v.kind()) {
    case Value::Kind::Undefined: return 0;
    case Value::Kind::String: return static_cast<int64_t>(utf8_length(v.as_string()));
    case Value::Kind::List: return static_cast<int64_t>(v.as_list().size());
    case Value::Kind::Dict:
    case Value::Kind::Namespace: return static_cast<int64_t>(v.as_dict().entries.size());
    default: return plain(std::string("object of type '") + v.type_name() + "' has no len()");
    }
}

// `attribute="a.b"` lookups of map/selectattr/join/sort: dict keys, or list indices for digits.
Value get_path(const Value& item, const std::string& path) {
    Value cur = item;
    size_t start = 0;
    while (true) {
        size_t dot = path.find('.', start);
        std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (cur.is_mapping()) {
            const Value* v = cur.as_dict().find(part);
            cur = v ? *v : Value::undefined(part);
        } else if (cur.is_list() && !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit)) {
            size_t i = std::strtoull(part.c_str(), nullptr, 10);
            cur = i < cur.as_list().size() ? cur.as_list()[i] : Value::undefined(part);
        } else {
            return Value::undefined(part);
        }
        if (dot == std::string::npos)
            return cur;
        start = dot + 1;
    }
}

const Value* arg(const CallArgs& args, size_t index, std::string_view name) { return args.get(index, name); }

bool flag(const CallArgs& args, size_t index, std::string_view name, bool fallback) {
    const Value* v = args.get(index, name);
    return v ? v->truthy() : fallback;
}

// Arguments after the first `skip` positional ones, for select('test', args...) and friends.
CallArgs rest_args(const CallArgs& args, size_t skip) {
    CallArgs out;
    for (size_t i = skip; i < args.positional.size(); ++i)
        out.positional.push_back(args.positional[i]);
    return out;
}

// Stops early (returning a string longer than `max_bytes`) once the result outgrows the limit, so
// that a replacement cannot build a string of many times the limit before it is checked.
std::string replace_all(const std::string& s, const std::string& from, const std::string& to, int64_t count,
                        size_t max_bytes) {
    std::string out;
    if (from.empty()) {
        // Python inserts `to` before every character and at the end.
        auto offsets = utf8_offsets(s);
        int64_t done = 0;
        for (size_t i = 0; i + 1 < offsets.size(); ++i) {
            if (count < 0 || done < count) {
                out += to;
                ++done;
            }
            out.append(s, offsets[i], offsets[i + 1] - offsets[i]);
            if (out.size() > max_bytes)
                return out;
        }
        if (count < 0 || done < count)
            out += to;
        return out;
    }
    size_t start = 0;
    int64_t done = 0;
    while (count < 0 || done < count) {
        size_t at = s.find(from, start);
        if (at == std::string::npos)
            break;
        out.append(s, start, at - start);
        out += to;
        start = at + from.size();
        if (out.size() > max_bytes)
            return out;
        ++done;
    }
    out.append(s, start, std::string::npos);
    return out;
}

// The key a sort/min/max/unique compares: an attribute, lowercased unless case-sensitive.
Value sort_key(const Value& item, const CallArgs& args, size_t attr_index, size_t case_index) {
    Value key = item;
    if (const Value* attr = arg(args, attr_index, "attribute"); attr && attr->is_string())
        key = get_path(item, attr->as_string());
    if (key.is_string() && !flag(args, case_index, "case_sensitive", false))
        key = Value::string(ascii_case(key.as_string(), false));
    return key;
}

Result<Value> min_max(const Value& input, const CallArgs& args, bool want_max) {
    auto items = iterate(input);
    if (!items)
        return items.take_error();
    if (items->empty())
        return Value::undefined();
    size_t best = 0;
    for (size_t i = 1; i < items->size(); ++i) {
        auto lt = less_than(sort_key((*items)[best], args, 1, 0), sort_key((*items)[i], args, 1, 0));
        if (!lt)
            return lt.take_error();
        if (want_max ? *lt : !*lt && !equals(sort_key((*items)[best], args, 1, 0), sort_key((*items)[i], args, 1, 0)))
            best = i;
    }
    return (*items)[best];
}

Result<Value> select_items(Evaluator& ev, const Value& input, const CallArgs& args, bool by_attr, bool keep) {
    auto items = iterate(input);
    if (!items)
        return items.take_error();
    size_t test_index = by_attr ? 1 : 0;
    std::string attr;
    if (by_attr) {
        const Value* a = arg(args, 0, "attribute");
        if (!a || !a->is_string())
            return plain("selectattr/rejectattr need an attribute name");
        attr = a->as_string();
    }
    const Value* test = test_index < args.positional.size() ? &args.positional[test_index] : nullptr;
    CallArgs test_args = rest_args(args, test_index + 1);
    ValueList out;
    for (const Value& item : *items) {
        Value subject = by_attr ? get_path(item, attr) : item;
        bool passed;
        if (test) {
            if (!test->is_string())
                return plain("test name must be a string");
            auto r = apply_test(ev, test->as_string(), subject, test_args);
            if (!r)
                return r.take_error();
            passed = *r;
        } else {
            passed = subject.truthy();
        }
        if (passed == keep)
            out.push_back(item);
    }
    return Value::list(std::move(out));
}

Result<int64_t> int_of(const Value& v, int64_t fallback) {
    if (v.is_int() || v.is_bool())
        return v.as_int();
    if (v.is_float())
        return std::isfinite(v.as_float()) ? static_cast<int64_t>(v.as_float()) : fallback;
    if (v.is_string()) {
        std::string s = strip(v.as_string(), true, true);
        s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
        if (s.empty())
            return fallback;
        char* end = nullptr;
        long long i = std::strtoll(s.c_str(), &end, 10);
        if (end && *end == '\0')
            return static_cast<int64_t>(i);
        double f = std::strtod(s.c_str(), &end);
        if (end && *end == '\0' && std::isfinite(f))
            return static_cast<int64_t>(f);
    }
    return fallback;
}

} // namespace

Result<Value> apply_filter(Evaluator& ev, std::string_view name, const Value& input, const CallArgs& args) {
    const std::string n(name);
    if (n == "default" || n == "d") {
        const Value* fallback = arg(args, 0, "default_value");
        bool boolean = flag(args, 1, "boolean", false);
        if (input.is_undefined() || (boolean && !input.truthy()))
            return fallback ? *fallback : Value::string("");
        return input;
    }
    if (n == "length" || n == "count") {
        auto len = length_of(input);
        if (!len)
            return len.take_error();
        return Value::integer(*len);
    }
    if (n == "safe")
        return input;
    if (n == "tojson") {
        const Value* indent = arg(args, 0, "indent");
        // Every line of the output repeats the indent: no real template needs a wide one.
        if (indent && indent->is_int() && (indent->as_int() > 64 || indent->as_int() < -1))
            return plain("tojson indent must be between 0 and 64");
        auto json = to_json(input, indent && indent->is_int() ? static_cast<int>(indent->as_int()) : -1,
                            flag(args, 99, "sort_keys", false));
        if (!json)
            return json.take_error();
        return Value::string(std::move(*json));
    }
    if (n == "string")
        return Value::string(to_output(input));
    if (n == "list") {
        auto items = iterate(input);
        if (!items)
            return items.take_error();
        return Value::list(std::move(*items));
    }
    if (n == "first" || n == "last") {
        auto items = iterate(input);
        if (!items)
            return items.take_error();
        if (items->empty())
            return Value::undefined();
        return n == "first" ? items->front() : items->back();
    }
    if (n == "items") {
        if (input.is_undefined())
            return Value::list({});
        if (!input.is_mapping())
            return plain(std::string("items filter needs a mapping, got ") + input.type_name());
        ValueList out;
        for (const auto& [k, v] : input.as_dict().entries)
            out.push_back(Value::list({Value::string(k), v}, true));
        return Value::list(std::move(out));
    }
    if (n == "dictsort") {
        if (!input.is_mapping())
            return plain(std::string("dictsort filter needs a mapping, got ") + input.type_name());
        ValueList out;
        for (const auto& [k, v] : input.as_dict().entries)
            out.push_back(Value::list({Value::string(k), v}, true));
        bool case_sensitive = flag(args, 0, "case_sensitive", false);
        std::stable_sort(out.begin(), out.end(), [&](const Value& a, const Value& b) {
            std::string x = a.as_list()[0].as_string(), y = b.as_list()[0].as_string();
            return case_sensitive ? x < y : ascii_case(x, false) < ascii_case(y, false);
        });
        return Value::list(std::move(out));
    }
    if (n == "int") {
        const Value* fallback = arg(args, 0, "default");
        auto i = int_of(input, fallback && fallback->is_int() ? fallback->as_int() : 0);
        if (!i)
            return i.take_error();
        return Value::integer(*i);
    }
    if (n == "float") {
        if (input.is_number())
            return Value::floating(input.as_float());
        if (input.is_string()) {
            std::string s = strip(input.as_string(), true, true);
            char* end = nullptr;
            double f = std::strtod(s.c_str(), &end);
            if (!s.empty() && end && *end == '\0')
                return Value::floating(f);
        }
        const Value* fallback = arg(args, 0, "default");
        return fallback ? *fallback : Value::floating(0.0);
    }
    if (n == "abs") {
        if (input.is_float())
            return Value::floating(std::fabs(input.as_float()));
        if (input.is_number())
            return Value::integer(std::llabs(input.as_int()));
        return plain(std::string("bad operand type for abs(): '") + input.type_name() + "'");
    }
    if (n == "round") {
        if (!input.is_number())
            return plain("round filter needs a number");
        const Value* precision = arg(args, 0, "precision");
        const Value* method = arg(args, 1, "method");
        double scale = std::pow(10.0, precision && precision->is_int() ? static_cast<double>(precision->as_int()) : 0.0);
        double x = input.as_float() * scale;
        std::string m = method && method->is_string() ? method->as_string() : "common";
        double r = m == "floor" ? std::floor(x) : m == "ceil" ? std::ceil(x) : std::nearbyint(x); // ties to even, as Python's round
        return Value::floating(r / scale);
    }
    if (n == "sum") {
        const Value* attr = arg(args, 0, "attribute");
        const Value* start = arg(args, 1, "start");
        auto items = iterate(input);
        if (!items)
            return items.take_error();
        bool is_float = start && start->is_float();
        double fsum = start ? start->as_float() : 0.0;
        int64_t isum = start && start->is_number() ? start->as_int() : 0;
        for (const Value& item : *items) {
            Value v = attr && attr->is_string() ? get_path(item, attr->as_string()) : item;
            if (!v.is_number())
                return plain(std::string("unsupported operand type(s) for +: 'int' and '") + v.type_name() + "'");
            is_float = is_float || v.is_float();
            fsum += v.as_float();
            isum += v.as_int();
        }
        return is_float ? Value::floating(fsum) : Value::integer(isum);
    }
    if (n == "max" || n == "min")
        return min_max(input, args, n == "max");
    if (n == "sort") {
        auto items = iterate(input);
        if (!items)
            return items.take_error();
        bool reverse = flag(args, 0, "reverse", false);
        Error failure;
        bool failed = false;
        std::stable_sort(items->begin(), items->end(), [&](const Value& a, const Value& b) {
            auto lt = reverse ? less_than(sort_key(b, args, 2, 1), sort_key(a, args, 2, 1))
                              : less_than(sort_key(a, args, 2, 1), sort_key(b, args, 2, 1));
            if (!lt) {
                failed = true;
                failure = lt.error();
                return false;
            }
            return *lt;
        });
        if (failed)
            return failure;
        return Value::list(std::move(*items));
    }
    if (n == "unique") {
        auto items = iterate(input);
        if (!items)
            return items.take_error();
        ValueList out;
        ValueList seen;
        for (const Value& item : *items) {
            Value key = sort_key(item, args, 1, 0);
            if (std::none_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, key); })) {
                seen.push_back(key);
                out.push_back(item);
            }
        }
        return Value::list(std::move(out));
    }
    if (n == "reverse") {
        auto items = iterate(input);
        if (!items)
            return items.take_error();
        std::reverse(items->begin(), items->end());
        if (input.is_string()) {
            std::string out;
            for (const Value& c : *items)
                out += c.as_string();
            return Value::string(std::move(out));
        }
        return Value::list(std::move(*items));
    }
    if (n == "join") {
        const Value* sep = arg(args, 0, "d");
        const Value* attr = arg(args, 1, "attribute");
        auto items = iterate(input);
        if (!items)
            return items.take_error();
        std::string glue = sep ? to_output(*sep) : "";
        std::string out;
        for (size_t i = 0; i < items->size(); ++i) {
            if (i > 0)
                out += glue;
            const Value& item = (*items)[i];
            out += to_output(attr && attr->is_string() ? get_path(item, attr->as_string()) : item);
            QUANTA_TRY(ev.check_string_size(out.size()));
        }
        return Value::string(std::move(out));
    }
    if (n == "map") {
        auto items = iterate(input);
        if (!items)
            return items.take_error();
        ValueList out;
        if (const Value* attr = arg(args, 99, "attribute")) {
            if (!attr->is_string())
                return plain("map attribute must be a string");
            const Value* fallback = arg(args, 99, "default");
            for (const Value& item : *items) {
                Value v = get_path(item, attr->as_string());
                out.push_back(v.is_undefined() && fallback ? *fallback : v);
            }
            return Value::list(std::move(out));
        }
        if (args.positional.empty() || !args.positional[0].is_string())
            return plain("map needs a filter name or attribute=");
        CallArgs filter_args = rest_args(args, 1);
        filter_args.named = args.named;
        for (const Value& item : *items) {
            auto v = apply_filter(ev, args.positional[0].as_string(), item, filter_args);
            if (!v)
                return v.take_error();
            out.push_back(std::move(*v));
        }
        return Value::list(std::move(out));
    }
    if (n == "select" || n == "reject")
        return select_items(ev, input, args, false, n == "select");
    if (n == "selectattr" || n == "rejectattr")
        return select_items(ev, input, args, true, n == "selectattr");
    if (n == "attr") {
        const Value* a = arg(args, 0, "name");
        if (!a || !a->is_string())
            return plain("attr filter needs a name");
        return input.is_mapping() ? get_path(input, a->as_string()) : get_method(input, a->as_string());
    }

    // String filters: jinja2 converts the input with str() first.
    const std::string s = to_output(input);
    if (n == "trim") {
        const Value* chars = arg(args, 0, "chars");
        std::string set = chars && chars->is_string() ? chars->as_string() : "";
        return Value::string(strip(s, true, true, chars && chars->is_string() ? &set : nullptr));
    }
    if (n == "upper" || n == "lower")
        return Value::string(ascii_case(s, n == "upper"));
    if (n == "capitalize")
        return Value::string(unicode_capitalize(s));
    if (n == "title") {
        // jinja2: words start after whitespace, '-', '(', '{', '[' or '<'; each is capitalized.
        std::string out;
        bool word_start = true;
        for (char c : s) {
            bool boundary = std::isspace(static_cast<unsigned char>(c)) || c == '-' || c == '(' || c == '{' ||
                            c == '[' || c == '<';
            if (boundary) {
                out += c;
                word_start = true;
            } else {
                out += static_cast<char>(word_start ? std::toupper(static_cast<unsigned char>(c))
                                                    : std::tolower(static_cast<unsigned char>(c)));
                word_start = false;
            }
        }
        return Value::string(std::move(out));
    }
    if (n == "replace") {
        const Value* from = arg(args, 0, "old");
        const Value* to = arg(args, 1, "new");
        const Value* count = arg(args, 2, "count");
        if (!from || !to)
            return plain("replace needs old and new strings");
        std::string result = replace_all(s, to_output(*from), to_output(*to),
                                         count && count->is_int() ? count->as_int() : -1, ev.max_string_bytes());
        QUANTA_TRY(ev.check_string_size(result.size()));
        return Value::string(std::move(result));
    }
    if (n == "indent") {
        const Value* width = arg(args, 0, "width");
        if (width && width->is_int())
            QUANTA_TRY(ev.check_string_size(static_cast<size_t>(std::max<int64_t>(0, width->as_int()))));
        std::string pad = width && width->is_string() ? width->as_string()
                                                      : std::string(width && width->is_int() ? static_cast<size_t>(std::max<int64_t>(0, width->as_int())) : 4, ' ');
        bool first = flag(args, 1, "first", false);
        bool blank = flag(args, 2, "blank", false);
        std::vector<std::string> lines;
        size_t start = 0;
        std::string text = s + "\n";
        for (size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\n') {
                lines.push_back(text.substr(start, i - start));
                start = i + 1;
            }
        }
        std::string out = lines.empty() ? "" : lines[0];
        for (size_t i = 1; i < lines.size(); ++i)
            out += "\n" + ((blank || !lines[i].empty()) ? pad + lines[i] : lines[i]);
        if (first)
            out = pad + out;
        return Value::string(std::move(out));
    }
    if (n == "escape" || n == "e") {
        std::string out;
        for (char c : s) {
            switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&#34;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
            }
        }
        return Value::string(std::move(out));
    }
    return plain("unknown filter '" + n + "'");
}

Result<bool> apply_test(Evaluator& ev, std::string_view name, const Value& v, const CallArgs& args) {
    (void)ev;
    const std::string n(name);
    const Value* other = arg(args, 0, "other");
    if (n == "defined")
        return !v.is_undefined();
    if (n == "undefined")
        return v.is_undefined();
    if (n == "none")
        return v.is_none();
    if (n == "boolean")
        return v.is_bool();
    if (n == "true" || n == "false")
        return v.is_bool() && v.as_bool() == (n == "true");
    if (n == "integer")
        return v.is_int();
    if (n == "float")
        return v.is_float();
    if (n == "number")
        return v.is_number();
    if (n == "string")
        return v.is_string();
    if (n == "mapping")
        return v.is_dict();
    if (n == "iterable")
        return v.is_string() || v.is_list() || v.is_dict() || v.is_undefined();
    if (n == "sequence")
        return v.is_string() || v.is_list() || v.is_dict();
    if (n == "callable")
        return v.is_callable();
    if (n == "lower" || n == "upper") {
        std::string s = to_output(v);
        bool cased = false;
        for (char c : s) {
            auto u = static_cast<unsigned char>(c);
            if (n == "lower" ? std::isupper(u) : std::islower(u))
                return false;
            cased = cased || std::isalpha(u);
        }
        return cased;
    }
    if (n == "even" || n == "odd" || n == "divisibleby") {
        if (!v.is_int() && !v.is_bool())
            return plain("test '" + n + "' needs an integer");
        if (n == "divisibleby") {
            if (!other || !other->is_int() || other->as_int() == 0)
                return plain("divisibleby needs a non-zero integer");
            return v.as_int() % other->as_int() == 0;
        }
        return (v.as_int() % 2 == 0) == (n == "even");
    }
    if (n == "sameas") {
        // Python identity: equal scalars of one type are the same object here; containers never are.
        if (!other)
            return plain("sameas needs an argument");
        return v.kind() == other->kind() && !v.is_list() && !v.is_mapping() && equals(v, *other);
    }
    if (n == "escaped")
        return false;
    if (n == "in") {
        if (!other)
            return plain("test 'in' needs a container");
        if (other->is_string())
            return v.is_string() && other->as_string().find(v.as_string()) != std::string::npos;
        auto items = iterate(*other);
        if (!items)
            return items.take_error();
        if (other->is_mapping())
            return v.is_string() && other->as_dict().find(v.as_string()) != nullptr;
        return std::any_of(items->begin(), items->end(), [&](const Value& x) { return equals(x, v); });
    }
    static const struct {
        const char* names[3];
        int op; // 0 ==, 1 !=, 2 <, 3 <=, 4 >, 5 >=
    } kCompare[] = {{{"eq", "equalto", "=="}, 0}, {{"ne", "!=", "ne"}, 1},        {{"lt", "lessthan", "<"}, 2},
                    {{"le", "<=", "le"}, 3},        {{"gt", "greaterthan", ">"}, 4}, {{"ge", ">=", "ge"}, 5}};
    for (const auto& c : kCompare) {
        if (n != c.names[0] && n != c.names[1] && n != c.names[2])
            continue;
        if (!other)
            return plain("test '" + n + "' needs an argument");
        if (c.op <= 1)
            return equals(v, *other) == (c.op == 0);
        auto r = (c.op == 2 || c.op == 5) ? less_than(v, *other) : less_than(*other, v);
        if (!r)
            return r.take_error();
        return (c.op == 2 || c.op == 4) ? *r : !*r;
    }
    return plain("unknown test '" + n + "'");
}

} // namespace quanta::chat
