// SPDX-License-Identifier: MIT
// Unicode helpers for the tokenizer: code point classes (from the generated unicode_data.cpp),
// lenient UTF-8 decoding, and the GPT-2 byte <-> code point table (FORMATS.md §6.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace quanta::unicode {

/// Class of a code point, from its Unicode general category.
enum CptClass : uint8_t {
    k_undefined = 0,   ///< Cn (unassigned)
    k_letter = 1,      ///< L*
    k_number = 2,      ///< N*
    k_punctuation = 3, ///< P*
    k_mark = 4,        ///< M*
    k_symbol = 5,      ///< S*
    k_separator = 6,   ///< Z*
    k_control = 7,     ///< Cc Cf Co Cs
};
inline constexpr uint8_t k_class_mask = 0x07;
inline constexpr uint8_t k_whitespace_bit = 0x08; ///< the \s set of FORMATS.md §6.3

/// What an undecodable input byte becomes (U+FFFD), as in llama.cpp.
inline constexpr uint32_t k_replacement_cpt = 0xFFFD;

extern const char* const k_unicode_version;
extern const uint32_t k_cpt_ranges[];
extern const size_t k_cpt_range_count;

/// Class and whitespace bit of a code point (k_undefined above U+10FFFF).
uint8_t cpt_flags(uint32_t cpt);
inline bool is_letter(uint32_t cpt) { return (cpt_flags(cpt) & k_class_mask) == k_letter; }
inline bool is_number(uint32_t cpt) { return (cpt_flags(cpt) & k_class_mask) == k_number; }
inline bool is_punctuation(uint32_t cpt) { return (cpt_flags(cpt) & k_class_mask) == k_punctuation; }
inline bool is_whitespace(uint32_t cpt) { return (cpt_flags(cpt) & k_whitespace_bit) != 0; }

/// Decode UTF-8 exactly as llama.cpp's unicode_cpts_from_utf8 does before pre-tokenizing: a lead
/// byte followed by the right number of continuation bytes (10xxxxxx) is decoded without further
/// checks, so overlong forms and surrogates decode to their (odd) code point; a byte that starts
/// no such sequence becomes U+FFFD and decoding resumes at the next byte. (Sequences that would
/// decode above U+10FFFF, where llama.cpp throws, also become one U+FFFD per lead byte.)
std::vector<uint32_t> decode_utf8(std::string_view text);

/// Append the UTF-8 encoding of cpt (<= U+10FFFF; surrogates are encoded like any other).
void append_utf8(std::string& out, uint32_t cpt);

/// Length of the well-formed UTF-8 sequence at the start of `bytes`: 1..4, 0 when the first byte
/// cannot start one (or a continuation byte is wrong), -1 when `bytes` is a valid but incomplete
/// prefix of a sequence (more bytes may complete it).
int utf8_sequence_length(std::string_view bytes);

/// GPT-2 byte-level mapping (FORMATS.md §6.1).
uint32_t byte_to_cpt(uint8_t byte);
/// Inverse of byte_to_cpt; -1 for a code point that is not in the table.
int cpt_to_byte(uint32_t cpt);

} // namespace quanta::unicode
