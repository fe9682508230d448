// SPDX-License-Identifier: MIT
// estimate_memory: the file's tensors (or the quantizer's plan of them), then the engine's
// allocations computed by the same formulas Session::create and the CPU kernels use.
#include "quanta/estimate.h"

#include "estimate/host_memory.h"
// read_model_config: the hyperparameters exactly as Model::load resolves them, so that the KV
// cache and buffer sizes below cannot disagree with a real Session.
#include "inference/model_impl.h"
#include "quanta/format.h"
#include "quanta/model_info.h"

#include <algorithm>
#include <new>
#include <thread>

namespace quanta {

namespace {

/// Resident memory a loaded model and a session add beyond the containers counted elsewhere:
/// worker thread stacks, kernel code and tables paged in on first use, and glibc heap slack
/// (temporaries of the tokenizer build that stay in the arena). Calibrated on the default model
/// at context 2048: the measured peak minus everything else here was 1.42-1.64 MB over three
/// runs (docs/estimate.md), so 1.5 MiB.
constexpr uint64_t kRuntimeBytes = uint64_t{3} << 19;

/// The CPU kernels' Q8 activation block (backends/cpu: ActQ8, 32 weights' worth of int8 plus two
/// floats) for weight formats whose dot products run on quantized activations.
constexpr uint64_t kActQ8BlockBytes = 40;
constexpr int64_t kActQ8BlockElements = 32;

uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

bool uses_q8_activations(Format f) {
    switch (f) {
    case Format::F32:
    case Format::F16:
    case Format::BF16:
    case Format::NF4:
    case Format::INT8: return false;
    default: return true;
    }
}

/// Scratch one matmul of `tokens` rows through a [k, n] weight asks the CPU context for.
uint64_t matmul_scratch_bytes(Format f, int64_t k, int64_t tokens) {
    const auto t = static_cast<uint64_t>(tokens);
    const auto uk = static_cast<uint64_t>(k);
    if (f == Format::INT8) // fp16-rounded x (f32), int8 codes, row scales, outlier columns
        return t * uk * 4 + align_up(t * uk, 64) + align_up(t * 4, 64) + uk * 4;
    if (uses_q8_activations(f) && k % kActQ8BlockElements == 0)
        return t * static_cast<uint64_t>(k / kActQ8BlockElements) * kActQ8BlockBytes;
    return 0;
}

int64_t product(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

/// The tensors as stored now: the summary's rows, multi-part weights folded.
Result<void> tensors_as_is(const GgufFile& model, MemoryEstimate& e) {
    QUANTA_TRY_ASSIGN(ModelSummary summary, summarize_model(model));
    for (TensorRow& row : summary.tensors)
        e.tensors.push_back(TensorEstimate{std::move(row.name), std::move(row.shape), std::move(row.format), row.bytes});
    e.file_bytes = model.file_size();
    return {};
}

/// The tensors quantize_model would write, and the exact size of its file.
Result<void> tensors_quantized(const GgufFile& model, QuantizeType type, const EstimateOptions& options,
                               MemoryEstimate& e) {
    QUANTA_TRY_ASSIGN(QuantizedFilePlan plan, plan_quantized_file(model, type, options.int8_threshold));
    for (TensorPlan& p : plan.tensors)
        e.tensors.push_back(TensorEstimate{std::move(p.name), std::move(p.shape), std::move(p.target_format),
                                           p.target_bytes});
    e.file_bytes = plan.file_bytes;
    return {};
}

/// The largest scratch request of one forward pass (the context's buffer grows to the largest
/// request; its pages are touched only as far as each request reaches), plus the session's host
/// copy of the logits.
uint64_t scratch_bytes(const MemoryEstimate& e, const ModelConfig& c, const EstimateOptions& options) {
    const bool has_output = std::any_of(e.tensors.begin(), e.tensors.end(),
                                        [](const TensorEstimate& t) { return t.name == "output.weight"; });
    const std::string output_name = has_output ? "output.weight" : "token_embd.weight";
    uint64_t largest = 0;
    for (const TensorEstimate& t : e.tensors) {
        if (t.shape.size() < 2)
            continue;
        const auto format = format_from_name(t.format);
        if (!format)
            continue;
        int64_t tokens = 0;
        if (t.name.rfind("blk.", 0) == 0)
            tokens = e.n_batch;
        else if (t.name == output_name) // decode() needs the last row's logits only
            tokens = options.all_logits ? e.n_batch : 1;
        largest = std::max(largest, matmul_scratch_bytes(*format, t.shape[0], tokens));
    }
    const int threads = options.threads > 0 ? options.threads
                                            : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    const uint64_t scores = align_up(static_cast<uint64_t>(e.n_ctx), 16) * static_cast<uint64_t>(threads) * 4;
    largest = std::max(largest, scores);
    constexpr uint64_t kScratchAlignmentSlack = 64;
    return largest + kScratchAlignmentSlack + static_cast<uint64_t>(c.n_vocab) * sizeof(float);
}

Result<MemoryEstimate> estimate_impl(const GgufFile& model, std::optional<QuantizeType> type,
                                     const EstimateOptions& options) {
    QUANTA_TRY_ASSIGN(ModelConfig c, read_model_config(model));
    // Model::load takes the vocabulary size from the tokenizer, i.e. from this array.
    const GgufValue* tokens = model.find("tokenizer.ggml.tokens");
    if (tokens == nullptr || tokens->as_string_array() == nullptr || tokens->array_size() == 0)
        return make_error(ErrorCode::Corrupt, "model metadata: missing or invalid 'tokenizer.ggml.tokens'");
    c.n_vocab = static_cast<int64_t>(tokens->array_size());

    MemoryEstimate e;
    e.target = type;
    e.type = type ? std::string(quantize_type_name(*type)) : "as is";
    // Session::create's rules, so that an estimate at n_ctx 0 describes the default session.
    e.n_ctx = options.n_ctx > 0 ? options.n_ctx : std::min<int64_t>(c.n_ctx_train, 4096);
    if (options.n_ctx < 0 || e.n_ctx > (int64_t{1} << 24))
        return make_error(ErrorCode::InvalidArgument,
                          "context size " + std::to_string(options.n_ctx) + " is out of range");
    e.n_batch = std::clamp<int64_t>(options.n_batch, 1, e.n_ctx);

    if (type)
        QUANTA_TRY(tensors_quantized(model, *type, options, e));
    else
        QUANTA_TRY(tensors_as_is(model, e));
    for (const TensorEstimate& t : e.tensors) {
        e.weight_bytes += t.bytes;
        e.elements += product(t.shape);
    }

    const auto n_ctx = static_cast<uint64_t>(e.n_ctx);
    const auto B = static_cast<uint64_t>(e.n_batch);
    const auto f = uint64_t{sizeof(float)};
    const auto d = static_cast<uint64_t>(c.n_embd);
    const auto q_width = static_cast<uint64_t>(c.n_head * c.head_dim);
    const auto kv_width = static_cast<uint64_t>(c.n_head_kv * c.head_dim);
    const auto n_ff = static_cast<uint64_t>(c.n_ff);
    const auto n_vocab = static_cast<uint64_t>(c.n_vocab);
    // Session::create: K and V, F16, [n_layer][n_ctx][kv_width] each.
    e.kv_bytes = 2 * static_cast<uint64_t>(c.n_layer) * n_ctx * kv_width * 2;
    // Session::create: x, h, q, k, v, attn, gate, up (n_batch rows each) and one logits row.
    e.activation_bytes = B * d * f + B * std::max(d, q_width) * f + 2 * B * q_width * f + 2 * B * kv_width * f +
                         2 * B * n_ff * f + n_vocab * f;
    if (options.all_logits) // Session::decode_all's buffer
        e.activation_bytes += B * n_vocab * f;
    e.scratch_bytes = scratch_bytes(e, c, options);
    e.metadata_bytes = estimate_detail::metadata_heap_bytes(model);
    e.tokenizer_bytes = estimate_detail::tokenizer_heap_bytes(model);
    e.runtime_bytes = kRuntimeBytes;
    return e;
}

} // namespace

Result<MemoryEstimate> estimate_memory(const GgufFile& model, std::optional<QuantizeType> type,
                                       const EstimateOptions& options) {
    try {
        return estimate_impl(model, type, options);
    } catch (const std::bad_alloc&) {
        return make_error(ErrorCode::OutOfMemory, "out of memory while estimating");
    }
}

} // namespace quanta
