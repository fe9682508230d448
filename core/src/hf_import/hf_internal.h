// SPDX-License-Identifier: MIT
// Internals of the Hugging Face importer, shared by its .cpp files and its tests.
#pragma once

#include "quanta/gguf.h"
#include "quanta/hf_import.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace quanta::hf {

/// Parse a JSON file (at most `max_bytes`). When `required` is false a missing file gives a null
/// json. Errors: NotFound (required and missing), Io, Corrupt (not JSON; the message names the file).
Result<nlohmann::json> read_json_file(const std::filesystem::path& path, bool required, uint64_t max_bytes = 1ull << 30);

/// All safetensors files of a folder with a name -> tensor index.
struct Checkpoint {
    std::vector<SafetensorsFile> shards;
    std::unordered_map<std::string, const SafetensorsTensor*> tensors;
    std::unordered_map<std::string, size_t> shard_of;
};
/// model.safetensors.index.json (weight_map) if present, else model.safetensors.
Result<Checkpoint> open_checkpoint(const std::filesystem::path& dir);

/// One output tensor.
struct PlannedTensor {
    std::string gguf_name;
    const SafetensorsTensor* source = nullptr; ///< null: `generated` holds F32 data
    std::vector<float> generated;
    std::vector<int64_t> ne;                   ///< GGUF order
    int64_t permute_heads = 0;                 ///< > 0: llama.cpp's Q/K row permutation with this many heads
    bool keep_f32 = false;                     ///< norms, biases, rope_freqs
};

/// Everything the converter needs, validated.
struct Model {
    HfModelInfo info;
    Checkpoint checkpoint;
    std::vector<PlannedTensor> plan;
    std::vector<GgufKeyValue> metadata;        ///< general.*, {arch}.*, tokenizer.* (no file_type)
};
Result<Model> load_model(const std::filesystem::path& dir);

/// tokenizer.json + tokenizer_config.json (+ config.json / generation_config.json ids, a
/// chat_template.jinja) -> tokenizer.* keys, padded to n_vocab tokens. Fills the tokenizer_* and
/// has_chat_template fields of `info`.
Result<std::vector<GgufKeyValue>> read_tokenizer(const std::filesystem::path& dir, const nlohmann::json& config,
                                                 int64_t n_vocab, HfModelInfo& info);

/// llama.cpp's Q/K permutation: source row of GGUF row `row` for `heads` heads of `rows / heads` rows.
inline int64_t permuted_source_row(int64_t row, int64_t rows, int64_t heads) {
    const int64_t d = rows / heads, half = d / 2;
    const int64_t h = row / d, r = row % d;
    return h * d + (r % 2) * half + r / 2;
}

/// rope_freqs.weight of the llama3 rope type (FORMATS.md §4).
std::vector<float> llama3_rope_factors(int64_t head_dim, double base, double factor, double low_freq_factor,
                                       double high_freq_factor, double original_context);

} // namespace quanta::hf
