// SPDX-License-Identifier: MIT
// Syntax tree of a parsed chat template. Plain structs with one kind tag each: the evaluator
// switches over the kinds, and there are few enough of them that a class hierarchy would only
// add boilerplate.
#pragma once

#include "chat/value.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace quanta::chat {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

enum class ExprKind : uint8_t {
    Literal,   ///< `literal`
    Name,      ///< `name`
    List,      ///< `args` are the items
    Tuple,     ///< `args` are the items
    Dict,      ///< `args` alternate key, value
    Attr,      ///< args[0].name
    Subscript, ///< args[0][args[1]]
    Slice,     ///< args[0][args[1]:args[2]:args[3]]; missing parts are nullptr
    Call,      ///< args[0](args[1..], kwargs)
    Filter,    ///< args[0] | name(args[1..], kwargs)
    Test,      ///< args[0] is [not] name(args[1..]); `negated`
    Unary,     ///< `name` is "-", "+" or "not"; args[0]
    Binary,    ///< `name` is the operator (+ - * / // % ** ~ == != < > <= >= in "not in"); args[0], args[1]
    And,       ///< args[0] and args[1]
    Or,        ///< args[0] or args[1]
    Cond,      ///< args[1] if args[0] else args[2] (args[2] may be nullptr)
};

struct Expr {
    Expr() = default;
    Expr(const Expr&) = delete;
    Expr& operator=(const Expr&) = delete;
    /// Frees the subtree without recursion: `1+1+...+1` is a tree as deep as the chain is long.
    ~Expr();

    ExprKind kind = ExprKind::Literal;
    int line = 1;
    Value literal;
    std::string name;
    std::vector<ExprPtr> args;
    std::vector<std::pair<std::string, ExprPtr>> kwargs;
    bool negated = false;
};

enum class StmtKind : uint8_t {
    Text,     ///< `text`
    Output,   ///< `{{ expr }}`
    If,       ///< branches (conditions + bodies), else_body
    For,      ///< targets in expr [if filter]; body; else_body
    Set,      ///< targets = expr, or target.attr = expr (`attr` non-empty)
    SetBlock, ///< {% set targets[0] %}body{% endset %}
    Macro,    ///< name(params) body
    CallBlock,///< {% call expr %}body{% endcall %}: `caller` is the body
    Break,
    Continue,
    Scope,    ///< a body run in place: {% generation %}, {% filter %} bodies use `name` as filter
};

struct Stmt {
    StmtKind kind = StmtKind::Text;
    int line = 1;
    std::string text;
    std::string name;
    std::string attr;
    ExprPtr expr;
    ExprPtr filter;
    std::vector<std::string> targets;
    std::vector<std::pair<ExprPtr, Body>> branches;
    std::vector<std::pair<std::string, ExprPtr>> params; ///< macro parameters and their defaults
    Body body;
    Body else_body;
};

/// A parsed template: its statements, shared read-only by every copy of ChatTemplate.
struct Program {
    Body body;
};

} // namespace quanta::chat
