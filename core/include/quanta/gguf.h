// SPDX-License-Identifier: MIT
// GGUF v2/v3 reader and writer (FORMATS.md §2).
//
// GgufFile never trusts its input: every count, length, offset, shape product and alignment is
// checked against the file size (with 64-bit overflow checks) before it is used. A bad file gives
// an Error whose message names the field and its byte offset, e.g.
//   "tensor info 3 ('blk.0.attn_q.weight'): data offset 1234 is not a multiple of alignment 32 (at byte 812)".
// The tensor data stays memory-mapped; GgufTensorInfo::data points into the mapping and lives as
// long as the GgufFile.
//
// GgufWriter streams: the caller declares all tensors, then writes their data in order; the file
// is written under a temporary name and renamed into place only by finish(). Dropping a writer
// before finish() removes the temporary file. Files it writes have the tight layout llama.cpp
// requires (FORMATS.md §2.5, §2.8).
#pragma once

#include "quanta/result.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace quanta {

/// Metadata value types, with their GGUF ids.
enum class GgufType : uint32_t {
    Uint8 = 0, Int8 = 1, Uint16 = 2, Int16 = 3, Uint32 = 4, Int32 = 5, Float32 = 6, Bool = 7,
    String = 8, Array = 9, Uint64 = 10, Int64 = 11, Float64 = 12,
};
const char* gguf_type_name(GgufType type);

/// One metadata value. Scalars and arrays keep their exact GGUF type so that a file read and
/// written again is byte-identical (one exception: a float32 signalling NaN comes back quiet,
/// since values are held as double). Accessors convert between widths with range checks and
/// return nullopt when the value is of another kind or does not fit.
class GgufValue {
public:
    using Scalar = std::variant<uint64_t, int64_t, double, bool, std::string>;
    using Array = std::variant<std::vector<uint64_t>, std::vector<int64_t>, std::vector<double>,
                               std::vector<bool>, std::vector<std::string>>;

    GgufValue() = default;
    static GgufValue u8(uint8_t v);
    static GgufValue i8(int8_t v);
    static GgufValue u16(uint16_t v);
    static GgufValue i16(int16_t v);
    static GgufValue u32(uint32_t v);
    static GgufValue i32(int32_t v);
    static GgufValue u64(uint64_t v);
    static GgufValue i64(int64_t v);
    static GgufValue f32(float v);
    static GgufValue f64(double v);
    static GgufValue boolean(bool v);
    static GgufValue string(std::string v);
    static GgufValue string_array(std::vector<std::string> v);
    static GgufValue f32_array(std::vector<float> v);
    static GgufValue i32_array(std::vector<int32_t> v);
    static GgufValue u32_array(std::vector<uint32_t> v);
    static GgufValue u64_array(std::vector<uint64_t> v);
    static GgufValue f64_array(std::vector<double> v);
    static GgufValue bool_array(std::vector<bool> v);
    /// A numeric array of any element type (not String/Array/Bool); values must fit the type.
    static GgufValue int_array(GgufType elem_type, std::vector<int64_t> v);

    GgufType type() const { return m_type; }
    GgufType array_type() const { return m_array_type; } ///< meaningful when type() == Array
    size_t array_size() const;                            ///< 0 for scalars

    std::optional<uint64_t> as_uint() const;    ///< any integer type, value >= 0
    std::optional<int64_t> as_int() const;      ///< any integer type, value <= INT64_MAX
    std::optional<double> as_float() const;     ///< Float32/Float64 (integers are not floats)
    std::optional<bool> as_bool() const;
    std::optional<std::string_view> as_string() const;

    const std::vector<std::string>* as_string_array() const;
    std::optional<std::vector<int64_t>> as_int_array() const;  ///< any integer element type
    std::optional<std::vector<float>> as_float_array() const;  ///< Float32/Float64 elements

    /// Short human rendering for `inspect`: scalars in full, arrays as "[49152 × string]".
    std::string summary(size_t max_chars = 80) const;

    const Scalar& scalar() const { return m_scalar; }
    const Array& array() const { return m_array; }

    bool operator==(const GgufValue&) const = default;

private:
    GgufType m_type = GgufType::Uint32;
    GgufType m_array_type = GgufType::Uint8;
    Scalar m_scalar{uint64_t{0}};
    Array m_array{};
};

struct GgufKeyValue {
    std::string key;
    GgufValue value;
};

/// Byte size of a tensor of ggml type `ggml_type` and shape ne (FORMATS.md §2.6), or nullopt when
/// the type id is unknown/removed, ne[0] is not a multiple of its block size, or it overflows.
std::optional<uint64_t> ggml_tensor_bytes(uint32_t ggml_type, std::span<const int64_t> ne);
/// Name of any ggml type id ("Q4_K", "IQ2_XXS", ...) or nullptr if unknown.
const char* ggml_type_name(uint32_t ggml_type);

struct GgufTensorInfo {
    std::string name;
    uint32_t n_dims = 0;                ///< 1..4 as stored
    std::array<int64_t, 4> ne{1, 1, 1, 1};
    uint32_t ggml_type = 0;
    uint64_t offset = 0;                ///< relative to the data section
    uint64_t n_bytes = 0;
    const uint8_t* data = nullptr;      ///< into the mapping; valid while the GgufFile lives

    int64_t n_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
    int64_t n_rows() const { return ne[1] * ne[2] * ne[3]; }
    std::span<const uint8_t> bytes() const { return {data, static_cast<size_t>(n_bytes)}; }
};

