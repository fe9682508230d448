// SPDX-License-Identifier: MIT
// quanta-cli tokenize: text -> token ids with the model's own tokenizer (no weights are loaded).
#include "commands.h"

#include "quanta/gguf.h"
#include "quanta/tokenizer.h"

#include <cstdio>
#include <string>

namespace quanta::cli {

namespace {

int tokenize(const ParsedArgs& args) {
    const auto model_path = args.value("--model");
    if (!model_path)
        return usage_error("tokenize", "missing --model FILE");
    const auto prompt = args.value("--prompt");
    if (!prompt)
        return usage_error("tokenize", "missing --prompt TEXT");
    auto file = GgufFile::open(*model_path);
    if (!file)
        return fail(*model_path, file.error().message);
    auto tokenizer = Tokenizer::from_gguf(*file);
    if (!tokenizer)
        return fail(*model_path, tokenizer.error().message);
    EncodeOptions options;
    options.add_special = !args.flag("--no-bos");
    options.parse_special = !args.flag("--no-special");
    const std::vector<int32_t> ids = tokenizer->encode(*prompt, options);
    std::string out;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i != 0)
            out += ' ';
        out += std::to_string(ids[i]);
    }
    std::printf("%s\n", out.c_str());
    return kExitOk;
}

} // namespace

const CommandSpec& tokenize_command() {
    static const CommandSpec spec{
        "tokenize",
        "Print the token ids of a text",
        "",
        "Tokenizes TEXT with the model's tokenizer and prints the ids, space separated. Special\n"
        "tokens written in the text (e.g. <|im_start|>) are recognised unless --no-special.",
        {
            {"--model", "FILE", "GGUF model whose tokenizer to use", "-m"},
            {"--prompt", "TEXT", "Text to tokenize", "-p"},
            {"--no-bos", "", "Do not add BOS/EOS even if the model asks for them"},
            {"--no-special", "", "Treat special-token text as plain text"},
        },
        0,
        0,
        tokenize,
    };
    return spec;
}

} // namespace quanta::cli
