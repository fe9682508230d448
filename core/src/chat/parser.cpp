// SPDX-License-Identifier: MIT
#include "chat/parser.h"

#include "chat/lexer.h"

#include <initializer_list>
#include <utility>
#include <vector>

namespace quanta::chat {
namespace {

// Deep nesting is legal Jinja but no real template needs it; the bound keeps the recursive
// descent (and the evaluator that walks the tree) far from the end of the stack.
constexpr int kMaxNesting = 200;
constexpr int kMaxExprHeight = 200;

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

    Result<std::shared_ptr<const Program>> run() {
        auto program = std::make_shared<Program>();
        std::string end;
        auto body = parse_body({}, end);
        if (!body)
            return body.take_error();
        program->body = std::move(*body);
        return std::shared_ptr<const Program>(std::move(program));
    }

private:
    const Token& cur() const { return m_tokens[m_pos]; }
    const Token& peek(size_t ahead = 1) const {
        size_t i = m_pos + ahead;
        return m_tokens[i < m_tokens.size() ? i : m_tokens.size() - 1];
    }
    void advance() {
        if (m_pos + 1 < m_tokens.size())
            ++m_pos;
    }
    bool is_op(std::string_view op) const { return cur().kind == TokenKind::Op && cur().text == op; }
    bool is_name(std::string_view name) const { return cur().kind == TokenKind::Name && cur().text == name; }
    bool skip_op(std::string_view op) {
        if (!is_op(op))
            return false;
        advance();
        return true;
    }
    bool skip_name(std::string_view name) {
        if (!is_name(name))
            return false;
        advance();
        return true;
    }

    static std::string describe(const Token& t) {
        switch (t.kind) {
        case TokenKind::Text: return "template text";
        case TokenKind::VarBegin: return "'{{'";
        case TokenKind::VarEnd: return "end of print statement";
        case TokenKind::BlockBegin: return "'{%'";
        case TokenKind::BlockEnd: return "end of statement block";
        case TokenKind::Name: return "'" + t.text + "'";
        case TokenKind::String: return "string literal";
        case TokenKind::Int:
        case TokenKind::Float: return "number";
        case TokenKind::Op: return "'" + t.text + "'";
        case TokenKind::Eof: return "end of template";
        }
        return "token";
    }

    Error error(const std::string& message) const {
        return make_error(ErrorCode::InvalidArgument,
                          "template syntax error at line " + std::to_string(cur().line) + ": " + message);
    }
    Error unexpected(const std::string& expected) const {
        return error("expected " + expected + ", got " + describe(cur()));
    }

    Result<void> expect_op(std::string_view op) {
        if (!skip_op(op))
            return unexpected("'" + std::string(op) + "'");
        return {};
    }
    Result<void> expect_block_end() {
        if (cur().kind != TokenKind::BlockEnd)
            return unexpected("end of statement block");
        advance();
        return {};
    }
    Result<std::string> expect_name() {
        if (cur().kind != TokenKind::Name)
            return unexpected("a name");
        std::string name = cur().text;
        advance();
        return name;
    }

    ExprPtr make(ExprKind kind, int line) {
        auto e = std::make_unique<Expr>();
        e->kind = kind;
        e->line = line;
        return e;
    }

    // ---- statements -------------------------------------------------------------------------

    // Parses statements until a `{% name %}` tag with a name in `stop`; consumes `{%` and the name.
    Result<Body> parse_body(std::initializer_list<std::string_view> stop, std::string& which) {
        if (++m_depth > kMaxNesting)
            return error("blocks nested too deeply");
        Body body;
        while (true) {
            const Token& t = cur();
            if (t.kind == TokenKind::Eof) {
                if (stop.size() == 0)
                    break;
                std::string expected;
                for (std::string_view tag : stop)
                    expected += (expected.empty() ? "'" : " or '") + std::string(tag) + "'";
                return error("unexpected end of template, expected " + expected);
            }
            if (t.kind == TokenKind::Text) {
                auto s = std::make_unique<Stmt>();
                s->kind = StmtKind::Text;
                s->line = t.line;
                s->text = t.text;
                body.push_back(std::move(s));
                advance();
                continue;
            }
            if (t.kind == TokenKind::VarBegin) {
                auto s = std::make_unique<Stmt>();
                s->kind = StmtKind::Output;
                s->line = t.line;
                advance();
                auto e = parse_expression();
                if (!e)
                    return e.take_error();
                s->expr = std::move(*e);
                if (cur().kind != TokenKind::VarEnd)
                    return unexpected("end of print statement");
                advance();
                QUANTA_TRY(check_heights(*s));
                body.push_back(std::move(s));
                continue;
            }
            if (t.kind != TokenKind::BlockBegin)
                return unexpected("template text or a tag");
            const Token& name = peek();
            if (name.kind == TokenKind::Name) {
                for (std::string_view s : stop) {
                    if (name.text == s) {
                        which = name.text;
                        advance();
                        advance();
                        --m_depth;
                        return body;
                    }
                }
            }
            advance();
            auto stmt = parse_statement();
            if (!stmt)
                return stmt.take_error();
            QUANTA_TRY(check_heights(**stmt));
            body.push_back(std::move(*stmt));
        }
        --m_depth;
        return body;
    }

