// SPDX-License-Identifier: MIT
// Model::load: map the file, read the hyperparameters and tokenizer, find every weight by its GGUF
// name, check its shape, and place it on the device.
#include "inference/model_impl.h"

#include "quanta/format.h"
#include "quanta/model_info.h"

#include <string>

namespace quanta {

namespace {

std::string shape_text(int64_t k, int64_t n) {
    return "[" + std::to_string(k) + ", " + std::to_string(n) + "]";
}

const GgufTensorInfo* part(const GgufFile& file, const std::string& name, std::string_view suffix) {
    return file.find_tensor(name + std::string(suffix));
}

Result<void> check_part(const GgufTensorInfo* t, const std::string& name, uint32_t ggml_type, int64_t elements) {
    if (t == nullptr)
        return Error{ErrorCode::NotFound, "tensor '" + name + "' is missing"};
    if (t->ggml_type != ggml_type || t->n_elements() != elements)
        return Error{ErrorCode::Corrupt, "tensor '" + t->name + "' has the wrong type or size"};
    return {};
}

Result<backend::WeightData> nf4_weight(const GgufFile& file, const std::string& name, const GgufTensorInfo& codes) {
    backend::WeightData d;
    d.format = Format::NF4;
    d.k = codes.ne[0] * 2;
    d.n = codes.n_rows();
    if (codes.ggml_type != kGgmlTypeI8 || d.k % kNf4BlockSize != 0)
        return Error{ErrorCode::Corrupt, "tensor '" + codes.name + "' is not valid NF4 codes"};
    const int64_t n_blocks = d.k * d.n / kNf4BlockSize;
    const int64_t n_nested = (n_blocks + kNf4NestedBlockSize - 1) / kNf4NestedBlockSize;
    const GgufTensorInfo* absmax = part(file, name, kNf4AbsmaxSuffix);
    const GgufTensorInfo* nested = part(file, name, kNf4NestedAbsmaxSuffix);
    const GgufTensorInfo* offset = part(file, name, kNf4NestedOffsetSuffix);
    const GgufTensorInfo* map = part(file, name, kNf4NestedMapSuffix);
    QUANTA_TRY(check_part(absmax, name + std::string(kNf4AbsmaxSuffix), kGgmlTypeI8, n_blocks));
    QUANTA_TRY(check_part(nested, name + std::string(kNf4NestedAbsmaxSuffix), kGgmlTypeF32, n_nested));
    QUANTA_TRY(check_part(offset, name + std::string(kNf4NestedOffsetSuffix), kGgmlTypeF32, 1));
    QUANTA_TRY(check_part(map, name + std::string(kNf4NestedMapSuffix), kGgmlTypeF32, 256));
    d.data = codes.data;
    d.nf4_absmax = absmax->data;
    d.nf4_nested_absmax = reinterpret_cast<const float*>(nested->data);
    d.nf4_nested_offset = *reinterpret_cast<const float*>(offset->data);
    d.nf4_nested_map = reinterpret_cast<const float*>(map->data);
    return d;
}

Result<backend::WeightData> int8_weight(const GgufFile& file, const std::string& name, const GgufTensorInfo& cb) {
    backend::WeightData d;
    d.format = Format::INT8;
    d.k = cb.ne[0];
    d.n = cb.n_rows();
    if (cb.ggml_type != kGgmlTypeI8)
        return Error{ErrorCode::Corrupt, "tensor '" + cb.name + "' is not valid INT8 codes"};
    const GgufTensorInfo* scb = part(file, name, kInt8ScaleSuffix);
    QUANTA_TRY(check_part(scb, name + std::string(kInt8ScaleSuffix), kGgmlTypeF32, d.n));
    d.data = cb.data;
    d.int8_scb = reinterpret_cast<const float*>(scb->data);
    if (const GgufValue* tau = file.find(kQuantaInt8ThresholdKey); tau && tau->as_float())
        d.int8_threshold = static_cast<float>(*tau->as_float());
    return d;
}

/// The file layout of weight `name` (single tensor, or the parts of an NF4/INT8 weight).
Result<backend::WeightData> find_weight(const GgufFile& file, const std::string& name) {
    if (const GgufTensorInfo* t = file.find_tensor(name)) {
        auto format = format_from_ggml_type(t->ggml_type);
        if (!format || format_traits(*format).multi_part())
            return Error{ErrorCode::Unsupported, "tensor '" + name + "' has type " + ggml_type_name(t->ggml_type) +
                                                     ", which the engine cannot run"};
        if (t->ne[2] != 1 || t->ne[3] != 1)
            return Error{ErrorCode::Corrupt, "tensor '" + name + "' has more than two dimensions"};
        backend::WeightData d;
        d.format = *format;
        d.k = t->ne[0];
        d.n = t->ne[1];
        d.data = t->data;
        return d;
    }
    if (const GgufTensorInfo* codes = part(file, name, kNf4CodesSuffix))
        return nf4_weight(file, name, *codes);
    if (const GgufTensorInfo* cb = part(file, name, kInt8CodesSuffix))
        return int8_weight(file, name, *cb);
    return Error{ErrorCode::NotFound, "tensor '" + name + "' is missing"};
}

class Placer {
public:
    Placer(Model::Impl& m, const LoadOptions& options, size_t total)
        : m_model(m), m_options(options), m_total(total) {}

