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
/// Quantize one row: exactly the bytes of quantize_row_reference, with SIMD where this CPU has it
/// (AVX2: the k-quants and the 32-element block formats). For bulk work such as the quantizer.
void quantize_row(Format format, const float* x, void* dst, int64_t n);
/// Dequantize one row exactly as FORMATS.md specifies. src holds row_bytes(); y holds n floats.
void dequantize_row_reference(Format format, const void* src, float* y, int64_t n);
/// The same floats as dequantize_row_reference, with SIMD where this CPU has it (F16, Q4_1).
void dequantize_row(Format format, const void* src, float* y, int64_t n);

// --- every format, multi-part ones included: whole tensors --------------------------------------

/// One plainly typed GGUF tensor of a quantized weight. Single-part formats have one part with an
/// empty suffix. Multi-part formats (NF4, INT8) have several; docs/formats.md lists them.
struct QuantizedPart {
    std::string suffix;          ///< appended to the weight's name, e.g. ".nf4_absmax"
    uint32_t ggml_type = 0;      ///< GGUF type of this part (F32, I8, or the format's own)
    std::vector<int64_t> ne;     ///< GGUF shape of this part
    std::vector<uint8_t> bytes;  ///< the data, exactly as stored in the file
};

/// Part suffixes of the multi-part formats (docs/formats.md, "NF4 and INT8 inside GGUF").
inline constexpr std::string_view kNf4CodesSuffix = ".nf4_codes";                 ///< I8 [ne0/2, rows]
inline constexpr std::string_view kNf4AbsmaxSuffix = ".nf4_absmax";               ///< I8 [n_blocks]
inline constexpr std::string_view kNf4NestedAbsmaxSuffix = ".nf4_nested_absmax";  ///< F32 [ceil(n_blocks/256)]
inline constexpr std::string_view kNf4NestedOffsetSuffix = ".nf4_nested_offset";  ///< F32 [1]
inline constexpr std::string_view kNf4NestedMapSuffix = ".nf4_nested_map";        ///< F32 [256]
inline constexpr std::string_view kInt8CodesSuffix = ".int8";                     ///< I8 [ne0, rows]
inline constexpr std::string_view kInt8ScaleSuffix = ".int8_scb";                 ///< F32 [rows]
/// GGUF type ids of the plain part types.
inline constexpr uint32_t kGgmlTypeF32 = 0;
inline constexpr uint32_t kGgmlTypeI8 = 24;
/// File-level metadata of files holding NF4/INT8 weights (written by the quantizer).
inline constexpr std::string_view kQuantaFormatVersionKey = "quanta.format_version"; ///< UINT32, = 1
inline constexpr uint32_t kQuantaFormatVersion = 1;
inline constexpr std::string_view kQuantaInt8ThresholdKey = "quanta.int8.threshold"; ///< FLOAT32, default 6.0
/// STRING: the quantize TYPE ("NF4", "INT8") of a file quantize_model wrote in a Quanta format,
/// which has no general.file_type to say it.
inline constexpr std::string_view kQuantaQuantizeTypeKey = "quanta.quantize_type";

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

/// Reference dot product of one quantized row with f32 activations: dequantize_row_reference,
/// then sum y[i] * x[i] in f32, sequentially in index order, no fused multiply-add. The expected
/// value for the engine's fast dot kernels (which are held to a tolerance, not bit-exactness).
/// Preconditions as for dequantize_row_reference.
float dot_row_reference(Format format, const void* row, const float* x, int64_t n);

// --- NF4 (bitsandbytes 4-bit NormalFloat with double quantization, FORMATS.md §9) ---------------
// Blocks of 64 weights over the row-major flattened tensor; codes packed two per byte with the
// EVEN element in the HIGH nibble; per-block absmax quantized to 8 bits ("double quantization")
// in nested blocks of 256 with the signed dynamic map and an offset.

inline constexpr int64_t kNf4BlockSize = 64;        ///< weights per absmax
inline constexpr int64_t kNf4NestedBlockSize = 256; ///< absmax values per nested absmax

