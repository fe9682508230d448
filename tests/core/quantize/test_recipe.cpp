// SPDX-License-Identifier: MIT
// The per-tensor type choice against llama.cpp's recipes (FORMATS.md §8): known tables for a
// 4-layer model 256 and 576 wide (576 is not a multiple of 256: the shape fallbacks), tied and
// untied output, the use_more_bits layers, the tensor order, and the NF4/INT8 rule.
#include "quanta/quantize.h"
#include "quantize_test_util.h"

#include <gtest/gtest.h>

#include <array>

namespace quanta {
namespace {

TEST(QuantizeRecipe, UseMoreBitsMatchesFormatsMdExamples) {
    const std::vector<std::pair<int, std::vector<int>>> cases{
        {16, {0, 1, 4, 7, 10, 13, 14, 15}},
        {22, {0, 1, 4, 7, 10, 13, 16, 19, 20, 21}},
        {24, {0, 1, 2, 5, 8, 11, 14, 17, 20, 21, 22, 23}},
        {28, {0, 1, 2, 5, 8, 11, 14, 17, 20, 23, 24, 25, 26, 27}},
        {30, {0, 1, 2, 5, 8, 11, 14, 17, 20, 23, 26, 27, 28, 29}},
        {32, {0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31}},
        {4, {2, 3}},
    };
    for (const auto& [n, expected] : cases) {
        std::vector<int> got;
        for (int i = 0; i < n; ++i)
            if (quantize_use_more_bits(i, n))
                got.push_back(i);
        EXPECT_EQ(got, expected) << "n = " << n;
    }
}

TEST(QuantizeRecipe, TypeNamesAndFileTypes) {
    const std::vector<std::string_view> names(quantize_type_names().begin(), quantize_type_names().end());
    EXPECT_EQ(names, (std::vector<std::string_view>{"F32", "F16", "BF16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M",
                                                     "Q4_K_S", "Q4_0", "NF4", "INT8"}));
    const std::array<std::optional<uint32_t>, 11> file_types{0u, 1u, 32u, 7u, 18u, 17u, 15u, 14u, 2u,
                                                              std::nullopt, std::nullopt};
    for (size_t i = 0; i < names.size(); ++i) {
        auto t = quantize_type_from_name(names[i]);
        ASSERT_TRUE(t.has_value()) << names[i];
        EXPECT_EQ(quantize_type_name(*t), names[i]);
        EXPECT_EQ(quantize_type_file_type(*t), file_types[i]) << names[i];
    }
    EXPECT_EQ(quantize_type_from_name("q4_k_m"), QuantizeType::Q4_K_M);
    EXPECT_FALSE(quantize_type_from_name("Q4_K").has_value()); // a format, not a file type
    EXPECT_FALSE(quantize_type_from_name("Q3_K_M").has_value());
    EXPECT_FALSE(quantize_type_from_name("").has_value());
}

/// Expected formats of one type on the 4-layer model.
struct Expected {
    const char* type;
    const char* embd;
    const char* output; ///< untied models only
    const char* q;
    const char* k;
    std::array<const char*, 4> v;
    const char* o;
    const char* gate;
    const char* up;
    std::array<const char*, 4> down;
    size_t fallbacks;   ///< tensors whose recipe choice did not fit the width
};

void check_table(const test::TinySpec& spec, const std::vector<Expected>& table, const char* label) {
    test::TempDir dir;
    const auto path = dir / "model.gguf";
    test::write_tiny_model(path, spec);
    auto file = GgufFile::open(path);
    ASSERT_TRUE(file.ok()) << file.error().message;
    for (const Expected& e : table) {
        SCOPED_TRACE(std::string(label) + " " + e.type);
        auto plan = plan_quantization(*file, *quantize_type_from_name(e.type));
        ASSERT_TRUE(plan.ok()) << plan.error().message;
        std::map<std::string, std::string> got;
        size_t fallbacks = 0;
        for (const TensorPlan& p : *plan) {
            got[p.name] = p.target_format;
            fallbacks += p.fallback ? 1 : 0;
            EXPECT_EQ(p.quantize, p.target_format != p.source_format) << p.name;
        }
        EXPECT_EQ(got.size(), test::tiny_tensors(spec).size());
        EXPECT_EQ(got["token_embd.weight"], e.embd);
        if (!spec.tied) {
            EXPECT_EQ(got["output.weight"], e.output);
        }
        EXPECT_EQ(got["output_norm.weight"], "F32");
        for (int l = 0; l < 4; ++l) {
            const std::string p = "blk." + std::to_string(l) + ".";
            SCOPED_TRACE("layer " + std::to_string(l));
            EXPECT_EQ(got[p + "attn_norm.weight"], "F32");
            EXPECT_EQ(got[p + "ffn_norm.weight"], "F32");
            EXPECT_EQ(got[p + "attn_q.weight"], e.q);
            EXPECT_EQ(got[p + "attn_k.weight"], e.k);
            EXPECT_EQ(got[p + "attn_v.weight"], e.v[static_cast<size_t>(l)]);
            EXPECT_EQ(got[p + "attn_output.weight"], e.o);
            EXPECT_EQ(got[p + "ffn_gate.weight"], e.gate);
            EXPECT_EQ(got[p + "ffn_up.weight"], e.up);
            EXPECT_EQ(got[p + "ffn_down.weight"], e.down[static_cast<size_t>(l)]);
        }
        EXPECT_EQ(fallbacks, e.fallbacks);
    }
}

// 576 wide (attn/ffn_gate/ffn_up rows and the embedding), ffn_down rows 256 wide, tied output.
TEST(QuantizeRecipe, Width576TiedFallsBackLikeLlamaCpp) {
    test::TinySpec spec;
    spec.n_embd = 576;
    const std::vector<Expected> table{
        {"F32", "F32", "", "F32", "F32", {"F32", "F32", "F32", "F32"}, "F32", "F32", "F32", {"F32", "F32", "F32", "F32"}, 0},
        {"F16", "F16", "", "F16", "F16", {"F16", "F16", "F16", "F16"}, "F16", "F16", "F16", {"F16", "F16", "F16", "F16"}, 0},
        {"BF16", "BF16", "", "BF16", "BF16", {"BF16", "BF16", "BF16", "BF16"}, "BF16", "BF16", "BF16",
         {"BF16", "BF16", "BF16", "BF16"}, 0},
        {"Q8_0", "Q8_0", "", "Q8_0", "Q8_0", {"Q8_0", "Q8_0", "Q8_0", "Q8_0"}, "Q8_0", "Q8_0", "Q8_0",
         {"Q8_0", "Q8_0", "Q8_0", "Q8_0"}, 0},
        {"Q6_K", "Q8_0", "", "Q8_0", "Q8_0", {"Q8_0", "Q8_0", "Q8_0", "Q8_0"}, "Q8_0", "Q8_0", "Q8_0",
         {"Q6_K", "Q6_K", "Q6_K", "Q6_K"}, 24},
        {"Q5_K_M", "Q8_0", "", "Q5_1", "Q5_1", {"Q5_1", "Q5_1", "Q8_0", "Q8_0"}, "Q5_1", "Q5_1", "Q5_1",
         {"Q5_K", "Q5_K", "Q6_K", "Q6_K"}, 24},
        {"Q4_K_M", "Q8_0", "", "Q5_0", "Q5_0", {"Q5_0", "Q5_0", "Q8_0", "Q8_0"}, "Q5_0", "Q5_0", "Q5_0",
         {"Q4_K", "Q4_K", "Q6_K", "Q6_K"}, 24},
        {"Q4_K_S", "Q8_0", "", "Q5_0", "Q5_0", {"Q5_1", "Q5_1", "Q5_1", "Q5_1"}, "Q5_0", "Q5_0", "Q5_0",
         {"Q4_K", "Q4_K", "Q4_K", "Q4_K"}, 24},
        // Q4_0: the tied embedding is the output: Q6_K, which does not fit 576 -> Q8_0 (a fallback).
        {"Q4_0", "Q8_0", "", "Q4_0", "Q4_0", {"Q4_0", "Q4_0", "Q4_0", "Q4_0"}, "Q4_0", "Q4_0", "Q4_0",
         {"Q4_0", "Q4_0", "Q4_0", "Q4_0"}, 1},
        {"NF4", "F16", "", "NF4", "NF4", {"NF4", "NF4", "NF4", "NF4"}, "NF4", "NF4", "NF4", {"NF4", "NF4", "NF4", "NF4"}, 0},
        {"INT8", "F16", "", "INT8", "INT8", {"INT8", "INT8", "INT8", "INT8"}, "INT8", "INT8", "INT8",
         {"INT8", "INT8", "INT8", "INT8"}, 0},
    };
    check_table(spec, table, "576 tied");
}

TEST(QuantizeRecipe, Width256TiedUsesKQuants) {
    test::TinySpec spec;
    const std::vector<Expected> table{
        {"Q8_0", "Q8_0", "", "Q8_0", "Q8_0", {"Q8_0", "Q8_0", "Q8_0", "Q8_0"}, "Q8_0", "Q8_0", "Q8_0",
         {"Q8_0", "Q8_0", "Q8_0", "Q8_0"}, 0},
        {"Q6_K", "Q6_K", "", "Q6_K", "Q6_K", {"Q6_K", "Q6_K", "Q6_K", "Q6_K"}, "Q6_K", "Q6_K", "Q6_K",
         {"Q6_K", "Q6_K", "Q6_K", "Q6_K"}, 0},
        {"Q5_K_M", "Q6_K", "", "Q5_K", "Q5_K", {"Q5_K", "Q5_K", "Q6_K", "Q6_K"}, "Q5_K", "Q5_K", "Q5_K",
         {"Q5_K", "Q5_K", "Q6_K", "Q6_K"}, 0},
        {"Q4_K_M", "Q6_K", "", "Q4_K", "Q4_K", {"Q4_K", "Q4_K", "Q6_K", "Q6_K"}, "Q4_K", "Q4_K", "Q4_K",
         {"Q4_K", "Q4_K", "Q6_K", "Q6_K"}, 0},
        {"Q4_K_S", "Q6_K", "", "Q4_K", "Q4_K", {"Q5_K", "Q5_K", "Q5_K", "Q5_K"}, "Q4_K", "Q4_K", "Q4_K",
         {"Q4_K", "Q4_K", "Q4_K", "Q4_K"}, 0},
        {"Q4_0", "Q6_K", "", "Q4_0", "Q4_0", {"Q4_0", "Q4_0", "Q4_0", "Q4_0"}, "Q4_0", "Q4_0", "Q4_0",
         {"Q4_0", "Q4_0", "Q4_0", "Q4_0"}, 0},
    };
    check_table(spec, table, "256 tied");
}

TEST(QuantizeRecipe, UntiedOutputAndTokenEmbedding) {
    test::TinySpec spec;
    spec.tied = false;
    spec.n_embd = 576;
    check_table(spec,
                {
                    // token_embd keeps the default type (Q4_K -> Q5_0 at 576); output.weight Q8_0.
                    {"Q4_K_M", "Q5_0", "Q8_0", "Q5_0", "Q5_0", {"Q5_0", "Q5_0", "Q8_0", "Q8_0"}, "Q5_0", "Q5_0", "Q5_0",
                     {"Q4_K", "Q4_K", "Q6_K", "Q6_K"}, 25},
                    {"Q4_0", "Q4_0", "Q8_0", "Q4_0", "Q4_0", {"Q4_0", "Q4_0", "Q4_0", "Q4_0"}, "Q4_0", "Q4_0", "Q4_0",
                     {"Q4_0", "Q4_0", "Q4_0", "Q4_0"}, 1},
                    {"NF4", "F16", "F16", "NF4", "NF4", {"NF4", "NF4", "NF4", "NF4"}, "NF4", "NF4", "NF4",
                     {"NF4", "NF4", "NF4", "NF4"}, 0},
                },
                "576 untied");
    spec.n_embd = 256;
    check_table(spec,
                {
                    {"Q4_K_M", "Q4_K", "Q6_K", "Q4_K", "Q4_K", {"Q4_K", "Q4_K", "Q6_K", "Q6_K"}, "Q4_K", "Q4_K", "Q4_K",
                     {"Q4_K", "Q4_K", "Q6_K", "Q6_K"}, 0},
                    {"Q8_0", "Q8_0", "Q8_0", "Q8_0", "Q8_0", {"Q8_0", "Q8_0", "Q8_0", "Q8_0"}, "Q8_0", "Q8_0", "Q8_0",
                     {"Q8_0", "Q8_0", "Q8_0", "Q8_0"}, 0},
                },
                "256 untied");
}

// 12 layers: llama.cpp's order (non-layer tensors first, then layer 0, 1, ..., 10, 11 by number,
// not "blk.10" before "blk.2"), and use_more_bits(i, 12) = {0, 3, 6, 9, 10, 11} for attn_v/ffn_down.
TEST(QuantizeRecipe, OrderIsByLayerNumberAndCountersFollowIt) {
    test::TinySpec spec;
    spec.n_layer = 12;
    spec.n_kv = 32;
    spec.n_vocab = 16;
    test::TempDir dir;
    test::write_tiny_model(dir / "m.gguf", spec);
    auto file = GgufFile::open(dir / "m.gguf");
    ASSERT_TRUE(file.ok());
    auto plan = plan_quantization(*file, QuantizeType::Q4_K_M);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    ASSERT_EQ(plan->size(), 2u + 12u * 9u);
    EXPECT_EQ((*plan)[0].name, "output_norm.weight");
    EXPECT_EQ((*plan)[1].name, "token_embd.weight");
    EXPECT_EQ((*plan)[2].name, "blk.0.attn_k.weight"); // within a layer: by name
    EXPECT_EQ((*plan)[2 + 9 * 2].name, "blk.2.attn_k.weight");
    EXPECT_EQ((*plan)[2 + 9 * 10].name, "blk.10.attn_k.weight");
    EXPECT_EQ(plan->back().name, "blk.11.ffn_up.weight");
    std::vector<int> v6, down6;
    for (const TensorPlan& p : *plan) {
        int layer = -1;
        std::sscanf(p.name.c_str(), "blk.%d.", &layer);
        if (p.name.find("attn_v") != std::string::npos && p.target_format == "Q6_K")
            v6.push_back(layer);
        if (p.name.find("ffn_down") != std::string::npos && p.target_format == "Q6_K")
            down6.push_back(layer);
    }
    EXPECT_EQ(v6, (std::vector<int>{0, 3, 6, 9, 10, 11}));
    EXPECT_EQ(down6, (std::vector<int>{0, 3, 6, 9, 10, 11}));
}

TEST(QuantizeRecipe, SameTypeIsCopiedNotRequantized) {
    test::TinySpec spec;
    spec.weight = Format::Q8_0;
    test::TempDir dir;
    test::write_tiny_model(dir / "m.gguf", spec);
    auto file = GgufFile::open(dir / "m.gguf");
    ASSERT_TRUE(file.ok());
    auto plan = plan_quantization(*file, QuantizeType::Q8_0);
    ASSERT_TRUE(plan.ok());
    for (const TensorPlan& p : *plan) {
        EXPECT_FALSE(p.quantize) << p.name;
        EXPECT_EQ(p.target_bytes, p.source_bytes) << p.name;
    }
    // Requantizing Q8_0 to Q4_K_M converts every 2-D tensor (the embedding to Q6_K).
    auto plan2 = plan_quantization(*file, QuantizeType::Q4_K_M);
    ASSERT_TRUE(plan2.ok());
    for (const TensorPlan& p : *plan2)
        EXPECT_EQ(p.quantize, p.shape.size() == 2) << p.name;
}

} // namespace
} // namespace quanta
