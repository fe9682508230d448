// SPDX-License-Identifier: MIT
// SentencePiece-style BPE (FORMATS.md §6.4), as llama.cpp's "llama" vocabulary type: merge the
// adjacent pair whose concatenation is a vocabulary token with the highest score (ties: leftmost);
// characters that end up as no token are emitted as <0xXX> byte tokens.
#include "tokenizer/tokenizer_impl.h"

#include <algorithm>
#include <queue>

namespace quanta::tokenizer_detail {

namespace {

struct Symbol {
    int prev;
    int next;
    size_t start;
    size_t n;
};

struct Candidate {
    float score;
    int left;
    int right;
    size_t left_n;
    size_t right_n;
};

struct WorseCandidate {
    bool operator()(const Candidate& a, const Candidate& b) const {
        return a.score < b.score || (a.score == b.score && a.left > b.left);
    }
};

// Character length from the lead byte only, as llama.cpp splits SentencePiece input (a stray
// continuation byte counts as a character of its own).
size_t lead_length(uint8_t b) {
    static constexpr uint8_t k_len[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return k_len[b >> 4];
}

} // namespace

void spm_encode_fragment(const Tokenizer::Impl& impl, std::string_view text, std::vector<int32_t>& out) {
    std::vector<Symbol> symbols;
    for (size_t off = 0; off < text.size();) {
        const size_t len = std::min(lead_length(static_cast<uint8_t>(text[off])), text.size() - off);
        const int idx = static_cast<int>(symbols.size());
        symbols.push_back({idx - 1, idx + 1, off, len});
        off += len;
    }
    if (symbols.empty())
        return;
    symbols.back().next = -1;

    std::priority_queue<Candidate, std::vector<Candidate>, WorseCandidate> queue;
    auto consider = [&](int left, int right) {
        if (left < 0 || right < 0)
            return;
        const Symbol& l = symbols[static_cast<size_t>(left)];
        const Symbol& r = symbols[static_cast<size_t>(right)];
        const int32_t id = impl.lookup(text.substr(l.start, l.n + r.n));
        if (id < 0)
            return;
        queue.push({impl.cfg.scores[static_cast<size_t>(id)], left, right, l.n, r.n});
    };
    for (size_t i = 1; i < symbols.size(); ++i)
        consider(static_cast<int>(i) - 1, static_cast<int>(i));

    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        Symbol& l = symbols[static_cast<size_t>(c.left)];
        Symbol& r = symbols[static_cast<size_t>(c.right)];
        if (l.n != c.left_n || r.n != c.right_n || l.next != c.right)
            continue;
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
        const std::string_view piece = text.substr(s.start, s.n);
        if (const int32_t id = impl.lookup(piece); id >= 0) {
            out.push_back(id);
            continue;
        }
        // Every merged symbol is a vocabulary token, so only single characters get here.
        for (const char b : piece) {
            const int32_t id = impl.byte_token[static_cast<uint8_t>(b)];
            if (id >= 0)
                out.push_back(id);
            else if (impl.cfg.unk_id >= 0)
                out.push_back(impl.cfg.unk_id);
        }
    }
}

} // namespace quanta::tokenizer_detail
