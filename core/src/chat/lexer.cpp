// SPDX-License-Identifier: MIT
#include "chat/lexer.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace quanta::chat {
namespace {

enum class SegmentKind : uint8_t { Data, Variable, Block, Comment };

struct Segment {
    SegmentKind kind = SegmentKind::Data;
    std::string text;          // Data
    std::vector<Token> tokens; // Variable, Block
    int line = 1;
    int end_line = 1;           // line of the closing delimiter
    bool left_minus = false, left_plus = false, right_minus = false, right_plus = false;
    bool emits_nothing = false; // {% raw %} / {% endraw %}: whitespace rules only
    bool raw_begin = false;     // no trim_blocks after {% raw %}, as in jinja2
};

Error syntax_error(int line, const std::string& message) {
    return make_error(ErrorCode::InvalidArgument,
                      "template syntax error at line " + std::to_string(line) + ": " + message);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

void append_utf8(std::string& out, uint32_t cp) {
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

class Scanner {
public:
    explicit Scanner(std::string src) : m_src(std::move(src)) {}

    Result<std::vector<Segment>> run() {
        std::vector<Segment> segments;
        size_t pos = 0;
        while (pos < m_src.size()) {
            size_t open = find_tag(pos);
            Segment data;
            data.kind = SegmentKind::Data;
            data.line = m_line;
            data.text = m_src.substr(pos, open - pos);
            count_lines(pos, open);
            segments.push_back(std::move(data));
            if (open >= m_src.size())
                break;
            auto tag = scan_tag(open, pos);
            if (!tag)
                return tag.take_error();
            bool raw = tag->kind == SegmentKind::Block && tag->tokens.size() == 1 &&
                       tag->tokens[0].kind == TokenKind::Name && tag->tokens[0].text == "raw";
            if (!raw) {
                segments.push_back(std::move(*tag));
                continue;
            }
            tag->emits_nothing = true;
            tag->raw_begin = true;
            tag->tokens.clear();
            segments.push_back(std::move(*tag));
            QUANTA_TRY(scan_raw_body(pos, segments));
        }
        return segments;
    }

private:
    size_t find_tag(size_t from) const {
        for (size_t i = from; i + 1 < m_src.size(); ++i)
            if (m_src[i] == '{' && (m_src[i + 1] == '{' || m_src[i + 1] == '%' || m_src[i + 1] == '#'))
                return i;
        return m_src.size();
    }

    void count_lines(size_t from, size_t to) {
        for (size_t i = from; i < to && i < m_src.size(); ++i)
            if (m_src[i] == '\n')
                ++m_line;
    }

    bool starts(size_t pos, std::string_view s) const { return m_src.compare(pos, s.size(), s) == 0; }

    // Scans the tag opening at `open`; `pos` ends up just past it.
    Result<Segment> scan_tag(size_t open, size_t& pos) {
        Segment seg;
        seg.line = m_line;
        char type = m_src[open + 1];
        seg.kind = type == '{' ? SegmentKind::Variable : type == '%' ? SegmentKind::Block : SegmentKind::Comment;
        size_t q = open + 2;
        if (q < m_src.size() && (m_src[q] == '-' || m_src[q] == '+')) {
            seg.left_minus = m_src[q] == '-';
            seg.left_plus = m_src[q] == '+';
            ++q;
        }
        if (seg.kind == SegmentKind::Comment) {
            size_t end = m_src.find("#}", q);
            if (end == std::string::npos)
                return syntax_error(seg.line, "unclosed comment");
            seg.right_minus = end > q && m_src[end - 1] == '-';
            seg.right_plus = end > q && m_src[end - 1] == '+';
            count_lines(open, end + 2);
            pos = end + 2;
            return seg;
        }
        const std::string_view close = seg.kind == SegmentKind::Variable ? "}}" : "%}";
        int depth = 0;
        while (true) {
            while (q < m_src.size() && is_space(m_src[q])) {
                if (m_src[q] == '\n')
                    ++m_line;
                ++q;
            }
            if (q >= m_src.size())
                return syntax_error(m_line, std::string("unexpected end of template, expected '") +
                                                std::string(close) + "'");
            if (depth == 0) {
                if ((m_src[q] == '-' || m_src[q] == '+') && starts(q + 1, close)) {
                    seg.right_minus = m_src[q] == '-';
                    seg.right_plus = m_src[q] == '+';
                    seg.end_line = m_line;
                    pos = q + 3;
                    return seg;
                }
                if (starts(q, close)) {
                    seg.end_line = m_line;
                    pos = q + 2;
                    return seg;
                }
            }
            Token tok;
            QUANTA_TRY(scan_token(q, tok, depth));
            seg.tokens.push_back(std::move(tok));
        }
    }

    Result<void> scan_token(size_t& q, Token& tok, int& depth) {
        tok.line = m_line;
        char c = m_src[q];
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            size_t start = q;
            while (q < m_src.size() && (std::isalnum(static_cast<unsigned char>(m_src[q])) || m_src[q] == '_'))
                ++q;
            tok.kind = TokenKind::Name;
            tok.text = m_src.substr(start, q - start);
            return {};
        }
        if (std::isdigit(static_cast<unsigned char>(c)))
            return scan_number(q, tok);
        if (c == '\'' || c == '"')
            return scan_string(q, tok);
        static const char* const two[] = {"//", "**", "==", "!=", "<=", ">="};
        for (const char* op : two) {
            if (starts(q, op)) {
                tok.kind = TokenKind::Op;
                tok.text = op;
                q += 2;
                return {};
            }
        }
        if (std::string_view("+-*/%~<>=()[]{},.:|").find(c) != std::string_view::npos) {
            if (c == '(' || c == '[' || c == '{')
                ++depth;
            if ((c == ')' || c == ']' || c == '}') && depth > 0)
                --depth;
            tok.kind = TokenKind::Op;
            tok.text = std::string(1, c);
            ++q;
            return {};
        }
        return syntax_error(m_line, std::string("unexpected character '") + c + "'");
    }

    Result<void> scan_number(size_t& q, Token& tok) {
        size_t start = q;
        auto digits = [&] {
            while (q < m_src.size() && (std::isdigit(static_cast<unsigned char>(m_src[q])) || m_src[q] == '_'))
                ++q;
        };
        digits();
        bool is_float = false;
        if (q + 1 < m_src.size() && m_src[q] == '.' && std::isdigit(static_cast<unsigned char>(m_src[q + 1]))) {
            is_float = true;
            ++q;
            digits();
        }
        if (q < m_src.size() && (m_src[q] == 'e' || m_src[q] == 'E')) {
            size_t e = q + 1;
            if (e < m_src.size() && (m_src[e] == '+' || m_src[e] == '-'))
                ++e;
            if (e < m_src.size() && std::isdigit(static_cast<unsigned char>(m_src[e]))) {
                is_float = true;
                q = e;
                digits();
            }
        }
        std::string text;
        for (size_t i = start; i < q; ++i)
            if (m_src[i] != '_')
                text += m_src[i];
        if (is_float) {
            tok.kind = TokenKind::Float;
            tok.float_value = std::strtod(text.c_str(), nullptr);
            return {};
        }
        tok.kind = TokenKind::Int;
        auto res = std::from_chars(text.data(), text.data() + text.size(), tok.int_value);
        if (res.ec != std::errc())
            return syntax_error(m_line, "integer literal out of range: " + text);
        return {};
    }

    static int hex_value(char c) {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }

    // Python string-literal escapes, as jinja2 resolves them (unicode-escape codec).
    Result<void> scan_string(size_t& q, Token& tok) {
        char quote = m_src[q++];
        int start_line = m_line;
        tok.kind = TokenKind::String;
        while (true) {
            if (q >= m_src.size())
                return syntax_error(start_line, "unclosed string literal");
            char c = m_src[q];
            if (c == quote) {
                ++q;
                return {};
            }
            if (c == '\n')
                ++m_line;
            if (c != '\\' || q + 1 >= m_src.size()) {
                tok.text += c;
                ++q;
                continue;
            }
            char e = m_src[q + 1];
            q += 2;
            switch (e) {
            case 'n': tok.text += '\n'; break;
            case 't': tok.text += '\t'; break;
            case 'r': tok.text += '\r'; break;
            case '\\': tok.text += '\\'; break;
            case '\'': tok.text += '\''; break;
            case '"': tok.text += '"'; break;
            case 'a': tok.text += '\a'; break;
            case 'b': tok.text += '\b'; break;
            case 'f': tok.text += '\f'; break;
            case 'v': tok.text += '\v'; break;
            case '\n': ++m_line; break; // line continuation
            case 'x':
            case 'u':
            case 'U': {
                size_t count = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                uint32_t cp = 0;
                for (size_t k = 0; k < count; ++k) {
                    int h = q + k < m_src.size() ? hex_value(m_src[q + k]) : -1;
                    if (h < 0)
                        return syntax_error(m_line, std::string("truncated \\") + e + " escape in string literal");
                    cp = cp * 16 + static_cast<uint32_t>(h);
                }
                if (cp > 0x10FFFF)
                    return syntax_error(m_line, "invalid code point in string literal");
                q += count;
                append_utf8(tok.text, cp);
                break;
            }
            default:
                if (e >= '0' && e <= '7') {
                    uint32_t cp = static_cast<uint32_t>(e - '0');
                    for (int k = 0; k < 2 && q < m_src.size() && m_src[q] >= '0' && m_src[q] <= '7'; ++k)
                        cp = cp * 8 + static_cast<uint32_t>(m_src[q++] - '0');
                    append_utf8(tok.text, cp);
                } else {
                    tok.text += '\\'; // unknown escapes stay as written, as in Python
                    tok.text += e;
                }
            }
        }
    }

    // After {% raw %}: everything up to {% endraw %} is data.
    Result<void> scan_raw_body(size_t& pos, std::vector<Segment>& segments) {
        size_t search = pos;
        while (true) {
            size_t open = m_src.find("{%", search);
            if (open == std::string::npos)
                return syntax_error(m_line, "missing {% endraw %}");
            size_t q = open + 2;
            bool left_minus = false, left_plus = false;
            if (q < m_src.size() && (m_src[q] == '-' || m_src[q] == '+')) {
                left_minus = m_src[q] == '-';
                left_plus = m_src[q] == '+';
                ++q;
            }
            while (q < m_src.size() && is_space(m_src[q]))
                ++q;
            if (!starts(q, "endraw")) {
                search = open + 2;
                continue;
            }
            q += 6;
            while (q < m_src.size() && is_space(m_src[q]))
                ++q;
            Segment end;
            end.kind = SegmentKind::Block;
            end.emits_nothing = true;
            end.left_minus = left_minus;
            end.left_plus = left_plus;
            if (q < m_src.size() && (m_src[q] == '-' || m_src[q] == '+') && starts(q + 1, "%}")) {
                end.right_minus = m_src[q] == '-';
                end.right_plus = m_src[q] == '+';
                ++q;
            }
            if (!starts(q, "%}")) {
                search = open + 2;
                continue;
            }
            Segment data;
            data.kind = SegmentKind::Data;
            data.line = m_line;
            data.text = m_src.substr(pos, open - pos);
            count_lines(pos, q + 2);
            end.line = m_line;
            segments.push_back(std::move(data));
            segments.push_back(std::move(end));
            pos = q + 2;
            return {};
        }
    }

    std::string m_src;
    int m_line = 1;
};

bool is_tag(const Segment& s) { return s.kind != SegmentKind::Data; }
bool is_block_like(const Segment& s) { return s.kind == SegmentKind::Block || s.kind == SegmentKind::Comment; }

// trim_blocks, lstrip_blocks and the -/+ modifiers, applied to the data between tags.
void apply_whitespace_rules(std::vector<Segment>& segments) {
    for (size_t i = 0; i < segments.size(); ++i) {
        Segment& data = segments[i];
        if (data.kind != SegmentKind::Data)
            continue;
        const Segment* prev = i > 0 && is_tag(segments[i - 1]) ? &segments[i - 1] : nullptr;
        const Segment* next = i + 1 < segments.size() && is_tag(segments[i + 1]) ? &segments[i + 1] : nullptr;
        bool line_start = prev == nullptr;
        if (prev) {
            if (prev->right_minus) {
                size_t k = 0;
                while (k < data.text.size() && is_space(data.text[k]))
                    ++k;
                line_start = k > 0 && data.text[k - 1] == '\n';
                data.text.erase(0, k);
            } else if (is_block_like(*prev) && !prev->right_plus && !prev->raw_begin && !data.text.empty() &&
                       data.text[0] == '\n') {
                data.text.erase(0, 1);
                line_start = true;
            }
        }
        if (!next)
            continue;
        if (next->left_minus) {
            size_t k = data.text.size();
            while (k > 0 && is_space(data.text[k - 1]))
                --k;
            data.text.resize(k);
        } else if (is_block_like(*next) && !next->left_plus) {
            size_t nl = data.text.rfind('\n');
            size_t from = nl == std::string::npos ? 0 : nl + 1;
            if (nl != std::string::npos || line_start) {
                bool blank = true;
                for (size_t k = from; k < data.text.size(); ++k)
                    if (!is_space(data.text[k]))
                        blank = false;
                if (blank)
                    data.text.resize(from);
            }
        }
    }
}

} // namespace

Result<std::vector<Token>> tokenize(std::string_view source) {
    // jinja2 joins source.splitlines() with "\n": line endings are normalized and one trailing
    // newline disappears (keep_trailing_newline is off in transformers).
    std::string src;
    src.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
        if (source[i] == '\r') {
            src += '\n';
            if (i + 1 < source.size() && source[i + 1] == '\n')
                ++i;
        } else {
            src += source[i];
        }
    }
    if (!src.empty() && src.back() == '\n')
        src.pop_back();