    /// Place `name`, which must be [k, n] (n = 1 for vectors). Optional weights return null when absent.
    Result<const DeviceWeight*> place(const std::string& name, int64_t k, int64_t n, bool optional = false) {
        auto data = find_weight(*m_model.file, name);
        if (!data.ok()) {
            if (optional && data.error().code == ErrorCode::NotFound)
                return static_cast<const DeviceWeight*>(nullptr);
            return data.take_error();
        }
        if (data->k != k || data->n != n)
            return Error{ErrorCode::Corrupt, "tensor '" + name + "' has shape " + shape_text(data->k, data->n) +
                                                 ", expected " + shape_text(k, n)};
        if (n == 1 && data->format != Format::F32)
            return Error{ErrorCode::Unsupported, "tensor '" + name + "' must be F32"};
        if (!m_model.device->supports(backend::Op::MatMul, data->format))
            return Error{ErrorCode::Unsupported, "device '" + m_model.device->info().name + "' has no kernel for " +
                                                     std::string(format_traits(data->format).name)};
        if (data->format == Format::INT8 && m_options.int8_threshold)
            data->int8_threshold = *m_options.int8_threshold;
        QUANTA_TRY_ASSIGN(auto weight, m_model.device->place_weight(*data));
        m_model.weight_bytes += tensor_storage_bytes(data->format, k, n);
        m_model.owned.push_back(std::move(weight));
        ++m_placed;
        if (m_options.on_progress && !m_options.on_progress(static_cast<float>(m_placed) / static_cast<float>(m_total)))
            return Error{ErrorCode::Cancelled, "loading cancelled"};
        return m_model.owned.back().get();
    }

