// SPDX-License-Identifier: MIT
// Expression evaluation: Python semantics for arithmetic, comparison, indexing and slicing.
#include "chat/builtins.h"
#include "chat/evaluator.h"

#include <cmath>

namespace quanta::chat {
namespace {

Error plain(const std::string& message) { return make_error(ErrorCode::InvalidArgument, message); }

Error undefined_error(const Value& v) {
    if (!v.undefined_name().empty())
        return plain("'" + v.undefined_name() + "' is undefined");
    return plain("operation on an undefined value");
}

Error operand_error(const std::string& op, const Value& a, const Value& b) {
    return plain("unsupported operand type(s) for " + op + ": '" + a.type_name() + "' and '" + b.type_name() + "'");
}

int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

int64_t floor_mod(int64_t a, int64_t b) {
    int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0)))
        r += b;
    return r;
}

// Python slice semantics: the indices selected from a sequence of `len` items.
Result<std::vector<size_t>> slice_indices(size_t len, const Value& start_v, const Value& stop_v, const Value& step_v) {
    auto as_index = [](const Value& v, const char* what) -> Result<int64_t> {
        if (v.is_int() || v.is_bool())
            return v.as_int();
        return plain(std::string("slice ") + what + " must be an integer or none, not " + v.type_name());
    };
    const int64_t n = static_cast<int64_t>(len);
    int64_t step = 1;
    if (!step_v.is_none() && !step_v.is_undefined()) {
        auto s = as_index(step_v, "step");
        if (!s)
            return s.take_error();
        step = *s;
    }
    if (step == 0)
        return plain("slice step cannot be zero");
    const int64_t lower = step > 0 ? 0 : -1;
    const int64_t upper = step > 0 ? n : n - 1;
    auto bound = [&](const Value& v, int64_t dflt, const char* what) -> Result<int64_t> {
        if (v.is_none() || v.is_undefined())
            return dflt;
        auto i = as_index(v, what);
        if (!i)
            return i.take_error();
        int64_t x = *i;
        if (x < 0)
            x = std::max(x + n, lower);
        return std::min(x, upper);
    };
    auto start = bound(start_v, step > 0 ? lower : upper, "start");
    if (!start)
        return start.take_error();
    auto stop = bound(stop_v, step > 0 ? upper : lower, "stop");
    if (!stop)
        return stop.take_error();
    std::vector<size_t> out;
    for (int64_t i = *start; step > 0 ? i < *stop : i > *stop;) {
        out.push_back(static_cast<size_t>(i));
        // i + step may overflow for a huge step; then the next index is out of range anyway.
        if (__builtin_add_overflow(i, step, &i))
            break;
    }
    return out;
}

Result<bool> contains(const Value& container, const Value& item) {
    switch (container.kind()) {
    case Value::Kind::Undefined: return false;
    case Value::Kind::String:
        if (!item.is_string())
            return plain(std::string("'in <string>' requires string as left operand, not ") + item.type_name());
        return container.as_string().find(item.as_string()) != std::string::npos;
    case Value::Kind::List:
        for (const Value& v : container.as_list())
            if (equals(v, item))
                return true;
        return false;
    case Value::Kind::Dict:
    case Value::Kind::Namespace: return item.is_string() && container.as_dict().find(item.as_string()) != nullptr;
    default: return plain(std::string("argument of type '") + container.type_name() + "' is not iterable");
    }
}

Result<Value> repeat(Evaluator& ev, const Value& seq, int64_t times) {
    size_t n = times > 0 ? static_cast<size_t>(times) : 0;
    if (seq.is_string()) {
        const std::string& s = seq.as_string();
        if (!s.empty() && n > 0)
            QUANTA_TRY(ev.check_string_size(n > SIZE_MAX / s.size() ? SIZE_MAX : n * s.size()));
        std::string out;
        for (size_t i = 0; i < n; ++i)
            out += s;
        return Value::string(std::move(out));
    }
    const ValueList& items = seq.as_list();
    if (!items.empty() && n > 0)
        QUANTA_TRY(ev.check_list_size(n > SIZE_MAX / items.size() ? SIZE_MAX : n * items.size()));
    ValueList out;
    for (size_t i = 0; i < n; ++i)
        out.insert(out.end(), items.begin(), items.end());
    return Value::list(std::move(out), seq.is_tuple());
}