    Result<StmtPtr> parse_statement() {
        if (cur().kind != TokenKind::Name)
            return unexpected("a statement name");
        std::string tag = cur().text;
        int line = cur().line;
        advance();
        auto s = std::make_unique<Stmt>();
        s->line = line;
        std::string which;
        if (tag == "if") {
            s->kind = StmtKind::If;
            while (true) {
                auto cond = parse_expression();
                if (!cond)
                    return cond.take_error();
                QUANTA_TRY(expect_block_end());
                auto body = parse_body({"elif", "else", "endif"}, which);
                if (!body)
                    return body.take_error();
                s->branches.emplace_back(std::move(*cond), std::move(*body));
                if (which != "elif")
                    break;
            }
            if (which == "else") {
                QUANTA_TRY(expect_block_end());
                auto body = parse_body({"endif"}, which);
                if (!body)
                    return body.take_error();
                s->else_body = std::move(*body);
            }
        } else if (tag == "for") {
            s->kind = StmtKind::For;
            bool paren = skip_op("(");
            do {
                auto n = expect_name();
                if (!n)
                    return n.take_error();
                s->targets.push_back(std::move(*n));
            } while (skip_op(","));
            if (paren)
                QUANTA_TRY(expect_op(")"));
            if (!skip_name("in"))
                return unexpected("'in'");
            auto iter = parse_or();
            if (!iter)
                return iter.take_error();
            s->expr = std::move(*iter);
            if (skip_name("if")) {
                auto cond = parse_expression();
                if (!cond)
                    return cond.take_error();
                s->filter = std::move(*cond);
            }
            if (is_name("recursive"))
                return error("recursive for loops are not supported");
            QUANTA_TRY(expect_block_end());
            auto body = parse_body({"else", "endfor"}, which);
            if (!body)
                return body.take_error();
            s->body = std::move(*body);
            if (which == "else") {
                QUANTA_TRY(expect_block_end());
                auto else_body = parse_body({"endfor"}, which);
                if (!else_body)
                    return else_body.take_error();
                s->else_body = std::move(*else_body);
            }
        } else if (tag == "set") {
            do {
                auto n = expect_name();
                if (!n)
                    return n.take_error();
                s->targets.push_back(std::move(*n));
            } while (skip_op(","));
            if (s->targets.size() == 1 && skip_op(".")) {
                auto attr = expect_name();
                if (!attr)
                    return attr.take_error();
                s->attr = std::move(*attr);
            }
            if (skip_op("=")) {
                s->kind = StmtKind::Set;
                auto value = parse_tuple_or_expression();
                if (!value)
                    return value.take_error();
                s->expr = std::move(*value);
            } else {
                if (s->targets.size() != 1 || !s->attr.empty())
                    return unexpected("'='");
                s->kind = StmtKind::SetBlock;
                QUANTA_TRY(expect_block_end());
                auto body = parse_body({"endset"}, which);
                if (!body)
                    return body.take_error();
                s->body = std::move(*body);
            }
        } else if (tag == "macro") {
            s->kind = StmtKind::Macro;
            auto n = expect_name();
            if (!n)
                return n.take_error();
            s->name = std::move(*n);
            QUANTA_TRY(expect_op("("));
            while (!is_op(")")) {
                auto p = expect_name();
                if (!p)
                    return p.take_error();
                ExprPtr def;
                if (skip_op("=")) {
                    auto d = parse_expression();
                    if (!d)
                        return d.take_error();
                    def = std::move(*d);
                }
                s->params.emplace_back(std::move(*p), std::move(def));
                if (!skip_op(","))
                    break;
            }
            QUANTA_TRY(expect_op(")"));
            QUANTA_TRY(expect_block_end());
            auto body = parse_body({"endmacro"}, which);
            if (!body)
                return body.take_error();
            s->body = std::move(*body);
        } else if (tag == "call") {
            s->kind = StmtKind::CallBlock;
            auto call = parse_expression();
            if (!call)
                return call.take_error();
            if ((*call)->kind != ExprKind::Call)
                return error("{% call %} needs a macro call");
            s->expr = std::move(*call);
            QUANTA_TRY(expect_block_end());
            auto body = parse_body({"endcall"}, which);
            if (!body)
                return body.take_error();
            s->body = std::move(*body);
        } else if (tag == "filter") {
            s->kind = StmtKind::Scope;
            auto n = expect_name();
            if (!n)
                return n.take_error();
            s->name = std::move(*n);
            QUANTA_TRY(expect_block_end());
            auto body = parse_body({"endfilter"}, which);
            if (!body)
                return body.take_error();
            s->body = std::move(*body);
        } else if (tag == "generation") {
            // transformers' AssistantTracker extension marks assistant text for masks; rendering
            // is unaffected, so the body runs in place.
            s->kind = StmtKind::Scope;
            QUANTA_TRY(expect_block_end());
            auto body = parse_body({"endgeneration"}, which);
            if (!body)
                return body.take_error();
            s->body = std::move(*body);
        } else if (tag == "break" || tag == "continue") {
            s->kind = tag == "break" ? StmtKind::Break : StmtKind::Continue;
        } else if (tag == "include" || tag == "import" || tag == "from" || tag == "extends" || tag == "block") {
            return error("'" + tag + "' is not supported in chat templates (no file access)");
        } else {
            return make_error(ErrorCode::InvalidArgument, "template syntax error at line " + std::to_string(line) +
                                                              ": unknown tag '" + tag + "'");
        }
        QUANTA_TRY(expect_block_end());
        return s;
    }