/// The 16 NF4 values (§9.2), exact f32; code 7 is 0.0.
std::span<const float, 16> nf4_values();
/// The 15 f32 midpoints T[k] between NF4[k] and NF4[k+1] (§9.5).
std::span<const float, 15> nf4_thresholds();
/// Code of a scaled value s = x * (1/absmax): the number of thresholds strictly below s, so a
/// tie goes to the lower code. NaN gives code 7 (callers only pass NaN for all-zero blocks).
uint8_t nf4_code(float s);
/// The signed 8-bit dynamic map of §9.7, built in f32 as described there (sorted, 256 values).
std::span<const float, 256> nf4_dynamic_map();
/// Index of the map entry nearest to t with the CUDA tie rule: on an exact f32 midpoint the even
/// index wins. map must be sorted ascending (256 values). Values outside the map's range clamp.
uint8_t dynamic_map_nearest(std::span<const float, 256> map, float t);

/// Single-level NF4 of n weights (n > 0; the last block may be short; an odd n pads the last low
/// nibble with code 7). packed: (n + 1) / 2 bytes; absmax: ceil(n / 64) floats. An all-zero
/// block gets absmax 0 and code 7 everywhere (the PyTorch/CPU choice, §9.5).
void nf4_quantize_reference(const float* x, int64_t n, uint8_t* packed, float* absmax);
/// w[i] = NF4[code(i)] * absmax[i / 64] (§9.4). Codes are always taken from the built-in table.
void nf4_dequantize_reference(const uint8_t* packed, const float* absmax, int64_t n, float* y);

/// The double-quantized form of an absmax vector (§9.6).
struct Nf4DoubleQuant {
    std::vector<uint8_t> qabsmax;     ///< one code per block, index into nested_map
    std::vector<float> nested_absmax; ///< one per 256 blocks: max |absmax - offset|
    float nested_offset = 0.0f;       ///< mean of absmax (double accumulation, rounded to f32)
    std::vector<float> nested_map;    ///< the 256-entry map used (nf4_dynamic_map())
};
/// Precondition: absmax is not empty. A nested block whose values all equal the offset has
/// nested_absmax 0; its codes are 127 (the map's 0.0), so it decodes to exactly the offset.
Nf4DoubleQuant nf4_double_quantize(std::span<const float> absmax);
/// scale[b] = f32(f32(map[qabsmax[b]] * nested_absmax[b / 256]) + nested_offset) for
/// b < qabsmax.size(). nested_absmax must hold ceil(size / 256) values, map 256.
void nf4_double_dequantize(std::span<const uint8_t> qabsmax, std::span<const float> nested_absmax,
                           float nested_offset, std::span<const float> map, float* absmax);

// --- INT8 (bitsandbytes LLM.int8() weights, FORMATS.md §10.1) -----------------------------------

/// 1/127 as bitsandbytes' f32 constant, used to dequantize: w = f32(CB * SCB) * kInt8InvScale.
inline constexpr float kInt8InvScale = 7.874015718698502e-3f;

/// Quantize one row of n weights: Wh = fp16(w) (as f32), SCB = max |Wh|,
/// CB = round_half_even(Wh * f32(127 / SCB)). An all-zero row gives SCB 0 and codes 0.
/// Inputs must be finite; values beyond the fp16 range become +-inf in Wh (as in bitsandbytes).
void int8_quantize_row_reference(const float* w, int64_t n, int8_t* cb, float* scb);
/// y[i] = f32(CB[i] * SCB) * kInt8InvScale.
void int8_dequantize_row_reference(const int8_t* cb, float scb, int64_t n, float* y);

// --- scalar conversions (FORMATS.md §1) ---------------------------------------------------------
float fp16_to_f32(uint16_t h);
uint16_t f32_to_fp16(float f);   ///< round to nearest even, overflow to inf, NaN stays NaN
float bf16_to_f32(uint16_t h);
uint16_t f32_to_bf16(float f);   ///< ggml's rounding (RNE, quiet NaN)

} // namespace quanta
