// SPDX-License-Identifier: MIT
// quanta-cli convert HF_MODEL_DIR OUT.gguf [--type TYPE]: a Hugging Face safetensors folder to
// GGUF (quanta/hf_import.h), optionally quantized in the same pass. Progress on stderr, a
// one-line summary on stdout; Ctrl-C cancels and leaves nothing behind.
#include "commands.h"

#include "quanta/hf_import.h"
#include "quanta/model_info.h"
#include "quanta/quantize.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace quanta::cli {

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_convert_interrupt(int) { g_interrupted = true; }

bool known_type(const std::string& type) {
    std::string upper = type;
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper == "F16" || upper == "BF16" || upper == "F32" || quantize_type_from_name(type).has_value();
}

int convert(const ParsedArgs& args) {
    const std::string dir = args.positional()[0];
    const std::string out = args.positional()[1];
    const std::string type = args.value("--type").value_or("F16");
    if (!known_type(type)) {
        std::string names;
        for (std::string_view n : quantize_type_names())
            names += (names.empty() ? "" : " ") + std::string(n);
        return usage_error("convert", "unknown TYPE '" + printable(type) + "' (one of: " + names + ")");
    }
    auto threads = args.int_value("--threads", 1, 1024);
    if (!threads)
        return usage_error("convert", threads.error().message);
    const bool tty = isatty(STDERR_FILENO) != 0;

    HfConvertOptions options;
    options.type = type;
    options.threads = static_cast<int>(threads->value_or(0));
    bool line_shown = false;
    int last_stage = -1;
    options.on_progress = [&](const HfConvertProgress& p) {
        if (g_interrupted)
            return false;
        const bool quantizing = p.stage == HfConvertProgress::Stage::Quantizing;
        const char* verb = quantizing ? "quantizing" : "converting";
        if (tty) {
            const double pct = p.bytes_total ? 100.0 * static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 100.0;
            std::fprintf(stderr, "\r\033[Kquanta-cli: %s [%zu/%zu] %5.1f%%  %s / %s  %.0fs  %s", verb,
                         std::min(p.tensor_index + 1, p.tensor_count), p.tensor_count, pct,
                         format_byte_size(p.bytes_done).c_str(), format_byte_size(p.bytes_total).c_str(), p.elapsed_s,
                         printable(p.name).c_str());
            std::fflush(stderr);
            line_shown = true;
        } else if (static_cast<int>(p.stage) != last_stage) {
            std::fprintf(stderr, "quanta-cli: %s %zu tensors (%s)\n", verb, p.tensor_count, format_byte_size(p.bytes_total).c_str());
        }
        last_stage = static_cast<int>(p.stage);
        return true;
    };

    g_interrupted = false;
    std::signal(SIGINT, on_convert_interrupt);
    auto report = convert_hf_model(dir, out, options);
    std::signal(SIGINT, SIG_DFL);
    if (line_shown)
        std::fprintf(stderr, "\r\033[K");
    if (!report)
        return fail("convert", report.error().message);

    const HfConvertReport& r = *report;
    std::printf("wrote %s: %s (%s, %s tokenizer '%s'), %s, %zu tensors, %s, in %.2f s\n", printable(out).c_str(),
                printable(r.model.name).c_str(), r.model.hf_architecture.c_str(), r.model.tokenizer_model.c_str(),
                r.model.tokenizer_model == "gpt2" ? r.model.tokenizer_pre.c_str() : "spm", r.type.c_str(), r.tensor_count,
                format_byte_size(r.output_file_bytes).c_str(), r.seconds);
    return kExitOk;
}

} // namespace

const CommandSpec& convert_command() {
    static const CommandSpec spec{
        "convert",
        "Convert a Hugging Face safetensors model folder to GGUF",
        "HF_MODEL_DIR OUT.gguf",
        "Reads config.json, tokenizer.json, tokenizer_config.json, generation_config.json and the\n"
        "*.safetensors weights (one file, or shards listed in model.safetensors.index.json; F32, F16,\n"
        "BF16) of a LlamaForCausalLM, MistralForCausalLM or Qwen2ForCausalLM model and writes a GGUF\n"
        "file with llama.cpp's metadata, tensor names and tokenizer keys.\n"
        "  --type F16 (default), BF16, F32   weights in that type (norms and biases stay F32)\n"
        "  --type Q8_0, Q4_K_M, ...           quantize in the same pass (see 'quantize --help')\n"
        "The output appears only when complete; Ctrl-C cancels and leaves nothing behind.",
        {
            {"--type", "TYPE", "Output type (default F16)"},
            {"--threads", "N", "Quantization threads (default: all cores)", "-t"},
        },
        2,
        2,
        convert,
    };
    return spec;
}

} // namespace quanta::cli
