// SPDX-License-Identifier: MIT
// quanta-cli <command> [options]: finds the command, parses its options, runs it.
#include "cli.h"
#include "commands.h"

#include <array>
#include <cstdio>
#include <string>
#include <vector>

using namespace quanta::cli;

namespace {

// Adding a command: write cmd_<name>.cpp, declare its accessor in commands.h, list it here.
const std::array<const CommandSpec*, 13>& commands() {
    static const std::array<const CommandSpec*, 13> list{
        &run_command(),      &chat_command(),       &tokenize_command(), &bench_command(),
        &inspect_command(),  &devices_command(),    &synth_command(),    &perplexity_command(),
        &quantize_command(), &estimate_command(),   &history_command(),  &convert_command(),
        &export_hf_command()};
    return list;
}

void print_help() {
    std::printf("Usage: quanta-cli <command> [options]\n\n"
                "Run and quantize large language models locally.\n\nCommands:\n");
    for (const CommandSpec* c : commands())
        std::printf("  %-12s %s\n", std::string(c->name).c_str(), std::string(c->summary).c_str());
    std::printf("\nOptions:\n"
                "  -h, --help     Show this help; 'quanta-cli <command> --help' shows a command's options\n"
                "  --version      Print the version\n");
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty())
        return usage_error("", "missing command");
    const std::string& first = args[0];
    if (first == "-h" || first == "--help" || first == "help") {
        print_help();
        return kExitOk;
    }
    if (first == "--version") {
        std::printf("quanta-cli %s\n", QUANTA_VERSION);
        return kExitOk;
    }
    for (const CommandSpec* command : commands()) {
        if (command->name != first)
            continue;
        std::span<const std::string> rest(args.begin() + 1, args.end());
        if (wants_help(rest)) {
            std::fputs(command_help(*command).c_str(), stdout);
            return kExitOk;
        }
        auto parsed = parse_args(*command, rest);
        if (!parsed)
            return usage_error(command->name, parsed.error().message);
        return command->run(*parsed);
    }
    if (first.starts_with("-"))
        return usage_error("", "unknown option '" + first + "'");
    return usage_error("", "unknown command '" + first + "'");
}
