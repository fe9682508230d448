// SPDX-License-Identifier: MIT
// Pieces of the GGUF -> Hugging Face export shared by its files (not a public API).
#pragma once

#include "quanta/gguf.h"
#include "quanta/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace quanta::hf_export {

/// The facts of the model that config.json and the tensor export need, read once from the GGUF.
struct ModelFacts {
    std::string arch; ///< "llama" or "qwen2"
    int64_t n_embd = 0;
    int64_t n_layer = 0;
    int64_t n_ff = 0;
    int64_t n_head = 0;
    int64_t n_head_kv = 0;
    int64_t head_dim = 0;
    int64_t n_ctx = 0; ///< context_length (max_position_embeddings)
    double rope_theta = 10000.0;
    double rms_eps = 1e-5;
    int64_t vocab_size = 0; ///< rows of token_embd.weight (HF vocab_size)
    bool tied = true;       ///< no output.weight
    std::optional<int64_t> bos_id;
    std::optional<int64_t> eos_id;
    std::optional<int64_t> pad_id;
};

/// Read and check the hyperparameters. Errors: Unsupported (architecture), Corrupt.
Result<ModelFacts> read_model_facts(const GgufFile& file);

/// The shortest decimal that reads back as the same float32 (1e-05f -> 1e-05, not 9.99999974e-06).
double float32_decimal(double v);

/// config.json and generation_config.json. `torch_dtype` is "float16" or "bfloat16".
Result<std::string> config_json(const GgufFile& file, const ModelFacts& facts, const std::string& torch_dtype,
                                std::vector<std::string>& warnings);
std::string generation_config_json(const ModelFacts& facts);

struct TokenizerFiles {
    std::string tokenizer_json;
    std::string tokenizer_config_json;
    size_t vocab_size = 0;
    size_t merges_count = 0;
};
/// tokenizer.json and tokenizer_config.json. Errors: Unsupported (not byte-level BPE, unknown
/// pre-tokenizer), Corrupt (missing or mistyped tokenizer.ggml.* keys).
Result<TokenizerFiles> tokenizer_files(const GgufFile& file, const ModelFacts& facts,
                                       std::vector<std::string>& warnings);

} // namespace quanta::hf_export
