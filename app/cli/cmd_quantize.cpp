// SPDX-License-Identifier: MIT
// quanta-cli quantize IN.gguf OUT.gguf TYPE: the core quantizer (quanta/quantize.h) with a
// progress line on stderr and, with --json, one report object on stdout.
#include "commands.h"

#include "quanta/model_info.h"
#include "quanta/quantize.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace quanta::cli {

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_quantize_interrupt(int) { g_interrupted = true; }

std::string duration_text(double s) {
    char buf[32];
    if (s < 60)
        std::snprintf(buf, sizeof buf, "%.0fs", s);
    else
        std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
    return buf;
}

nlohmann::ordered_json report_json(const std::string& in, const std::string& out, const QuantizeReport& r) {
    nlohmann::ordered_json j;
    j["input"] = in;
    j["output"] = out;
    j["type"] = r.type;
    j["file_type"] = r.file_type ? nlohmann::ordered_json(*r.file_type) : nlohmann::ordered_json(nullptr);
    j["threads"] = r.threads;
    j["seconds"] = r.seconds;
    j["input_bytes"] = r.input_file_bytes;
    j["output_bytes"] = r.output_file_bytes;
    j["tensor_bytes"] = r.tensor_bytes;
    j["source_tensor_bytes"] = r.source_tensor_bytes;
    j["elements"] = r.elements;
    j["bits_per_weight"] = r.bits_per_weight();
    j["quantized"] = r.quantized_count;
    j["copied"] = r.copied_count;
    j["fallback"] = r.fallback_count;
    auto& tensors = j["tensors"] = nlohmann::ordered_json::array();
    for (const QuantizedTensorReport& t : r.tensors) {
        nlohmann::ordered_json o;
        o["name"] = t.name;
        o["shape"] = t.shape;
        o["source"] = t.source_format;
        o["format"] = t.format;
        o["quantized"] = t.quantized;
        o["fallback"] = t.fallback;
        o["source_bytes"] = t.source_bytes;
        o["bytes"] = t.bytes;
        tensors.push_back(std::move(o));
    }
    return j;
}

int quantize(const ParsedArgs& args) {
    const std::string in = args.positional()[0];
    const std::string out = args.positional()[1];
    const std::string type = args.positional()[2];
    if (!quantize_type_from_name(type)) {
        std::string names;
        for (std::string_view n : quantize_type_names())
            names += (names.empty() ? "" : " ") + std::string(n);
        return usage_error("quantize", "unknown TYPE '" + printable(type) + "' (one of: " + names + ")");
    }
    auto threads = args.int_value("--threads", 1, 1024);
    if (!threads)
        return usage_error("quantize", threads.error().message);
    auto threshold = args.float_value("--int8-threshold", 0.0, 1e30);
    if (!threshold)
        return usage_error("quantize", threshold.error().message);
    const bool json = args.flag("--json");
    const bool tty = isatty(STDERR_FILENO) != 0;

    QuantizeOptions options;
    options.type = type;
    options.threads = static_cast<int>(threads->value_or(0));
    if (*threshold)
        options.int8_threshold = static_cast<float>(**threshold);
    bool line_shown = false;
    options.on_progress = [&](const QuantizeProgress& p) {
        if (g_interrupted)
            return false;
        if (tty) {
            const double pct = p.bytes_total ? 100.0 * static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 100.0;
            std::fprintf(stderr, "\r\033[Kquanta-cli: [%zu/%zu] %5.1f%%  %s / %s  %s elapsed, ETA %s  %s",
                         std::min(p.tensor_index + 1, p.tensor_count), p.tensor_count, pct,
                         format_byte_size(p.bytes_done).c_str(), format_byte_size(p.bytes_total).c_str(),
                         duration_text(p.elapsed_s).c_str(), duration_text(p.eta_s).c_str(),
                         printable(p.name).c_str());
            std::fflush(stderr);
            line_shown = true;
        }
        return true;
    };

    g_interrupted = false;
    std::signal(SIGINT, on_quantize_interrupt);
    auto report = quantize_model(in, out, options);
    std::signal(SIGINT, SIG_DFL);
    if (line_shown)
        std::fprintf(stderr, "\r\033[K");
    if (!report) {
        // Name the file the error is about: the output for write errors and refusals, else the input.
        const Error& e = report.error();
        const bool about_output = e.message.rfind(in, 0) != 0 &&
                                  (e.code == ErrorCode::Io || e.code == ErrorCode::InvalidArgument);
        return fail(about_output ? out : in, e.message);
    }

    const QuantizeReport& r = *report;
    std::fprintf(stderr,
                 "quanta-cli: wrote %s (%s, %zu tensors: %zu quantized, %zu copied, %zu shape fallbacks), "
                 "%s -> %s, %.2f bits/weight, in %.2f s (%d threads)\n",
                 printable(out).c_str(), r.type.c_str(), r.tensors.size(), r.quantized_count, r.copied_count,
                 r.fallback_count, format_byte_size(r.input_file_bytes).c_str(),
                 format_byte_size(r.output_file_bytes).c_str(), r.bits_per_weight(), r.seconds, r.threads);
    if (json)
        std::printf("%s\n", report_json(in, out, r).dump().c_str());
    return kExitOk;
}

} // namespace

const CommandSpec& quantize_command() {
    static const CommandSpec spec{
        "quantize",
        "Convert a model's weights to another format",
        "IN.gguf OUT.gguf TYPE",
        "Reads IN.gguf and writes OUT.gguf with the weights in TYPE:\n"
        "  F32 F16 BF16 Q8_0 Q6_K Q4_0    one format for every weight (the output matrix as llama.cpp)\n"
        "  Q5_K_M Q4_K_M Q4_K_S           llama.cpp's per-tensor mixtures, with its shape fallbacks\n"
        "  NF4 INT8                       bitsandbytes formats for the linear layers; embeddings F16\n"
        "Norms and biases are copied. The output is written to a temporary file and renamed when\n"
        "complete; the input is never overwritten. Ctrl-C cancels and leaves no output.",
        {
            {"--threads", "N", "Threads (default: all cores)", "-t"},
            {"--json", "", "Print one JSON report object on stdout"},
            {"--int8-threshold", "X", "INT8: the LLM.int8() outlier threshold stored in the file (default 6.0)"},
        },
        3,
        3,
        quantize,
    };
    return spec;
}

} // namespace quanta::cli
