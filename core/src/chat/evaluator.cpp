// SPDX-License-Identifier: MIT
#include "chat/evaluator.h"

#include "chat/builtins.h"

#include <initializer_list>

namespace quanta::chat {
namespace {

Error plain(const std::string& message) { return make_error(ErrorCode::InvalidArgument, message); }

Error undefined_error(const Value& v) {
    if (!v.undefined_name().empty())
        return plain("'" + v.undefined_name() + "' is undefined");
    return plain("operation on an undefined value");
}

} // namespace

Result<ValueList> iterate(const Value& value) {
    switch (value.kind()) {
    case Value::Kind::Undefined: return ValueList{};
    case Value::Kind::List: return value.as_list();
    case Value::Kind::Dict: {
        ValueList keys;
        for (const auto& [k, v] : value.as_dict().entries)
            keys.push_back(Value::string(k));
        return keys;
    }
    case Value::Kind::String: {
        const std::string& s = value.as_string();
        auto offsets = utf8_offsets(s);
        ValueList chars;
        for (size_t i = 0; i + 1 < offsets.size(); ++i)
            chars.push_back(Value::string(s.substr(offsets[i], offsets[i + 1] - offsets[i])));
        return chars;
    }
    default: return plain(std::string("'") + value.type_name() + "' object is not iterable");
    }
}

Evaluator::Evaluator(Limits limits) : m_limits(limits) {
    m_scopes.push_back(std::make_shared<Scope>());
    install_globals(*this);
}

Evaluator::~Evaluator() {
    // Values moved out of the entries are destroyed after the loop, when no dict is borrowed.
    std::vector<Value> doomed;
    for (const auto& weak : m_mutables)
        if (auto dict = weak.lock())
            for (auto& entry : dict->entries)
                doomed.push_back(std::move(entry.second));
    m_scopes.clear();
    m_globals.clear();
}

void Evaluator::set_global(const std::string& name, Value value) { m_globals[name] = std::move(value); }

Result<std::string> Evaluator::render(const Program& program) {
    std::string out;
    auto flow = exec_body(program.body, out);
    if (!flow)
        return flow.take_error();
    return out;
}

Result<void> Evaluator::check_string_size(size_t bytes) const {
    if (bytes > m_limits.max_output_bytes)
        return plain("string of " + std::to_string(bytes) + " bytes exceeds the limit of " +
                     std::to_string(m_limits.max_output_bytes) + " bytes");
    return {};
}

Result<void> Evaluator::check_list_size(size_t items) const {
    if (items > m_limits.max_list_items)
        return plain("list of " + std::to_string(items) + " items exceeds the limit of " +
                     std::to_string(m_limits.max_list_items) + " items");
    return {};
}

Result<void> Evaluator::count_steps(uint64_t n) {
    m_steps += n;
    if (m_steps > m_limits.max_steps)
        return plain("template exceeded the limit of " + std::to_string(m_limits.max_steps) +
                     " steps (endless or too long loop?)");
    return {};
}

Error Evaluator::runtime_error(int line, const std::string& message) const {
    return make_error(ErrorCode::InvalidArgument, "template error at line " + std::to_string(line) + ": " + message);
}

Error Evaluator::wrap(int line, Error error) const {
    // Messages that already carry their context (raise_exception, a deeper line) pass unchanged.
    if (error.message.rfind("template ", 0) == 0)
        return error;
    return runtime_error(line, error.message);
}

Result<void> Evaluator::append(std::string& out, std::string_view text) const {
    if (out.size() + text.size() > m_limits.max_output_bytes)
        return plain("output exceeds the limit of " + std::to_string(m_limits.max_output_bytes) + " bytes");
    out.append(text);
    return {};
}

Value Evaluator::lookup(const std::string& name) const {
    for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
        auto found = (*it)->find(name);
        if (found != (*it)->end())
            return found->second;
    }
    auto g = m_globals.find(name);
    if (g != m_globals.end())
        return g->second;
    return Value::undefined(name);
}

void Evaluator::assign(const std::string& name, Value value) { (*m_scopes.back())[name] = std::move(value); }

