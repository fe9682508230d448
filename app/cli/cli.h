// SPDX-License-Identifier: MIT
// Shared pieces of quanta-cli: the command table entry, argument parsing and error reporting.
//
// Every command is one cmd_<name>.cpp that defines a CommandSpec (its options and a run function)
// and is listed once in main.cpp. Parsing is table-driven so that a command states its options
// and gets --help text, "--name value" / "--name=value" handling and usage errors for free.
//
// Exit codes: 0 success, 1 the command failed (bad file, ...), 2 usage error. A failure prints
// exactly one line on stderr: "quanta-cli: <subject>: <message>".
#pragma once

#include "quanta/result.h"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace quanta::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct OptionSpec {
    std::string_view name;       ///< with dashes: "--json"
    std::string_view value_name; ///< empty for a flag; else shown in help: "--threads N"
    std::string_view help;
    std::string_view short_name = {}; ///< optional single-dash alias: "-m"
};

class ParsedArgs;

struct CommandSpec {
    std::string_view name;             ///< "inspect"
    std::string_view summary;          ///< one line for the command list
    std::string_view positional_usage; ///< "MODEL.gguf"
    std::string_view description;      ///< a paragraph for `<command> --help`
    std::vector<OptionSpec> options;
    size_t min_positional = 0;
    size_t max_positional = 0;
    int (*run)(const ParsedArgs& args) = nullptr;
};

/// The parsed command line of one command.
class ParsedArgs {
public:
    const std::vector<std::string>& positional() const { return m_positional; }
    bool flag(std::string_view name) const { return m_values.count(std::string(name)) != 0; }
    std::optional<std::string> value(std::string_view name) const;
    /// An integer option in [min, max]; nullopt when not given. Errors: InvalidArgument.
    Result<std::optional<int64_t>> int_value(std::string_view name, int64_t min, int64_t max) const;
    /// A finite number option in [min, max]; nullopt when not given. Errors: InvalidArgument.
    Result<std::optional<double>> float_value(std::string_view name, double min, double max) const;

private:
    friend Result<ParsedArgs> parse_args(const CommandSpec& spec, std::span<const std::string> args);
    std::vector<std::string> m_positional;
    std::map<std::string, std::string> m_values; ///< flags map to ""
};

/// Parse a command's arguments (after the command name). "--" ends the options. Errors
/// (InvalidArgument): unknown option, missing value, value given to a flag, wrong positional count.
/// "-h"/"--help" are not handled here: see wants_help().
Result<ParsedArgs> parse_args(const CommandSpec& spec, std::span<const std::string> args);
bool wants_help(std::span<const std::string> args);

std::string command_help(const CommandSpec& spec);

/// Print "quanta-cli: <subject>: <message>" (one line) and return kExitFailure. A message that
/// already starts with "<subject>: " is not prefixed twice.
int fail(std::string_view subject, std::string_view message);
/// Print "quanta-cli: <message> (see 'quanta-cli [command] --help')" and return kExitUsage.
int usage_error(std::string_view command, std::string_view message);

/// Text from a file (names, messages) made safe for a terminal line: control characters and
/// newlines become '?' so that one error stays one line.
std::string printable(std::string_view text);

} // namespace quanta::cli