Result<Value> arithmetic(Evaluator& ev, const std::string& op, const Value& a, const Value& b) {
    if (a.is_undefined())
        return undefined_error(a);
    if (b.is_undefined())
        return undefined_error(b);
    const bool numbers = a.is_number() && b.is_number();
    const bool ints = numbers && !a.is_float() && !b.is_float();
    if (op == "+") {
        if (ints) {
            int64_t r;
            if (__builtin_add_overflow(a.as_int(), b.as_int(), &r))
                return plain("integer overflow in +");
            return Value::integer(r);
        }
        if (numbers)
            return Value::floating(a.as_float() + b.as_float());
        if (a.is_string() && b.is_string()) {
            QUANTA_TRY(ev.check_string_size(a.as_string().size() + b.as_string().size()));
            return Value::string(a.as_string() + b.as_string());
        }
        if (a.is_list() && b.is_list()) {
            QUANTA_TRY(ev.check_list_size(a.as_list().size() + b.as_list().size()));
            ValueList out = a.as_list();
            out.insert(out.end(), b.as_list().begin(), b.as_list().end());
            return Value::list(std::move(out), a.is_tuple());
        }
        return operand_error(op, a, b);
    }
    if (op == "*") {
        if (ints) {
            int64_t r;
            if (__builtin_mul_overflow(a.as_int(), b.as_int(), &r))
                return plain("integer overflow in *");
            return Value::integer(r);
        }
        if (numbers)
            return Value::floating(a.as_float() * b.as_float());
        if ((a.is_string() || a.is_list()) && (b.is_int() || b.is_bool()))
            return repeat(ev, a, b.as_int());
        if ((b.is_string() || b.is_list()) && (a.is_int() || a.is_bool()))
            return repeat(ev, b, a.as_int());
        return operand_error(op, a, b);
    }
    if (!numbers) {
        if (op == "%" && a.is_string())
            return plain("printf-style string formatting (%) is not supported");
        return operand_error(op, a, b);
    }
    if (op == "-") {
        if (ints) {
            int64_t r;
            if (__builtin_sub_overflow(a.as_int(), b.as_int(), &r))
                return plain("integer overflow in -");
            return Value::integer(r);
        }
        return Value::floating(a.as_float() - b.as_float());
    }
    if (op == "**") {
        if (ints && b.as_int() >= 0) {
            int64_t r = 1;
            for (int64_t i = 0; i < b.as_int(); ++i) {
                if (__builtin_mul_overflow(r, a.as_int(), &r))
                    return plain("integer overflow in **");
                if (r == 0 || r == 1)
                    break;
            }
            return Value::integer(r);
        }
        return Value::floating(std::pow(a.as_float(), b.as_float()));
    }
    // Division family: Python raises on a zero divisor, whatever the types.
    if (b.as_float() == 0.0)
        return plain(op == "/" ? "division by zero" : "integer division or modulo by zero");
    if (op == "/")
        return Value::floating(a.as_float() / b.as_float());
    if (op == "//") {
        if (ints)
            return Value::integer(floor_div(a.as_int(), b.as_int()));
        return Value::floating(std::floor(a.as_float() / b.as_float()));
    }
    if (op == "%") {
        if (ints)
            return Value::integer(floor_mod(a.as_int(), b.as_int()));
        double r = std::fmod(a.as_float(), b.as_float());
        if (r != 0.0 && ((r < 0) != (b.as_float() < 0)))
            r += b.as_float();
        return Value::floating(r);
    }
    return plain("unknown operator " + op);
}

} // namespace

Result<CallArgs> Evaluator::eval_args(const Expr& expr, size_t first) {
    CallArgs args;
    for (size_t i = first; i < expr.args.size(); ++i) {
        auto v = eval(*expr.args[i]);
        if (!v)
            return v.take_error();
        args.positional.push_back(std::move(*v));
    }
    for (const auto& [key, value] : expr.kwargs) {
        auto v = eval(*value);
        if (!v)
            return v.take_error();
        args.named.emplace_back(key, std::move(*v));
    }
    return args;
}

// The tree walk recurses, so its depth is bounded: a long operator chain (`1+1+...+1`) parses into
// a tree as deep as it is long. Values nested too deeply would make printing, comparing and
// freeing them recurse as deep, so they are refused as they are made.
Result<Value> Evaluator::eval(const Expr& e) {
    if (m_nesting >= m_limits.max_nesting)
        return runtime_error(e.line, "template nested too deeply (more than " + std::to_string(m_limits.max_nesting) +
                                         " levels of expressions, blocks and calls)");
    ++m_nesting;
    auto v = eval_inner(e);
    --m_nesting;
    if (v && v->depth() > m_limits.max_value_depth)
        return runtime_error(e.line, "value nested deeper than the limit of " + std::to_string(m_limits.max_value_depth));
    return v;
}

