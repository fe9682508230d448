// SPDX-License-Identifier: MIT
// Internals shared by the engine's files: the loaded model's weights and hyperparameter reading.
#pragma once

#include "quanta/engine.h"
#include "quanta/gguf.h"

#include <memory>
#include <optional>
#include <vector>

namespace quanta {

using backend::DeviceWeight;

/// One transformer block. Shapes in GGUF order [k, n] (k = input width).
struct LayerWeights {
    const DeviceWeight* attn_norm = nullptr; ///< [n_embd]
    const DeviceWeight* wq = nullptr;        ///< [n_embd, n_head * head_dim]
    const DeviceWeight* wk = nullptr;        ///< [n_embd, n_head_kv * head_dim]
    const DeviceWeight* wv = nullptr;        ///< [n_embd, n_head_kv * head_dim]
    const DeviceWeight* bq = nullptr;        ///< [n_head * head_dim] (qwen2)
    const DeviceWeight* bk = nullptr;        ///< [n_head_kv * head_dim] (qwen2)
    const DeviceWeight* bv = nullptr;        ///< [n_head_kv * head_dim] (qwen2)
    const DeviceWeight* wo = nullptr;        ///< [n_head * head_dim, n_embd]
    const DeviceWeight* ffn_norm = nullptr;  ///< [n_embd]
    const DeviceWeight* w_gate = nullptr;    ///< [n_embd, n_ff]
    const DeviceWeight* w_up = nullptr;      ///< [n_embd, n_ff]
    const DeviceWeight* w_down = nullptr;    ///< [n_ff, n_embd]
};

struct Model::Impl {
    std::filesystem::path path;
    std::optional<GgufFile> file; // always set after load
    backend::Device* device = nullptr;
    ModelConfig config;
    std::optional<Tokenizer> tokenizer;
    std::vector<std::unique_ptr<DeviceWeight>> owned;
    const DeviceWeight* tok_embd = nullptr;    ///< [n_embd, n_vocab]
    const DeviceWeight* output_norm = nullptr; ///< [n_embd]
    const DeviceWeight* output = nullptr;      ///< [n_embd, n_vocab] (tok_embd when tied)
    const DeviceWeight* rope_freqs = nullptr;  ///< [n_rot / 2] (llama3 scaling) or null
    std::vector<LayerWeights> layers;
    uint64_t weight_bytes = 0;
};

/// Hyperparameters of a supported architecture. Errors: Unsupported (architecture), Corrupt
/// (a required key missing or inconsistent: the message names it).
Result<ModelConfig> read_model_config(const GgufFile& file);

} // namespace quanta