    // The end of the template is on its last line (for "unexpected end of template" errors).
    int last_line = 1;
    for (char c : src)
        last_line += c == '\n' ? 1 : 0;

    Scanner scanner(std::move(src));
    auto segments = scanner.run();
    if (!segments)
        return segments.take_error();
    apply_whitespace_rules(*segments);

    std::vector<Token> tokens;
    for (Segment& seg : *segments) {
        switch (seg.kind) {
        case SegmentKind::Data:
            if (!seg.text.empty())
                tokens.push_back(Token{TokenKind::Text, std::move(seg.text), 0, 0.0, seg.line});
            break;
        case SegmentKind::Variable:
        case SegmentKind::Block: {
            if (seg.emits_nothing)
                break;
            bool var = seg.kind == SegmentKind::Variable;
            tokens.push_back(Token{var ? TokenKind::VarBegin : TokenKind::BlockBegin, {}, 0, 0.0, seg.line});
            for (Token& t : seg.tokens)
                tokens.push_back(std::move(t));
            tokens.push_back(Token{var ? TokenKind::VarEnd : TokenKind::BlockEnd, {}, 0, 0.0, seg.end_line});
            break;
        }
        case SegmentKind::Comment: break;
        }
    }
    tokens.push_back(Token{TokenKind::Eof, {}, 0, 0.0, last_line});
    return tokens;
}

} // namespace quanta::chat