    // ---- expressions ------------------------------------------------------------------------

    // Operator, filter and postfix chains build trees as deep as they are long, without nesting
    // in the source; the evaluator recurses that deep. jinja2 (through Python's own limits) fails
    // on such chains too. Checked without recursion, once per statement.
    Result<void> check_height(const Expr& root, int line) const {
        std::vector<std::pair<const Expr*, int>> stack{{&root, 1}};
        while (!stack.empty()) {
            auto [e, h] = stack.back();
            stack.pop_back();
            if (h > kMaxExprHeight)
                return make_error(ErrorCode::InvalidArgument, "template syntax error at line " + std::to_string(line) +
                                                                  ": expression nested too deeply");
            for (const ExprPtr& a : e->args)
                if (a)
                    stack.emplace_back(a.get(), h + 1);
            for (const auto& kv : e->kwargs)
                if (kv.second)
                    stack.emplace_back(kv.second.get(), h + 1);
        }
        return {};
    }

    Result<void> check_heights(const Stmt& s) const {
        if (s.expr)
            QUANTA_TRY(check_height(*s.expr, s.line));
        if (s.filter)
            QUANTA_TRY(check_height(*s.filter, s.line));
        for (const auto& branch : s.branches)
            if (branch.first)
                QUANTA_TRY(check_height(*branch.first, s.line));
        for (const auto& param : s.params)
            if (param.second)
                QUANTA_TRY(check_height(*param.second, s.line));
        return {};
    }

    struct DepthGuard {
        int& depth;
        explicit DepthGuard(int& d) : depth(d) { ++depth; }
        ~DepthGuard() { --depth; }
    };

    // `a, b` without parentheses on the right of {% set %}: a tuple.
    Result<ExprPtr> parse_tuple_or_expression() {
        int line = cur().line;
        auto first = parse_expression();
        if (!first || !is_op(","))
            return first;
        auto t = make(ExprKind::Tuple, line);
        t->args.push_back(std::move(*first));
        while (skip_op(",")) {
            auto e = parse_expression();
            if (!e)
                return e.take_error();
            t->args.push_back(std::move(*e));
        }
        return t;
    }

