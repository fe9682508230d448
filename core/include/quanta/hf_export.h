// SPDX-License-Identifier: MIT
// GGUF -> Hugging Face export (issue 10): the inverse of the HF importer, so that round trips
// (HF -> GGUF -> HF -> GGUF) are testable and a GGUF can be loaded by transformers.
//
// export_hf_model() writes a folder holding
//   model.safetensors        every weight dequantized from its GGUF format (any format of
//                            formats.def, NF4 and INT8 included) to F16 or BF16 (F32 tensors,
//                            the norms and biases, stay F32 so the round trip is exact), under Hugging
//                            Face names (model.layers.N.self_attn.q_proj.weight, ...), shapes in
//                            PyTorch order [rows, cols]. llama Q/K rows are un-permuted (the
//                            inverse of FORMATS.md §5), so converting back reproduces the GGUF.
//                            rope_freqs.weight is not a weight in HF: it becomes rope_scaling.
//   config.json              LlamaForCausalLM / Qwen2ForCausalLM with the GGUF hyperparameters
//   generation_config.json   bos/eos ids
//   tokenizer.json           byte-level BPE (tokenizer.ggml.model "gpt2" only), pre-tokenizer and
//                            decoder as Hugging Face ships them for the GGUF's tokenizer.ggml.pre
//   tokenizer_config.json    chat_template, bos/eos tokens, add_bos_token, model_max_length
//
// The folder is written atomically: everything goes to a temporary folder next to out_dir that is
// renamed to out_dir at the end; on any error nothing is left behind. out_dir may not exist or be
// an empty folder; a non-empty one is refused unless `overwrite` is set (then it is replaced as a
// whole, only after the new folder is complete).
//
// Thread-safe: no shared state. Memory: one tensor's rows at a time (NF4/INT8: one whole tensor).
#pragma once

#include "quanta/result.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace quanta {

struct HfExportOptions {
    std::string dtype = "F16"; ///< "F16" or "BF16" (case-insensitive): safetensors dtype and torch_dtype
    bool overwrite = false;    ///< replace a non-empty out_dir (CLI: --force)
    /// Called after each tensor with (tensors done, tensors in total); return false to cancel
    /// (the export then fails with Cancelled and leaves nothing behind). May be empty.
    std::function<bool(size_t done, size_t total)> on_progress;
};

struct HfExportReport {
    std::filesystem::path out_dir;
    std::string architecture;       ///< "llama" or "qwen2"
    std::string hf_architecture;    ///< "LlamaForCausalLM" / "Qwen2ForCausalLM"
    std::string dtype;              ///< "F16" or "BF16"
    size_t tensor_count = 0;        ///< tensors in model.safetensors
    int64_t parameter_count = 0;    ///< elements in model.safetensors
    uint64_t safetensors_bytes = 0; ///< size of model.safetensors
    bool tied_embeddings = false;   ///< no output.weight in the GGUF: no lm_head.weight
    size_t vocab_size = 0;          ///< tokens in tokenizer.json
    size_t merges_count = 0;
    std::vector<std::string> warnings; ///< things HF cannot express exactly (one line each)
};

/// Export `gguf` to the folder `out_dir`. Errors:
///   NotFound, BadMagic, Truncated, Corrupt, ...  the GGUF cannot be opened (GgufFile::open)
///   InvalidArgument  bad dtype; out_dir exists and is a file, or is a non-empty folder without
///                    `overwrite`; out_dir holds the input file
///   Unsupported      an architecture other than llama/qwen2, a tensor with no HF name (MoE,
///                    fused qkv), a tensor type without a dequantizer, a SentencePiece tokenizer
///   Corrupt          hyperparameters missing or inconsistent with the tensor shapes
///   Io               the folder or a file cannot be written
///   Cancelled        on_progress returned false
Result<HfExportReport> export_hf_model(const std::filesystem::path& gguf, const std::filesystem::path& out_dir,
                                       const HfExportOptions& options = {});

} // namespace quanta
