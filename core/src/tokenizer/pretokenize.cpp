// SPDX-License-Identifier: MIT
#include "tokenizer/pretokenize.h"

#include "tokenizer/unicode.h"

#include <cstdint>
#include <utility>

namespace quanta::tokenizer_detail {

namespace {

// What the matchers need to know about a position. kNone is "past the end of the piece": the
// regexes run on each piece separately, so look-ahead never sees the next piece.
enum Kind : uint8_t { kNone, kLetter, kNumber, kSpace, kOther };

using Span = std::pair<size_t, size_t>; // [begin, end) in code points
using Spans = std::vector<Span>;

struct Text {
    std::vector<uint32_t> cpts;
    std::vector<Kind> kinds;
    std::vector<uint8_t> flags;
};

Text analyse(std::string_view utf8) {
    Text t;
    t.cpts = unicode::decode_utf8(utf8);
    t.kinds.resize(t.cpts.size());
    t.flags.resize(t.cpts.size());
    for (size_t i = 0; i < t.cpts.size(); ++i) {
        const uint8_t f = unicode::cpt_flags(t.cpts[i]);
        t.flags[i] = f;
        const uint8_t cls = f & unicode::k_class_mask;
        // Whitespace first: no \s character is a letter or a number.
        t.kinds[i] = (f & unicode::k_whitespace_bit) ? kSpace
                     : cls == unicode::k_letter     ? kLetter
                     : cls == unicode::k_number     ? kNumber
                                                    : kOther;
    }
    return t;
}

// Collects the pieces of one input span; `end` positions must not decrease.
struct Emitter {
    Spans& out;
    size_t prev;
    void token(size_t end) {
        if (end > prev)
            out.emplace_back(prev, end);
        prev = end;
    }
};

constexpr uint32_t k_out_of_range = 0xFFFFFFFF;

bool is_cr_lf(uint32_t c) { return c == '\r' || c == '\n'; }

uint32_t ascii_lower(uint32_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

// Length of a contraction ('s 't 're 've 'm 'll 'd) at pos, or 0.
size_t contraction_length(const Text& t, size_t pos, size_t end, bool ignore_case) {
    if (t.cpts[pos] != '\'' || pos + 1 >= end)
        return 0;
    auto at = [&](size_t p) { return ignore_case ? ascii_lower(t.cpts[p]) : t.cpts[p]; };
    const uint32_t n1 = at(pos + 1);
    if (n1 == 's' || n1 == 't' || n1 == 'm' || n1 == 'd')
        return 2;
    if (pos + 2 >= end)
        return 0;
    const uint32_t n2 = at(pos + 2);
    if ((n1 == 'r' && n2 == 'e') || (n1 == 'v' && n2 == 'e') || (n1 == 'l' && n2 == 'l'))
        return 3;
    return 0;
}

// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
Spans split_gpt2(const Text& t, const Spans& in) {
    Spans out;
    out.reserve(in.size());
    for (const auto& span : in) {
        const size_t begin = span.first, end = span.second;
        auto kind = [&](size_t p) { return p < end ? t.kinds[p] : kNone; };
        Emitter em{out, begin};
        size_t pos = begin;
        while (pos < end) {
            const uint32_t c = t.cpts[pos];
            if (const size_t n = contraction_length(t, pos, end, false)) {
                pos += n;
                em.token(pos);
                continue;
            }
            // Only U+0020 may prefix a letter/number/other run.
            const Kind k2 = c == ' ' ? kind(pos + 1) : kind(pos);
            if (k2 == kLetter || k2 == kNumber || k2 == kOther) {
                pos += (c == ' ');
                while (kind(pos) == k2)
                    ++pos;
                em.token(pos);
                continue;
            }
            size_t n_ws = 0;
            while (kind(pos + n_ws) == kSpace)
                ++n_ws;
            if (n_ws > 1 && pos + n_ws < end) {
                // \s+(?!\S): leave the last whitespace for the word that follows.
                pos += n_ws - 1;
                em.token(pos);
                continue;
            }
            pos += n_ws > 0 ? n_ws : 1;
            em.token(pos);
        }
    }
    return out;
}

// R_LLAMA3 (max_digits = 3) and R_QWEN2 (max_digits = 1):
// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,max}| ?[^\s\p{L}\p{N}]+[\r\n]*|
// \s*[\r\n]+|\s+(?!\S)|\s+
Spans split_llama3(const Text& t, const Spans& in, size_t max_digits) {
    Spans out;
    out.reserve(in.size());
    for (const auto& span : in) {
        const size_t begin = span.first, end = span.second;
        auto kind = [&](size_t p) { return p < end ? t.kinds[p] : kNone; };
        auto cpt = [&](size_t p) { return p < end ? t.cpts[p] : k_out_of_range; };
        Emitter em{out, begin};
        size_t pos = begin;
        while (pos < end) {
            const uint32_t c = t.cpts[pos];
            const Kind k = t.kinds[pos];
            if (const size_t n = contraction_length(t, pos, end, true)) {
                pos += n;
                em.token(pos);
                continue;
            }
            // One optional non-letter, non-digit, non-CR/LF character, then letters.
            if (!(is_cr_lf(c) || k == kNumber) && (k == kLetter || kind(pos + 1) == kLetter)) {
                ++pos;
                while (kind(pos) == kLetter)
                    ++pos;
                em.token(pos);
                continue;
            }
            if (k == kNumber) {
                size_t chunk_begin = pos;
                while (kind(pos) == kNumber) {
                    if (++pos - chunk_begin >= max_digits) {
                        em.token(pos);
                        chunk_begin = pos;
                    }
                }
                em.token(pos);
                continue;
            }
            const Kind k2 = c == ' ' ? kind(pos + 1) : k;
            if (k2 == kOther || k2 == kNone) {
                pos += (c == ' ');
                while (kind(pos) == kOther)
                    ++pos;
                while (is_cr_lf(cpt(pos)))
                    ++pos;
                em.token(pos);
                continue;
            }
            size_t n_ws = 0;
            size_t last_cr_lf_end = 0;
            while (kind(pos + n_ws) == kSpace) {
                if (is_cr_lf(t.cpts[pos + n_ws]))
                    last_cr_lf_end = pos + n_ws + 1;
                ++n_ws;
            }
            if (last_cr_lf_end > 0) { // \s*[\r\n]+
                pos = last_cr_lf_end;
                em.token(pos);
                continue;
            }
            if (n_ws > 1 && pos + n_ws < end) { // \s+(?!\S)
                pos += n_ws - 1;
                em.token(pos);
                continue;
            }
            pos += n_ws > 0 ? n_ws : 1;
            em.token(pos);
        }
    }
    return out;
}

// Generic "regex with gaps kept" where the regex is a run (or single character, or fixed-length
// group) of code points satisfying `pred`: matches of up to `max_len` (0 = unlimited) characters,
// at least `min_len`.
template <class Pred>
Spans split_runs(const Spans& in, Pred pred, size_t min_len, size_t max_len) {
    Spans out;
    out.reserve(in.size());
    for (const auto& span : in) {
        const size_t begin = span.first, end = span.second;
        Emitter em{out, begin};
        size_t pos = begin;
        while (pos < end) {
            size_t n = 0;
            while (pos + n < end && (max_len == 0 || n < max_len) && pred(pos + n))
                ++n;
            if (n >= min_len && n > 0) {
                em.token(pos); // gap before the match
                pos += n;
                em.token(pos);
            } else {
                ++pos;
            }
        }
        em.token(end);
    }
    return out;
}

} // namespace

std::vector<std::string> pre_tokenize(PreTokenizer pre, std::string_view text) {
    const Text t = analyse(text);
    Spans spans;
    if (!t.cpts.empty())
        spans.emplace_back(0, t.cpts.size());
    auto is_number = [&](size_t p) { return t.kinds[p] == kNumber; };
    switch (pre) {
    case PreTokenizer::Gpt2:
        spans = split_gpt2(t, spans);
        break;
    case PreTokenizer::Llama3:
        spans = split_llama3(t, spans, 3);
        break;
    case PreTokenizer::Qwen2:
        spans = split_llama3(t, spans, 1);
        break;
    case PreTokenizer::StarCoder:
        spans = split_runs(spans, is_number, 1, 1); // \p{N}: every digit alone
        spans = split_gpt2(t, spans);
        break;
    case PreTokenizer::Default: {
        auto is_punct = [&](size_t p) {
            const uint32_t c = t.cpts[p];
            return (t.flags[p] & unicode::k_class_mask) == unicode::k_punctuation || c == '$' || c == '+' ||
                   c == '<' || c == '=' || c == '>' || c == '^' || c == '~' || c == '|';
        };
        auto is_ascii_digit = [&](size_t p) { return t.cpts[p] >= '0' && t.cpts[p] <= '9'; };
        spans = split_runs(spans, is_punct, 1, 0);       // [\p{P}\$\+<=>\^~\|]+
        spans = split_gpt2(t, spans);                       // R_GPT2
        spans = split_runs(spans, is_number, 1, 0);      // \p{N}+
        spans = split_runs(spans, is_ascii_digit, 3, 3); // [0-9][0-9][0-9]
        break;
    }
    }
    std::vector<std::string> pieces;
    pieces.reserve(spans.size());
    for (const auto& [b, e] : spans) {
        std::string piece;
        for (size_t i = b; i < e; ++i)
            unicode::append_utf8(piece, t.cpts[i]);
        pieces.push_back(std::move(piece));
    }
    return pieces;
}

} // namespace quanta::tokenizer_detail
