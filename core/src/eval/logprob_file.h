// SPDX-License-Identifier: MIT
// The log-probs file of quanta/perplexity.h ("QPPLLP01"): a writer that collects rows in memory
// and writes the file atomically, and a reader that streams rows in order.
#pragma once

#include "quanta/result.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <vector>

namespace quanta::eval {

struct LogprobHeader {
    int64_t n_ctx = 0, stride = 0, n_vocab = 0, top_k = 0, n_tokens = 0, n_windows = 0, n_scored = 0;
};

/// One scored position of the base model.
struct LogprobRow {
    float logp_target = 0.0f;
    std::vector<int32_t> ids;  ///< top_k, most likely first
    std::vector<float> logp;
};

class LogprobWriter {
public:
    explicit LogprobWriter(int64_t top_k) : m_top_k(top_k) {}
    int64_t top_k() const { return m_top_k; }
    /// `logits` of one row, its log-sum-exp and the target: keeps the top_k log-probs.
    void add_row(std::span<const float> logits, double lse, int32_t target);
    /// Write header + tokens + rows to a temporary file next to `path`, then rename.
    Result<void> write(const std::filesystem::path& path, LogprobHeader header, std::span<const int32_t> tokens) const;

private:
    int64_t m_top_k;
    int64_t m_rows = 0;
    std::vector<char> m_data;
    std::vector<int32_t> m_order; // scratch
};

class LogprobReader {
public:
    /// Opens the file and reads its header and tokens. Errors: NotFound, BadMagic, Corrupt, Truncated.
    static Result<LogprobReader> open(const std::filesystem::path& path);
    const LogprobHeader& header() const { return m_header; }
    const std::vector<int32_t>& tokens() const { return m_tokens; }
    /// The next row. Errors: Truncated.
    Result<void> next(LogprobRow& row);

private:
    std::filesystem::path m_path;
    std::ifstream m_in;
    LogprobHeader m_header;
    std::vector<int32_t> m_tokens;
    std::vector<char> m_buf;
};

} // namespace quanta::eval
