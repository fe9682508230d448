// SPDX-License-Identifier: MIT
// One accessor per command; each lives in its own cmd_<name>.cpp. main.cpp lists them.
#pragma once

#include "cli.h"

namespace quanta::cli {

const CommandSpec& inspect_command();
const CommandSpec& run_command();
const CommandSpec& chat_command();
const CommandSpec& tokenize_command();
const CommandSpec& bench_command();
const CommandSpec& devices_command();
const CommandSpec& synth_command();
const CommandSpec& quantize_command();
const CommandSpec& perplexity_command();
const CommandSpec& estimate_command();
const CommandSpec& history_command();
const CommandSpec& convert_command();
const CommandSpec& export_hf_command();

} // namespace quanta::cli
