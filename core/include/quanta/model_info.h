// SPDX-License-Identifier: MIT
// A model summary: the facts `quanta-cli inspect` prints and the desktop app shows, read from a
// GGUF file's metadata and tensor table (FORMATS.md §2-§4). Nothing here touches tensor data, so
// a summary of a 70 GB file costs as much as reading its header.
//
// Multi-part weights (NF4, INT8; docs/formats.md) are folded into ONE logical row per weight: the
// parts `W.nf4_codes`, `W.nf4_absmax`, ... become a row named `W` with format NF4, the logical
// shape of the weight and the sum of the parts' bytes. Every other tensor is one row whose format
// is its ggml type name ("Q4_1", "F32", "I8").
//
// Thread-safe: plain functions over const data.
#pragma once

#include "quanta/gguf.h"
#include "quanta/result.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace quanta {

/// `{arch}.*` hyperparameters as stored; nullopt when the key is absent. Integer keys accept any
/// integer width; float keys accept F32/F64 (and integers). A per-layer array (allowed for
/// feed_forward_length and the head counts) is reported as its largest element.
struct ModelHparams {
    std::optional<uint64_t> context_length;
    std::optional<uint64_t> embedding_length;
    std::optional<uint64_t> block_count;
    std::optional<uint64_t> feed_forward_length;
    std::optional<uint64_t> head_count;
    std::optional<uint64_t> head_count_kv; ///< absent means "= head_count" (no GQA)
    std::optional<double> rope_freq_base;
    std::optional<uint64_t> rope_dimension_count;
    std::optional<double> rms_epsilon;  ///< attention.layer_norm_rms_epsilon
    std::optional<uint64_t> vocab_size; ///< `{arch}.vocab_size`; else see TokenizerSummary
};

struct TokenizerSummary {
    std::string model;         ///< tokenizer.ggml.model as stored ("gpt2", "llama", ...), "" if absent
    std::string kind;          ///< human name: "byte-level BPE", "SentencePiece", or `model` itself
    std::string pre;           ///< tokenizer.ggml.pre, "" if absent
    uint64_t vocab_size = 0;   ///< length of tokenizer.ggml.tokens
    uint64_t merges_count = 0; ///< length of tokenizer.ggml.merges
    std::optional<uint64_t> bos_id;
    std::optional<uint64_t> eos_id;
    bool has_chat_template = false;
};

/// One logical tensor: a plain GGUF tensor, or a multi-part weight folded into one row.
struct TensorRow {
    std::string name;           ///< GGUF name, or the weight's name for a multi-part weight
    std::string format;         ///< ggml type name ("Q4_1", "F32") or "NF4" / "INT8"
    std::vector<int64_t> shape; ///< GGUF order (ne0 first), trailing 1s trimmed, at least one dim
    int64_t elements = 0;       ///< product of shape
    uint64_t bytes = 0;         ///< bytes in the file (all parts of a multi-part weight)
    uint32_t part_count = 1;    ///< GGUF tensors behind this row
};

/// Storage cost of all rows of one format.
struct FormatUsage {
    std::string format;
    uint64_t tensor_count = 0;
    int64_t elements = 0;
    uint64_t bytes = 0;
    double bits_per_weight = 0.0; ///< 8 * bytes / elements
};

struct ModelSummary {
    uint32_t gguf_version = 0;
    uint64_t file_size = 0;
    uint64_t metadata_count = 0;
    std::string architecture;          ///< general.architecture
    std::string name;                  ///< general.name, "" if absent
    std::optional<uint32_t> file_type; ///< general.file_type (llama_ftype, FORMATS.md §2.7)
    std::string file_type_name;        ///< e.g. "MOSTLY_Q4_1", "" when absent or unknown
    ModelHparams hparams;
    TokenizerSummary tokenizer;
    std::vector<TensorRow> tensors;   ///< file order (a multi-part weight at its first part)
    uint64_t gguf_tensor_count = 0;   ///< tensors as stored in the file (parts counted)
    int64_t total_parameters = 0;     ///< sum of TensorRow::elements
    uint64_t total_tensor_bytes = 0;  ///< sum of TensorRow::bytes
    std::vector<FormatUsage> formats; ///< by descending bytes, then name
    double bits_per_weight = 0.0;     ///< 8 * total_tensor_bytes / total_parameters
};

/// Summarize an opened file. Errors: NotFound when general.architecture is missing; Corrupt when a
/// key the summary reads has the wrong type (the message names the key).
Result<ModelSummary> summarize_model(const GgufFile& file);

/// The quantization level users know a file by ("Q4_K_M", "NF4", "F16"): quanta.quantize_type
/// when the quantizer wrote one (NF4/INT8), else general.file_type without "MOSTLY_", else the
/// format holding most weight bytes; "unknown" when none of these can be read.
std::string model_type_name(const GgufFile& file);

/// Name of a general.file_type value ("MOSTLY_Q4_K_M"), or nullptr if unknown.
const char* file_type_name(uint32_t file_type);

/// "576 x 49152" (GGUF order, ne0 first).
std::string format_shape(std::span<const int64_t> shape);
/// "1.23 MiB", "512 B": binary units, three significant digits.
std::string format_byte_size(uint64_t bytes);
/// "135 M", "1.24 B", "950": parameter counts in decimal units, three significant digits.
std::string format_count(int64_t count);

} // namespace quanta
