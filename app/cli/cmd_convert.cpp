// SPDX-License-Identifier: MIT
// quanta-cli convert: placeholder while issue 10 is being built (replaced by its implementation).
#include "commands.h"

namespace quanta::cli {

namespace {

int run_placeholder(const ParsedArgs&) { return fail("convert", "not available in this build yet"); }

} // namespace

const CommandSpec& convert_command() {
    static const CommandSpec spec{"convert", "(in progress)", "HF_MODEL_DIR OUT.gguf", "", {}, 2, 2, run_placeholder};
    return spec;
}

} // namespace quanta::cli
