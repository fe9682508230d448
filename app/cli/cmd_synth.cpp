// SPDX-License-Identifier: MIT
// quanta-cli synth: write a model with random weights and real shapes (benchmarks, tests, the
// GPU machine where no model can be downloaded).
#include "commands.h"

#include "quanta/synth_model.h"

#include <cstdio>
#include <string>
#include <string_view>

namespace quanta::cli {

namespace {

std::string shape_list() {
    std::string out;
    for (std::string_view n : synth_shape_names())
        out += (out.empty() ? "" : ", ") + std::string(n);
    return out;
}

int synth(const ParsedArgs& args) {
    const std::string shape = args.value("--shape").value_or(std::string(synth_shape_names()[0]));
    const auto shaped = synth_shape(shape);
    if (!shaped)
        return usage_error("synth", "unknown --shape '" + printable(shape) + "' (known: " + shape_list() + ")");
    SynthModelSpec spec = *shaped;
    const auto output = args.value("--output");
    if (output && !args.positional().empty())
        return usage_error("synth", "give the output file once: -o OUT.gguf or OUT.gguf");
    if (!output && args.positional().empty())
        return usage_error("synth", "missing the output file (-o OUT.gguf)");
    const std::string type = args.value("--type").value_or("Q8_0");
    const auto format = format_from_name(type);
    if (!format)
        return usage_error("synth", "unknown --type '" + printable(type) + "'");
    spec.weight_format = spec.embedding_format = spec.output_format = *format;
    struct IntOption {
        const char* name;
        int64_t* field;
        int64_t max;
    } ints[] = {{"--vocab", &spec.n_vocab, 1 << 20}, {"--embd", &spec.n_embd, 1 << 16},
                {"--layers", &spec.n_layer, 1024},   {"--ff", &spec.n_ff, 1 << 18},
                {"--heads", &spec.n_head, 1024},     {"--kv-heads", &spec.n_head_kv, 1024}};
    for (const IntOption& o : ints) {
        auto v = args.int_value(o.name, 1, o.max);
        if (!v)
            return usage_error("synth", v.error().message);
        if (*v)
            *o.field = **v;
    }
    auto seed = args.int_value("--seed", 0, INT64_MAX);
    if (!seed)
        return usage_error("synth", seed.error().message);
    spec.seed = static_cast<uint64_t>(seed->value_or(1));
    if (args.flag("--untied"))
        spec.tied_output = false;
    if (auto arch = args.value("--arch"))
        spec.architecture = *arch;
    const std::string out = output ? *output : args.positional()[0];
    auto r = write_synth_model(out, spec);
    if (!r)
        return fail(out, r.error().message);
    std::fprintf(stderr, "quanta-cli: wrote %s (%s shapes, %s, %lld layers, width %lld)\n", printable(out).c_str(),
                 shape.c_str(), type.c_str(), static_cast<long long>(spec.n_layer),
                 static_cast<long long>(spec.n_embd));
    return kExitOk;
}

} // namespace

const CommandSpec& synth_command() {
    static const CommandSpec spec{
        "synth",
        "Write a model with random weights and real shapes",
        "[OUT.gguf]",
        "Writes a llama (or qwen2) GGUF with random weights (seeded) in the shapes of a well-known\n"
        "model and a small real vocabulary (256 byte tokens and 3 specials; the rest of the\n"
        "vocabulary is unused filler tokens). For benchmarks and tests; its text is noise.\n"
        "  smollm2-135m  SmolLM2-135M: 576 wide, 30 layers, 9/3 heads, FFN 1536, vocab 49152, tied\n"
        "  llama-1b      Llama-3.2-1B: 2048 wide, 16 layers, 32/8 heads, FFN 8192, vocab 128256,\n"
        "                rope base 500000 with llama3 rope factors, tied output\n"
        "  llama-8b      Llama-3.1-8B: 4096 wide, 32 layers, 32/8 heads, FFN 14336, vocab 128256,\n"
        "                rope base 500000 with llama3 rope factors, separate output\n"
        "  qwen2-7b      Qwen2-7B: qwen2, 3584 wide, 28 layers, 28/4 heads, FFN 18944, vocab 152064,\n"
        "                rope base 1000000, separate output\n"
        "--vocab, --embd, --layers, --ff, --heads, --kv-heads, --arch and --untied override the\n"
        "shape's values. Widths must be multiples of the format's block (256 for the K-quants).\n"
        "The output is given with -o (or as the one positional argument).",
        {
            {"--shape", "NAME", "smollm2-135m (default), llama-1b, llama-8b or qwen2-7b"},
            {"--type", "FORMAT", "Weight format: F32 F16 BF16 Q8_0 Q6_K Q5_K Q5_1 Q5_0 Q4_K Q4_1 Q4_0 NF4 INT8"},
            {"--output", "FILE", "The GGUF file to write", "-o"},
            {"--arch", "NAME", "llama or qwen2 (default: the shape's)"},
            {"--vocab", "N", "Vocabulary size (default: the shape's)"},
            {"--embd", "N", "Embedding width (default: the shape's)"},
            {"--layers", "N", "Blocks (default: the shape's)"},
            {"--ff", "N", "Feed-forward width (default: the shape's)"},
            {"--heads", "N", "Attention heads (default: the shape's)"},
            {"--kv-heads", "N", "KV heads (default: the shape's)"},
            {"--untied", "", "Separate output matrix instead of the tied embedding"},
            {"--seed", "N", "Random seed (default 1)"},
        },
        0,
        1,
        synth,
    };
    return spec;
}

} // namespace quanta::cli
