// SPDX-License-Identifier: MIT
// Byte-level BPE (FORMATS.md §6.2): repeatedly merge the adjacent pair with the lowest merge
// rank (ties: leftmost). A priority queue of candidate pairs over a linked list of symbols makes
// this O(n log n) per pre-token; stale queue entries are recognised by the symbol lengths they
// were made with (symbols only grow, so equal lengths mean an unchanged pair).
#include "tokenizer/tokenizer_impl.h"

#include "tokenizer/unicode.h"

#include <queue>

namespace quanta::tokenizer_detail {

namespace {

struct Symbol {
    int prev;
    int next;
    size_t start; ///< byte offset into the mapped word
    size_t n;     ///< byte length; 0 once merged into its left neighbour
};

struct Candidate {
    int32_t rank;
    int left;
    int right;
    size_t left_n;
    size_t right_n;
};

struct WorseCandidate {
    bool operator()(const Candidate& a, const Candidate& b) const {
        return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
    }
};

} // namespace

void bpe_encode_piece(const Tokenizer::Impl& impl, std::string_view piece, std::vector<int32_t>& out) {
    std::string word;
    word.reserve(piece.size() * 2);
    for (const char c : piece)
        unicode::append_utf8(word, unicode::byte_to_cpt(static_cast<uint8_t>(c)));

    if (impl.cfg.ignore_merges) {
        if (const int32_t id = impl.lookup(word); id >= 0) {
            out.push_back(id);
            return;
        }
    }

    // One symbol per mapped character (= per input byte); mapped code points are < 0x144, so each
    // is one or two UTF-8 bytes.
    std::vector<Symbol> symbols;
    symbols.reserve(piece.size());
    for (size_t off = 0; off < word.size();) {
        const size_t len = static_cast<uint8_t>(word[off]) < 0x80 ? 1 : 2;
        const int idx = static_cast<int>(symbols.size());
        symbols.push_back({idx - 1, idx + 1, off, len});
        off += len;
    }
    if (symbols.empty())
        return;
    symbols.back().next = -1;

    std::priority_queue<Candidate, std::vector<Candidate>, WorseCandidate> queue;
    std::string key;
    auto consider = [&](int left, int right) {
        if (left < 0 || right < 0)
            return;
        const Symbol& l = symbols[static_cast<size_t>(left)];
        const Symbol& r = symbols[static_cast<size_t>(right)];
        key.assign(word, l.start, l.n);
        key.push_back(k_merge_separator);
        key.append(word, r.start, r.n);
        const auto it = impl.merge_rank.find(key);
        if (it != impl.merge_rank.end())
            queue.push({it->second, left, right, l.n, r.n});
    };
    for (size_t i = 1; i < symbols.size(); ++i)
        consider(static_cast<int>(i) - 1, static_cast<int>(i));

    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        Symbol& l = symbols[static_cast<size_t>(c.left)];
        Symbol& r = symbols[static_cast<size_t>(c.right)];
        if (l.n != c.left_n || r.n != c.right_n || l.next != c.right)
            continue; // stale: one side has changed since this pair was queued
        l.n += r.n;
        r.n = 0;
        l.next = r.next;
        if (r.next >= 0)
            symbols[static_cast<size_t>(r.next)].prev = c.left;
        consider(l.prev, c.left);
        consider(c.left, l.next);
    }

    for (int i = 0; i >= 0; i = symbols[static_cast<size_t>(i)].next) {
        const Symbol& s = symbols[static_cast<size_t>(i)];
        const std::string_view text(word.data() + s.start, s.n);
        if (const int32_t id = impl.lookup(text); id >= 0) {
            out.push_back(id);
            continue;
        }
        // Not in the vocabulary (only in unusual vocabularies): llama.cpp looks up every byte of
        // the mapped text as a one-byte token and drops the ones that do not exist.
        for (const char b : text)
            if (const int32_t id = impl.lookup(std::string_view(&b, 1)); id >= 0)
                out.push_back(id);
    }
}

} // namespace quanta::tokenizer_detail
