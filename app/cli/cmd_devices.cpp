// SPDX-License-Identifier: MIT
// quanta-cli devices: the compute devices this build can use.
#include "commands.h"
#include "engine_setup.h"

#include "quanta/model_info.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace quanta::cli {

namespace {

int devices(const ParsedArgs& args) {
    auto threads = args.int_value("--threads", 1, 1024);
    if (!threads)
        return usage_error("devices", threads.error().message);
    backend::BackendOptions options;
    options.cpu_threads = static_cast<int>(threads->value_or(0));
    const auto backends = backend::available_backends(options);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& b : backends) {
        for (backend::Device* d : b->devices()) {
            const backend::DeviceInfo info = d->info();
            if (args.flag("--json")) {
                list.push_back({{"name", info.name},
                                {"backend", b->name()},
                                {"kind", backend::device_kind_name(info.kind)},
                                {"description", info.description},
                                {"total_memory", info.total_memory},
                                {"free_memory", info.free_memory},
                                {"threads", info.threads}});
            } else {
                std::printf("%-8s %s\n         memory: %s total, %s free%s\n", info.name.c_str(),
                            info.description.c_str(), format_byte_size(info.total_memory).c_str(),
                            format_byte_size(info.free_memory).c_str(),
                            info.threads > 0 ? (", threads: " + std::to_string(info.threads)).c_str() : "");
            }
        }
    }
    if (args.flag("--json"))
        std::printf("%s\n", list.dump().c_str());
    return kExitOk;
}

} // namespace

const CommandSpec& devices_command() {
    static const CommandSpec spec{
        "devices",
        "List the compute devices",
        "",
        "Lists every device of the backends compiled into this build (CPU always; Vulkan and CUDA\n"
        "when built with them and a device is present), with its memory.",
        {
            {"--json", "", "Print a JSON array"},
            {"--threads", "N", "CPU threads to report (default: all hardware threads)", "-t"},
        },
        0,
        0,
        devices,
    };
    return spec;
}

} // namespace quanta::cli