// ---- statements ---------------------------------------------------------------------------------

Result<Evaluator::Flow> Evaluator::exec_body(const Body& body, std::string& out) {
    for (const StmtPtr& stmt : body) {
        auto flow = exec(*stmt, out);
        if (!flow)
            return flow.take_error();
        if (*flow != Flow::Normal)
            return *flow;
    }
    return Flow::Normal;
}

Result<Evaluator::Flow> Evaluator::exec(const Stmt& stmt, std::string& out) {
    if (m_nesting >= m_limits.max_nesting)
        return runtime_error(stmt.line, "template nested too deeply (more than " +
                                            std::to_string(m_limits.max_nesting) +
                                            " levels of expressions, blocks and calls)");
    ++m_nesting;
    auto flow = exec_inner(stmt, out);
    --m_nesting;
    return flow;
}

Result<Evaluator::Flow> Evaluator::exec_inner(const Stmt& stmt, std::string& out) {
    if (auto s = count_steps(1); !s)
        return wrap(stmt.line, s.take_error());
    switch (stmt.kind) {
    case StmtKind::Text:
        if (auto a = append(out, stmt.text); !a)
            return wrap(stmt.line, a.take_error());
        return Flow::Normal;
    case StmtKind::Output: {
        auto v = eval(*stmt.expr);
        if (!v)
            return v.take_error();
        if (auto a = append(out, to_output(*v)); !a)
            return wrap(stmt.line, a.take_error());
        return Flow::Normal;
    }
    case StmtKind::If:
        for (const auto& [cond, body] : stmt.branches) {
            auto c = eval(*cond);
            if (!c)
                return c.take_error();
            if (c->truthy())
                return exec_body(body, out);
        }
        return exec_body(stmt.else_body, out);
    case StmtKind::For: return exec_for(stmt, out);
    case StmtKind::Set: {
        auto r = exec_set(stmt);
        if (!r)
            return r.take_error();
        return Flow::Normal;
    }
    case StmtKind::SetBlock: {
        std::string captured;
        auto flow = exec_body(stmt.body, captured);
        if (!flow)
            return flow.take_error();
        assign(stmt.targets[0], Value::string(std::move(captured)));
        return Flow::Normal;
    }
    case StmtKind::Macro: {
        const Stmt* macro = &stmt;
        assign(stmt.name, Value::callable(stmt.name, [macro](Evaluator& ev, const CallArgs& args) {
                   return ev.call_macro(*macro, args);
               }));
        return Flow::Normal;
    }
    case StmtKind::CallBlock: {
        // The body becomes `caller()` inside the macro and sees the scopes of the call site.
        ScopeStack site = m_scopes;
        const Stmt* block = &stmt;
        Value caller = Value::callable("caller", [block, site](Evaluator& ev, const CallArgs&) -> Result<Value> {
            ScopeStack saved = std::move(ev.m_scopes);
            ev.m_scopes = site;
            std::string text;
            auto flow = ev.exec_body(block->body, text);
            ev.m_scopes = std::move(saved);
            if (!flow)
                return flow.take_error();
            return Value::string(std::move(text));
        });
        const Expr& call = *stmt.expr;
        auto callee = eval(*call.args[0]);
        if (!callee)
            return callee.take_error();
        auto args = eval_args(call, 1);
        if (!args)
            return args.take_error();
        args->named.emplace_back("caller", std::move(caller));
        auto result = call_value(*callee, *args);
        if (!result)
            return wrap(stmt.line, result.take_error());
        if (auto a = append(out, to_output(*result)); !a)
            return wrap(stmt.line, a.take_error());
        return Flow::Normal;
    }
    case StmtKind::Break: return Flow::Break;
    case StmtKind::Continue: return Flow::Continue;
    case StmtKind::Scope: {
        std::string captured;
        auto flow = exec_body(stmt.body, captured);
        if (!flow)
            return flow.take_error();
        Value text = Value::string(std::move(captured));
        if (!stmt.name.empty()) {
            auto filtered = apply_filter(*this, stmt.name, text, CallArgs{});
            if (!filtered)
                return wrap(stmt.line, filtered.take_error());
            text = std::move(*filtered);
        }
        if (auto a = append(out, to_output(text)); !a)
            return wrap(stmt.line, a.take_error());
        return *flow;
    }
    }
    return Flow::Normal;
}

