// SPDX-License-Identifier: MIT
#include "reference_forward.h"

#include "quanta/format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace quanta::test {

namespace {

struct Matrix {
    int64_t k = 0, n = 0;      // n rows of k
    std::vector<float> w;      // row-major
    bool quantized = false;    // block format: ggml multiplies it by 8-bit quantized activations
};

bool g_ggml_numerics = false;

double fp16(double x) { return fp16_to_f32(f32_to_fp16(static_cast<float>(x))); }

/// ggml's Q8_0/Q8_1 activations: blocks of 32, d = fp16(amax/127), q = RNE(x * 127/amax).
std::vector<double> quantize_activations(const std::vector<double>& x) {
    std::vector<double> out(x.size());
    for (size_t b = 0; b + 32 <= x.size(); b += 32) {
        float amax = 0;
        for (size_t i = b; i < b + 32; ++i)
            amax = std::max(amax, std::abs(static_cast<float>(x[i])));
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        for (size_t i = b; i < b + 32; ++i)
            out[i] = std::nearbyint(static_cast<float>(x[i]) * id) * fp16(d);
    }
    return out;
}

int64_t int_key(const GgufFile& f, const std::string& key, int64_t fallback) {
    const GgufValue* v = f.find(key);
    return v && v->as_int() ? *v->as_int() : fallback;
}

double float_key(const GgufFile& f, const std::string& key, double fallback) {
    const GgufValue* v = f.find(key);
    return v && v->as_float() ? *v->as_float() : fallback;
}

/// Dequantizes weight `name` (a plain tensor, or the parts of an NF4/INT8 weight); empty if absent.
Matrix load(const GgufFile& f, const std::string& name) {
    Matrix m;
    if (const GgufTensorInfo* t = f.find_tensor(name)) {
        const auto format = format_from_ggml_type(t->ggml_type);
        EXPECT_TRUE(format.has_value()) << name;
        m.k = t->ne[0];
        m.n = t->n_rows();
        m.w.resize(static_cast<size_t>(m.k * m.n));
        m.quantized = format_traits(*format).block_elements > 1;
        const PartView part{"", t->ggml_type, std::span<const int64_t>(t->ne.data(), t->n_dims), t->bytes()};
        EXPECT_TRUE(dequantize_tensor_reference(*format, std::span<const PartView>(&part, 1), m.k, m.n, m.w.data()).ok());
        return m;
    }
    std::vector<PartView> parts;
    std::optional<Format> format;
    for (const GgufTensorInfo& t : f.tensors()) {
        if (t.name.rfind(name + ".", 0) != 0)
            continue;
        const std::string_view suffix = std::string_view(t.name).substr(name.size());
        parts.push_back({suffix, t.ggml_type, std::span<const int64_t>(t.ne.data(), t.n_dims), t.bytes()});
        if (suffix == kNf4CodesSuffix) {
            format = Format::NF4;
            m.k = t.ne[0] * 2;
            m.n = t.n_rows();
        } else if (suffix == kInt8CodesSuffix) {
            format = Format::INT8;
            m.k = t.ne[0];
            m.n = t.n_rows();
        }
    }
    if (!format)
        return m;
    m.w.resize(static_cast<size_t>(m.k * m.n));
    EXPECT_TRUE(dequantize_tensor_reference(*format, parts, m.k, m.n, m.w.data()).ok()) << name;
    return m;
}

std::vector<double> matvec(const Matrix& m, const std::vector<double>& x_in) {
    const std::vector<double> x = g_ggml_numerics && m.quantized ? quantize_activations(x_in) : x_in;
    std::vector<double> y(static_cast<size_t>(m.n));
    for (int64_t r = 0; r < m.n; ++r) {
        double s = 0;
        for (int64_t c = 0; c < m.k; ++c)
            s += static_cast<double>(m.w[static_cast<size_t>(r * m.k + c)]) * x[static_cast<size_t>(c)];
        y[static_cast<size_t>(r)] = s;
    }
    return y;
}

std::vector<double> rms_norm(const std::vector<double>& x, const Matrix& w, double eps) {
    double ss = 0;
    for (double v : x)
        ss += v * v;
    const double scale = 1.0 / std::sqrt(ss / static_cast<double>(x.size()) + eps);
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); ++i)
        y[i] = x[i] * scale * w.w[i];
    return y;
}

void rope(std::vector<double>& v, int64_t n_heads, int64_t head_dim, int64_t n_rot, bool neox, double base,
          const Matrix& factors, int64_t pos) {
    for (int64_t h = 0; h < n_heads; ++h) {
        double* x = v.data() + h * head_dim;
        for (int64_t i = 0; i < n_rot / 2; ++i) {
            double theta = static_cast<double>(pos) * std::pow(base, -2.0 * static_cast<double>(i) / static_cast<double>(n_rot));
            if (!factors.w.empty())
                theta /= factors.w[static_cast<size_t>(i)];
            const int64_t a = neox ? i : 2 * i;
            const int64_t b = neox ? i + n_rot / 2 : 2 * i + 1;
            const double x0 = x[a], x1 = x[b];
            x[a] = x0 * std::cos(theta) - x1 * std::sin(theta);
            x[b] = x0 * std::sin(theta) + x1 * std::cos(theta);
        }
    }
}

} // namespace

