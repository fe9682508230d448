// SPDX-License-Identifier: MIT
// The default model (SmolLM2-135M-Instruct Q4_1, skipped when not fetched) requantized to Q4_K_M
// and Q8_0: the files are byte-identical to what llama.cpp's llama-quantize writes from the same
// input (--allow-requantize, 2 threads; sizes and FNV-1a hashes recorded from its output, made
// by scripts/bench_vs_llamacpp.py's llama_model_quantize call).
#include "quanta/quantize.h"
#include "quantize_test_util.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace quanta {
namespace {

uint64_t fnv1a_file(const std::filesystem::path& p) {
    uint64_t h = 0xcbf29ce484222325ull;
    std::FILE* f = std::fopen(p.c_str(), "rb");
    if (!f)
        return 0;
    std::vector<unsigned char> buf(1 << 16);
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0)
        for (size_t i = 0; i < n; ++i) {
            h ^= buf[i];
            h *= 0x100000001b3ull;
        }
    std::fclose(f);
    return h;
}

TEST(QuantizeDefaultModel, ByteIdenticalToLlamaCpp) {
    const std::filesystem::path model = QUANTA_DEFAULT_MODEL;
    if (!std::filesystem::exists(model))
        GTEST_SKIP() << "default model not fetched: " << model;
    ASSERT_EQ(fnv1a_file(model), 0x119cdcb571abd979ull) << "not the expected default model";
    test::TempDir dir;
    struct Case {
        const char* type;
        uint64_t size;
        uint64_t hash;
        size_t fallbacks;
    };
    for (const Case& c : {Case{"Q4_K_M", 105454144, 0xea58d482e24149e9ull, 180},
                          Case{"Q8_0", 144811072, 0x53c9d201a1cdd53cull, 0}}) {
        SCOPED_TRACE(c.type);
        QuantizeOptions options;
        options.type = c.type;
        options.threads = 2;
        const auto out = dir / (std::string(c.type) + ".gguf");
        auto r = quantize_model(model, out, options);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->tensors.size(), 272u);
        EXPECT_EQ(r->fallback_count, c.fallbacks);
        EXPECT_EQ(std::filesystem::file_size(out), c.size);
        EXPECT_EQ(fnv1a_file(out), c.hash);
    }
}

} // namespace
} // namespace quanta