class GgufFile {
public:
    /// Memory-map and validate a file. Errors: NotFound, Io, and those of parse(), with the path
    /// prefixed to the message.
    static Result<GgufFile> open(const std::filesystem::path& path);
    /// Validate a buffer in memory without copying it; the caller keeps `bytes` alive.
    /// Errors (the message names the field and its byte offset):
    ///   BadMagic            the first bytes are not "GGUF"
    ///   UnsupportedVersion  version other than 2 or 3 (1 is obsolete; 0x03000000 = big-endian)
    ///   Truncated           a field, string, the data padding or a tensor's data ends past EOF
    ///   Corrupt             a count larger than the remaining bytes could hold, an empty or
    ///                       duplicate key or tensor name, a tensor name over 63 bytes, n_dims
    ///                       not in 1..4, a negative dim, an element count over INT64_MAX,
    ///                       ne[0] not a multiple of the block size, a misaligned or out-of-file
    ///                       data offset, a bool byte other than 0/1, general.alignment that is
    ///                       not a uint32 power of two
    ///   UnknownType         metadata value type >= 13, an unknown or removed ggml type id
    ///   Unsupported         nested arrays (allowed by the spec, rejected like llama.cpp does)
    /// Tensor data may overlap or leave gaps (only writers must use the tight layout), and bytes
    /// after the last tensor are ignored. Memory use is bounded by a small multiple of the input.
    static Result<GgufFile> parse(std::span<const uint8_t> bytes);

    GgufFile(GgufFile&&) noexcept;
    GgufFile& operator=(GgufFile&&) noexcept;
    ~GgufFile();

    uint32_t version() const { return m_version; }
    uint32_t alignment() const { return m_alignment; }
    /// Absolute byte offset of the data section (a multiple of alignment(); for a file without
    /// tensors that stops before its padding, the file size).
    uint64_t data_offset() const { return m_data_offset; }
    uint64_t file_size() const { return m_bytes.size(); }
    std::span<const uint8_t> bytes() const { return m_bytes; }

    const std::vector<GgufKeyValue>& metadata() const { return m_metadata; }   ///< file order
    const GgufValue* find(std::string_view key) const;
    const std::vector<GgufTensorInfo>& tensors() const { return m_tensors; }  ///< file order
    const GgufTensorInfo* find_tensor(std::string_view name) const;

private:
    GgufFile() = default;
    struct Mapping;
    std::unique_ptr<Mapping> m_mapping;    ///< null for parse()
    std::span<const uint8_t> m_bytes;
    uint32_t m_version = 0;
    uint32_t m_alignment = 32;
    uint64_t m_data_offset = 0;
    std::vector<GgufKeyValue> m_metadata;
    std::vector<GgufTensorInfo> m_tensors;
    friend class GgufParser;
    friend class GgufWriter;   // reads the identity of the mapped file (see GgufWriter::begin)
};

class GgufWriter {
public:
    GgufWriter();
    GgufWriter(GgufWriter&&) noexcept;
    GgufWriter& operator=(GgufWriter&&) noexcept;
    ~GgufWriter();   ///< removes the temporary file if finish() was not reached

    /// Set a key (kept in first-insertion order; setting an existing key replaces its value).
    void set(std::string key, GgufValue value);
    void remove(std::string_view key);
    /// Copy all metadata of a file (e.g. a quantizer's input).
    void copy_metadata(const GgufFile& file);

    /// Declare a tensor; data is written later in declaration order. Errors: InvalidArgument for a
    /// duplicate or over-long name (>= 64 bytes), a bad shape, or an unknown type.
    Result<void> add_tensor(std::string name, uint32_t ggml_type, std::span<const int64_t> ne);

    /// Open `path.tmp-XXXX` next to `path` and write the header. No tensor may be added afterwards.
    /// Errors: InvalidArgument when `path` is a file whose metadata was copied with
    /// copy_metadata() (the input of a quantizer), an empty key, or a bad general.alignment
    /// (not a uint32 power of two; it sets the alignment of the file written, default 32); Io.
    Result<void> begin(const std::filesystem::path& path);
    /// Write (part of) the data of the next declared tensor. A tensor may arrive in several
    /// pieces, but one call never spans two tensors: InvalidArgument if `bytes` is longer than
    /// what the current tensor still lacks. Padding is written automatically.
    Result<void> write_data(std::span<const uint8_t> bytes);
    /// Pad, flush, fsync, and rename the temporary file over `path`. Errors: InvalidArgument when
    /// a tensor's data is incomplete or the metadata was changed after begin(); Io (disk full...).
    Result<void> finish();

    /// Convenience: begin + write every tensor's data from `data` (in order) + finish.
    Result<void> write_file(const std::filesystem::path& path, std::span<const std::span<const uint8_t>> data);

    /// The whole file in memory instead of on disk (small files: tests, fuzzing, tools): the same
    /// bytes write_file would write. Changes no state; callable before, during or after a file
    /// write. Errors as for begin/write_file, except Io.
    Result<std::vector<uint8_t>> serialize(std::span<const std::span<const uint8_t>> data);

    /// The exact size in bytes of the file that begin() ... finish() would write for what is
    /// declared now (header, tensor infos, padding and every tensor's aligned data), computed
    /// from the same encoder, so that a size predicted before a long write (the quantizer's
    /// estimate) cannot drift from the real file. Changes no state. Errors as for begin, except Io.
    Result<uint64_t> file_size();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace quanta
