// SPDX-License-Identifier: MIT
// Read-only memory mapping of a whole file (RAII). The bytes stay valid and unchanged in address
// while the MappedFile lives, including across moves.
#pragma once

#include "quanta/result.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>

namespace quanta {

/// Identity of a file on disk (device + inode), to tell whether two paths are the same file.
struct FileId {
    uint64_t device = 0;
    uint64_t inode = 0;
    bool operator==(const FileId&) const = default;
};

/// The identity of the file at `path`, or nullopt when it does not exist or cannot be stat'ed.
std::optional<FileId> file_id(const std::filesystem::path& path);

class MappedFile {
public:
    /// Map `path` read-only. Errors: NotFound (no such file), Io (not a regular file, open/mmap
    /// failure; the message names the path). An empty file maps to an empty span.
    static Result<MappedFile> open(const std::filesystem::path& path);

    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    std::span<const uint8_t> bytes() const { return {data, size}; }
    FileId id() const { return identity; }

private:
    MappedFile() = default;
    void release();

    const uint8_t* data = nullptr;
    size_t size = 0;
    FileId identity;
};

} // namespace quanta