Result<Value> Evaluator::eval_inner(const Expr& e) {
    if (auto s = count_steps(1); !s)
        return wrap(e.line, s.take_error());
    switch (e.kind) {
    case ExprKind::Literal: return e.literal;
    case ExprKind::Name: return lookup(e.name);
    case ExprKind::List:
    case ExprKind::Tuple: {
        ValueList items;
        for (const ExprPtr& a : e.args) {
            auto v = eval(*a);
            if (!v)
                return v.take_error();
            items.push_back(std::move(*v));
        }
        return Value::list(std::move(items), e.kind == ExprKind::Tuple);
    }
    case ExprKind::Dict: {
        Dict d;
        for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
            auto k = eval(*e.args[i]);
            if (!k)
                return k.take_error();
            if (!k->is_string())
                return runtime_error(e.line, std::string("dict keys must be strings, not ") + k->type_name());
            auto v = eval(*e.args[i + 1]);
            if (!v)
                return v.take_error();
            d.set(k->as_string(), std::move(*v));
        }
        return Value::dict(std::move(d));
    }
    case ExprKind::Attr: {
        auto object = eval(*e.args[0]);
        if (!object)
            return object.take_error();
        return eval_attr(*object, e.name, e.line);
    }
    case ExprKind::Subscript: {
        auto object = eval(*e.args[0]);
        if (!object)
            return object.take_error();
        auto key = eval(*e.args[1]);
        if (!key)
            return key.take_error();
        return eval_subscript(*object, *key, e.line);
    }
    case ExprKind::Slice: return eval_slice(e);
    case ExprKind::Call: return eval_call(e);
    case ExprKind::Filter: {
        auto input = eval(*e.args[0]);
        if (!input)
            return input.take_error();
        auto args = eval_args(e, 1);
        if (!args)
            return args.take_error();
        auto r = apply_filter(*this, e.name, *input, *args);
        if (!r)
            return wrap(e.line, r.take_error());
        return r;
    }
    case ExprKind::Test: {
        auto input = eval(*e.args[0]);
        if (!input)
            return input.take_error();
        auto args = eval_args(e, 1);
        if (!args)
            return args.take_error();
        auto r = apply_test(*this, e.name, *input, *args);
        if (!r)
            return wrap(e.line, r.take_error());
        return Value::boolean(*r != e.negated);
    }
    case ExprKind::Unary: {
        auto v = eval(*e.args[0]);
        if (!v)
            return v.take_error();
        if (e.name == "not")
            return Value::boolean(!v->truthy());
        if (v->is_undefined())
            return wrap(e.line, undefined_error(*v));
        if (!v->is_number())
            return runtime_error(e.line, "bad operand type for unary " + e.name + ": '" + v->type_name() + "'");
        if (e.name == "+")
            return v->is_float() ? *v : Value::integer(v->as_int());
        if (v->is_float())
            return Value::floating(-v->as_float());
        return Value::integer(-v->as_int());
    }
    case ExprKind::Binary: return eval_binary(e);
    case ExprKind::And:
    case ExprKind::Or: {
        auto a = eval(*e.args[0]);
        if (!a)
            return a.take_error();
        if (a->truthy() == (e.kind == ExprKind::Or))
            return a;
        return eval(*e.args[1]);
    }
    case ExprKind::Cond: {
        auto c = eval(*e.args[0]);
        if (!c)
            return c.take_error();
        if (c->truthy())
            return eval(*e.args[1]);
        if (e.args[2])
            return eval(*e.args[2]);
        return Value::undefined();
    }
    }
    return runtime_error(e.line, "unknown expression");
}

