// SPDX-License-Identifier: MIT
// quanta-cli synth: write a model with random weights and real shapes (benchmarks, tests, the
// GPU machine where no model can be downloaded).
#include "commands.h"

#include "quanta/synth_model.h"

#include <cstdio>

namespace quanta::cli {

namespace {

int synth(const ParsedArgs& args) {
    SynthModelSpec spec = smollm2_135m_shapes();
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
    spec.tied_output = !args.flag("--untied");
    if (auto arch = args.value("--arch"))
        spec.architecture = *arch;
    const std::string out = args.positional()[0];
    auto r = write_synth_model(out, spec);
    if (!r)
        return fail(out, r.error().message);
    std::fprintf(stderr, "quanta-cli: wrote %s (%s, %lld layers, width %lld)\n", out.c_str(), type.c_str(),
                 static_cast<long long>(spec.n_layer), static_cast<long long>(spec.n_embd));
    return kExitOk;
}

} // namespace

const CommandSpec& synth_command() {
    static const CommandSpec spec{
        "synth",
        "Write a model with random weights and real shapes",
        "OUT.gguf",
        "Writes a llama (or qwen2) GGUF with random weights and a byte-level vocabulary, by default\n"
        "with SmolLM2-135M's shapes. For benchmarks and tests; its text is noise. Widths must be\n"
        "multiples of the format's block (256 for the K-quants).",
        {
            {"--type", "FORMAT", "Weight format: F32 F16 BF16 Q8_0 Q6_K Q5_K Q5_1 Q5_0 Q4_K Q4_1 Q4_0 NF4 INT8"},
            {"--arch", "NAME", "llama (default) or qwen2"},
            {"--vocab", "N", "Vocabulary size (default 49152)"},
            {"--embd", "N", "Embedding width (default 576)"},
            {"--layers", "N", "Blocks (default 30)"},
            {"--ff", "N", "Feed-forward width (default 1536)"},
            {"--heads", "N", "Attention heads (default 9)"},
            {"--kv-heads", "N", "KV heads (default 3)"},
            {"--untied", "", "Separate output matrix instead of the tied embedding"},
            {"--seed", "N", "Random seed (default 1)"},
        },
        1,
        1,
        synth,
    };
    return spec;
}

} // namespace quanta::cli