    Result<ExprPtr> parse_expression() {
        DepthGuard guard(m_depth);
        if (m_depth > kMaxNesting)
            return error("expression nested too deeply");
        auto expr = parse_or();
        if (!expr)
            return expr;
        ExprPtr node = std::move(*expr);
        while (is_name("if")) {
            int line = cur().line;
            advance();
            auto cond = parse_or();
            if (!cond)
                return cond.take_error();
            auto c = make(ExprKind::Cond, line);
            c->args.push_back(std::move(*cond));
            c->args.push_back(std::move(node));
            if (skip_name("else")) {
                auto other = parse_expression();
                if (!other)
                    return other.take_error();
                c->args.push_back(std::move(*other));
            } else {
                c->args.push_back(nullptr);
            }
            node = std::move(c);
        }
        return node;
    }

    ExprPtr binary(ExprKind kind, std::string op, ExprPtr left, ExprPtr right, int line) {
        auto b = make(kind, line);
        b->name = std::move(op);
        b->args.push_back(std::move(left));
        b->args.push_back(std::move(right));
        return b;
    }

    Result<ExprPtr> parse_or() {
        auto left = parse_and();
        if (!left)
            return left;
        ExprPtr node = std::move(*left);
        while (is_name("or")) {
            int line = cur().line;
            advance();
            auto right = parse_and();
            if (!right)
                return right;
            node = (binary(ExprKind::Or, "or", std::move(node), std::move(*right), line));
        }
        return node;
    }

    Result<ExprPtr> parse_and() {
        auto left = parse_not();
        if (!left)
            return left;
        ExprPtr node = std::move(*left);
        while (is_name("and")) {
            int line = cur().line;
            advance();
            auto right = parse_not();
            if (!right)
                return right;
            node = (binary(ExprKind::And, "and", std::move(node), std::move(*right), line));
        }
        return node;
    }

    Result<ExprPtr> parse_not() {
        if (is_name("not")) {
            DepthGuard guard(m_depth);
            if (m_depth > kMaxNesting)
                return error("expression nested too deeply");
            int line = cur().line;
            advance();
            auto operand = parse_not();
            if (!operand)
                return operand;
            auto u = make(ExprKind::Unary, line);
            u->name = "not";
            u->args.push_back(std::move(*operand));
            return u;
        }
        return parse_compare();
    }

    Result<ExprPtr> parse_compare() {
        auto left = parse_math1();
        if (!left)
            return left;
        ExprPtr node = std::move(*left);
        while (true) {
            int line = cur().line;
            std::string op;
            if (cur().kind == TokenKind::Op &&
                (is_op("==") || is_op("!=") || is_op("<") || is_op(">") || is_op("<=") || is_op(">="))) {
                op = cur().text;
                advance();
            } else if (is_name("in")) {
                op = "in";
                advance();
            } else if (is_name("not") && peek().kind == TokenKind::Name && peek().text == "in") {
                op = "not in";
                advance();
                advance();
            } else {
                break;
            }
            auto right = parse_math1();
            if (!right)
                return right;
            node = (binary(ExprKind::Binary, op, std::move(node), std::move(*right), line));
        }
        return node;
    }

    template <class Next>
    Result<ExprPtr> parse_left_assoc(std::initializer_list<std::string_view> ops, Next next) {
        auto left = (this->*next)();
        if (!left)
            return left;
        ExprPtr node = std::move(*left);
        while (cur().kind == TokenKind::Op) {
            std::string op;
            for (std::string_view o : ops)
                if (cur().text == o)
                    op = o;
            if (op.empty())
                break;
            int line = cur().line;
            advance();
            auto right = (this->*next)();
            if (!right)
                return right;
            node = (binary(ExprKind::Binary, op, std::move(node), std::move(*right), line));
        }
        return node;
    }

    Result<ExprPtr> parse_math1() { return parse_left_assoc({"+", "-"}, &Parser::parse_concat); }
    Result<ExprPtr> parse_concat() { return parse_left_assoc({"~"}, &Parser::parse_math2); }
    Result<ExprPtr> parse_math2() { return parse_left_assoc({"*", "/", "//", "%"}, &Parser::parse_pow); }
    Result<ExprPtr> parse_pow() { return parse_left_assoc({"**"}, &Parser::parse_unary_filtered); }
    Result<ExprPtr> parse_unary_filtered() { return parse_unary(true); }

