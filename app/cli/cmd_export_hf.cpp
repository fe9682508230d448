// SPDX-License-Identifier: MIT
// quanta-cli export-hf MODEL.gguf OUT_DIR [--dtype F16|BF16] [--force]: write a Hugging Face folder
// (model.safetensors, config.json, generation_config.json, tokenizer.json, tokenizer_config.json)
// from a GGUF model (quanta/hf_export.h). Progress and warnings go to stderr, one summary line to
// stdout.
#include "cli.h"
#include "commands.h"

#include "quanta/hf_export.h"
#include "quanta/model_info.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>

#include <unistd.h>

namespace quanta::cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void on_export_interrupt(int) {
    g_interrupted = 1;
}

int run_export_hf(const ParsedArgs& args) {
    const std::string& in = args.positional().at(0);
    const std::string& out = args.positional().at(1);
    HfExportOptions options;
    options.dtype = args.value("--dtype").value_or("F16");
    if (options.dtype != "F16" && options.dtype != "BF16" && options.dtype != "f16" && options.dtype != "bf16")
        return usage_error("export-hf", "--dtype must be F16 or BF16, not '" + printable(options.dtype) + "'");
    options.overwrite = args.flag("--force");

    const bool tty = isatty(STDERR_FILENO) != 0;
    bool line_shown = false;
    size_t last_tenth = 0;
    options.on_progress = [&](size_t done, size_t total) {
        if (g_interrupted)
            return false;
        if (tty) {
            std::fprintf(stderr, "\r\033[Kquanta-cli: export-hf: tensor %zu/%zu", done, total);
            line_shown = true;
        } else if (total > 0 && done * 10 / total > last_tenth) {
            last_tenth = done * 10 / total;
            std::fprintf(stderr, "quanta-cli: export-hf: %zu/%zu tensors\n", done, total);
        }
        std::fflush(stderr);
        return true;
    };

    const auto start = std::chrono::steady_clock::now();
    g_interrupted = 0;
    std::signal(SIGINT, on_export_interrupt);
    auto report = export_hf_model(in, out, options);
    std::signal(SIGINT, SIG_DFL);
    if (line_shown)
        std::fprintf(stderr, "\r\033[K");
    if (!report)
        return fail("export-hf", report.error().message);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const HfExportReport& r = *report;
    for (const std::string& w : r.warnings)
        std::fprintf(stderr, "quanta-cli: export-hf: warning: %s\n", printable(w).c_str());
    std::printf("wrote %s: %s (%s), %zu tensors, %s parameters, model.safetensors %s, vocab %zu, %zu merges%s, "
                "in %.2f s\n",
                printable(r.out_dir.string()).c_str(), r.hf_architecture.c_str(), r.dtype.c_str(), r.tensor_count,
                format_count(r.parameter_count).c_str(), format_byte_size(r.safetensors_bytes).c_str(), r.vocab_size,
                r.merges_count, r.tied_embeddings ? ", tied embeddings" : "", seconds);
    if (std::fflush(stdout) != 0)
        return fail("export-hf", "could not write to standard output");
    return kExitOk;
}

} // namespace

const CommandSpec& export_hf_command() {
    static const CommandSpec spec{
        .name = "export-hf",
        .summary = "Export a GGUF model as a Hugging Face folder (safetensors + config + tokenizer)",
        .positional_usage = "MODEL.gguf OUT_DIR",
        .description =
            "Writes OUT_DIR with model.safetensors (every weight dequantized to F16 or BF16, norms and biases\n"
            "in F32, under Hugging Face names, llama Q/K rows un-permuted), config.json, generation_config.json, tokenizer.json and\n"
            "tokenizer_config.json. llama and qwen2 models with a byte-level BPE tokenizer. The folder is\n"
            "written atomically; an existing non-empty OUT_DIR is refused unless --force replaces it.",
        .options = {{"--dtype", "F16|BF16", "Weight type of model.safetensors (default F16)"},
                    {"--force", "", "Replace OUT_DIR if it exists and is not empty"}},
        .min_positional = 2,
        .max_positional = 2,
        .run = run_export_hf,
    };
    return spec;
}

} // namespace quanta::cli