namespace {

Result<void> bind_targets(const std::vector<std::string>& targets, const Value& item,
                          std::unordered_map<std::string, Value>& scope) {
    if (targets.size() == 1) {
        scope[targets[0]] = item;
        return {};
    }
    auto parts = iterate(item);
    if (!parts)
        return parts.take_error();
    if (parts->size() != targets.size())
        return plain("cannot unpack " + std::to_string(parts->size()) + " values into " +
                     std::to_string(targets.size()) + " names");
    for (size_t i = 0; i < targets.size(); ++i)
        scope[targets[i]] = (*parts)[i];
    return {};
}

} // namespace

Result<Evaluator::Flow> Evaluator::exec_for(const Stmt& stmt, std::string& out) {
    auto iterable = eval(*stmt.expr);
    if (!iterable)
        return iterable.take_error();
    // A list is iterated in place (the Value keeps it alive); anything else is materialized.
    const Value source = std::move(*iterable);
    ValueList owned;
    const ValueList* all = &owned;
    if (source.is_list()) {
        all = &source.as_list();
    } else {
        auto materialized = iterate(source);
        if (!materialized)
            return wrap(stmt.line, materialized.take_error());
        owned = std::move(*materialized);
    }
    ValueList kept;
    if (stmt.filter) {
        for (const Value& item : *all) {
            m_scopes.push_back(std::make_shared<Scope>());
            auto bound = bind_targets(stmt.targets, item, *m_scopes.back());
            Result<Value> keep = bound ? eval(*stmt.filter) : Result<Value>(bound.take_error());
            m_scopes.pop_back();
            if (!keep)
                return wrap(stmt.line, keep.take_error());
            if (keep->truthy())
                kept.push_back(item);
        }
        all = &kept;
    }
    const ValueList& items = *all;
    if (items.empty())
        return exec_body(stmt.else_body, out);

    // One `loop` object for the whole loop, updated in place each iteration (as jinja2's
    // LoopContext is): building a fresh dict per iteration dominated the cost of long loops.
    const int64_t length = static_cast<int64_t>(items.size());
    auto counter = std::make_shared<int64_t>(0);
    enum : size_t { kIndex, kIndex0, kRevindex, kRevindex0, kFirst, kLast, kPrevitem, kNextitem };
    Dict loop_init;
    for (const char* key : {"index", "index0", "revindex", "revindex0", "first", "last", "previtem", "nextitem"})
        loop_init.set(key, Value::undefined(key));
    loop_init.set("length", Value::integer(length));
    loop_init.set("depth", Value::integer(1));
    loop_init.set("depth0", Value::integer(0));
    loop_init.set("cycle", Value::callable("cycle", [counter](Evaluator&, const CallArgs& args) -> Result<Value> {
                      if (args.positional.empty())
                          return plain("no items for cycling given");
                      return args.positional[static_cast<size_t>(*counter) % args.positional.size()];
                  }));
    Value loop_value = Value::dict(std::move(loop_init));
    loop_value.raise_depth(std::max<uint32_t>(1, source.depth())); // previtem/nextitem hold items
    track_mutable(loop_value);
    auto& entries = loop_value.mutable_dict().entries;

    // Each iteration starts with an empty scope: a {% set %} in the body does not outlive it.
    auto scope = std::make_shared<Scope>();
    m_scopes.push_back(scope);
    Result<Flow> flow = Flow::Normal;
    for (int64_t i = 0; i < length; ++i) {
        if (auto s = count_steps(1); !s) {
            flow = wrap(stmt.line, s.take_error());
            break;
        }
        const auto u = static_cast<size_t>(i);
        *counter = i;
        entries[kIndex].second = Value::integer(i + 1);
        entries[kIndex0].second = Value::integer(i);
        entries[kRevindex].second = Value::integer(length - i);
        entries[kRevindex0].second = Value::integer(length - i - 1);
        entries[kFirst].second = Value::boolean(i == 0);
        entries[kLast].second = Value::boolean(i == length - 1);
        entries[kPrevitem].second = i > 0 ? items[u - 1] : Value::undefined("previtem");
        entries[kNextitem].second = i + 1 < length ? items[u + 1] : Value::undefined("nextitem");
        scope->clear();
        (*scope)["loop"] = loop_value;
        if (auto bound = bind_targets(stmt.targets, items[u], *scope); !bound) {
            flow = wrap(stmt.line, bound.take_error());
            break;
        }
        flow = exec_body(stmt.body, out);
        if (!flow || *flow == Flow::Break)
            break;
    }
    m_scopes.pop_back();
    if (!flow)
        return flow.take_error();
    return Flow::Normal;
}

