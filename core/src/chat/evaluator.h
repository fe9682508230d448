// SPDX-License-Identifier: MIT
// Tree-walking evaluator for parsed chat templates. The sandbox is structural: the language has no
// file, import or attribute-of-Python-object access at all, values are immutable except
// namespaces, and every loop iteration, expression and output byte is counted against limits so
// that a hostile template ends with an Error instead of a hang or an exhausted heap.
#pragma once

#include "chat/ast.h"
#include "chat/value.h"
#include "quanta/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace quanta::chat {

struct Limits {
    size_t max_output_bytes = size_t{16} << 20; ///< output, and any one string or set-block built on the way
    uint64_t max_steps = 5'000'000;              ///< statements + expressions + loop iterations
    int max_call_depth = 64;                     ///< nested macro calls
    int max_nesting = 500;                       ///< statements + expressions evaluated one inside another
    uint32_t max_value_depth = 100;              ///< lists/dicts nested in one another
    size_t max_list_items = 1'000'000;           ///< range(), list repetition
};

class Evaluator {
public:
    explicit Evaluator(Limits limits);
    ~Evaluator();
    Evaluator(const Evaluator&) = delete;
    Evaluator& operator=(const Evaluator&) = delete;

    /// Registers a mutable dict (namespace, loop object). Only these can take part in a reference
    /// cycle (`{% set ns.self = [ns] %}`); the destructor empties them so that every cycle is freed.
    void track_mutable(const Value& value) { m_mutables.push_back(value.dict_ref()); }

    /// Variables visible everywhere (messages, bos_token, functions); template `set` shadows them.
    void set_global(const std::string& name, Value value);

    /// Renders the program once. An Evaluator is single-use: make a fresh one per render.
    Result<std::string> render(const Program& program);

    /// Calls a callable value (builtin function, bound method or macro).
    Result<Value> call_value(const Value& callee, const CallArgs& args);

    /// Fails when a string or list of `size` bytes/items would exceed the limits.
    Result<void> check_string_size(size_t bytes) const;
    size_t max_string_bytes() const { return m_limits.max_output_bytes; }
    Result<void> check_list_size(size_t items) const;
    /// Counts `n` steps against the step limit.
    Result<void> count_steps(uint64_t n);

    /// raise_exception(message) records its message here; the first one wins.
    void note_raised(std::string message) {
        if (!m_raised)
            m_raised = std::move(message);
    }
    const std::optional<std::string>& raised() const { return m_raised; }

private:
    enum class Flow : uint8_t { Normal, Break, Continue };
    using Scope = std::unordered_map<std::string, Value>;
    using ScopeStack = std::vector<std::shared_ptr<Scope>>;

    Result<Flow> exec_body(const Body& body, std::string& out);
    Result<Flow> exec(const Stmt& stmt, std::string& out);
    Result<Flow> exec_inner(const Stmt& stmt, std::string& out);
    Result<Flow> exec_for(const Stmt& stmt, std::string& out);
    Result<void> exec_set(const Stmt& stmt);
    Result<Value> call_macro(const Stmt& macro, const CallArgs& args);

    Result<Value> eval(const Expr& expr);
    Result<Value> eval_inner(const Expr& expr);
    Result<Value> eval_binary(const Expr& expr);
    Result<Value> eval_attr(const Value& object, const std::string& name, int line);
    Result<Value> eval_subscript(const Value& object, const Value& key, int line);
    Result<Value> eval_slice(const Expr& expr);
    Result<Value> eval_call(const Expr& expr);
    Result<CallArgs> eval_args(const Expr& expr, size_t first);

    Value lookup(const std::string& name) const;
    void assign(const std::string& name, Value value);
    Result<void> append(std::string& out, std::string_view text) const;
    Error runtime_error(int line, const std::string& message) const;
    Error wrap(int line, Error error) const;

    Limits m_limits;
    uint64_t m_steps = 0;
    int m_call_depth = 0;
    int m_nesting = 0; ///< statements and expressions being evaluated, one inside the other
    std::unordered_map<std::string, Value> m_globals;
    ScopeStack m_scopes;
    std::optional<std::string> m_raised;
    std::vector<std::weak_ptr<Dict>> m_mutables;
};

/// Python-style iteration: list items, dict keys, string code points; undefined is empty.
Result<ValueList> iterate(const Value& value);

} // namespace quanta::chat
