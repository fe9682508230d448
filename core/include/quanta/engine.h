// SPDX-License-Identifier: MIT
// The inference engine: load a GGUF model onto a device, open sessions on it, decode tokens and
// generate text.
//
//   auto model = Model::load("m.gguf", device, {.on_progress = ...});   // mmap + place weights
//   auto session = Session::create(*model, {.n_ctx = 4096});             // KV cache on the device
//   generate(**session, prompt_ids, {.n_predict = 128}, on_token, &cancel);
//
// Threads: a Model is immutable after load and may be shared by sessions on the same device. A
// Session is used by one thread at a time; its CancelToken may be set from any thread. Only one
// forward pass runs at a time per CPU device (its thread pool); callers serialize.
#pragma once

#include "quanta/backend/backend.h"
#include "quanta/result.h"
#include "quanta/sampler.h"
#include "quanta/tokenizer.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace quanta {

class GgufFile;

/// Hyperparameters of a decoder-only transformer, resolved from `{arch}.*` metadata.
struct ModelConfig {
    std::string architecture;     ///< "llama", "qwen2"
    int64_t n_vocab = 0;
    int64_t n_ctx_train = 0;      ///< context length the model was trained for
    int64_t n_embd = 0;
    int64_t n_layer = 0;
    int64_t n_ff = 0;
    int64_t n_head = 0;
    int64_t n_head_kv = 0;        ///< < n_head: grouped-query attention
    int64_t head_dim = 0;         ///< n_embd / n_head unless the file says otherwise
    int64_t n_rot = 0;            ///< rotated dimensions per head
    float rms_eps = 1e-5f;
    float rope_freq_base = 10000.0f;
    float rope_freq_scale = 1.0f; ///< linear scaling (1 / rope.scaling.factor)
    bool rope_neox = false;       ///< qwen2: NeoX pairs; llama: adjacent pairs (weights are permuted)
    bool has_rope_factors = false;///< llama3-style rope_freqs.weight
    bool tied_output = false;     ///< output projection = token embedding
    bool attention_bias = false;  ///< qwen2: q/k/v biases
};

/// A cooperative stop flag, checked between layers and between tokens.
class CancelToken {
public:
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    void reset() { m_cancelled.store(false, std::memory_order_relaxed); }
    bool cancelled() const { return m_cancelled.load(std::memory_order_relaxed); }

private:
    std::atomic<bool> m_cancelled{false};
};

struct LoadOptions {
    /// Called with the fraction of weights placed (0..1); return false to cancel the load.
    std::function<bool(float fraction)> on_progress;
    /// LLM.int8() outlier threshold for INT8 weights; nullopt: the file's quanta.int8.threshold,
    /// else 6.0. 0 turns the outlier decomposition off (every column in int8).
    std::optional<float> int8_threshold;
};

class Model {
public:
    /// Open, validate and place a model. Errors: those of GgufFile::open; Unsupported for an
    /// unknown architecture or tokenizer or a weight format the device cannot run; NotFound for a
    /// missing tensor; Corrupt for a tensor of the wrong shape or missing hyperparameters;
    /// Cancelled when on_progress returned false.
    static Result<std::shared_ptr<const Model>> load(const std::filesystem::path& path, backend::Device& device,
                                                     const LoadOptions& options = {});
    ~Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    const ModelConfig& config() const;
    const Tokenizer& tokenizer() const;
    const GgufFile& file() const;
    backend::Device& device() const;
    const std::filesystem::path& path() const;
    /// tokenizer.chat_template, or "" when the file has none.
    std::string chat_template() const;
    /// "Q4_K_M", "Q8_0", "NF4" ...: general.file_type's name, else the dominant weight format.
    std::string type_name() const;
    /// Bytes of weights in the file.
    uint64_t weight_bytes() const;

    struct Impl;
    explicit Model(std::unique_ptr<Impl> impl);
    const Impl& impl() const { return *m_impl; }

private:
    std::unique_ptr<Impl> m_impl;
};

