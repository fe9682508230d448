// SPDX-License-Identifier: MIT
// Session: the KV cache, the activation buffers and the forward pass of the llama family
// (llama, qwen2): pre-norm blocks of GQA attention with RoPE and a SwiGLU feed-forward network.
#include "inference/model_impl.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace quanta {

using backend::View;

struct Session::Impl {
    std::shared_ptr<const Model> model;
    const Model::Impl* m = nullptr;
    SessionOptions options;
    int64_t n_ctx = 0;
    int64_t n_batch = 0;
    std::unique_ptr<backend::Executor> exec;
    // Activations for up to n_batch tokens, row-major f32.
    std::unique_ptr<backend::Buffer> x, h, q, k, v, attn, gate, up, logits;
    // F16 [n_layer][n_ctx][n_head_kv * head_dim]
    std::unique_ptr<backend::Buffer> k_cache, v_cache;
    std::unique_ptr<backend::Buffer> logits_all; // decode_all: n_batch x n_vocab, made on first use
    float* all_out = nullptr;                    // decode_all: where forward() puts every row's logits
    std::vector<int32_t> tokens;
    std::vector<float> host_logits;
    uint64_t state_bytes = 0;

    Result<std::unique_ptr<backend::Buffer>> buffer(size_t bytes) {
        auto b = m->device->create_buffer(bytes);
        if (b.ok())
            state_bytes += bytes;
        return b;
    }

    Result<void> forward(std::span<const int32_t> ids, int64_t pos0, bool want_logits, const CancelToken* cancel);
    Result<void> run(std::span<const int32_t> ids, bool want_logits, const CancelToken* cancel);
    Result<void> shift_context(int64_t n_incoming, const CancelToken* cancel);
};

namespace {

View view(const std::unique_ptr<backend::Buffer>& b) { return View{b.get(), 0}; }

} // namespace

Result<void> Session::Impl::forward(std::span<const int32_t> ids, int64_t pos0, bool want_logits,
                                    const CancelToken* cancel) {
    const ModelConfig& c = m->config;
    const int64_t T = static_cast<int64_t>(ids.size());
    const int64_t d = c.n_embd;
    const int64_t q_width = c.n_head * c.head_dim;
    const int64_t kv_width = c.n_head_kv * c.head_dim;
    backend::Executor& ex = *exec;

    backend::RopeParams rope;
    rope.n_dims = c.n_rot;
    rope.neox = c.rope_neox;
    rope.freq_base = c.rope_freq_base;
    rope.freq_scale = c.rope_freq_scale;
    rope.freq_factors = m->rope_freqs;
    backend::AttentionParams ap;
    ap.n_head = c.n_head;
    ap.n_head_kv = c.n_head_kv;
    ap.head_dim = c.head_dim;

    ex.get_rows(*m->tok_embd, ids, view(x));
    for (size_t il = 0; il < m->layers.size(); ++il) {
        if (cancel != nullptr && cancel->cancelled())
            return Error{ErrorCode::Cancelled, "cancelled"};
        const LayerWeights& L = m->layers[il];
        const int64_t layer_offset = static_cast<int64_t>(il) * n_ctx * kv_width;
        const View kc = view(k_cache).at_f16(layer_offset);
        const View vc = view(v_cache).at_f16(layer_offset);

        ex.rms_norm(view(x), *L.attn_norm, T, d, c.rms_eps, view(h));
        const DeviceWeight* qkv[3] = {L.wq, L.wk, L.wv};
        const View qkv_out[3] = {view(q), view(k), view(v)};
        ex.matmul_group(qkv, view(h), T, qkv_out);
        if (L.bq != nullptr) {
            ex.add_rows(view(q), *L.bq, T, q_width);
            ex.add_rows(view(k), *L.bk, T, kv_width);
            ex.add_rows(view(v), *L.bv, T, kv_width);
        }
        ex.rope(view(q), T, c.n_head, c.head_dim, pos0, rope);
        ex.rope(view(k), T, c.n_head_kv, c.head_dim, pos0, rope);
        ex.kv_store(view(k), T, kv_width, kc, pos0);
        ex.kv_store(view(v), T, kv_width, vc, pos0);
        ex.attention(ap, view(q), kc, vc, T, pos0, view(attn));
        ex.matmul(*L.wo, view(attn), T, view(h));
        ex.add(view(x), view(h), T * d, view(x));

        ex.rms_norm(view(x), *L.ffn_norm, T, d, c.rms_eps, view(h));
        const DeviceWeight* gate_up[2] = {L.w_gate, L.w_up};
        const View gate_up_out[2] = {view(gate), view(up)};
        ex.matmul_group(gate_up, view(h), T, gate_up_out);
        ex.silu_mul(view(gate), view(up), T * c.n_ff, view(gate));
        ex.matmul(*L.w_down, view(gate), T, view(h));
        ex.add(view(x), view(h), T * d, view(x));
    }
    if (!want_logits)
        return ex.synchronize();
    if (all_out != nullptr) { // decode_all: every row
        ex.rms_norm(view(x), *m->output_norm, T, d, c.rms_eps, view(h));
        ex.matmul(*m->output, view(h), T, view(logits_all));
        return ex.read(view(logits_all), all_out, T * c.n_vocab);
    }
    // Only the last token's logits are needed.
    const View last = view(x).at_f32((T - 1) * d);
    ex.rms_norm(last, *m->output_norm, 1, d, c.rms_eps, view(h));
    ex.matmul(*m->output, view(h), 1, view(logits));
    return ex.read(view(logits), host_logits.data(), c.n_vocab);
}

