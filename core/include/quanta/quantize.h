// SPDX-License-Identifier: MIT
// The quantizer: GGUF in, GGUF out, one target TYPE (docs/formats.md, FORMATS.md §7-§10).
//
// TYPE is a file type, not always one tensor format: the mixtures Q4_K_M, Q4_K_S and Q5_K_M pick
// a format per tensor exactly as llama.cpp's llama-quantize does (FORMATS.md §8), including the
// shape fallbacks (a row width that is not a multiple of 256 turns Q4_K into Q5_0, Q5_K into
// Q5_1 and Q6_K into Q8_0). NF4 and INT8 apply to the linear-layer weights only; embeddings and
// the output matrix are written in F16 (docs/formats.md, "NF4 and INT8 in the quantizer").
//
// Pipeline: open and validate the input (memory-mapped), plan every tensor (plan_quantization),
// declare the output, then for each tensor in llama.cpp's order (non-layer tensors first, then by
// layer number, then by name) dequantize the source rows with the reference dequantizer and
// quantize them with the reference quantizer (bit-exact with ggml for the GGUF formats), on
// `threads` std::threads over row ranges, and stream the result to a temporary file that is
// renamed over the output only when everything succeeded. Memory stays about one output tensor
// (plus one f32 copy of a tensor when the source itself is NF4/INT8), never the model.
//
// Thread-safety: quantize_model may run concurrently on different files; on_progress is called
// on the calling thread.
#pragma once

#include "quanta/format.h"
#include "quanta/gguf.h"
#include "quanta/result.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace quanta {

/// The targets of `quanta-cli quantize`.
enum class QuantizeType { F32, F16, BF16, Q8_0, Q6_K, Q5_K_M, Q4_K_M, Q4_K_S, Q4_0, NF4, INT8 };

/// Canonical names, in the enum's order: "F32" ... "INT8".
std::span<const std::string_view> quantize_type_names();
std::string_view quantize_type_name(QuantizeType type);
/// Case-insensitive; nullopt for an unknown name.
std::optional<QuantizeType> quantize_type_from_name(std::string_view name);
/// llama_ftype written to general.file_type (F32 0, F16 1, Q4_0 2, Q8_0 7, Q4_K_S 14, Q4_K_M 15,
/// Q5_K_M 17, Q6_K 18, BF16 32); nullopt for NF4 and INT8, which have none.
std::optional<uint32_t> quantize_type_file_type(QuantizeType type);

/// What happens to one logical tensor (a multi-part NF4/INT8 source weight counts once).
struct TensorPlan {
    std::string name;                  ///< GGUF name (the weight's name for a multi-part weight)
    std::vector<int64_t> shape;        ///< logical shape, GGUF order, as many dims as stored
    std::string source_format;         ///< "F32", "Q4_1", "NF4", "I32", ...
    std::optional<Format> source;      ///< nullopt: a type Quanta cannot dequantize
    uint64_t source_bytes = 0;         ///< all parts
    bool quantize = false;             ///< false: copied byte for byte (kept type, or same type)
    std::optional<Format> target;      ///< the chosen format when quantize (else == source)
    std::string target_format;         ///< display name of what the output holds
    bool fallback = false;             ///< the recipe's choice did not fit the row width
    uint64_t target_bytes = 0;         ///< all parts in the output
};

/// The recipe applied to a file's tensor table, in output order. Reads only the header.
/// Errors: InvalidArgument (no tensors), Unsupported (a tensor that must be converted has a type
/// Quanta cannot dequantize, e.g. IQ2_XXS), Corrupt (a multi-part weight with missing parts).
Result<std::vector<TensorPlan>> plan_quantization(const GgufFile& input, QuantizeType type);

/// What quantize_model would write, known before it runs (the estimator's file size, a GUI's
/// preview): the plan of every tensor and the exact size of the output file.
struct QuantizedFilePlan {
    std::vector<TensorPlan> tensors;  ///< output order, as plan_quantization
    uint64_t tensor_bytes = 0;        ///< sum of target_bytes (all NF4/INT8 parts)
    uint64_t file_bytes = 0;          ///< size of the output file, header and alignment padding included
};

/// Plan `input` for `type` and measure the file quantize_model would write with the same
/// int8_threshold, byte for byte: both declare the output through one function, so the size is
/// exact by construction, not a model of it. Reads only the header. Errors: those of
/// plan_quantization; InvalidArgument when the output could not be declared (a tensor name that
/// grows over 63 bytes with an NF4/INT8 suffix).
Result<QuantizedFilePlan> plan_quantized_file(const GgufFile& input, QuantizeType type, float int8_threshold = 6.0f);

/// llama.cpp's use_more_bits(i, n): layers that get more bits in the _M mixtures.
bool quantize_use_more_bits(int64_t i, int64_t n);

struct QuantizeProgress {
    size_t tensor_index = 0;     ///< 0-based index of the tensor being processed (== tensor_count at the end)
    size_t tensor_count = 0;
    std::string_view name;       ///< the tensor being processed ("" at the end)
    uint64_t bytes_done = 0;     ///< source tensor bytes processed so far
    uint64_t bytes_total = 0;
    double elapsed_s = 0.0;
    double eta_s = 0.0;          ///< estimated seconds left (0 until something was measured)
};

struct QuantizeOptions {
    std::string type;            ///< a name from quantize_type_names(), case-insensitive
    int threads = 0;             ///< <= 0: std::thread::hardware_concurrency()
    /// Called on the calling thread at the start of each tensor, a few times a second inside a
    /// large one, and once at the end. Returning false cancels: quantize_model returns Cancelled
    /// and leaves neither the output nor a temporary file.
    std::function<bool(const QuantizeProgress&)> on_progress;
    float int8_threshold = 6.0f; ///< written as quanta.int8.threshold for INT8 outputs
};

struct QuantizedTensorReport {
    std::string name;
    std::vector<int64_t> shape;
    std::string source_format;
    std::string format;          ///< what the output holds ("Q5_0", "NF4", "F32")
    bool quantized = false;      ///< false: copied unchanged
    bool fallback = false;
    uint64_t source_bytes = 0;
    uint64_t bytes = 0;
};

struct QuantizeReport {
    std::string type;                     ///< canonical TYPE name
    std::optional<uint32_t> file_type;    ///< general.file_type written (none for NF4/INT8)
    int threads = 1;
    std::vector<QuantizedTensorReport> tensors; ///< output order
    size_t quantized_count = 0;
    size_t copied_count = 0;
    size_t fallback_count = 0;
    int64_t elements = 0;                 ///< weights in all tensors
    uint64_t source_tensor_bytes = 0;
    uint64_t tensor_bytes = 0;
    uint64_t input_file_bytes = 0;
    uint64_t output_file_bytes = 0;
    double seconds = 0.0;
    double bits_per_weight() const {
        return elements > 0 ? 8.0 * static_cast<double>(tensor_bytes) / static_cast<double>(elements) : 0.0;
    }
};

/// Quantize `in` into `out`. Errors: InvalidArgument (unknown type, `out` is `in`), those of
/// GgufFile::open for `in`, those of plan_quantization, Io (disk full, ...: no output is left),
/// Cancelled. On any error `out` is untouched (an existing file stays as it was).
Result<QuantizeReport> quantize_model(const std::filesystem::path& in, const std::filesystem::path& out,
                                      const QuantizeOptions& options);

} // namespace quanta
