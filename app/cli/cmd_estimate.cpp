// SPDX-License-Identifier: MIT
// quanta-cli estimate -m MODEL [--type TYPE[,TYPE...]] [-c CTX] [--device N] [--json] [--tensors]:
// file size and memory of a model as it is and after each quantization TYPE (quanta/estimate.h),
// and whether each fits the devices' free memory. Reads only the model's header.
#include "commands.h"

#include "quanta/estimate.h"
#include "quanta/model_info.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

namespace quanta::cli {

namespace {

using json = nlohmann::ordered_json;

/// The TYPEs asked for: a comma-separated list, or "as is" plus every TYPE when none is given.
Result<std::vector<std::optional<QuantizeType>>> requested_types(const ParsedArgs& args) {
    std::vector<std::optional<QuantizeType>> types;
    const auto list = args.value("--type");
    if (!list) {
        types.push_back(std::nullopt);
        for (std::string_view name : quantize_type_names())
            types.push_back(quantize_type_from_name(name));
        return types;
    }
    size_t start = 0;
    while (start <= list->size()) {
        const size_t comma = std::min(list->find(',', start), list->size());
        const std::string name = list->substr(start, comma - start);
        std::string lower = name;
        for (char& ch : lower)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (lower == "as-is") {
            types.push_back(std::nullopt);
        } else if (auto t = quantize_type_from_name(name)) {
            types.push_back(*t);
        } else {
            std::string names;
            for (std::string_view n : quantize_type_names())
                names += (names.empty() ? "" : " ") + std::string(n);
            return make_error(ErrorCode::InvalidArgument,
                              "unknown TYPE '" + printable(name) + "' (one of: as-is " + names + ")");
        }
        start = comma + 1;
    }
    return types;
}

std::string cell(const char* format, double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

void print_table(const std::string& model, const MemoryEstimate& first, const std::vector<backend::DeviceInfo>& devices,
                 const std::vector<MemoryEstimate>& estimates) {
    std::printf("%s: context %lld, batch %lld\n", printable(model).c_str(), static_cast<long long>(first.n_ctx),
                static_cast<long long>(first.n_batch));
    for (const backend::DeviceInfo& d : devices)
        std::printf("device %s: %s total, %s free\n", d.name.c_str(), format_byte_size(d.total_memory).c_str(),
                    format_byte_size(d.free_memory).c_str());
    const std::string kv = "KV@" + std::to_string(first.n_ctx);
    std::printf("\n%-7s %6s %10s %10s %10s %10s %10s %10s", "type", "bits/w", "file", "weights", kv.c_str(), "compute",
                "other", "total");
    for (const backend::DeviceInfo& d : devices)
        std::printf("  fits %s", d.name.c_str());
    std::printf("\n");
    for (const MemoryEstimate& e : estimates) {
        std::printf("%-7s %6s %10s %10s %10s %10s %10s %10s", e.type.c_str(), cell("%.2f", e.bits_per_weight()).c_str(),
                    format_byte_size(e.file_bytes).c_str(), format_byte_size(e.weight_bytes).c_str(),
                    format_byte_size(e.kv_bytes).c_str(), format_byte_size(e.compute_bytes()).c_str(),
                    format_byte_size(e.other_bytes()).c_str(), format_byte_size(e.total_bytes()).c_str());
        for (const backend::DeviceInfo& d : devices) {
            const FitVerdict v = fits(e, d);
            std::printf("  %s: %s", v.fits ? "yes" : "no", v.reason.c_str());
        }
        std::printf("\n");
    }
}

json estimate_json(const MemoryEstimate& e, const std::vector<backend::DeviceInfo>& devices, bool tensors) {
    json j;
    j["type"] = e.type;
    j["file_bytes"] = e.file_bytes;
    j["weight_bytes"] = e.weight_bytes;
    j["kv_bytes"] = e.kv_bytes;
    j["compute_bytes"] = e.compute_bytes();
    j["other_bytes"] = e.other_bytes();
    j["total_bytes"] = e.total_bytes();
    j["bits_per_weight"] = e.bits_per_weight();
    j["elements"] = e.elements;
    j["breakdown"] = {{"activation_bytes", e.activation_bytes}, {"scratch_bytes", e.scratch_bytes},
                      {"header_bytes", e.file_bytes - e.weight_bytes}, {"metadata_bytes", e.metadata_bytes},
                      {"tokenizer_bytes", e.tokenizer_bytes},        {"runtime_bytes", e.runtime_bytes}};
    json& fit = j["fits"] = json::array();
    for (const backend::DeviceInfo& d : devices) {
        const FitVerdict v = fits(e, d);
        fit.push_back({{"device", d.name}, {"fits", v.fits}, {"reason", v.reason}});
    }
    if (tensors) {
        json& list = j["tensors"] = json::array();
        for (const TensorEstimate& t : e.tensors)
            list.push_back({{"name", t.name}, {"shape", t.shape}, {"format", t.format}, {"bytes", t.bytes}});
    }
    return j;
}

int estimate(const ParsedArgs& args) {
    const auto model = args.value("--model");
    if (!model)
        return usage_error("estimate", "missing --model FILE");
    auto types = requested_types(args);
    if (!types)
        return usage_error("estimate", types.error().message);
    auto ctx = args.int_value("--ctx-size", 1, int64_t{1} << 24);
    if (!ctx)
        return usage_error("estimate", ctx.error().message);
    auto batch = args.int_value("--batch-size", 1, int64_t{1} << 24);
    if (!batch)
        return usage_error("estimate", batch.error().message);
    auto device_index = args.int_value("--device", 0, 1 << 20);
    if (!device_index)
        return usage_error("estimate", device_index.error().message);

    std::vector<backend::DeviceInfo> devices;
    for (const auto& b : backend::available_backends())
        for (backend::Device* d : b->devices())
            devices.push_back(d->info());
    if (*device_index) {
        const auto i = static_cast<size_t>(**device_index);
        if (i >= devices.size())
            return usage_error("estimate", "no device " + std::to_string(i) + " (this build has " +
                                               std::to_string(devices.size()) + ", see 'quanta-cli devices')");
        devices = {devices[i]};
    }

    auto file = GgufFile::open(*model);
    if (!file)
        return fail(*model, file.error().message);
    EstimateOptions options;
    options.n_ctx = ctx->value_or(0);
    options.n_batch = batch->value_or(512);
    options.threads = devices.empty() ? 0 : devices.front().threads;
    std::vector<MemoryEstimate> estimates;
    for (const std::optional<QuantizeType>& type : *types) {
        auto e = estimate_memory(*file, type, options);
        if (!e)
            return fail(*model, e.error().message);
        estimates.push_back(std::move(*e));
    }

    if (args.flag("--json")) {
        json j;
        j["model"] = *model;
        j["n_ctx"] = estimates.front().n_ctx;
        j["n_batch"] = estimates.front().n_batch;
        json& list = j["devices"] = json::array();
        for (const backend::DeviceInfo& d : devices)
            list.push_back({{"name", d.name}, {"total", d.total_memory}, {"free", d.free_memory}});
        json& out = j["estimates"] = json::array();
        for (const MemoryEstimate& e : estimates)
            out.push_back(estimate_json(e, devices, args.flag("--tensors")));
        std::printf("%s\n", j.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    } else {
        print_table(*model, estimates.front(), devices, estimates);
    }
    if (std::fflush(stdout) != 0)
        return fail(*model, "could not write the report to standard output");
    return kExitOk;
}

} // namespace

const CommandSpec& estimate_command() {
    static const CommandSpec spec{
        "estimate",
        "Predict a model's file size and memory, as it is and quantized",
        "",
        "Reads the model's header only and predicts, for the model as it is and for each TYPE,\n"
        "the size of the file 'quanta-cli quantize' would write (exact) and the memory a session at\n"
        "the given context needs on the CPU: weights (the mapped file), KV cache, compute buffers\n"
        "and the rest (metadata, tokenizer, runtime); then whether it fits each device's free\n"
        "memory. TYPEs: as-is F32 F16 BF16 Q8_0 Q6_K Q5_K_M Q4_K_M Q4_K_S Q4_0 NF4 INT8\n"
        "(default: all). See docs/estimate.md for what is counted and how accurate it is.",
        {
            {"--model", "FILE", "GGUF model to estimate", "-m"},
            {"--type", "TYPES", "Comma-separated TYPEs (default: as-is and every TYPE)"},
            {"--ctx-size", "N", "Context size in tokens (default: min(trained context, 4096))", "-c"},
            {"--batch-size", "N", "Prompt tokens per forward pass (default 512)", "-b"},
            {"--device", "N", "Check the fit on device N of 'quanta-cli devices' only (default: every device)"},
            {"--json", "", "Print one JSON object"},
            {"--tensors", "", "With --json: list every tensor's format and bytes per TYPE"},
        },
        0,
        0,
        estimate,
    };
    return spec;
}

} // namespace quanta::cli
