// SPDX-License-Identifier: MIT
// What the engine commands (run, chat, bench) share: model/device options, loading with a
// one-line log on stderr, sampling options, and prompt building.
#pragma once

#include "cli.h"

#include "quanta/backend/backend.h"
#include "quanta/chat_template.h"
#include "quanta/engine.h"

#include <memory>
#include <string>
#include <vector>

namespace quanta::cli {

/// --model/-m, --threads/-t, --backend, --ctx-size/-c.
std::vector<OptionSpec> engine_options();
/// --temp, --top-k, --top-p, --min-p, --repeat-penalty, --repeat-last-n, --seed.
std::vector<OptionSpec> sampling_options();
std::vector<OptionSpec> concat(std::vector<OptionSpec> a, const std::vector<OptionSpec>& b);

struct Engine {
    std::vector<std::unique_ptr<backend::Backend>> backends; ///< owns the device
    backend::Device* device = nullptr;
    std::shared_ptr<const Model> model;
};

/// Find the device named by --backend (default "cpu") and load --model onto it. Logs one line
/// on stderr unless quiet.
Result<Engine> load_engine(const ParsedArgs& args, bool quiet = false);

Result<SessionOptions> session_options(const ParsedArgs& args);
Result<SamplerParams> sampling_params(const ParsedArgs& args);

/// Token ids of a chat rendered with the model's template (ChatML if it has none).
Result<std::vector<int32_t>> chat_prompt(const Model& model, const std::vector<ChatMessage>& messages);

} // namespace quanta::cli
