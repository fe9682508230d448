// SPDX-License-Identifier: MIT
// quanta-cli inspect MODEL.gguf [--json]: the model summary (quanta/model_info.h) as a readable
// report or as one JSON object with the same facts.
#include "cli.h"
#include "commands.h"

#include "quanta/gguf.h"
#include "quanta/model_info.h"

#include <cstdio>
#include <string>

#ifdef QUANTA_HAVE_JSON
#include <nlohmann/json.hpp>
#endif

namespace quanta::cli {
namespace {

std::string fmt(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::string or_dash(const std::optional<uint64_t>& v) {
    return v ? std::to_string(*v) : "-";
}
std::string or_dash(const std::optional<double>& v) {
    return v ? fmt("%g", *v) : "-";
}

void line(std::string& out, std::string_view label, const std::string& value) {
    out += "  ";
    out += label;
    out += std::string(label.size() < 22 ? 22 - label.size() : 1, ' ');
    out += value;
    out += '\n';
}

std::string pad(std::string s, size_t width) {
    if (s.size() < width)
        s.append(width - s.size(), ' ');
    return s;
}

std::string pad_left(std::string s, size_t width) {
    if (s.size() < width)
        s.insert(0, width - s.size(), ' ');
    return s;
}

std::string text_report(const std::string& path, const ModelSummary& s) {
    std::string out;
    out += "Model\n";
    line(out, "File", printable(path));
    line(out, "Size",
         format_byte_size(s.file_size) + " (" + std::to_string(s.file_size) + " bytes), GGUF v" +
             std::to_string(s.gguf_version) + ", " + std::to_string(s.metadata_count) + " metadata keys");
    line(out, "Name", s.name.empty() ? "-" : printable(s.name));
    line(out, "Architecture", printable(s.architecture));
    std::string file_type = "-";
    if (s.file_type)
        file_type =
            (s.file_type_name.empty() ? "unknown" : s.file_type_name) + " (" + std::to_string(*s.file_type) + ")";
    line(out, "File type", file_type);

    const ModelHparams& h = s.hparams;
    out += "\nHyperparameters\n";
    line(out, "Context length", or_dash(h.context_length));
    line(out, "Embedding length", or_dash(h.embedding_length));
    line(out, "Block count", or_dash(h.block_count));
    line(out, "Feed-forward length", or_dash(h.feed_forward_length));
    line(out, "Attention heads", or_dash(h.head_count));
    line(out, "KV heads", h.head_count_kv ? or_dash(h.head_count_kv) : "- (same as attention heads)");
    line(out, "RoPE frequency base", or_dash(h.rope_freq_base));
    line(out, "RoPE dimensions", or_dash(h.rope_dimension_count));
    line(out, "RMS norm epsilon", or_dash(h.rms_epsilon));
    line(out, "Vocabulary size", or_dash(h.vocab_size));

    const TokenizerSummary& t = s.tokenizer;
    out += "\nTokenizer\n";
    line(out, "Kind", t.model.empty() ? "-" : printable(t.kind) + " (" + printable(t.model) + ")");
    line(out, "Pre-tokenizer", t.pre.empty() ? "-" : printable(t.pre));
    line(out, "Vocabulary", std::to_string(t.vocab_size) + " tokens");
    line(out, "Merges", std::to_string(t.merges_count));
    line(out, "BOS / EOS token", or_dash(t.bos_id) + " / " + or_dash(t.eos_id));
    line(out, "Chat template", t.has_chat_template ? "present" : "absent");

    out += "\nTensors (" + std::to_string(s.gguf_tensor_count) + " in the file";
    if (s.tensors.size() != s.gguf_tensor_count)
        out += ", " + std::to_string(s.tensors.size()) + " weights";
    out += ")\n";
    size_t name_w = 4, format_w = 6, shape_w = 5;
    for (const TensorRow& r : s.tensors) {
        name_w = std::max(name_w, r.name.size());
        format_w = std::max(format_w, r.format.size());
        shape_w = std::max(shape_w, format_shape(r.shape).size());
    }
    out += "  " + pad("NAME", name_w) + "  " + pad("FORMAT", format_w) + "  " + pad("SHAPE", shape_w) + "  " +
           pad_left("BYTES", 12) + "\n";
    for (const TensorRow& r : s.tensors)
        out += "  " + pad(printable(r.name), name_w) + "  " + pad(r.format, format_w) + "  " +
               pad(format_shape(r.shape), shape_w) + "  " + pad_left(std::to_string(r.bytes), 12) + "\n";

    out += "\nSize\n";
    line(out, "Parameters", std::to_string(s.total_parameters) + " (" + format_count(s.total_parameters) + ")");
    line(out, "Tensor data",
         format_byte_size(s.total_tensor_bytes) + " (" + std::to_string(s.total_tensor_bytes) + " bytes)");
    out += "\nBits per weight\n";
    out += "  " + pad("FORMAT", 10) + pad_left("TENSORS", 8) + pad_left("WEIGHTS", 14) + pad_left("BYTES", 14) +
           pad_left("BITS/WEIGHT", 13) + "\n";
    for (const FormatUsage& f : s.formats)
        out += "  " + pad(f.format, 10) + pad_left(std::to_string(f.tensor_count), 8) +
               pad_left(std::to_string(f.elements), 14) + pad_left(std::to_string(f.bytes), 14) +
               pad_left(fmt("%.4f", f.bits_per_weight), 13) + "\n";
    out += "  " + pad("overall", 10) + pad_left(std::to_string(s.tensors.size()), 8) +
           pad_left(std::to_string(s.total_parameters), 14) + pad_left(std::to_string(s.total_tensor_bytes), 14) +
           pad_left(fmt("%.4f", s.bits_per_weight), 13) + "\n";
    return out;
}

#ifdef QUANTA_HAVE_JSON
template <class T>
nlohmann::ordered_json or_null(const std::optional<T>& v) {
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

std::string json_report(const std::string& path, const ModelSummary& s) {
    using json = nlohmann::ordered_json;
    const ModelHparams& h = s.hparams;
    const TokenizerSummary& t = s.tokenizer;
    json tensors = json::array();
    for (const TensorRow& r : s.tensors)
        tensors.push_back({{"name", r.name},
                           {"format", r.format},
                           {"shape", r.shape},
                           {"elements", r.elements},
                           {"bytes", r.bytes},
                           {"parts", r.part_count}});
    json formats = json::array();
    for (const FormatUsage& f : s.formats)
        formats.push_back({{"format", f.format},
                           {"tensors", f.tensor_count},
                           {"elements", f.elements},
                           {"bytes", f.bytes},
                           {"bits_per_weight", f.bits_per_weight}});
    json j = {
        {"file", path},
        {"file_size", s.file_size},
        {"gguf_version", s.gguf_version},
        {"metadata_count", s.metadata_count},
        {"architecture", s.architecture},
        {"name", s.name},
        {"file_type", or_null(s.file_type)},
        {"file_type_name", s.file_type_name},
        {"hyperparameters",
         {{"context_length", or_null(h.context_length)},
          {"embedding_length", or_null(h.embedding_length)},
          {"block_count", or_null(h.block_count)},
          {"feed_forward_length", or_null(h.feed_forward_length)},
          {"head_count", or_null(h.head_count)},
          {"head_count_kv", or_null(h.head_count_kv)},
          {"rope_freq_base", or_null(h.rope_freq_base)},
          {"rope_dimension_count", or_null(h.rope_dimension_count)},
          {"layer_norm_rms_epsilon", or_null(h.rms_epsilon)},
          {"vocab_size", or_null(h.vocab_size)}}},
        {"tokenizer",
         {{"model", t.model},
          {"kind", t.kind},
          {"pre", t.pre},
          {"vocab_size", t.vocab_size},
          {"merges_count", t.merges_count},
          {"bos_token_id", or_null(t.bos_id)},
          {"eos_token_id", or_null(t.eos_id)},
          {"chat_template", t.has_chat_template}}},
        {"gguf_tensor_count", s.gguf_tensor_count},
        {"tensor_count", s.tensors.size()},
        {"tensors", tensors},
        {"total_parameters", s.total_parameters},
        {"total_tensor_bytes", s.total_tensor_bytes},
        {"formats", formats},
        {"bits_per_weight", s.bits_per_weight},
    };
    // Strings come from the file and may hold invalid UTF-8: replace rather than throw.
    return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}
#endif

int run_inspect(const ParsedArgs& args) {
    const std::string& path = args.positional().at(0);
#ifndef QUANTA_HAVE_JSON
    if (args.flag("--json"))
        return fail(path, "this quanta-cli was built without JSON support (install nlohmann-json3-dev)");
#endif
    auto file = GgufFile::open(path);
    if (!file)
        return fail(path, file.error().message);
    auto summary = summarize_model(*file);
    if (!summary)
        return fail(path, summary.error().message);
    std::string report;
#ifdef QUANTA_HAVE_JSON
    report = args.flag("--json") ? json_report(path, *summary) : text_report(path, *summary);
#else
    report = text_report(path, *summary);
#endif
    if (std::fputs(report.c_str(), stdout) < 0 || std::fflush(stdout) != 0)
        return fail(path, "could not write the report to standard output");
    return kExitOk;
}

} // namespace

const CommandSpec& inspect_command() {
    static const CommandSpec spec{
        .name = "inspect",
        .summary = "Show a model's architecture, tokenizer, tensors and bits per weight",
        .positional_usage = "MODEL.gguf",
        .description = "Reads a GGUF file's header (no weights are loaded) and prints its architecture,\n"
                       "hyperparameters, tokenizer, tensor table, parameter count and bits per weight.",
        .options = {{"--json", "", "Print one JSON object instead of the text report"}},
        .min_positional = 1,
        .max_positional = 1,
        .run = run_inspect,
    };
    return spec;
}

} // namespace quanta::cli
