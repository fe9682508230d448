// SPDX-License-Identifier: MIT
#include "eval/logprob_file.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <string>
#include <system_error>

namespace quanta::eval {

namespace {

constexpr char kMagic[8] = {'Q', 'P', 'P', 'L', 'L', 'P', '0', '1'};

template <typename T>
void append(std::vector<char>& out, const T& v) {
    const char* p = reinterpret_cast<const char*>(&v);
    out.insert(out.end(), p, p + sizeof(T));
}

template <typename T>
T load(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

} // namespace

void LogprobWriter::add_row(std::span<const float> logits, double lse, int32_t target) {
    const auto n_vocab = static_cast<int32_t>(logits.size());
    const auto k = static_cast<int32_t>(std::min<int64_t>(m_top_k, n_vocab));
    m_order.resize(static_cast<size_t>(n_vocab));
    std::iota(m_order.begin(), m_order.end(), 0);
    std::partial_sort(m_order.begin(), m_order.begin() + k, m_order.end(), [&](int32_t a, int32_t b) {
        const float la = logits[static_cast<size_t>(a)], lb = logits[static_cast<size_t>(b)];
        return la > lb || (la == lb && a < b);
    });
    append(m_data, static_cast<float>(static_cast<double>(logits[static_cast<size_t>(target)]) - lse));
    for (int32_t i = 0; i < k; ++i)
        append(m_data, m_order[static_cast<size_t>(i)]);
    for (int32_t i = 0; i < k; ++i)
        append(m_data, static_cast<float>(static_cast<double>(logits[static_cast<size_t>(m_order[static_cast<size_t>(i)])]) - lse));
    ++m_rows;
}

Result<void> LogprobWriter::write(const std::filesystem::path& path, LogprobHeader h,
                                  std::span<const int32_t> tokens) const {
    h.n_scored = m_rows;
    std::vector<char> head;
    head.insert(head.end(), kMagic, kMagic + 8);
    for (int64_t v : {h.n_ctx, h.stride, h.n_vocab, h.top_k, h.n_tokens, h.n_windows, h.n_scored})
        append(head, v);
    for (int32_t t : tokens)
        append(head, t);
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            return Error{ErrorCode::Io, "cannot create " + tmp.string()};
        out.write(head.data(), static_cast<std::streamsize>(head.size()));
        out.write(m_data.data(), static_cast<std::streamsize>(m_data.size()));
        out.flush();
        if (!out) {
            out.close();
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            return Error{ErrorCode::Io, "cannot write " + tmp.string() + " (disk full?)"};
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        return Error{ErrorCode::Io, "cannot rename " + tmp.string() + " to " + path.string()};
    }
    return {};
}

Result<LogprobReader> LogprobReader::open(const std::filesystem::path& path) {
    LogprobReader r;
    r.m_path = path;
    r.m_in.open(path, std::ios::binary);
    if (!r.m_in)
        return Error{ErrorCode::NotFound, "cannot open " + path.string()};
    char head[8 + 7 * 8];
    if (!r.m_in.read(head, sizeof head))
        return Error{ErrorCode::Truncated, path.string() + ": shorter than a log-probs header"};
    if (std::memcmp(head, kMagic, 8) != 0)
        return Error{ErrorCode::BadMagic, path.string() + ": not a Quanta log-probs file (QPPLLP01)"};
    LogprobHeader& h = r.m_header;
    int64_t* fields[] = {&h.n_ctx, &h.stride, &h.n_vocab, &h.top_k, &h.n_tokens, &h.n_windows, &h.n_scored};
    for (size_t i = 0; i < 7; ++i)
        *fields[i] = load<int64_t>(head + 8 + 8 * i);
    if (h.n_vocab < 1 || h.n_vocab > (int64_t{1} << 24) || h.top_k < 1 || h.top_k > h.n_vocab || h.n_tokens < 0 ||
        h.n_tokens > (int64_t{1} << 32) || h.n_scored < 0 || h.n_windows < 0 || h.n_ctx < 1)
        return Error{ErrorCode::Corrupt, path.string() + ": impossible header values"};
    r.m_tokens.resize(static_cast<size_t>(h.n_tokens));
    if (!r.m_in.read(reinterpret_cast<char*>(r.m_tokens.data()), static_cast<std::streamsize>(h.n_tokens * 4)))
        return Error{ErrorCode::Truncated, path.string() + ": ends inside the token list"};
    return r;
}

Result<void> LogprobReader::next(LogprobRow& row) {
    const auto k = static_cast<size_t>(m_header.top_k);
    m_buf.resize(4 + 8 * k);
    if (!m_in.read(m_buf.data(), static_cast<std::streamsize>(m_buf.size())))
        return Error{ErrorCode::Truncated, m_path.string() + ": ends before its last row"};
    row.logp_target = load<float>(m_buf.data());
    row.ids.resize(k);
    row.logp.resize(k);
    std::memcpy(row.ids.data(), m_buf.data() + 4, 4 * k);
    std::memcpy(row.logp.data(), m_buf.data() + 4 + 4 * k, 4 * k);
    return {};
}

} // namespace quanta::eval
