// SPDX-License-Identifier: MIT
// export_hf_model: GGUF tensors -> model.safetensors under Hugging Face names, plus the JSON files,
// written into a temporary folder that is renamed into place at the end.
#include "quanta/hf_export.h"

#include "hf_export/hf_export_internal.h"
#include "hf_export/safetensors_writer.h"
#include "quanta/format.h"
#include "quanta/gguf.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

namespace quanta {

namespace {

namespace fs = std::filesystem;
using hf_export::ModelFacts;

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// One weight to export: a GGUF tensor (or the parts of an NF4/INT8 weight) and its HF identity.
struct Source {
    std::string gguf_name;
    std::string hf_name;
    Format format = Format::F32;
    int64_t ne0 = 0;                          ///< GGUF row length
    int64_t n_rows = 0;                       ///< GGUF rows
    std::vector<int64_t> hf_shape;            ///< [rows, cols] or [n]
    int64_t permute_heads = 0;                ///< > 0: un-permute rows in this many heads (llama q/k)
    const GgufTensorInfo* info = nullptr;     ///< the main (or only) part
    std::vector<const GgufTensorInfo*> parts; ///< every part of a multi-part weight
};

/// GGUF name -> HF name; "" for tensors HF does not hold (rope_freqs); nullopt when unknown.
std::optional<std::string> hf_name_of(const std::string& name, const ModelFacts& f, int64_t& permute_heads) {
    permute_heads = 0;
    if (name == "token_embd.weight")
        return "model.embed_tokens.weight";
    if (name == "output_norm.weight")
        return "model.norm.weight";
    if (name == "output.weight")
        return "lm_head.weight";
    if (name == "rope_freqs.weight")
        return "";
    if (name.rfind("blk.", 0) != 0)
        return std::nullopt;
    const size_t dot = name.find('.', 4);
    if (dot == std::string::npos || dot == 4)
        return std::nullopt;
    const std::string layer = name.substr(4, dot - 4);
    if (!std::all_of(layer.begin(), layer.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
        (layer.size() > 1 && layer[0] == '0') || layer.size() > 6 || std::stoll(layer) >= f.n_layer)
        return std::nullopt;
    const std::string rest = name.substr(dot + 1);
    const size_t kind_dot = rest.rfind('.');
    if (kind_dot == std::string::npos)
        return std::nullopt;
    const std::string base = rest.substr(0, kind_dot), kind = rest.substr(kind_dot + 1);
    if (kind != "weight" && kind != "bias")
        return std::nullopt;
    struct Map {
        const char* gguf;
        const char* hf;
    };
    static constexpr Map kMap[] = {
        {"attn_norm", "input_layernorm"}, {"ffn_norm", "post_attention_layernorm"},
        {"attn_q", "self_attn.q_proj"},   {"attn_k", "self_attn.k_proj"},
        {"attn_v", "self_attn.v_proj"},   {"attn_output", "self_attn.o_proj"},
        {"ffn_gate", "mlp.gate_proj"},    {"ffn_up", "mlp.up_proj"},
        {"ffn_down", "mlp.down_proj"},
    };
    for (const Map& m : kMap) {
        if (base != m.gguf)
            continue;
        if (f.arch == "llama" && base == "attn_q")
            permute_heads = f.n_head;
        if (f.arch == "llama" && base == "attn_k")
            permute_heads = f.n_head_kv;
        return "model.layers." + layer + "." + m.hf + "." + kind;
    }
    return std::nullopt;
}

Result<std::vector<Source>> collect_sources(const GgufFile& file, const ModelFacts& facts) {
    std::vector<Source> out;
    for (const GgufTensorInfo& t : file.tensors()) {
        Source s;
        s.info = &t;
        if (ends_with(t.name, kNf4CodesSuffix) || ends_with(t.name, kInt8CodesSuffix)) {
            const bool nf4 = ends_with(t.name, kNf4CodesSuffix);
            s.format = nf4 ? Format::NF4 : Format::INT8;
            s.gguf_name = t.name.substr(0, t.name.size() - (nf4 ? kNf4CodesSuffix : kInt8CodesSuffix).size());
            s.ne0 = t.ne[0] * (nf4 ? 2 : 1);
            for (const GgufTensorInfo& p : file.tensors())
                if (p.name.size() > s.gguf_name.size() && p.name.rfind(s.gguf_name + ".", 0) == 0)
                    s.parts.push_back(&p);
        } else if (ends_with(t.name, kNf4AbsmaxSuffix) || ends_with(t.name, kNf4NestedAbsmaxSuffix) ||
                   ends_with(t.name, kNf4NestedOffsetSuffix) || ends_with(t.name, kNf4NestedMapSuffix) ||
                   ends_with(t.name, kInt8ScaleSuffix)) {
            continue; // a secondary part, taken with its main part
        } else {
            auto format = format_from_ggml_type(t.ggml_type);
            if (!format || format_traits(*format).multi_part()) {
                const char* type = ggml_type_name(t.ggml_type);
                return make_error(ErrorCode::Unsupported, t.name + ": tensor type " +
                                                              (type ? type : std::to_string(t.ggml_type)) +
                                                              " has no dequantizer in this build");
            }
            s.format = *format;
            s.gguf_name = t.name;
            s.ne0 = t.ne[0];
        }
        if (t.ne[2] != 1 || t.ne[3] != 1)
            return make_error(ErrorCode::Unsupported, t.name + ": tensors of more than 2 dimensions are not exported");
        s.n_rows = t.ne[1];
        auto hf = hf_name_of(s.gguf_name, facts, s.permute_heads);
        if (!hf)
            return make_error(ErrorCode::Unsupported,
                              s.gguf_name + ": no Hugging Face name for this tensor (" + facts.arch + ")");
        if (hf->empty())
            continue;
        s.hf_name = *hf;
        const bool vector = t.n_dims == 1 || (s.n_rows == 1 && ends_with(s.gguf_name, ".bias"));
        s.hf_shape = vector ? std::vector<int64_t>{s.ne0 * s.n_rows} : std::vector<int64_t>{s.n_rows, s.ne0};
        if (s.permute_heads > 0) {
            const int64_t rows = s.hf_shape[0];
            if (rows % s.permute_heads != 0 || (rows / s.permute_heads) % 2 != 0)
                return make_error(ErrorCode::Corrupt, s.gguf_name + ": " + std::to_string(rows) +
                                                          " rows do not split into " + std::to_string(s.permute_heads) +
                                                          " heads of even size");
        }
        out.push_back(std::move(s));
    }
    std::sort(out.begin(), out.end(), [](const Source& a, const Source& b) { return a.hf_name < b.hf_name; });
    for (size_t i = 1; i < out.size(); ++i)
        if (out[i].hf_name == out[i - 1].hf_name)
            return make_error(ErrorCode::Corrupt, "two GGUF tensors map to " + out[i].hf_name);
    return out;
}

/// All of a tensor as f32 (1-D tensors and multi-part weights, which are not read row by row).
Result<std::vector<float>> dequantize_all(const Source& s) {
    std::vector<float> y(static_cast<size_t>(s.ne0 * s.n_rows));
    if (format_traits(s.format).multi_part()) {
        std::vector<PartView> views;
        for (const GgufTensorInfo* p : s.parts)
            views.push_back(PartView{std::string_view(p->name).substr(s.gguf_name.size()), p->ggml_type,
                                     std::span<const int64_t>(p->ne.data(), p->n_dims), p->bytes()});
        QUANTA_TRY(dequantize_tensor_reference(s.format, views, s.ne0, s.n_rows, y.data()));
        return y;
    }
    const size_t rb = row_bytes(s.format, s.ne0);
    for (int64_t r = 0; r < s.n_rows; ++r)
        dequantize_row(s.format, s.info->data + static_cast<size_t>(r) * rb, y.data() + r * s.ne0, s.ne0);
    return y;
}

/// The safetensors dtype of a tensor: F32 tensors (norms, biases) stay F32 so that converting the
/// folder back gives the same bytes (llama.cpp's converter keeps them F32 too); the rest `dtype`.
std::string stored_dtype(const Source& s, const std::string& dtype) {
    return s.format == Format::F32 ? std::string("F32") : dtype;
}

/// Write one tensor: HF row r comes from GGUF row src(r) (un-permuted for llama q/k).
Result<void> write_tensor(SafetensorsWriter& w, const Source& s, Format out_format) {
    const int64_t rows = s.hf_shape[0];
    const int64_t cols = (s.ne0 * s.n_rows) / rows;
    const int64_t heads = s.permute_heads;
    const int64_t d = heads > 0 ? rows / heads : 1, half = d / 2;
    auto src_row = [&](int64_t r) {
        if (heads <= 0)
            return r;
        const int64_t h = r / d, in = r % d, p = in / half, j = in % half;
        return h * d + 2 * j + p;
    };
    const bool whole = format_traits(s.format).multi_part() || s.hf_shape.size() == 1 || s.format == Format::F32;
    std::vector<float> all;
    if (whole) {
        QUANTA_TRY_ASSIGN(all, dequantize_all(s));
    }
    if (s.format == Format::F32) { // stored as F32 (stored_dtype): the values as they are
        std::vector<float> out(all.size());
        for (int64_t r = 0; r < rows; ++r)
            std::memcpy(out.data() + r * cols, all.data() + src_row(r) * cols, static_cast<size_t>(cols) * sizeof(float));
        return w.write({reinterpret_cast<const uint8_t*>(out.data()), out.size() * sizeof(float)});
    }
    const size_t rb = whole ? 0 : row_bytes(s.format, s.ne0);
    const bool copy = !whole && s.format == out_format; // F16 -> F16, BF16 -> BF16: the bits as stored
    std::vector<float> row(static_cast<size_t>(cols));
    std::vector<uint16_t> buf;
    const int64_t chunk_rows = std::max<int64_t>(1, (1 << 20) / std::max<int64_t>(cols, 1));
    for (int64_t r0 = 0; r0 < rows; r0 += chunk_rows) {
        const int64_t n = std::min(chunk_rows, rows - r0);
        buf.resize(static_cast<size_t>(n * cols));
        for (int64_t i = 0; i < n; ++i) {
            const int64_t src = src_row(r0 + i);
            uint16_t* dst = buf.data() + i * cols;
            if (copy) {
                std::memcpy(dst, s.info->data + static_cast<size_t>(src) * rb, static_cast<size_t>(cols) * 2);
                continue;
            }
            const float* x = row.data();
            if (whole)
                x = all.data() + src * cols;
            else
                dequantize_row(s.format, s.info->data + static_cast<size_t>(src) * rb, row.data(), cols);
            for (int64_t c = 0; c < cols; ++c)
                dst[c] = out_format == Format::BF16 ? f32_to_bf16(x[c]) : f32_to_fp16(x[c]);
        }
        QUANTA_TRY(w.write({reinterpret_cast<const uint8_t*>(buf.data()), buf.size() * 2}));
    }
    return {};
}

Result<void> write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out)
        return make_error(ErrorCode::Io, path.string() + ": cannot write the file");
    return {};
}

/// Removes a temporary folder unless released.
struct TempDir {
    fs::path path;
    ~TempDir() {
        if (!path.empty()) {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    }
};

std::string random_suffix() {
    std::random_device rd;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
    return buf;
}

Result<void> commit(const fs::path& tmp, const fs::path& out, bool out_exists) {
    std::error_code ec;
    if (!out_exists) {
        fs::rename(tmp, out, ec);
        if (ec)
            return make_error(ErrorCode::Io, out.string() + ": cannot rename the finished folder: " + ec.message());
        return {};
    }
    // Move the old folder aside, put the new one in place, then delete the old one.
    const fs::path old = out.parent_path() / ("." + out.filename().string() + ".old-" + random_suffix());
    fs::rename(out, old, ec);
    if (ec)
        return make_error(ErrorCode::Io, out.string() + ": cannot move the existing folder aside: " + ec.message());
    fs::rename(tmp, out, ec);
    if (ec) {
        std::error_code ignored;
        fs::rename(old, out, ignored);
        return make_error(ErrorCode::Io, out.string() + ": cannot rename the finished folder: " + ec.message());
    }
    fs::remove_all(old, ec);
    return {};
}

} // namespace

Result<HfExportReport> export_hf_model(const fs::path& gguf, const fs::path& out_dir_in,
                                       const HfExportOptions& options) {
    std::string dtype = options.dtype;
    for (char& c : dtype)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (dtype != "F16" && dtype != "BF16")
        return make_error(ErrorCode::InvalidArgument, "dtype '" + options.dtype + "' is not F16 or BF16");
    const Format out_format = dtype == "BF16" ? Format::BF16 : Format::F16;

    // Everything that can fail on the input is checked before anything is created.
    QUANTA_TRY_ASSIGN(GgufFile file, GgufFile::open(gguf));
    HfExportReport report;
    QUANTA_TRY_ASSIGN(ModelFacts facts, hf_export::read_model_facts(file));
    QUANTA_TRY_ASSIGN(std::vector<Source> sources, collect_sources(file, facts));
    QUANTA_TRY_ASSIGN(std::string config,
                      hf_export::config_json(file, facts, dtype == "BF16" ? "bfloat16" : "float16", report.warnings));
    QUANTA_TRY_ASSIGN(hf_export::TokenizerFiles tok, hf_export::tokenizer_files(file, facts, report.warnings));

    SafetensorsWriter writer;
    writer.set_metadata("format", "pt");
    for (const Source& s : sources) {
        QUANTA_TRY(writer.add(s.hf_name, stored_dtype(s, dtype), s.hf_shape));
        report.parameter_count += s.ne0 * s.n_rows;
    }

    std::error_code ec;
    fs::path out_dir = fs::absolute(out_dir_in, ec).lexically_normal();
    if (ec)
        return make_error(ErrorCode::Io, out_dir_in.string() + ": " + ec.message());
    if (!out_dir.has_filename())
        out_dir = out_dir.parent_path();
    const bool out_exists = fs::exists(out_dir, ec);
    if (out_exists) {
        if (!fs::is_directory(out_dir, ec))
            return make_error(ErrorCode::InvalidArgument, out_dir.string() + " exists and is not a folder");
        // --force must never delete the model being exported.
        const fs::path input = fs::weakly_canonical(fs::absolute(gguf, ec), ec);
        const fs::path target = fs::weakly_canonical(out_dir, ec);
        const auto rel = input.lexically_relative(target);
        if (!rel.empty() && *rel.begin() != "..")
            return make_error(ErrorCode::InvalidArgument,
                              out_dir.string() + " holds the input model; choose another folder");
        if (!fs::is_empty(out_dir, ec) && !options.overwrite)
            return make_error(ErrorCode::InvalidArgument,
                              out_dir.string() + " is not empty (choose a new folder, or overwrite it with --force)");
    }
    fs::create_directories(out_dir.parent_path(), ec);
    if (ec)
        return make_error(ErrorCode::Io,
                          out_dir.parent_path().string() + ": cannot create the folder: " + ec.message());
    TempDir tmp{out_dir.parent_path() / ("." + out_dir.filename().string() + ".tmp-" + random_suffix())};
    if (!fs::create_directory(tmp.path, ec) || ec) {
        const fs::path failed = tmp.path;
        tmp.path.clear(); // not ours: do not remove it
        return make_error(ErrorCode::Io, failed.string() + ": cannot create the folder" +
                                             (ec ? ": " + ec.message() : std::string(" (it exists)")));
    }

    QUANTA_TRY(writer.begin(tmp.path / "model.safetensors"));
    for (size_t i = 0; i < sources.size(); ++i) {
        QUANTA_TRY(write_tensor(writer, sources[i], out_format));
        if (options.on_progress && !options.on_progress(i + 1, sources.size()))
            return make_error(ErrorCode::Cancelled, "export cancelled");
    }
    QUANTA_TRY(writer.finish());
    QUANTA_TRY(write_text(tmp.path / "config.json", config));
    QUANTA_TRY(write_text(tmp.path / "generation_config.json", hf_export::generation_config_json(facts)));
    QUANTA_TRY(write_text(tmp.path / "tokenizer.json", tok.tokenizer_json));
    QUANTA_TRY(write_text(tmp.path / "tokenizer_config.json", tok.tokenizer_config_json));
    QUANTA_TRY(commit(tmp.path, out_dir, out_exists));
    tmp.path.clear();

    report.out_dir = out_dir;
    report.architecture = facts.arch;
    report.hf_architecture = facts.arch == "qwen2" ? "Qwen2ForCausalLM" : "LlamaForCausalLM";
    report.dtype = dtype;
    report.tensor_count = sources.size();
    report.safetensors_bytes = writer.file_size();
    report.tied_embeddings = facts.tied;
    report.vocab_size = tok.vocab_size;
    report.merges_count = tok.merges_count;
    return report;
}

} // namespace quanta