    Result<ExprPtr> parse_unary(bool with_filter) {
        DepthGuard guard(m_depth);
        if (m_depth > kMaxNesting)
            return error("expression nested too deeply");
        ExprPtr node;
        if (is_op("-") || is_op("+")) {
            int line = cur().line;
            std::string op = cur().text;
            advance();
            auto operand = parse_unary(false);
            if (!operand)
                return operand;
            node = make(ExprKind::Unary, line);
            node->name = op;
            node->args.push_back(std::move(*operand));
        } else {
            auto primary = parse_primary();
            if (!primary)
                return primary;
            node = std::move(*primary);
        }
        auto post = parse_postfix(std::move(node));
        if (!post || !with_filter)
            return post;
        return parse_filter_expr(std::move(*post));
    }

    Result<ExprPtr> parse_primary() {
        const Token& t = cur();
        int line = t.line;
        switch (t.kind) {
        case TokenKind::Name: {
            auto e = make(ExprKind::Literal, line);
            if (t.text == "true" || t.text == "True")
                e->literal = Value::boolean(true);
            else if (t.text == "false" || t.text == "False")
                e->literal = Value::boolean(false);
            else if (t.text == "none" || t.text == "None")
                e->literal = Value::none();
            else {
                e->kind = ExprKind::Name;
                e->name = t.text;
            }
            advance();
            return e;
        }
        case TokenKind::String: {
            std::string s;
            while (cur().kind == TokenKind::String) { // adjacent literals concatenate
                s += cur().text;
                advance();
            }
            auto e = make(ExprKind::Literal, line);
            e->literal = Value::string(std::move(s));
            return e;
        }
        case TokenKind::Int:
        case TokenKind::Float: {
            auto e = make(ExprKind::Literal, line);
            e->literal = t.kind == TokenKind::Int ? Value::integer(t.int_value) : Value::floating(t.float_value);
            advance();
            return e;
        }
        case TokenKind::Op:
            if (t.text == "(")
                return parse_paren();
            if (t.text == "[")
                return parse_list();
            if (t.text == "{")
                return parse_dict();
            break;
        default: break;
        }
        return unexpected("an expression");
    }

    Result<ExprPtr> parse_paren() {
        int line = cur().line;
        advance();
        if (skip_op(")"))
            return make(ExprKind::Tuple, line);
        auto first = parse_expression();
        if (!first)
            return first;
        if (skip_op(")"))
            return first;
        auto t = make(ExprKind::Tuple, line);
        t->args.push_back(std::move(*first));
        while (skip_op(",")) {
            if (is_op(")"))
                break;
            auto e = parse_expression();
            if (!e)
                return e;
            t->args.push_back(std::move(*e));
        }
        QUANTA_TRY(expect_op(")"));
        return t;
    }

    Result<ExprPtr> parse_list() {
        auto l = make(ExprKind::List, cur().line);
        advance();
        while (!is_op("]")) {
            auto e = parse_expression();
            if (!e)
                return e;
            l->args.push_back(std::move(*e));
            if (!skip_op(","))
                break;
        }
        QUANTA_TRY(expect_op("]"));
        return l;
    }

    Result<ExprPtr> parse_dict() {
        auto d = make(ExprKind::Dict, cur().line);
        advance();
        while (!is_op("}")) {
            auto k = parse_expression();
            if (!k)
                return k;
            QUANTA_TRY(expect_op(":"));
            auto v = parse_expression();
            if (!v)
                return v;
            d->args.push_back(std::move(*k));
            d->args.push_back(std::move(*v));
            if (!skip_op(","))
                break;
        }
        QUANTA_TRY(expect_op("}"));
        return d;
    }

    Result<void> parse_call_args(Expr& call) {
        QUANTA_TRY(expect_op("("));
        while (!is_op(")")) {
            if (cur().kind == TokenKind::Name && peek().kind == TokenKind::Op && peek().text == "=") {
                std::string key = cur().text;
                advance();
                advance();
                auto v = parse_expression();
                if (!v)
                    return v.take_error();
                call.kwargs.emplace_back(std::move(key), std::move(*v));
            } else {
                if (!call.kwargs.empty())
                    return error("positional argument follows keyword argument");
                auto v = parse_expression();
                if (!v)
                    return v.take_error();
                call.args.push_back(std::move(*v));
            }
            if (!skip_op(","))
                break;
        }
        return expect_op(")");
    }

