// SPDX-License-Identifier: MIT
// quanta-cli export-hf: placeholder while issue 10 is being built (replaced by its implementation).
#include "commands.h"

namespace quanta::cli {

namespace {

int run_placeholder(const ParsedArgs&) { return fail("export-hf", "not available in this build yet"); }

} // namespace

const CommandSpec& export_hf_command() {
    static const CommandSpec spec{"export-hf", "(in progress)", "MODEL.gguf OUT_DIR", "", {}, 2, 2, run_placeholder};
    return spec;
}

} // namespace quanta::cli