Result<void> Session::Impl::run(std::span<const int32_t> ids, bool want_logits, const CancelToken* cancel) {
    const int64_t pos0 = static_cast<int64_t>(tokens.size());
    int64_t done = 0;
    const int64_t total = static_cast<int64_t>(ids.size());
    while (done < total) {
        const int64_t n = std::min(n_batch, total - done);
        const bool last_chunk = done + n == total;
        QUANTA_TRY(forward(ids.subspan(static_cast<size_t>(done), static_cast<size_t>(n)), pos0 + done,
                           want_logits && last_chunk, cancel));
        done += n;
    }
    tokens.insert(tokens.end(), ids.begin(), ids.end());
    return {};
}

// Keep the first n_keep tokens, drop the older half of the rest, and re-evaluate what is kept
// (positions change, so the cached keys would need re-rotation; recomputing is exact).
Result<void> Session::Impl::shift_context(int64_t n_incoming, const CancelToken* cancel) {
    const int64_t n_past = static_cast<int64_t>(tokens.size());
    const int64_t n_keep = std::clamp<int64_t>(options.n_keep, 0, n_past);
    const int64_t n_discard = std::max<int64_t>((n_past - n_keep) / 2, n_past + n_incoming - n_ctx);
    if (n_discard > n_past - n_keep || n_keep + n_incoming > n_ctx)
        return Error{ErrorCode::ContextFull, "the input (" + std::to_string(n_incoming) +
                                                 " tokens) does not fit in the context (" + std::to_string(n_ctx) +
                                                 ") even after a context shift"};
    std::vector<int32_t> kept(tokens.begin(), tokens.begin() + n_keep);
    kept.insert(kept.end(), tokens.begin() + n_keep + n_discard, tokens.end());
    tokens.clear(); // on failure the session is empty: the old cache rows no longer match
    return run(kept, false, cancel);
}

Result<std::unique_ptr<Session>> Session::create(std::shared_ptr<const Model> model, const SessionOptions& options) {
    if (!model)
        return Error{ErrorCode::InvalidArgument, "no model"};
    auto s = std::make_unique<Impl>();
    s->m = &model->impl();
    s->model = std::move(model);
    s->options = options;
    const ModelConfig& c = s->m->config;
    s->n_ctx = options.n_ctx > 0 ? options.n_ctx : std::min<int64_t>(c.n_ctx_train, 4096);
    if (options.n_ctx < 0 || s->n_ctx > (int64_t{1} << 24))
        return Error{ErrorCode::InvalidArgument, "context size " + std::to_string(options.n_ctx) + " is out of range"};
    s->n_batch = std::clamp<int64_t>(options.n_batch, 1, s->n_ctx);
    const size_t B = static_cast<size_t>(s->n_batch);
    const size_t f = sizeof(float);
    const size_t q_width = static_cast<size_t>(c.n_head * c.head_dim);
    const size_t kv_width = static_cast<size_t>(c.n_head_kv * c.head_dim);
    const size_t d = static_cast<size_t>(c.n_embd);
    QUANTA_TRY_ASSIGN(s->x, s->buffer(B * d * f));
    QUANTA_TRY_ASSIGN(s->h, s->buffer(B * std::max(d, q_width) * f));
    QUANTA_TRY_ASSIGN(s->q, s->buffer(B * q_width * f));
    QUANTA_TRY_ASSIGN(s->k, s->buffer(B * kv_width * f));
    QUANTA_TRY_ASSIGN(s->v, s->buffer(B * kv_width * f));
    QUANTA_TRY_ASSIGN(s->attn, s->buffer(B * q_width * f));
    QUANTA_TRY_ASSIGN(s->gate, s->buffer(B * static_cast<size_t>(c.n_ff) * f));
    QUANTA_TRY_ASSIGN(s->up, s->buffer(B * static_cast<size_t>(c.n_ff) * f));
    QUANTA_TRY_ASSIGN(s->logits, s->buffer(static_cast<size_t>(c.n_vocab) * f));
    const size_t cache_bytes = static_cast<size_t>(c.n_layer) * static_cast<size_t>(s->n_ctx) * kv_width * 2;
    QUANTA_TRY_ASSIGN(s->k_cache, s->buffer(cache_bytes));
    QUANTA_TRY_ASSIGN(s->v_cache, s->buffer(cache_bytes));
    QUANTA_TRY_ASSIGN(s->exec, s->m->device->create_executor());
    s->host_logits.resize(static_cast<size_t>(c.n_vocab));
    return std::unique_ptr<Session>(new Session(std::move(s)));
}

