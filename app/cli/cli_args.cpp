// SPDX-License-Identifier: MIT
#include "cli.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace quanta::cli {
namespace {

const OptionSpec* find_option(const CommandSpec& spec, std::string_view name) {
    for (const OptionSpec& o : spec.options)
        if (o.name == name || (!o.short_name.empty() && o.short_name == name))
            return &o;
    return nullptr;
}

Error invalid(std::string message) {
    return make_error(ErrorCode::InvalidArgument, std::move(message));
}

} // namespace

std::optional<std::string> ParsedArgs::value(std::string_view name) const {
    auto it = m_values.find(std::string(name));
    if (it == m_values.end())
        return std::nullopt;
    return it->second;
}

Result<std::optional<int64_t>> ParsedArgs::int_value(std::string_view name, int64_t min, int64_t max) const {
    auto text = value(name);
    if (!text)
        return std::optional<int64_t>{};
    int64_t v = 0;
    const char* end = text->data() + text->size();
    auto [ptr, ec] = std::from_chars(text->data(), end, v);
    if (ec != std::errc{} || ptr != end || text->empty())
        return invalid(std::string(name) + " expects an integer, got '" + printable(*text) + "'");
    if (v < min || v > max)
        return invalid(std::string(name) + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::optional<int64_t>{v};
}

Result<std::optional<double>> ParsedArgs::float_value(std::string_view name, double min, double max) const {
    auto text = value(name);
    if (!text)
        return std::optional<double>{};
    char* end = nullptr;
    double v = std::strtod(text->c_str(), &end);
    if (text->empty() || end != text->c_str() + text->size() || !std::isfinite(v))
        return invalid(std::string(name) + " expects a number, got '" + printable(*text) + "'");
    if (v < min || v > max)
        return invalid(std::string(name) + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::optional<double>{v};
}

bool wants_help(std::span<const std::string> args) {
    for (const std::string& a : args) {
        if (a == "--")
            return false;
        if (a == "-h" || a == "--help")
            return true;
    }
    return false;
}

Result<ParsedArgs> parse_args(const CommandSpec& spec, std::span<const std::string> args) {
    ParsedArgs parsed;
    bool options_done = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (options_done || arg.size() < 2 || arg[0] != '-') {
            parsed.m_positional.push_back(arg);
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }
        std::string name = arg;
        std::optional<std::string> inline_value;
        if (auto eq = arg.find('='); eq != std::string::npos && arg.starts_with("--")) {
            name = arg.substr(0, eq);
            inline_value = arg.substr(eq + 1);
        }
        const OptionSpec* option = find_option(spec, name);
        if (!option)
            return invalid("unknown option '" + printable(name) + "'");
        name = std::string(option->name); // values are stored under the long name
        if (option->value_name.empty()) {
            if (inline_value)
                return invalid("option " + name + " takes no value");
            parsed.m_values[name] = "";
        } else if (inline_value) {
            parsed.m_values[name] = *inline_value;
        } else if (i + 1 < args.size()) {
            parsed.m_values[name] = args[++i];
        } else {
            return invalid("option " + name + " needs a value (" + std::string(option->value_name) + ")");
        }
    }
    size_t n = parsed.m_positional.size();
    if (n < spec.min_positional)
        return invalid("missing " + std::string(spec.positional_usage));
    if (n > spec.max_positional)
        return invalid("unexpected argument '" + printable(parsed.m_positional[spec.max_positional]) + "'");
    return parsed;
}

std::string command_help(const CommandSpec& spec) {
    std::string out = "Usage: quanta-cli " + std::string(spec.name);
    if (!spec.options.empty())
        out += " [options]";
    if (!spec.positional_usage.empty())
        out += " " + std::string(spec.positional_usage);
    out += "\n\n" + std::string(spec.description) + "\n\nOptions:\n";
    std::vector<std::pair<std::string, std::string_view>> rows;
    size_t width = 10;
    for (const OptionSpec& o : spec.options) {
        std::string left = o.short_name.empty() ? std::string(o.name)
                                                : std::string(o.short_name) + ", " + std::string(o.name);
        if (!o.value_name.empty()) {
            left += ' ';
            left += o.value_name;
        }
        width = std::max(width, left.size());
        rows.emplace_back(std::move(left), o.help);
    }
    rows.emplace_back("-h, --help", "Show this help");
    for (const auto& [left, help] : rows)
        out += "  " + left + std::string(width - left.size() + 2, ' ') + std::string(help) + "\n";
    return out;
}

std::string printable(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = '?';
    return out;
}

int fail(std::string_view subject, std::string_view message) {
    // Core errors about a file often start with its path already; say it once.
    if (!subject.empty() && message.size() > subject.size() + 2 && message.starts_with(subject) &&
        message.substr(subject.size(), 2) == ": ")
        message.remove_prefix(subject.size() + 2);
    std::fprintf(stderr, "quanta-cli: %s: %s\n", printable(subject).c_str(), printable(message).c_str());
    return kExitFailure;
}

int usage_error(std::string_view command, std::string_view message) {
    std::string help = command.empty() ? "quanta-cli --help" : "quanta-cli " + std::string(command) + " --help";
    std::fprintf(stderr, "quanta-cli: %s (see '%s')\n", printable(message).c_str(), help.c_str());
    return kExitUsage;
}

} // namespace quanta::cli