std::vector<double> reference_logits(const GgufFile& f, std::span<const int32_t> ids, bool ggml_numerics) {
    g_ggml_numerics = ggml_numerics;
    const std::string arch(*f.find("general.architecture")->as_string());
    const std::string a = arch + ".";
    const int64_t n_embd = int_key(f, a + "embedding_length", 0);
    const int64_t n_layer = int_key(f, a + "block_count", 0);
    const int64_t n_head = int_key(f, a + "attention.head_count", 0);
    const int64_t n_head_kv = int_key(f, a + "attention.head_count_kv", n_head);
    const int64_t head_dim = n_embd / n_head;
    const int64_t n_rot = int_key(f, a + "rope.dimension_count", head_dim);
    const double eps = float_key(f, a + "attention.layer_norm_rms_epsilon", 1e-5);
    const double base = float_key(f, a + "rope.freq_base", 10000.0);
    const bool neox = arch == "qwen2";
    const int64_t T = static_cast<int64_t>(ids.size());

    const Matrix embd = load(f, "token_embd.weight");
    const Matrix factors = load(f, "rope_freqs.weight");
    std::vector<std::vector<double>> x(static_cast<size_t>(T));
    for (int64_t t = 0; t < T; ++t) {
        const float* row = embd.w.data() + ids[static_cast<size_t>(t)] * embd.k;
        x[static_cast<size_t>(t)].assign(row, row + embd.k);
    }
    for (int64_t l = 0; l < n_layer; ++l) {
        const std::string b = "blk." + std::to_string(l) + ".";
        const Matrix attn_norm = load(f, b + "attn_norm.weight"), wq = load(f, b + "attn_q.weight"),
                     wk = load(f, b + "attn_k.weight"), wv = load(f, b + "attn_v.weight"),
                     wo = load(f, b + "attn_output.weight"), bq = load(f, b + "attn_q.bias"),
                     bk = load(f, b + "attn_k.bias"), bv = load(f, b + "attn_v.bias"),
                     ffn_norm = load(f, b + "ffn_norm.weight"), wg = load(f, b + "ffn_gate.weight"),
                     wu = load(f, b + "ffn_up.weight"), wd = load(f, b + "ffn_down.weight");
        std::vector<std::vector<double>> q(static_cast<size_t>(T)), k(q.size()), v(q.size());
        for (int64_t t = 0; t < T; ++t) {
            const auto h = rms_norm(x[static_cast<size_t>(t)], attn_norm, eps);
            auto& qt = q[static_cast<size_t>(t)];
            auto& kt = k[static_cast<size_t>(t)];
            auto& vt = v[static_cast<size_t>(t)];
            qt = matvec(wq, h);
            kt = matvec(wk, h);
            vt = matvec(wv, h);
            for (size_t i = 0; i < bq.w.size(); ++i)
                qt[i] += bq.w[i];
            for (size_t i = 0; i < bk.w.size(); ++i)
                kt[i] += bk.w[i];
            for (size_t i = 0; i < bv.w.size(); ++i)
                vt[i] += bv.w[i];
            rope(qt, n_head, head_dim, n_rot, neox, base, factors, t);
            rope(kt, n_head_kv, head_dim, n_rot, neox, base, factors, t);
            if (ggml_numerics) {
                for (double& e : kt)
                    e = fp16(e);
                for (double& e : vt)
                    e = fp16(e);
            }
        }
        for (int64_t t = 0; t < T; ++t) {
            std::vector<double> attn(static_cast<size_t>(n_head * head_dim), 0.0);
            for (int64_t h = 0; h < n_head; ++h) {
                const int64_t kvh = h / (n_head / n_head_kv);
                std::vector<double> scores(static_cast<size_t>(t + 1));
                double mx = -1e300;
                for (int64_t s = 0; s <= t; ++s) {
                    double dot = 0;
                    for (int64_t d = 0; d < head_dim; ++d)
                        dot += (ggml_numerics ? fp16(q[static_cast<size_t>(t)][static_cast<size_t>(h * head_dim + d)])
                                              : q[static_cast<size_t>(t)][static_cast<size_t>(h * head_dim + d)]) *
                               k[static_cast<size_t>(s)][static_cast<size_t>(kvh * head_dim + d)];
                    scores[static_cast<size_t>(s)] = dot / std::sqrt(static_cast<double>(head_dim));
                    mx = std::max(mx, scores[static_cast<size_t>(s)]);
                }
                double sum = 0;
                for (double& s : scores) {
                    s = std::exp(s - mx);
                    sum += s;
                }
                for (int64_t s = 0; s <= t; ++s)
                    for (int64_t d = 0; d < head_dim; ++d)
                        attn[static_cast<size_t>(h * head_dim + d)] +=
                            (ggml_numerics ? fp16(scores[static_cast<size_t>(s)] / sum) : scores[static_cast<size_t>(s)] / sum) * v[static_cast<size_t>(s)][static_cast<size_t>(kvh * head_dim + d)];
            }
            auto& xt = x[static_cast<size_t>(t)];
            const auto o = matvec(wo, attn);
            for (size_t i = 0; i < xt.size(); ++i)
                xt[i] += o[i];
            const auto h2 = rms_norm(xt, ffn_norm, eps);
            auto g = matvec(wg, h2);
            const auto u = matvec(wu, h2);
            for (size_t i = 0; i < g.size(); ++i)
                g[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
            const auto d = matvec(wd, g);
            for (size_t i = 0; i < xt.size(); ++i)
                xt[i] += d[i];
        }
    }
    const Matrix out_norm = load(f, "output_norm.weight");
    Matrix output = load(f, "output.weight");
    const Matrix& out = output.w.empty() ? embd : output;
    return matvec(out, rms_norm(x.back(), out_norm, eps));
}

} // namespace quanta::test