Result<Value> Evaluator::eval_binary(const Expr& e) {
    auto a = eval(*e.args[0]);
    if (!a)
        return a.take_error();
    auto b = eval(*e.args[1]);
    if (!b)
        return b.take_error();
    const std::string& op = e.name;
    if (op == "~") {
        std::string s = to_output(*a);
        std::string t = to_output(*b);
        if (auto c = check_string_size(s.size() + t.size()); !c)
            return wrap(e.line, c.take_error());
        return Value::string(s + t);
    }
    if (op == "==" || op == "!=")
        return Value::boolean(equals(*a, *b) == (op == "=="));
    if (op == "<" || op == ">" || op == "<=" || op == ">=") {
        Result<bool> r = (op == "<" || op == ">=") ? less_than(*a, *b) : less_than(*b, *a);
        if (!r)
            return wrap(e.line, r.take_error());
        return Value::boolean((op == "<" || op == ">") ? *r : !*r);
    }
    if (op == "in" || op == "not in") {
        auto r = contains(*b, *a);
        if (!r)
            return wrap(e.line, r.take_error());
        return Value::boolean(*r == (op == "in"));
    }
    auto r = arithmetic(*this, op, *a, *b);
    if (!r)
        return wrap(e.line, r.take_error());
    return r;
}

Result<Value> Evaluator::eval_attr(const Value& object, const std::string& name, int line) {
    if (object.is_undefined())
        return wrap(line, undefined_error(object));
    if (object.is_dict()) {
        // Like jinja2's getattr: the dict's own methods come before its keys.
        Value method = get_method(object, name);
        if (!method.is_undefined())
            return method;
    }
    if (object.is_mapping()) {
        if (const Value* v = object.as_dict().find(name))
            return *v;
        return Value::undefined(name);
    }
    if (object.is_string())
        return get_method(object, name);
    return Value::undefined(name);
}

Result<Value> Evaluator::eval_subscript(const Value& object, const Value& key, int line) {
    if (object.is_undefined())
        return wrap(line, undefined_error(object));
    if (object.is_mapping()) {
        if (key.is_string()) {
            if (const Value* v = object.as_dict().find(key.as_string()))
                return *v;
            return Value::undefined(key.as_string());
        }
        return Value::undefined();
    }
    if ((object.is_list() || object.is_string()) && (key.is_int() || key.is_bool())) {
        int64_t i = key.as_int();
        if (object.is_list()) {
            const ValueList& items = object.as_list();
            int64_t n = static_cast<int64_t>(items.size());
            if (i < 0)
                i += n;
            if (i < 0 || i >= n)
                return Value::undefined();
            return items[static_cast<size_t>(i)];
        }
        const std::string& s = object.as_string();
        auto offsets = utf8_offsets(s);
        int64_t n = static_cast<int64_t>(offsets.size()) - 1;
        if (i < 0)
            i += n;
        if (i < 0 || i >= n)
            return Value::undefined();
        size_t at = static_cast<size_t>(i);
        return Value::string(s.substr(offsets[at], offsets[at + 1] - offsets[at]));
    }
    return Value::undefined();
}

Result<Value> Evaluator::eval_slice(const Expr& e) {
    auto object = eval(*e.args[0]);
    if (!object)
        return object.take_error();
    Value parts[3];
    for (int i = 0; i < 3; ++i) {
        if (!e.args[static_cast<size_t>(i) + 1])
            continue;
        auto v = eval(*e.args[static_cast<size_t>(i) + 1]);
        if (!v)
            return v.take_error();
        parts[i] = std::move(*v);
    }
    if (object->is_undefined())
        return wrap(e.line, undefined_error(*object));
    if (object->is_list()) {
        auto idx = slice_indices(object->as_list().size(), parts[0], parts[1], parts[2]);
        if (!idx)
            return wrap(e.line, idx.take_error());
        ValueList out;
        for (size_t i : *idx)
            out.push_back(object->as_list()[i]);
        return Value::list(std::move(out), object->is_tuple());
    }
    if (object->is_string()) {
        const std::string& s = object->as_string();
        auto offsets = utf8_offsets(s);
        auto idx = slice_indices(offsets.size() - 1, parts[0], parts[1], parts[2]);
        if (!idx)
            return wrap(e.line, idx.take_error());
        std::string out;
        for (size_t i : *idx)
            out.append(s, offsets[i], offsets[i + 1] - offsets[i]);
        return Value::string(std::move(out));
    }
    return runtime_error(e.line, std::string("'") + object->type_name() + "' object is not subscriptable");
}

Result<Value> Evaluator::eval_call(const Expr& e) {
    auto callee = eval(*e.args[0]);
    if (!callee)
        return callee.take_error();
    auto args = eval_args(e, 1);
    if (!args)
        return args.take_error();
    auto r = call_value(*callee, *args);
    if (!r)
        return wrap(e.line, r.take_error());
    return r;
}

} // namespace quanta::chat
