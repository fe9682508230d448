// SPDX-License-Identifier: MIT
// Tensor formats: the traits of every format in formats.def and the scalar reference kernels that
// are the executable specification of each one (../docs/formats.md, FORMATS.md §7, §9, §10).
//
// Conventions used throughout:
//   - A "row" is ne[0] consecutive weights (GGUF order, FORMATS.md §2.4). Quantization blocks run
//     along a row and never span two rows, so ne[0] must be a multiple of block_elements.
//   - Reference kernels are plain scalar C++, evaluated in f32 in the order FORMATS.md gives; the
//     GGUF-native ones are bit-exact with ggml. Fast kernels elsewhere are tested against these.
//   - All functions here are thread-safe (no shared mutable state).
#pragma once

#include "quanta/result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace quanta {

enum class Format : uint8_t {
#define QUANTA_FORMAT(name, display, ggml_type, block_elements, block_bytes, max_nmse) name,
#include "quanta/formats.def"
#undef QUANTA_FORMAT
};

inline constexpr int kFormatCount = 0
#define QUANTA_FORMAT(name, display, ggml_type, block_elements, block_bytes, max_nmse) +1
#include "quanta/formats.def"
#undef QUANTA_FORMAT
    ;

struct FormatTraits {
    Format format;
    std::string_view name;     ///< canonical spelling, e.g. "Q4_K"
    int ggml_type;             ///< GGUF tensor type id, or -1 for multi-part formats (NF4, INT8)
    int64_t block_elements;    ///< weights per block
    int64_t block_bytes;       ///< bytes per block of the main part
    double max_nmse;           ///< round-trip error bound used by the tests
    bool quantized() const { return block_elements > 1 || ggml_type < 0; }
    bool multi_part() const { return ggml_type < 0; }
};

const FormatTraits& format_traits(Format format);
inline std::string_view format_name(Format format) { return format_traits(format).name; }
std::span<const FormatTraits> all_formats();
std::optional<Format> format_from_name(std::string_view name);   ///< case-insensitive
std::optional<Format> format_from_ggml_type(uint32_t ggml_type); ///< nullopt: not in formats.def

/// Exact storage cost of one tensor of `ne0 x n_rows` weights, every part included, in bytes.
/// Precondition: ne0 % block_elements == 0.
uint64_t tensor_storage_bytes(Format format, int64_t ne0, int64_t n_rows);
/// Bits per weight of such a tensor: 8 * tensor_storage_bytes / (ne0 * n_rows).
double bits_per_weight(Format format, int64_t ne0, int64_t n_rows);

// --- single-part (GGUF-native) formats: row kernels -------------------------------------------

/// Bytes of one row of n weights. Precondition: n % block_elements == 0, format not multi_part.
size_t row_bytes(Format format, int64_t n);
/// Quantize one row with the reference quantizer (no importance matrix). dst holds row_bytes().
void quantize_row_reference(Format format, const float* x, void* dst, int64_t n);
/// Dequantize one row exactly as FORMATS.md specifies. src holds row_bytes(); y holds n floats.
void dequantize_row_reference(Format format, const void* src, float* y, int64_t n);

// --- every format, multi-part ones included: whole tensors --------------------------------------

/// One plainly typed GGUF tensor of a quantized weight. Single-part formats have one part with an
/// empty suffix. Multi-part formats (NF4, INT8) have several; docs/formats.md lists them.
struct QuantizedPart {
    std::string suffix;          ///< appended to the weight's name, e.g. ".nf4_absmax"
    uint32_t ggml_type = 0;      ///< GGUF type of this part (F32, I8, or the format's own)
    std::vector<int64_t> ne;     ///< GGUF shape of this part
    std::vector<uint8_t> bytes;  ///< the data, exactly as stored in the file
};

/// A read-only view of a part (e.g. memory-mapped from a GGUF file).
struct PartView {
    std::string_view suffix;
    uint32_t ggml_type = 0;
    std::span<const int64_t> ne;
    std::span<const uint8_t> bytes;
};

/// Quantize an `ne0 x n_rows` f32 tensor (row-major, rows of ne0) with the reference quantizer.
/// Errors: InvalidArgument when ne0 is not a multiple of the block size or a size is not positive.
Result<std::vector<QuantizedPart>> quantize_tensor_reference(Format format, const float* x, int64_t ne0,
                                                            int64_t n_rows);

/// Dequantize a tensor from its parts (any order; matched by suffix). y holds ne0 * n_rows floats.
/// Errors: Corrupt when a part is missing or its size disagrees with ne0 x n_rows.
Result<void> dequantize_tensor_reference(Format format, std::span<const PartView> parts, int64_t ne0,
                                         int64_t n_rows, float* y);

// --- scalar conversions (FORMATS.md §1) ---------------------------------------------------------
float fp16_to_f32(uint16_t h);
uint16_t f32_to_fp16(float f);   ///< round to nearest even, overflow to inf, NaN stays NaN
float bf16_to_f32(uint16_t h);
uint16_t f32_to_bf16(float f);   ///< ggml's rounding (RNE, quiet NaN)

} // namespace quanta
