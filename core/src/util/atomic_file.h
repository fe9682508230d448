// SPDX-License-Identifier: MIT
// A file that appears at its final path only when complete. Bytes go to `<path>.tmp-<random>` in
// the same folder (so the final rename cannot cross file systems); commit() flushes, fsyncs and
// renames it over the target. Destroying an uncommitted AtomicFile removes the temporary file, so
// a failed or cancelled write never leaves a partial file behind and never touches the target.
#pragma once

#include "quanta/result.h"
#include "util/mapped_file.h"

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace quanta {

class AtomicFile {
public:
    /// Create the temporary file for `target`. `inputs` are files the caller is reading from
    /// (e.g. a quantizer's source model): if `target` is one of them, nothing is created and the
    /// result is InvalidArgument. Errors: Io (folder missing or not writable; message names the path).
    static Result<AtomicFile> create(const std::filesystem::path& target, std::span<const FileId> inputs = {});

    AtomicFile(AtomicFile&& other) noexcept;
    AtomicFile& operator=(AtomicFile&& other) noexcept;
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile();   ///< unlinks the temporary file unless commit() succeeded

    /// Append bytes (buffered). Errors: Io with the path (disk full, write error). After an error
    /// every later call fails too and commit() is refused.
    Result<void> write(std::span<const uint8_t> bytes);
    Result<void> write_zeros(uint64_t count);
    /// Flush, fsync, close and rename over the target, then fsync the folder. Errors: Io.
    Result<void> commit();
    /// Remove the temporary file now (what the destructor does).
    void discard();

    uint64_t bytes_written() const { return written; }
    const std::filesystem::path& target_path() const { return target; }
    const std::filesystem::path& temp_path() const { return temp; }

private:
    AtomicFile() = default;
    Result<void> flush();
    Result<void> write_through(const uint8_t* data, size_t size);
    Error io_error(const char* what, int err);

    std::filesystem::path target;
    std::filesystem::path temp;
    int fd = -1;
    bool failed = false;
    uint64_t written = 0;
    uint64_t handed = 0;           // bytes handed to the OS (the file offset)
    uint64_t writeback_from = 0;   // start of the bytes whose writeback has not been started
    std::vector<uint8_t> buffer;   // pending bytes not yet handed to the OS
};

} // namespace quanta
