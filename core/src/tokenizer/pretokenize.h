// SPDX-License-Identifier: MIT
// Pre-tokenizers: split text into pieces that BPE encodes independently (FORMATS.md §6.3).
// Each regex of a pre-tokenizer's list is a hand-written matcher that reproduces llama.cpp's
// behaviour (its own hand-written matchers for R_GPT2/R_LLAMA3, std::regex on "collapsed"
// category text for the others). Matches and the gaps between them are both kept, in order,
// so concatenating the pieces gives the input back (valid UTF-8 input: byte for byte).
#pragma once

#include "quanta/tokenizer.h"

#include <string>
#include <string_view>
#include <vector>

namespace quanta::tokenizer_detail {

/// Split `text` into pieces (UTF-8, decoded as unicode::decode_utf8 does: an undecodable byte
/// becomes U+FFFD, so the pieces are always valid UTF-8 and may differ from the input bytes).
/// Empty text gives no pieces.
std::vector<std::string> pre_tokenize(PreTokenizer pre, std::string_view text);

} // namespace quanta::tokenizer_detail
