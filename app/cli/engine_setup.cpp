// SPDX-License-Identifier: MIT
#include "engine_setup.h"

#include "quanta/gguf.h"

#include <chrono>
#include <cstdio>

namespace quanta::cli {

std::vector<OptionSpec> engine_options() {
    return {
        {"--model", "FILE", "GGUF model to load", "-m"},
        {"--threads", "N", "CPU threads (default: all hardware threads)", "-t"},
        {"--backend", "NAME", "Backend or device to run on: cpu, vulkan, vulkan1... (see 'quanta-cli devices'; default: cpu)"},
        {"--device", "N", "Device N of the backend (default 0)"},
        {"--int8-threshold", "X", "LLM.int8() outlier threshold for INT8 models; 0 is off (default: the file's, 6.0)"},
        {"--ctx-size", "N", "Context size in tokens (default: min(trained context, 4096))", "-c"},
    };
}

std::vector<OptionSpec> sampling_options() {
    return {
        {"--temp", "T", "Temperature; 0 is greedy (default 0.8)"},
        {"--top-k", "K", "Keep the K most likely tokens; 0 keeps all (default 40)"},
        {"--top-p", "P", "Nucleus sampling threshold (default 0.95)"},
        {"--min-p", "P", "Drop tokens below P x the top probability (default 0.05)"},
        {"--repeat-penalty", "X", "Penalty for repeating recent tokens; 1 is off (default 1.0)"},
        {"--repeat-last-n", "N", "Tokens the repeat penalty looks back over (default 64)"},
        {"--seed", "N", "Random seed (default: from the clock)"},
    };
}

std::vector<OptionSpec> concat(std::vector<OptionSpec> a, const std::vector<OptionSpec>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

Result<Engine> load_engine(const ParsedArgs& args, bool quiet) {
    const auto model_path = args.value("--model");
    if (!model_path)
        return Error{ErrorCode::InvalidArgument, "missing --model FILE"};
    QUANTA_TRY_ASSIGN(auto threads, args.int_value("--threads", 1, 1024));
    backend::BackendOptions backend_options;
    backend_options.cpu_threads = static_cast<int>(threads.value_or(0));

    Engine engine;
    engine.backends = backend::available_backends(backend_options);
    QUANTA_TRY_ASSIGN(auto device_index, args.int_value("--device", 0, 1024));
    std::string wanted = args.value("--backend").value_or("cpu");
    std::string known;
    for (auto& b : engine.backends) {
        const auto devices = b->devices();
        if (b->name() == wanted) // a backend name picks its device N (--device, default 0)
            wanted = static_cast<size_t>(device_index.value_or(0)) < devices.size()
                         ? devices[static_cast<size_t>(device_index.value_or(0))]->info().name
                         : wanted + std::to_string(device_index.value_or(0));
        for (backend::Device* d : devices) {
            known += (known.empty() ? "" : ", ") + d->info().name;
            if (d->info().name == wanted)
                engine.device = d;
        }
    }
    if (engine.device == nullptr)
        return Error{ErrorCode::NotFound, "no device '" + wanted + "' (available: " + known + ")"};

    const auto t0 = std::chrono::steady_clock::now();
    LoadOptions load_options;
    QUANTA_TRY_ASSIGN(auto threshold, args.float_value("--int8-threshold", 0.0, 1e30));
    if (threshold)
        load_options.int8_threshold = static_cast<float>(*threshold);
    auto model = Model::load(*model_path, *engine.device, load_options);
    const bool gpu = engine.device->info().kind != backend::DeviceKind::Cpu;
    if (!model.ok() && gpu &&
        (model.error().code == ErrorCode::Unsupported || model.error().code == ErrorCode::OutOfMemory)) {
        // What the GPU cannot run (a tensor over its buffer limit, a format it lacks) runs on the CPU.
        std::fprintf(stderr, "quanta-cli: %s cannot run this model (%s); running it on the CPU\n",
                     engine.device->info().name.c_str(), model.error().message.c_str());
        engine.device = engine.backends.front()->devices().front();
        model = Model::load(*model_path, *engine.device, load_options);
    }
    QUANTA_TRY_ASSIGN(engine.model, std::move(model));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!quiet) {
        const ModelConfig& c = engine.model->config();
        const backend::DeviceInfo info = engine.device->info();
        const std::string where = info.kind == backend::DeviceKind::Cpu
                                      ? info.name + " (" + std::to_string(info.threads) + " threads)"
                                      : info.name + " (" + info.description + ")";
        std::fprintf(stderr, "quanta-cli: loaded %s (%s %s, %lld layers, %s) on %s in %.2f s\n",
                     printable(model_path->c_str()).c_str(), c.architecture.c_str(),
                     engine.model->type_name().c_str(), static_cast<long long>(c.n_layer),
                     printable(std::to_string(engine.model->weight_bytes() >> 20) + " MiB").c_str(),
                     printable(where.c_str()).c_str(), seconds);
    }
    return engine;
}

Result<SessionOptions> session_options(const ParsedArgs& args) {
    SessionOptions o;
    QUANTA_TRY_ASSIGN(auto ctx, args.int_value("--ctx-size", 1, int64_t{1} << 24));
    o.n_ctx = ctx.value_or(0);
    return o;
}

Result<SamplerParams> sampling_params(const ParsedArgs& args) {
    SamplerParams p;
    QUANTA_TRY_ASSIGN(auto temp, args.float_value("--temp", 0.0, 100.0));
    QUANTA_TRY_ASSIGN(auto top_k, args.int_value("--top-k", 0, int64_t{1} << 30));
    QUANTA_TRY_ASSIGN(auto top_p, args.float_value("--top-p", 0.0, 1.0));
    QUANTA_TRY_ASSIGN(auto min_p, args.float_value("--min-p", 0.0, 1.0));
    QUANTA_TRY_ASSIGN(auto repeat, args.float_value("--repeat-penalty", 0.01, 100.0));
    QUANTA_TRY_ASSIGN(auto last_n, args.int_value("--repeat-last-n", 0, int64_t{1} << 20));
    QUANTA_TRY_ASSIGN(auto seed, args.int_value("--seed", 0, INT64_MAX));
    if (temp)
        p.temperature = static_cast<float>(*temp);
    if (top_k)
        p.top_k = static_cast<int32_t>(*top_k);
    if (top_p)
        p.top_p = static_cast<float>(*top_p);
    if (min_p)
        p.min_p = static_cast<float>(*min_p);
    if (repeat)
        p.repeat_penalty = static_cast<float>(*repeat);
    if (last_n)
        p.repeat_last_n = static_cast<int32_t>(*last_n);
    p.seed = seed ? static_cast<uint64_t>(*seed)
                  : static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    return p;
}

Result<std::vector<int32_t>> chat_prompt(const Model& model, const std::vector<ChatMessage>& messages) {
    QUANTA_TRY_ASSIGN(auto tmpl, chat_template_from_gguf(model.file()));
    QUANTA_TRY_ASSIGN(auto text, tmpl.tmpl.render(messages, /*add_generation_prompt=*/true, tmpl.bos_token,
                                                  tmpl.eos_token));
    // The template writes BOS itself when the model wants one; do not add a second.
    EncodeOptions options;
    options.parse_special = true;
    options.add_special = !(model.tokenizer().add_bos() && text.starts_with(tmpl.bos_token) && !tmpl.bos_token.empty());
    return model.tokenizer().encode(text, options);
}

} // namespace quanta::cli
