// SPDX-License-Identifier: MIT
// The argument parser every quanta-cli command shares (app/cli/cli.h), with a made-up command
// that has the kinds of options later commands need.
#include "cli.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace quanta::cli;

namespace {

int run_nothing(const ParsedArgs&) {
    return 0;
}

const CommandSpec& sample_command() {
    static const CommandSpec spec{
        .name = "sample",
        .summary = "A command for the tests",
        .positional_usage = "MODEL.gguf [PROMPT]",
        .description = "Does nothing.",
        .options = {{"--json", "", "JSON output"},
                    {"--threads", "N", "Worker threads"},
                    {"--temperature", "T", "Sampling temperature"}},
        .min_positional = 1,
        .max_positional = 2,
        .run = run_nothing,
    };
    return spec;
}

quanta::Result<ParsedArgs> parse(std::vector<std::string> args) {
    return parse_args(sample_command(), args);
}

} // namespace

TEST(CliArgs, FlagsValuesAndPositionals) {
    auto p = parse({"m.gguf", "--threads", "4", "--json", "--temperature=0.7", "hello"});
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->positional(), (std::vector<std::string>{"m.gguf", "hello"}));
    EXPECT_TRUE(p->flag("--json"));
    EXPECT_EQ(p->value("--threads"), "4");
    auto threads = p->int_value("--threads", 1, 256);
    ASSERT_TRUE(threads.ok());
    EXPECT_EQ(*threads, 4);
    auto temperature = p->float_value("--temperature", 0.0, 2.0);
    ASSERT_TRUE(temperature.ok());
    EXPECT_DOUBLE_EQ(temperature->value(), 0.7);
}

TEST(CliArgs, AbsentOptionsAreNullopt) {
    auto p = parse({"m.gguf"});
    ASSERT_TRUE(p.ok());
    EXPECT_FALSE(p->flag("--json"));
    EXPECT_FALSE(p->value("--threads").has_value());
    auto threads = p->int_value("--threads", 1, 256);
    ASSERT_TRUE(threads.ok());
    EXPECT_FALSE(threads->has_value());
}

TEST(CliArgs, DoubleDashEndsOptions) {
    auto p = parse({"--", "--json", "-x"});
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->positional(), (std::vector<std::string>{"--json", "-x"}));
    EXPECT_FALSE(p->flag("--json"));
    // A lone "-" is a positional (conventionally standard input).
    auto dash = parse({"-"});
    ASSERT_TRUE(dash.ok());
    EXPECT_EQ(dash->positional(), (std::vector<std::string>{"-"}));
}

TEST(CliArgs, UsageErrors) {
    struct Case {
        std::vector<std::string> args;
        const char* message;
    };
    const std::vector<Case> cases{
        {{"m.gguf", "--bogus"}, "unknown option '--bogus'"},
        {{"m.gguf", "--threads"}, "option --threads needs a value (N)"},
        {{"m.gguf", "--json=1"}, "option --json takes no value"},
        {{}, "missing MODEL.gguf [PROMPT]"},
        {{"a", "b", "c"}, "unexpected argument 'c'"},
    };
    for (const Case& c : cases) {
        auto p = parse(c.args);
        ASSERT_FALSE(p.ok()) << c.message;
        EXPECT_EQ(p.error().code, quanta::ErrorCode::InvalidArgument);
        EXPECT_EQ(p.error().message, c.message);
    }
}

TEST(CliArgs, TypedValuesAreChecked) {
    auto p = parse({"m.gguf", "--threads", "12x", "--temperature", "nan"});
    ASSERT_TRUE(p.ok());
    auto threads = p->int_value("--threads", 1, 256);
    ASSERT_FALSE(threads.ok());
    EXPECT_EQ(threads.error().message, "--threads expects an integer, got '12x'");
    auto temperature = p->float_value("--temperature", 0.0, 2.0);
    ASSERT_FALSE(temperature.ok());
    EXPECT_EQ(temperature.error().message, "--temperature expects a number, got 'nan'");

    auto q = parse({"m.gguf", "--threads=0", "--temperature=2.5"});
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->int_value("--threads", 1, 256).error().message, "--threads must be between 1 and 256");
    EXPECT_FALSE(q->float_value("--temperature", 0.0, 2.0).ok());
}

TEST(CliArgs, HelpAndPrintable) {
    EXPECT_TRUE(wants_help(std::vector<std::string>{"m.gguf", "-h"}));
    EXPECT_TRUE(wants_help(std::vector<std::string>{"--help"}));
    EXPECT_FALSE(wants_help(std::vector<std::string>{"--", "--help"}));
    EXPECT_FALSE(wants_help(std::vector<std::string>{"m.gguf"}));

    const std::string help = command_help(sample_command());
    EXPECT_EQ(help.rfind("Usage: quanta-cli sample [options] MODEL.gguf [PROMPT]\n", 0), 0u) << help;
    EXPECT_NE(help.find("\n  --threads N      Worker threads\n"), std::string::npos) << help;
    EXPECT_NE(help.find("\n  -h, --help       Show this help\n"), std::string::npos) << help;

    EXPECT_EQ(printable("line one\nline\ttwo\x7f"), "line one?line?two?");
    EXPECT_EQ(printable("한국어 ok"), "한국어 ok");
}