    Result<ExprPtr> parse_postfix(ExprPtr node) {
        while (true) {
            int line = cur().line;
            if (is_op(".")) {
                advance();
                if (cur().kind == TokenKind::Int) {
                    auto s = make(ExprKind::Subscript, line);
                    auto idx = make(ExprKind::Literal, line);
                    idx->literal = Value::integer(cur().int_value);
                    advance();
                    s->args.push_back(std::move(node));
                    s->args.push_back(std::move(idx));
                    node = std::move(s);
                    continue;
                }
                auto n = expect_name();
                if (!n)
                    return n.take_error();
                auto a = make(ExprKind::Attr, line);
                a->name = std::move(*n);
                a->args.push_back(std::move(node));
                node = std::move(a);
            } else if (is_op("[")) {
                advance();
                ExprPtr start;
                if (!is_op(":")) {
                    auto e = parse_expression();
                    if (!e)
                        return e;
                    start = std::move(*e);
                }
                if (skip_op("]")) {
                    if (!start)
                        return error("empty subscript");
                    auto s = make(ExprKind::Subscript, line);
                    s->args.push_back(std::move(node));
                    s->args.push_back(std::move(start));
                    node = std::move(s);
                    continue;
                }
                QUANTA_TRY(expect_op(":"));
                ExprPtr stop, step;
                if (!is_op(":") && !is_op("]")) {
                    auto e = parse_expression();
                    if (!e)
                        return e;
                    stop = std::move(*e);
                }
                if (skip_op(":") && !is_op("]")) {
                    auto e = parse_expression();
                    if (!e)
                        return e;
                    step = std::move(*e);
                }
                QUANTA_TRY(expect_op("]"));
                auto s = make(ExprKind::Slice, line);
                s->args.push_back(std::move(node));
                s->args.push_back(std::move(start));
                s->args.push_back(std::move(stop));
                s->args.push_back(std::move(step));
                node = std::move(s);
            } else if (is_op("(")) {
                auto c = make(ExprKind::Call, line);
                c->args.push_back(std::move(node));
                QUANTA_TRY(parse_call_args(*c));
                node = std::move(c);
            } else {
                return node;
            }
        }
    }

    Result<ExprPtr> parse_filter_expr(ExprPtr node) {
        while (true) {
            int line = cur().line;
            if (is_op("|")) {
                advance();
                auto n = expect_name();
                if (!n)
                    return n.take_error();
                auto f = make(ExprKind::Filter, line);
                f->name = std::move(*n);
                f->args.push_back(std::move(node));
                if (is_op("("))
                    QUANTA_TRY(parse_call_args(*f));
                node = std::move(f);
            } else if (is_name("is")) {
                advance();
                auto t = make(ExprKind::Test, line);
                t->negated = skip_name("not");
                auto n = expect_name();
                if (!n)
                    return n.take_error();
                t->name = std::move(*n);
                t->args.push_back(std::move(node));
                const Token& next = cur();
                bool bare_arg = (next.kind == TokenKind::Name || next.kind == TokenKind::String ||
                                 next.kind == TokenKind::Int || next.kind == TokenKind::Float ||
                                 (next.kind == TokenKind::Op && (next.text == "[" || next.text == "{"))) &&
                                !(next.kind == TokenKind::Name &&
                                  (next.text == "else" || next.text == "or" || next.text == "and" ||
                                   next.text == "if" || next.text == "in" || next.text == "is" || next.text == "not"));
                if (is_op("(")) {
                    QUANTA_TRY(parse_call_args(*t));
                } else if (bare_arg) {
                    auto arg = parse_primary();
                    if (!arg)
                        return arg;
                    auto post = parse_postfix(std::move(*arg));
                    if (!post)
                        return post;
                    t->args.push_back(std::move(*post));
                }
                node = std::move(t);
            } else if (is_op("(")) {
                auto c = make(ExprKind::Call, line);
                c->args.push_back(std::move(node));
                QUANTA_TRY(parse_call_args(*c));
                node = std::move(c);
            } else {
                return node;
            }
        }
    }

    std::vector<Token> m_tokens;
    size_t m_pos = 0;
    int m_depth = 0;
};

} // namespace

Result<std::shared_ptr<const Program>> parse_template(std::string_view source) {
    auto tokens = tokenize(source);
    if (!tokens)
        return tokens.take_error();
    Parser parser(std::move(*tokens));
    return parser.run();
}

} // namespace quanta::chat
