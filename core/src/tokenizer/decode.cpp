// SPDX-License-Identifier: MIT
// Token -> bytes (FORMATS.md §6.1) and the streaming UTF-8 decoder.
#include "tokenizer/tokenizer_impl.h"

#include "tokenizer/unicode.h"

namespace quanta {

namespace {

constexpr std::string_view k_spm_space = "\xE2\x96\x81"; // ▁
constexpr std::string_view k_replacement = "\xEF\xBF\xBD"; // U+FFFD

// "<0xXX>" -> XX, or -1.
int parse_byte_token(std::string_view text) {
    if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>')
        return -1;
    int v = 0;
    for (size_t i = 3; i < 5; ++i) {
        const char c = text[i];
        const int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

std::string unescape_spm(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        if (text.substr(i, 3) == k_spm_space) {
            out.push_back(' ');
            i += 3;
        } else {
            out.push_back(text[i++]);
        }
    }
    return out;
}

// Map each code point of a byte-level BPE token back to its byte. A code point outside the
// table (not produced by the byte mapping; only in odd vocabularies) is kept as its UTF-8.
std::string unmap_bytes(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const uint32_t cpt : unicode::decode_utf8(text)) {
        const int b = unicode::cpt_to_byte(cpt);
        if (b >= 0)
            out.push_back(static_cast<char>(b));
        else
            unicode::append_utf8(out, cpt);
    }
    return out;
}

// llama_detokenize's clean_spaces passes, ported as they are (in place, reading the previous
// byte of the buffer being rewritten), so that odd inputs give the same bytes.
void clean_up_spaces(std::string& s) {
    char* text = s.data();
    int64_t total = static_cast<int64_t>(s.size());
    // 1: " ?", " !", " .", " ," lose the space.
    const int64_t total1 = total;
    total = total ? 1 : 0;
    for (int64_t i = 1; i < total1; ++i) {
        const char x = text[i];
        if (text[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ','))
            --total;
        text[total++] = x;
    }
    // 2: " ' " -> "'".
    const int64_t total2 = total;
    total = total ? 1 : 0;
    for (int64_t i = 1; i < total2; ++i) {
        const char x = text[i];
        if (x == '\'' && i + 1 < total2 && text[i - 1] == ' ' && text[i + 1] == ' ') {
            --total;
            text[++i] = '\0';
        }
        text[total++] = x;
    }
    // 3: " 's", " 'm", " 're", " 've" lose the space (" 't", " 'd", " 'll" keep it).
    const int64_t total3 = total;
    total = total ? 1 : 0;
    for (int64_t i = 1; i < total3; ++i) {
        const char x = text[i];
        if (text[i - 1] == ' ' && x == '\'' && i + 1 < total3) {
            const char x1 = text[i + 1];
            if (x1 == 's' || x1 == 'm')
                --total;
            else if (i + 2 < total3 && ((x1 == 'r' && text[i + 2] == 'e') || (x1 == 'v' && text[i + 2] == 'e')))
                --total;
        }
        text[total++] = x;
    }
    s.resize(static_cast<size_t>(total));
}

} // namespace

std::string Tokenizer::token_to_piece(int32_t id, bool render_special) const {
    const Impl& impl = *m_impl;
    if (id < 0 || id >= impl.n_tokens())
        return {};
    const std::string& text = impl.cfg.tokens[static_cast<size_t>(id)];
    const bool spm = impl.cfg.model == TokenizerModel::SentencePiece;
    switch (impl.cfg.types[static_cast<size_t>(id)]) {
    case TokenType::Normal:
        return spm ? unescape_spm(text) : unmap_bytes(text);
    case TokenType::UserDefined:
        return text; // verbatim, also for SentencePiece (as llama.cpp)
    case TokenType::Control:
    case TokenType::Unknown:
        return render_special ? text : std::string();
    case TokenType::Byte: {
        const int b = parse_byte_token(text);
        return b >= 0 ? std::string(1, static_cast<char>(b)) : std::string();
    }
    case TokenType::Undefined:
    case TokenType::Unused:
        break;
    }
    return {};
}

std::string Tokenizer::decode(std::span<const int32_t> ids, DecodeOptions options) const {
    std::string out;
    // As llama_detokenize: only the piece of the very first id may lose its leading space, so
    // with a BOS in front the space stays.
    bool strip = options.strip_leading_space && m_impl->cfg.add_space_prefix;
    for (const int32_t id : ids) {
        std::string piece = token_to_piece(id, options.render_special);
        if (strip && !piece.empty() && piece.front() == ' ')
            piece.erase(0, 1);
        strip = false;
        out += piece;
    }
    if (options.clean_spaces && m_impl->cfg.clean_spaces)
        clean_up_spaces(out);
    return out;
}

std::string StreamDecoder::push(int32_t id) { return push_bytes(m_tokenizer.token_to_piece(id, m_render_special)); }

std::string StreamDecoder::push_bytes(std::string_view bytes) {
    m_pending.append(bytes);
    std::string out;
    size_t i = 0;
    while (i < m_pending.size()) {
        const int len = unicode::utf8_sequence_length(std::string_view(m_pending).substr(i));
        if (len < 0)
            break; // a valid prefix: wait for more bytes
        if (len == 0) {
            // Ill-formed: one U+FFFD for the maximal prefix that could have been valid (at least
            // the lead byte), then go on after it.
            size_t bad = 1;
            while (i + bad < m_pending.size() &&
                   unicode::utf8_sequence_length(std::string_view(m_pending).substr(i, bad + 1)) < 0)
                ++bad;
            out += k_replacement;
            i += bad;
            continue;
        }
        out.append(m_pending, i, static_cast<size_t>(len));
        i += static_cast<size_t>(len);
    }
    m_pending.erase(0, i);
    return out;
}

std::string StreamDecoder::flush() {
    std::string out = m_pending.empty() ? std::string() : std::string(k_replacement);
    m_pending.clear();
    return out;
}

} // namespace quanta
