// SPDX-License-Identifier: MIT
// Memory and file-size estimates: how big a model is on disk and in memory, before anything is
// quantized or loaded, so that `quanta-cli estimate` and the desktop app can say "Q4_K_M: 105 MiB
// file, 170 MiB at 2048 tokens, fits" and warn before a load or a long quantization fails.
//
//   auto file = GgufFile::open("m.gguf");
//   auto e = estimate_memory(*file, QuantizeType::Q4_K_M, {.n_ctx = 2048});   // or nullopt: as is
//   FitVerdict v = fits(*e, device.info());       // v.reason: "needs 170 MiB of the 3.10 GiB free"
//
// What is counted (docs/estimate.md has the constants and the measured accuracy):
//   file_bytes       the file quantize_model would write, exact: plan_quantized_file declares the
//                    output through the quantizer's own code and measures it.
//   weight_bytes     the tensor data in that file (all NF4/INT8 parts).
//   kv_bytes         the F16 K and V caches of a Session at n_ctx.
//   activation_bytes the Session's other buffers (n_batch rows of activations, one logits row,
//                    decode_all's n_batch x n_vocab logits when asked): kv_bytes + activation_bytes
//                    is exactly Session::state_bytes().
//   scratch_bytes    the CPU backend's per-device scratch (quantized activations, INT8 outlier
//                    buffers, attention scores) and the session's host copy of the logits.
//   metadata_bytes   the parsed GGUF metadata GgufFile keeps (the vocabulary and merges arrays).
//   tokenizer_bytes  the Tokenizer's copies and hash maps of the same.
//   runtime_bytes    a calibrated constant: thread stacks, kernel code pages, allocator slack.
// The CPU device keeps weights in the file mapping and touches every page while decoding, so the
// whole file (header pages included) is resident: total = file_bytes + kv + compute + metadata +
// tokenizer + runtime. A GPU backend will upload weights instead; its estimate will split host
// and device memory then.
//
// Everything here reads only the header: the tensor data is never touched. Thread-safe (no state).
#pragma once

#include "quanta/backend/backend.h"
#include "quanta/gguf.h"
#include "quanta/quantize.h"
#include "quanta/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace quanta {

struct EstimateOptions {
    int64_t n_ctx = 0;        ///< KV cache positions; 0: as Session: min(context_length, 4096)
    int64_t n_batch = 512;    ///< prompt tokens per forward pass; clamped to [1, n_ctx] like Session
    bool all_logits = false;  ///< count decode_all's n_batch x n_vocab buffer (perplexity runs)
    int threads = 0;          ///< CPU threads (attention scratch per thread); <= 0: hardware threads
    float int8_threshold = 6.0f; ///< as QuantizeOptions: part of an INT8 file's metadata
};

/// One logical tensor as it would be stored (a multi-part NF4/INT8 weight counts once).
struct TensorEstimate {
    std::string name;
    std::vector<int64_t> shape;   ///< logical, GGUF order
    std::string format;           ///< "Q4_K", "NF4", "F32", ...
    uint64_t bytes = 0;           ///< all parts
};

struct MemoryEstimate {
    std::string type;                    ///< "as is", or the TYPE name ("Q4_K_M")
    std::optional<QuantizeType> target;  ///< nullopt: the file as it is
    int64_t n_ctx = 0;                   ///< as resolved (0 in the options becomes the default)
    int64_t n_batch = 0;
    std::vector<TensorEstimate> tensors; ///< file order for "as is", the quantizer's order otherwise
    int64_t elements = 0;                ///< weights in all tensors

    uint64_t file_bytes = 0;
    uint64_t weight_bytes = 0;
    uint64_t kv_bytes = 0;
    uint64_t activation_bytes = 0;
    uint64_t scratch_bytes = 0;
    uint64_t metadata_bytes = 0;
    uint64_t tokenizer_bytes = 0;
    uint64_t runtime_bytes = 0;

    /// Buffers a forward pass needs besides the KV cache.
    uint64_t compute_bytes() const { return activation_bytes + scratch_bytes; }
    /// Everything that is neither weights, KV cache nor compute: the file's header pages, parsed
    /// metadata, tokenizer and runtime.
    uint64_t other_bytes() const {
        return (file_bytes - weight_bytes) + metadata_bytes + tokenizer_bytes + runtime_bytes;
    }
    uint64_t total_bytes() const { return weight_bytes + kv_bytes + compute_bytes() + other_bytes(); }
    double bits_per_weight() const {
        return elements > 0 ? 8.0 * static_cast<double>(weight_bytes) / static_cast<double>(elements) : 0.0;
    }
};

/// The memory a model needs on the CPU device at options.n_ctx: as it is (`type` nullopt) or
/// after quantize_model to `type`. Errors: those of read_model_config (Unsupported architecture,
/// Corrupt hyperparameters: the engine could not run the model, so there is nothing to estimate),
/// Corrupt (no tokenizer.ggml.tokens), InvalidArgument (n_ctx out of Session's range), and those
/// of plan_quantized_file.
Result<MemoryEstimate> estimate_memory(const GgufFile& model, std::optional<QuantizeType> type,
                                       const EstimateOptions& options = {});

/// Whether an estimate fits a device's memory now, with a reason a person can act on.
struct FitVerdict {
    bool fits = false;
    uint64_t needed = 0;       ///< bytes: MemoryEstimate::total_bytes()
    uint64_t available = 0;    ///< bytes free on the device now
    std::string reason;        ///< "needs 1.52 GiB, 0.31 GiB more than the 1.21 GiB free"
};

/// Compares the estimate's total with the device's free memory (the number that decides whether
/// a load succeeds without swapping), and names the total when the model could never fit.
/// A device that reports no memory figures does not fit, with that said in the reason.
FitVerdict fits(const MemoryEstimate& estimate, const backend::DeviceInfo& device);

} // namespace quanta
