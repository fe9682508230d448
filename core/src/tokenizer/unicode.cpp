// SPDX-License-Identifier: MIT
#include "tokenizer/unicode.h"

#include <algorithm>
#include <array>

namespace quanta::unicode {

uint8_t cpt_flags(uint32_t cpt) {
    if (cpt >= 0x110000)
        return k_undefined;
    // Last range whose first code point is <= cpt. Entries are (first << 8) | flags, so comparing
    // against (cpt << 8) | 0xFF finds it with one upper_bound.
    const uint32_t key = (cpt << 8) | 0xFF;
    const uint32_t* end = k_cpt_ranges + k_cpt_range_count;
    const uint32_t* it = std::upper_bound(k_cpt_ranges, end, key);
    return it == k_cpt_ranges ? static_cast<uint8_t>(k_undefined) : static_cast<uint8_t>(*(it - 1) & 0xFF);
}

int utf8_sequence_length(std::string_view bytes) {
    if (bytes.empty())
        return -1;
    const auto b0 = static_cast<uint8_t>(bytes[0]);
    if (b0 < 0x80)
        return 1;
    int len = 0;
    uint8_t lo = 0x80, hi = 0xBF; // allowed range of the second byte (Unicode Table 3-7)
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        if (b0 == 0xE0)
            lo = 0xA0; // no overlongs
        if (b0 == 0xED)
            hi = 0x9F; // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        if (b0 == 0xF0)
            lo = 0x90;
        if (b0 == 0xF4)
            hi = 0x8F; // <= U+10FFFF
    } else {
        return 0;
    }
    for (int i = 1; i < len; ++i) {
        if (static_cast<size_t>(i) >= bytes.size())
            return -1;
        const auto b = static_cast<uint8_t>(bytes[static_cast<size_t>(i)]);
        const uint8_t min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xBF;
        if (b < min || b > max)
            return 0;
    }
    return len;
}

std::vector<uint32_t> decode_utf8(std::string_view text) {
    std::vector<uint32_t> out;
    out.reserve(text.size());
    const size_t n = text.size();
    auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
    auto cont = [&](size_t k) { return k < n && (byte(k) & 0xC0) == 0x80; };
    size_t i = 0;
    while (i < n) {
        const uint8_t b0 = byte(i);
        uint32_t cpt = k_replacement_cpt;
        size_t len = 1;
        if (b0 < 0x80) {
            cpt = b0;
        } else if ((b0 & 0xE0) == 0xC0) {
            if (cont(i + 1)) {
                cpt = (static_cast<uint32_t>(b0 & 0x1F) << 6) | (byte(i + 1) & 0x3Fu);
                len = 2;
            }
        } else if ((b0 & 0xF0) == 0xE0) {
            if (cont(i + 1) && cont(i + 2)) {
                cpt = (static_cast<uint32_t>(b0 & 0x0F) << 12) | ((byte(i + 1) & 0x3Fu) << 6) | (byte(i + 2) & 0x3Fu);
                len = 3;
            }
        } else if ((b0 & 0xF8) == 0xF0) {
            if (cont(i + 1) && cont(i + 2) && cont(i + 3)) {
                const uint32_t c = (static_cast<uint32_t>(b0 & 0x07) << 18) | ((byte(i + 1) & 0x3Fu) << 12) |
                                   ((byte(i + 2) & 0x3Fu) << 6) | (byte(i + 3) & 0x3Fu);
                if (c <= 0x10FFFF) {
                    cpt = c;
                    len = 4;
                }
            }
        }
        out.push_back(cpt);
        i += len;
    }
    return out;
}

void append_utf8(std::string& out, uint32_t cpt) {
    if (cpt < 0x80) {
        out.push_back(static_cast<char>(cpt));
    } else if (cpt < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cpt >> 6)));
        out.push_back(static_cast<char>(0x80 | (cpt & 0x3F)));
    } else if (cpt < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cpt >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cpt >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cpt & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cpt >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cpt >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cpt >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cpt & 0x3F)));
    }
}

namespace {

struct ByteTables {
    std::array<uint32_t, 256> to_cpt{};
    std::array<int16_t, 324> to_byte{}; // code points 0..323 cover the whole table
};

ByteTables make_byte_tables() {
    ByteTables t;
    t.to_byte.fill(-1);
    uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        const uint32_t cpt = printable ? static_cast<uint32_t>(b) : next++;
        t.to_cpt[static_cast<size_t>(b)] = cpt;
        t.to_byte[cpt] = static_cast<int16_t>(b);
    }
    return t;
}

const ByteTables& byte_tables() {
    static const ByteTables tables = make_byte_tables();
    return tables;
}

} // namespace

uint32_t byte_to_cpt(uint8_t byte) { return byte_tables().to_cpt[byte]; }

int cpt_to_byte(uint32_t cpt) { return cpt < 324 ? byte_tables().to_byte[cpt] : -1; }

} // namespace quanta::unicode