Session::Session(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Session::~Session() = default;

namespace {

Result<void> check_ids(std::span<const int32_t> ids, int64_t n_vocab) {
    if (ids.empty())
        return Error{ErrorCode::InvalidArgument, "decode: no tokens"};
    for (int32_t id : ids) {
        if (id < 0 || id >= n_vocab)
            return Error{ErrorCode::InvalidArgument, "token id " + std::to_string(id) + " is out of range (vocabulary " +
                                                         std::to_string(n_vocab) + ")"};
    }
    return {};
}

} // namespace

Result<std::span<const float>> Session::decode(std::span<const int32_t> ids, const CancelToken* cancel) {
    Impl& s = *m_impl;
    QUANTA_TRY(check_ids(ids, s.m->config.n_vocab));
    const int64_t n_in = static_cast<int64_t>(ids.size());
    if (position() + n_in > s.n_ctx) {
        if (!s.options.context_shift)
            return Error{ErrorCode::ContextFull, "the context is full: " + std::to_string(position()) + " + " +
                                                     std::to_string(n_in) + " tokens exceed the context size " +
                                                     std::to_string(s.n_ctx)};
        QUANTA_TRY(s.shift_context(n_in, cancel));
    }
    QUANTA_TRY(s.run(ids, true, cancel));
    return std::span<const float>(s.host_logits);
}

Result<void> Session::decode_all(std::span<const int32_t> ids, std::vector<float>& logits, const CancelToken* cancel) {
    Impl& s = *m_impl;
    const int64_t n_vocab = s.m->config.n_vocab;
    QUANTA_TRY(check_ids(ids, n_vocab));
    const int64_t n_in = static_cast<int64_t>(ids.size());
    if (position() + n_in > s.n_ctx)
        return Error{ErrorCode::ContextFull, "the context is full: " + std::to_string(position()) + " + " +
                                                 std::to_string(n_in) + " tokens exceed the context size " +
                                                 std::to_string(s.n_ctx)};
    if (!s.logits_all) {
        QUANTA_TRY_ASSIGN(s.logits_all, s.buffer(static_cast<size_t>(s.n_batch * n_vocab) * sizeof(float)));
    }
    logits.resize(static_cast<size_t>(n_in * n_vocab));
    const int64_t pos0 = position();
    for (int64_t done = 0; done < n_in;) {
        const int64_t n = std::min(s.n_batch, n_in - done);
        s.all_out = logits.data() + done * n_vocab;
        auto r = s.forward(ids.subspan(static_cast<size_t>(done), static_cast<size_t>(n)), pos0 + done, true, cancel);
        s.all_out = nullptr;
        QUANTA_TRY(r);
        done += n;
    }
    s.tokens.insert(s.tokens.end(), ids.begin(), ids.end());
    return {};
}

const std::vector<int32_t>& Session::tokens() const { return m_impl->tokens; }
int64_t Session::n_ctx() const { return m_impl->n_ctx; }
void Session::clear() { m_impl->tokens.clear(); }
void Session::truncate(int64_t pos) {
    if (pos >= 0 && pos < position())
        m_impl->tokens.resize(static_cast<size_t>(pos));
}
size_t Session::keep_common_prefix(std::span<const int32_t> prompt) {
    const std::vector<int32_t>& cached = m_impl->tokens;
    const size_t limit = std::min(cached.size(), prompt.empty() ? size_t{0} : prompt.size() - 1);
    size_t n = 0;
    while (n < limit && cached[n] == prompt[n])
        ++n;
    truncate(static_cast<int64_t>(n));
    return n;
}

const Model& Session::model() const { return *m_impl->model; }
uint64_t Session::state_bytes() const { return m_impl->state_bytes; }

} // namespace quanta