Result<void> Evaluator::exec_set(const Stmt& stmt) {
    auto value = eval(*stmt.expr);
    if (!value)
        return value.take_error();
    if (!stmt.attr.empty()) {
        Value target = lookup(stmt.targets[0]);
        if (!target.is_namespace())
            return runtime_error(stmt.line, "cannot assign attribute on non-namespace object '" + stmt.targets[0] + "'");
        target.mutable_dict().set(stmt.attr, std::move(*value));
        return {};
    }
    if (stmt.targets.size() == 1) {
        assign(stmt.targets[0], std::move(*value));
        return {};
    }
    auto parts = iterate(*value);
    if (!parts)
        return wrap(stmt.line, parts.take_error());
    if (parts->size() != stmt.targets.size())
        return runtime_error(stmt.line, "cannot unpack " + std::to_string(parts->size()) + " values into " +
                                            std::to_string(stmt.targets.size()) + " names");
    for (size_t i = 0; i < parts->size(); ++i)
        assign(stmt.targets[i], (*parts)[i]);
    return {};
}

Result<Value> Evaluator::call_macro(const Stmt& macro, const CallArgs& args) {
    if (m_call_depth >= m_limits.max_call_depth)
        return plain("macro calls nested deeper than " + std::to_string(m_limits.max_call_depth) +
                     " (endless recursion?)");
    if (args.positional.size() > macro.params.size())
        return plain("macro '" + macro.name + "' takes " + std::to_string(macro.params.size()) +
                     " arguments, got " + std::to_string(args.positional.size()));
    // A macro sees the template's top-level variables and its own arguments, not the caller's locals.
    ScopeStack saved = std::move(m_scopes);
    m_scopes = ScopeStack{saved.front(), std::make_shared<Scope>()};
    ++m_call_depth;
    auto restore = [&] {
        --m_call_depth;
        m_scopes = std::move(saved);
    };
    for (const auto& [key, value] : args.named) {
        bool known = key == "caller";
        for (const auto& p : macro.params)
            known = known || p.first == key;
        if (!known) {
            restore();
            return plain("macro '" + macro.name + "' got an unexpected keyword argument '" + key + "'");
        }
        assign(key, value);
    }
    for (size_t i = 0; i < macro.params.size(); ++i) {
        const auto& [param, fallback] = macro.params[i];
        if (i < args.positional.size()) {
            assign(param, args.positional[i]);
        } else if (m_scopes.back()->count(param) == 0) {
            if (fallback) {
                auto v = eval(*fallback);
                if (!v) {
                    restore();
                    return v.take_error();
                }
                assign(param, std::move(*v));
            } else {
                assign(param, Value::undefined(param));
            }
        }
    }
    std::string text;
    auto flow = exec_body(macro.body, text);
    restore();
    if (!flow)
        return flow.take_error();
    return Value::string(std::move(text));
}

Result<Value> Evaluator::call_value(const Value& callee, const CallArgs& args) {
    if (callee.is_undefined())
        return undefined_error(callee);
    if (!callee.is_callable())
        return plain(std::string("'") + callee.type_name() + "' object is not callable");
    return callee.as_callable().function(*this, args);
}

} // namespace quanta::chat
