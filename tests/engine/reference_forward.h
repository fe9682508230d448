// SPDX-License-Identifier: MIT
// An independent, obvious forward pass of the llama family for tests: every weight dequantized
// with the formats library's reference dequantizer, all arithmetic in double, no KV cache tricks
// (the whole sequence is recomputed). The engine's logits are compared against it.
#pragma once

#include "quanta/gguf.h"

#include <cstdint>
#include <span>
#include <vector>

namespace quanta::test {

/// Logits (n_vocab) of the last token of `ids` for the llama/qwen2 model in `file`. With
/// ggml_numerics, the roundings llama.cpp's CPU backend makes are simulated: activations of block
/// formats quantized to 8 bits (blocks of 32, fp16 scale), K/V cache, queries and softmax weights
/// rounded to fp16.
std::vector<double> reference_logits(const GgufFile& file, std::span<const int32_t> ids, bool ggml_numerics = false);

} // namespace quanta::test