struct SessionOptions {
    int64_t n_ctx = 0;           ///< KV cache positions; 0: min(n_ctx_train, 4096)
    int64_t n_batch = 512;       ///< prompt tokens per forward pass
    /// When the cache is full: false → decode() fails with ContextFull; true → keep the first
    /// n_keep tokens, drop the older half of the rest, and re-evaluate what is kept.
    bool context_shift = false;
    int64_t n_keep = 0;
};

class Session {
public:
    /// Errors: OutOfMemory (KV cache), InvalidArgument (n_ctx < 1).
    static Result<std::unique_ptr<Session>> create(std::shared_ptr<const Model> model, const SessionOptions& options = {});
    ~Session();

    /// Append tokens at the current position and run them; returns the logits (n_vocab) of the
    /// last one, valid until the next call. Errors: ContextFull (no shift), InvalidArgument (an id
    /// out of range, empty input), Cancelled (the session is unchanged then).
    Result<std::span<const float>> decode(std::span<const int32_t> tokens, const CancelToken* cancel = nullptr);

    /// Like decode(), but fills `logits` with the logits of EVERY input token: row i (n_vocab
    /// floats, row-major [tokens.size()][n_vocab]) follows tokens[i]. For perplexity. Never
    /// shifts the context: ContextFull when the tokens do not fit. Allocates an n_batch x n_vocab
    /// device buffer on first use. Other errors as decode(); cancelled → the session is unchanged.
    Result<void> decode_all(std::span<const int32_t> tokens, std::vector<float>& logits,
                            const CancelToken* cancel = nullptr);

    /// Tokens in the cache, in order (after a context shift: what was kept).
    const std::vector<int32_t>& tokens() const;
    int64_t position() const { return static_cast<int64_t>(tokens().size()); }
    int64_t n_ctx() const;
    /// Forget everything (the cache is reused).
    void clear();
    /// Drop cached tokens from `position` on (to re-run a shared prefix only once).
    void truncate(int64_t position);
    /// Before decoding `prompt` from scratch: keep the cached tokens it starts with (at least
    /// one prompt token is always left to decode, since decoding produces the logits), drop the
    /// rest, and return how many were kept; decode prompt[kept..] next.
    size_t keep_common_prefix(std::span<const int32_t> prompt);
    const Model& model() const;
    /// Bytes of the KV cache and scratch buffers.
    uint64_t state_bytes() const;

    struct Impl;

private:
    explicit Session(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

enum class StopReason { Length, EndOfGeneration, Cancelled, Callback };
const char* stop_reason_name(StopReason reason);

struct GenerateOptions {
    int64_t n_predict = 128;    ///< < 0: until end of generation or the context is full
    SamplerParams sampling;
    bool stop_at_eog = true;    ///< stop at EOS/EOT tokens (not emitted as text)
};

struct GenerateStats {
    int64_t n_prompt = 0;
    int64_t n_generated = 0;
    double prompt_seconds = 0.0;
    double generate_seconds = 0.0;
    StopReason stop = StopReason::Length;
    double prompt_tokens_per_second() const { return rate(n_prompt, prompt_seconds); }
    double tokens_per_second() const { return rate(n_generated, generate_seconds); }

private:
    static double rate(int64_t n, double seconds) { return seconds > 0 ? static_cast<double>(n) / seconds : 0.0; }
};

/// Called once per generated token with the text it completes (may be empty while a UTF-8
/// character is split over tokens). Return false to stop.
using TokenCallback = std::function<bool(int32_t token, std::string_view text)>;

/// Decode `prompt` (appended to what the session holds), then sample and decode up to n_predict
/// tokens. Errors: those of decode(), except that cancellation ends with stop = Cancelled.
Result<GenerateStats> generate(Session& session, std::span<const int32_t> prompt, const GenerateOptions& options,
                               const TokenCallback& on_token, const CancelToken* cancel = nullptr);

} // namespace quanta
