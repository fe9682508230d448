// SPDX-License-Identifier: MIT
// A streaming safetensors writer (https://github.com/huggingface/safetensors, "Format").
//
// Layout written: an 8-byte little-endian header length N, N bytes of compact JSON
//   {"__metadata__":{...},"name":{"dtype":"F16","shape":[rows,cols],"data_offsets":[begin,end]},...}
// padded with spaces so that 8 + N is a multiple of 8 (as the Rust crate pads), then the tensors'
// data back to back in declaration order (offsets relative to the end of the header).
// Shapes are PyTorch order (outermost first). Names keep the declaration order in the header.
//
// Use: add() every tensor, then begin(path), write() each tensor's bytes in order (in any number
// of pieces), finish(). The writer never renames anything: atomicity is the caller's business.
#pragma once

#include "quanta/result.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace quanta {

/// Bytes per element of a safetensors dtype ("F16", "BF16", "F32", "I8", "U8", ...), 0 if unknown.
size_t safetensors_dtype_size(std::string_view dtype);

struct SafetensorsEntry {
    std::string name;
    std::string dtype;
    std::vector<int64_t> shape; ///< PyTorch order
    uint64_t begin = 0;         ///< data offsets relative to the start of the data section
    uint64_t end = 0;
};

class SafetensorsWriter {
public:
    /// Declare a tensor. Errors: InvalidArgument for an empty or duplicate name, "__metadata__",
    /// an unknown dtype, or a negative dimension.
    Result<void> add(std::string name, std::string dtype, std::vector<int64_t> shape);
    /// String metadata for "__metadata__" (default {"format": "pt"}).
    void set_metadata(std::string key, std::string value) { m_metadata[std::move(key)] = std::move(value); }

    const std::vector<SafetensorsEntry>& entries() const { return m_entries; }
    /// The header bytes (length prefix excluded, padding included).
    std::string header() const;
    /// Size of the whole file that will be written.
    uint64_t file_size() const;

    /// Create `path` and write the header. Errors: Io.
    Result<void> begin(const std::filesystem::path& path);
    /// Append data of the current tensor(s); may span tensors. Errors: InvalidArgument when more
    /// bytes arrive than were declared; Io.
    Result<void> write(std::span<const uint8_t> bytes);
    /// Check every declared byte arrived, flush and close. Errors: InvalidArgument, Io.
    Result<void> finish();

private:
    std::vector<SafetensorsEntry> m_entries;
    std::map<std::string, std::string> m_metadata{{"format", "pt"}};
    uint64_t m_data_size = 0;
    uint64_t m_written = 0;
    std::filesystem::path m_path;
    std::ofstream m_out;
};

} // namespace quanta
