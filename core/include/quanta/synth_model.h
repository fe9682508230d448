// SPDX-License-Identifier: MIT
// Synthetic models: valid llama/qwen2 GGUF files with random weights and a small real byte-level
// BPE vocabulary, in any weight format. They have the shapes of real models (for benchmarks and
// for Q4_K, whose rows must be multiples of 256) and the size of toys (for unit tests), and are
// written with the project's own GGUF writer, so tests need no download.
#pragma once

#include "quanta/format.h"
#include "quanta/result.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace quanta {

struct SynthModelSpec {
    std::string architecture = "llama"; ///< "llama" or "qwen2" (q/k/v biases, NeoX rope)
    int64_t n_vocab = 512;              ///< >= 262: 256 byte tokens + specials + filler
    int64_t n_embd = 256;
    int64_t n_layer = 2;
    int64_t n_ff = 512;
    int64_t n_head = 4;
    int64_t n_head_kv = 2;
    int64_t n_ctx_train = 2048;
    float rope_freq_base = 10000.0f;
    Format weight_format = Format::Q8_0;    ///< the 2-D block weights
    Format embedding_format = Format::Q8_0; ///< token_embd (and output when tied)
    Format output_format = Format::Q8_0;    ///< output.weight when not tied
    bool tied_output = true;
    bool rope_factors = false;          ///< add a llama3-style rope_freqs.weight
    uint64_t seed = 1;
    std::vector<std::string> merges;    ///< extra BPE merges ("a b") whose results are added as tokens
};

/// Write `spec` as a GGUF file (atomically: temp file + rename). Errors: InvalidArgument for an
/// impossible spec (a width not a multiple of a format's block, n_vocab too small, n_head not a
/// multiple of n_head_kv); Io.
Result<void> write_synth_model(const std::filesystem::path& path, const SynthModelSpec& spec);

/// SmolLM2-135M's shapes (576 wide, 30 layers, 9 heads / 3 KV heads, 1536 FFN, 49152 vocab).
SynthModelSpec smollm2_135m_shapes();

/// The hyperparameters of a well-known model, by name (see synth_shape_names()), with the spec's
/// default weight formats and seed; nullopt for an unknown name. The vocabulary has the model's
/// size but only 256 byte tokens + 3 specials are real (the rest are unused filler tokens).
///   smollm2-135m  llama, 576 wide, 30 layers, 9/3 heads, FFN 1536, vocab 49152, rope base 1e5, tied
///   llama-1b      Llama-3.2-1B: llama, 2048, 16 layers, 32/8 heads, FFN 8192, vocab 128256,
///                 rope base 5e5 with llama3 rope factors, tied output, context 131072
///   llama-8b      Llama-3.1-8B: llama, 4096, 32 layers, 32/8 heads, FFN 14336, vocab 128256,
///                 rope base 5e5 with llama3 rope factors, separate output, context 131072
///   qwen2-7b      Qwen2-7B(-Instruct): qwen2, 3584, 28 layers, 28/4 heads, FFN 18944, vocab 152064,
///                 rope base 1e6, separate output, context 32768
std::optional<SynthModelSpec> synth_shape(std::string_view name);

/// The names synth_shape() knows, in a fixed order (the first is the CLI's default).
std::span<const std::string_view> synth_shape_names();

} // namespace quanta