    Result<void> finish() {
        if (m_options.on_progress && !m_options.on_progress(1.0f))
            return Error{ErrorCode::Cancelled, "loading cancelled"};
        return {};
    }

private:
    Model::Impl& m_model;
    const LoadOptions& m_options;
    size_t m_total;
    size_t m_placed = 0;
};

Result<void> place_weights(Model::Impl& m, const LoadOptions& options) {
    const ModelConfig& c = m.config;
    const int64_t q_width = c.n_head * c.head_dim;
    const int64_t kv_width = c.n_head_kv * c.head_dim;
    // Optional weights (output, rope_freqs) count as if present; finish() reports 1.0 at the end.
    Placer p(m, options, static_cast<size_t>(c.n_layer) * (c.attention_bias ? 12 : 9) + 4);

    QUANTA_TRY_ASSIGN(m.tok_embd, p.place("token_embd.weight", c.n_embd, c.n_vocab));
    QUANTA_TRY_ASSIGN(m.output_norm, p.place("output_norm.weight", c.n_embd, 1));
    QUANTA_TRY_ASSIGN(m.output, p.place("output.weight", c.n_embd, c.n_vocab, /*optional=*/true));
    if (m.output == nullptr) {
        m.output = m.tok_embd;
        m.config.tied_output = true;
    }
    QUANTA_TRY_ASSIGN(m.rope_freqs, p.place("rope_freqs.weight", c.n_rot / 2, 1, /*optional=*/true));
    m.config.has_rope_factors = m.rope_freqs != nullptr;

    m.layers.resize(static_cast<size_t>(c.n_layer));
    for (int64_t i = 0; i < c.n_layer; ++i) {
        LayerWeights& l = m.layers[static_cast<size_t>(i)];
        const std::string b = "blk." + std::to_string(i) + ".";
        QUANTA_TRY_ASSIGN(l.attn_norm, p.place(b + "attn_norm.weight", c.n_embd, 1));
        QUANTA_TRY_ASSIGN(l.wq, p.place(b + "attn_q.weight", c.n_embd, q_width));
        QUANTA_TRY_ASSIGN(l.wk, p.place(b + "attn_k.weight", c.n_embd, kv_width));
        QUANTA_TRY_ASSIGN(l.wv, p.place(b + "attn_v.weight", c.n_embd, kv_width));
        QUANTA_TRY_ASSIGN(l.wo, p.place(b + "attn_output.weight", q_width, c.n_embd));
        if (c.attention_bias) {
            QUANTA_TRY_ASSIGN(l.bq, p.place(b + "attn_q.bias", q_width, 1));
            QUANTA_TRY_ASSIGN(l.bk, p.place(b + "attn_k.bias", kv_width, 1));
            QUANTA_TRY_ASSIGN(l.bv, p.place(b + "attn_v.bias", kv_width, 1));
        }
        QUANTA_TRY_ASSIGN(l.ffn_norm, p.place(b + "ffn_norm.weight", c.n_embd, 1));
        QUANTA_TRY_ASSIGN(l.w_gate, p.place(b + "ffn_gate.weight", c.n_embd, c.n_ff));
        QUANTA_TRY_ASSIGN(l.w_up, p.place(b + "ffn_up.weight", c.n_embd, c.n_ff));
        QUANTA_TRY_ASSIGN(l.w_down, p.place(b + "ffn_down.weight", c.n_ff, c.n_embd));
    }
    return p.finish();
}

} // namespace

Result<std::shared_ptr<const Model>> Model::load(const std::filesystem::path& path, backend::Device& device,
                                                 const LoadOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->device = &device;
    QUANTA_TRY_ASSIGN(GgufFile file, GgufFile::open(path));
    impl->file.emplace(std::move(file));
    QUANTA_TRY_ASSIGN(impl->config, read_model_config(*impl->file));
    QUANTA_TRY_ASSIGN(Tokenizer tokenizer, Tokenizer::from_gguf(*impl->file));
    impl->tokenizer.emplace(std::move(tokenizer));
    impl->config.n_vocab = impl->tokenizer->vocab_size();
    QUANTA_TRY(place_weights(*impl, options));
    return std::shared_ptr<const Model>(std::make_shared<Model>(std::move(impl)));
}

Model::Model(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Model::~Model() = default;

const ModelConfig& Model::config() const { return m_impl->config; }
const Tokenizer& Model::tokenizer() const { return *m_impl->tokenizer; }
const GgufFile& Model::file() const { return *m_impl->file; }
backend::Device& Model::device() const { return *m_impl->device; }
const std::filesystem::path& Model::path() const { return m_impl->path; }
uint64_t Model::weight_bytes() const { return m_impl->weight_bytes; }

std::string Model::chat_template() const {
    const GgufValue* v = m_impl->file->find("tokenizer.chat_template");
    if (v == nullptr || !v->as_string())
        return {};
    return std::string(*v->as_string());
}

std::string Model::type_name() const {
    return model_type_name(*m_impl->file);
}

} // namespace quanta
