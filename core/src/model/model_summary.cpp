// SPDX-License-Identifier: MIT
// summarize_model: metadata and tensor table -> ModelSummary (see quanta/model_info.h).
#include "quanta/model_info.h"

#include "quanta/format.h"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>
#include <unordered_map>

namespace quanta {
namespace {

std::string type_mismatch(std::string_view key, const GgufValue& value, const char* expected) {
    std::string got = gguf_type_name(value.type());
    if (value.type() == GgufType::Array)
        got += std::string(" of ") + gguf_type_name(value.array_type());
    return "metadata key '" + std::string(key) + "' has type " + got + ", expected " + expected;
}

// Integer keys: any integer width; per-layer arrays (llama.cpp allows them for n_ff and the head
// counts) are summarized by their largest element, which is what sizes the buffers.
Result<std::optional<uint64_t>> read_uint(const GgufFile& file, const std::string& key) {
    const GgufValue* value = file.find(key);
    if (!value)
        return std::optional<uint64_t>{};
    if (value->type() == GgufType::Array) {
        auto elems = value->as_int_array();
        if (!elems || elems->empty())
            return make_error(ErrorCode::Corrupt, type_mismatch(key, *value, "an integer"));
        int64_t max = *std::max_element(elems->begin(), elems->end());
        if (max < 0)
            return make_error(ErrorCode::Corrupt, "metadata key '" + key + "' is negative");
        return std::optional<uint64_t>{static_cast<uint64_t>(max)};
    }
    if (auto v = value->as_uint())
        return std::optional<uint64_t>{*v};
    if (value->as_int())
        return make_error(ErrorCode::Corrupt, "metadata key '" + key + "' is negative");
    return make_error(ErrorCode::Corrupt, type_mismatch(key, *value, "an integer"));
}

// Float keys are FLOAT32 in converted files, but a hand-written file may use F64 or an integer
// (e.g. rope.freq_base = 10000); all of them mean the same number.
Result<std::optional<double>> read_float(const GgufFile& file, const std::string& key) {
    const GgufValue* value = file.find(key);
    if (!value)
        return std::optional<double>{};
    if (auto v = value->as_float())
        return std::optional<double>{*v};
    if (auto v = value->as_int())
        return std::optional<double>{static_cast<double>(*v)};
    if (auto v = value->as_uint())
        return std::optional<double>{static_cast<double>(*v)};
    return make_error(ErrorCode::Corrupt, type_mismatch(key, *value, "a number"));
}

Result<std::string> read_string(const GgufFile& file, const std::string& key) {
    const GgufValue* value = file.find(key);
    if (!value)
        return std::string{};
    auto s = value->as_string();
    if (!s)
        return make_error(ErrorCode::Corrupt, type_mismatch(key, *value, "a string"));
    return std::string(*s);
}

// Length of an array key; 0 when absent.
Result<uint64_t> read_array_size(const GgufFile& file, const std::string& key) {
    const GgufValue* value = file.find(key);
    if (!value)
        return uint64_t{0};
    if (value->type() != GgufType::Array)
        return make_error(ErrorCode::Corrupt, type_mismatch(key, *value, "an array"));
    return static_cast<uint64_t>(value->array_size());
}

Result<ModelHparams> read_hparams(const GgufFile& file, const std::string& arch) {
    ModelHparams h;
    struct UintKey {
        const char* suffix;
        std::optional<uint64_t> ModelHparams::*field;
    };
    static constexpr std::array<UintKey, 8> uint_keys{{
        {"context_length", &ModelHparams::context_length},
        {"embedding_length", &ModelHparams::embedding_length},
        {"block_count", &ModelHparams::block_count},
        {"feed_forward_length", &ModelHparams::feed_forward_length},
        {"attention.head_count", &ModelHparams::head_count},
        {"attention.head_count_kv", &ModelHparams::head_count_kv},
        {"rope.dimension_count", &ModelHparams::rope_dimension_count},
        {"vocab_size", &ModelHparams::vocab_size},
    }};
    for (const auto& k : uint_keys) {
        auto v = read_uint(file, arch + "." + k.suffix);
        if (!v)
            return v.take_error();
        h.*k.field = *v;
    }
    auto freq_base = read_float(file, arch + ".rope.freq_base");
    if (!freq_base)
        return freq_base.take_error();
    h.rope_freq_base = *freq_base;
    auto eps = read_float(file, arch + ".attention.layer_norm_rms_epsilon");
    if (!eps)
        return eps.take_error();
    h.rms_epsilon = *eps;
    return h;
}

Result<TokenizerSummary> read_tokenizer(const GgufFile& file) {
    TokenizerSummary t;
    auto model = read_string(file, "tokenizer.ggml.model");
    if (!model)
        return model.take_error();
    t.model = *model;
    if (t.model == "gpt2")
        t.kind = "byte-level BPE";
    else if (t.model == "llama")
        t.kind = "SentencePiece";
    else if (t.model == "bert")
        t.kind = "WordPiece";
    else if (t.model == "t5")
        t.kind = "Unigram";
    else
        t.kind = t.model;
    auto pre = read_string(file, "tokenizer.ggml.pre");
    if (!pre)
        return pre.take_error();
    t.pre = *pre;
    auto vocab = read_array_size(file, "tokenizer.ggml.tokens");
    if (!vocab)
        return vocab.take_error();
    t.vocab_size = *vocab;
    auto merges = read_array_size(file, "tokenizer.ggml.merges");
    if (!merges)
        return merges.take_error();
    t.merges_count = *merges;
    auto bos = read_uint(file, "tokenizer.ggml.bos_token_id");
    if (!bos)
        return bos.take_error();
    t.bos_id = *bos;
    auto eos = read_uint(file, "tokenizer.ggml.eos_token_id");
    if (!eos)
        return eos.take_error();
    t.eos_id = *eos;
    const GgufValue* tmpl = file.find("tokenizer.chat_template");
    t.has_chat_template = tmpl && tmpl->as_string() && !tmpl->as_string()->empty();
    return t;
}

std::vector<int64_t> trimmed_shape(const GgufTensorInfo& info) {
    size_t dims = std::clamp<size_t>(info.n_dims, 1, info.ne.size());
    while (dims > 1 && info.ne[dims - 1] == 1)
        --dims;
    return {info.ne.begin(), info.ne.begin() + static_cast<std::ptrdiff_t>(dims)};
}

int64_t product(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The multi-part layouts of docs/formats.md (suffixes from quanta/format.h). The main part names
// the weight and gives its shape; the other parts are found by name next to it.
struct MultiPartLayout {
    Format format;
    std::string_view main_suffix;
    std::array<std::string_view, 4> other_suffixes;
    int64_t ne0_per_main_element; ///< NF4 packs two 4-bit codes per I8 element
};
constexpr std::array<MultiPartLayout, 2> kMultiPartLayouts{{
    {Format::NF4,
     kNf4CodesSuffix,
     {kNf4AbsmaxSuffix, kNf4NestedAbsmaxSuffix, kNf4NestedOffsetSuffix, kNf4NestedMapSuffix},
     2},
    {Format::INT8, kInt8CodesSuffix, {kInt8ScaleSuffix, "", "", ""}, 1},
}};

std::vector<TensorRow> tensor_rows(const GgufFile& file) {
    const auto& tensors = file.tensors();
    std::unordered_map<std::string_view, size_t> index_of;
    for (size_t i = 0; i < tensors.size(); ++i)
        index_of.emplace(tensors[i].name, i);

    // group[i] = the logical row that GGUF tensor i belongs to, filled for multi-part weights.
    constexpr size_t kNone = static_cast<size_t>(-1);
    std::vector<size_t> group(tensors.size(), kNone);
    std::vector<TensorRow> groups;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const GgufTensorInfo& info = tensors[i];
        if (group[i] != kNone)
            continue; // already taken as a part of an earlier weight (only with odd names)
        for (const auto& layout : kMultiPartLayouts) {
            if (!ends_with(info.name, layout.main_suffix))
                continue;
            TensorRow row;
            row.name = info.name.substr(0, info.name.size() - layout.main_suffix.size());
            row.format = std::string(format_name(layout.format));
            row.shape = trimmed_shape(info);
            row.shape[0] *= layout.ne0_per_main_element;
            row.elements = product(row.shape);
            row.bytes = info.n_bytes;
            group[i] = groups.size();
            for (std::string_view suffix : layout.other_suffixes) {
                if (suffix.empty())
                    continue;
                auto it = index_of.find(row.name + std::string(suffix));
                if (it == index_of.end() || group[it->second] != kNone)
                    continue;
                group[it->second] = groups.size();
                row.bytes += tensors[it->second].n_bytes;
                ++row.part_count;
            }
            groups.push_back(std::move(row));
            break;
        }
    }

    std::vector<TensorRow> rows;
    std::vector<bool> emitted(groups.size(), false);
    for (size_t i = 0; i < tensors.size(); ++i) {
        if (group[i] != kNone) {
            if (!emitted[group[i]]) {
                emitted[group[i]] = true;
                rows.push_back(std::move(groups[group[i]]));
            }
            continue;
        }
        const GgufTensorInfo& info = tensors[i];
        TensorRow row;
        row.name = info.name;
        const char* type_name = ggml_type_name(info.ggml_type);
        row.format = type_name ? type_name : "type " + std::to_string(info.ggml_type);
        row.shape = trimmed_shape(info);
        row.elements = product(row.shape);
        row.bytes = info.n_bytes;
        rows.push_back(std::move(row));
    }
    return rows;
}

double bits_per(uint64_t bytes, int64_t elements) {
    return elements > 0 ? 8.0 * static_cast<double>(bytes) / static_cast<double>(elements) : 0.0;
}

} // namespace

Result<ModelSummary> summarize_model(const GgufFile& file) {
    ModelSummary s;
    s.gguf_version = file.version();
    s.file_size = file.file_size();
    s.metadata_count = file.metadata().size();

    const GgufValue* arch = file.find("general.architecture");
    if (!arch)
        return make_error(ErrorCode::NotFound, "not a model: metadata key 'general.architecture' is missing");
    auto arch_name = arch->as_string();
    if (!arch_name)
        return make_error(ErrorCode::Corrupt, type_mismatch("general.architecture", *arch, "a string"));
    if (arch_name->empty())
        return make_error(ErrorCode::Corrupt, "metadata key 'general.architecture' is empty");
    s.architecture = std::string(*arch_name);

    auto name = read_string(file, "general.name");
    if (!name)
        return name.take_error();
    s.name = *name;
    auto file_type = read_uint(file, "general.file_type");
    if (!file_type)
        return file_type.take_error();
    if (*file_type && **file_type <= UINT32_MAX) {
        s.file_type = static_cast<uint32_t>(**file_type);
        const char* ft_name = file_type_name(*s.file_type);
        s.file_type_name = ft_name ? ft_name : "";
    }

    auto hparams = read_hparams(file, s.architecture);
    if (!hparams)
        return hparams.take_error();
    s.hparams = *hparams;
    auto tokenizer = read_tokenizer(file);
    if (!tokenizer)
        return tokenizer.take_error();
    s.tokenizer = std::move(*tokenizer);

    s.gguf_tensor_count = file.tensors().size();
    s.tensors = tensor_rows(file);
    std::map<std::string, FormatUsage> usage;
    for (const TensorRow& row : s.tensors) {
        s.total_parameters += row.elements;
        s.total_tensor_bytes += row.bytes;
        FormatUsage& u = usage[row.format];
        u.format = row.format;
        ++u.tensor_count;
        u.elements += row.elements;
        u.bytes += row.bytes;
    }
    for (auto& [format, u] : usage) {
        u.bits_per_weight = bits_per(u.bytes, u.elements);
        s.formats.push_back(u);
    }
    std::stable_sort(s.formats.begin(), s.formats.end(),
                     [](const FormatUsage& a, const FormatUsage& b) { return a.bytes > b.bytes; });
    s.bits_per_weight = bits_per(s.total_tensor_bytes, s.total_parameters);
    return s;
}

std::string model_type_name(const GgufFile& file) {
    // NF4/INT8 files have no llama_ftype; the quantizer names their TYPE in its own key.
    if (const GgufValue* type = file.find(kQuantaQuantizeTypeKey); type && type->as_string())
        return std::string(*type->as_string());
    if (const GgufValue* ft = file.find("general.file_type"); ft && ft->as_uint()) {
        if (const char* name = file_type_name(static_cast<uint32_t>(*ft->as_uint()))) {
            std::string s(name);
            if (s.rfind("MOSTLY_", 0) == 0)
                s.erase(0, 7);
            if (s != "GUESSED")
                return s;
        }
    }
    // No (known) file type: name the format holding most weight bytes.
    auto summary = summarize_model(file);
    if (summary.ok() && !summary->formats.empty())
        return summary->formats.front().format;
    return "unknown";
}

} // namespace quanta
