// SPDX-License-Identifier: MIT
// Bad input: missing files, unknown architectures, wrong shapes, hostile safetensors headers.
// Each gives a clear Error, never a crash, and nothing at OUT.
#include "hf_test_util.h"

#include "quanta/hf_import.h"

#include <gtest/gtest.h>

namespace quanta {
namespace {

using test::TempDir;
using test::TinySpec;

/// Convert and expect `code` with `needle` in the message, and nothing written next to `dir`.
void expect_failure(const TempDir& tmp, ErrorCode code, const std::string& needle) {
    auto r = convert_hf_model(tmp.path / "m", tmp.path / "out.gguf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
    EXPECT_EQ(test::list_dir(tmp.path), std::vector<std::string>{"m"});
    auto info = read_hf_model(tmp.path / "m");
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.error().code, code);
}

nlohmann::json read_json(const std::filesystem::path& p) {
    std::ifstream in(p);
    return nlohmann::json::parse(in);
}

TEST(HfErrors, MissingConfig) {
    TempDir tmp("noconfig");
    test::write_tiny_hf_folder(tmp.path / "m", TinySpec{});
    std::filesystem::remove(tmp.path / "m" / "config.json");
    expect_failure(tmp, ErrorCode::NotFound, "config.json");
}

TEST(HfErrors, MissingFolderAndWeights) {
    TempDir tmp("nofolder");
    EXPECT_EQ(read_hf_model(tmp.path / "nope").error().code, ErrorCode::NotFound);
    test::write_tiny_hf_folder(tmp.path / "m", TinySpec{});
    std::filesystem::remove(tmp.path / "m" / "model.safetensors");
    expect_failure(tmp, ErrorCode::NotFound, "model.safetensors");
}

TEST(HfErrors, UnknownArchitectureIsNamed) {
    TempDir tmp("arch");
    TinySpec spec;
    spec.architecture = "GPT2LMHeadModel";
    test::write_tiny_hf_folder(tmp.path / "m", spec);
    expect_failure(tmp, ErrorCode::Unsupported, "GPT2LMHeadModel");
}

TEST(HfErrors, WrongShapeNamesTheTensor) {
    TempDir tmp("shape");
    test::write_tiny_hf_folder(tmp.path / "m", TinySpec{});
    auto tensors = test::tiny_tensors(TinySpec{});
    auto& q = tensors["model.layers.1.self_attn.q_proj.weight"];
    q.shape = {48, 64};
    q.values.resize(48 * 64);
    test::write_bytes(tmp.path / "m" / "model.safetensors", test::safetensors_bytes(tensors));
    expect_failure(tmp, ErrorCode::Corrupt, "model.layers.1.self_attn.q_proj.weight");
}

TEST(HfErrors, MissingTensorAndUnknownTensor) {
    TempDir tmp("missing");
    test::write_tiny_hf_folder(tmp.path / "m", TinySpec{});
    auto tensors = test::tiny_tensors(TinySpec{});
    tensors.erase("model.layers.0.mlp.up_proj.weight");
    test::write_bytes(tmp.path / "m" / "model.safetensors", test::safetensors_bytes(tensors));
    expect_failure(tmp, ErrorCode::NotFound, "model.layers.0.mlp.up_proj.weight");
    tensors = test::tiny_tensors(TinySpec{});
    tensors["model.layers.0.mlp.extra.weight"] = test::StTensor{"F32", {2}, {1, 2}};
    test::write_bytes(tmp.path / "m" / "model.safetensors", test::safetensors_bytes(tensors));
    expect_failure(tmp, ErrorCode::Unsupported, "model.layers.0.mlp.extra.weight");
}

TEST(HfErrors, UnsupportedDtypeAndRopeScaling) {
    TempDir tmp("dtype");
    TinySpec spec;
    spec.rope_scaling = {{"rope_type", "yarn"}, {"factor", 4.0}};
    test::write_tiny_hf_folder(tmp.path / "m", spec);
    expect_failure(tmp, ErrorCode::Unsupported, "yarn");
}

std::vector<uint8_t> with_header(const std::string& header, size_t data_bytes) {
    std::vector<uint8_t> out(8 + header.size() + data_bytes, 0);
    for (size_t i = 0; i < 8; ++i)
        out[i] = static_cast<uint8_t>(static_cast<uint64_t>(header.size()) >> (8 * i));
    std::memcpy(out.data() + 8, header.data(), header.size());
    return out;
}

TEST(HfErrors, MalformedSafetensorsHeaders) {
    struct Case {
        const char* what;
        std::vector<uint8_t> bytes;
        ErrorCode code;
        const char* needle;
    };
    std::vector<uint8_t> too_long = with_header("{}", 0);
    too_long[0] = 0xFF;
    too_long[5] = 0x01;
    const std::vector<Case> cases = {
        {"empty", {}, ErrorCode::Truncated, "8-byte"},
        {"length beyond the file", too_long, ErrorCode::Truncated, "beyond the end"},
        {"bad json", with_header("{\"a\": [1, 2", 0), ErrorCode::Corrupt, "JSON"},
        {"not an object", with_header("[1, 2]", 0), ErrorCode::Corrupt, "JSON object"},
        {"offsets out of range", with_header(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8), ErrorCode::Corrupt, "past the data"},
        {"reversed offsets", with_header(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", 8), ErrorCode::Corrupt, "reversed"},
        {"unknown dtype", with_header(R"({"w":{"dtype":"F7","shape":[4],"data_offsets":[0,4]}})", 8), ErrorCode::UnknownType, "F7"},
        {"size mismatch", with_header(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8), ErrorCode::Corrupt, "bytes of data"},
        {"overlap", with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 16),
         ErrorCode::Corrupt, "overlaps"},
        {"negative dim", with_header(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 8), ErrorCode::Corrupt, "shape"},
        {"huge dims", with_header(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})", 8), ErrorCode::Corrupt, "overflow"},
        {"missing field", with_header(R"({"w":{"dtype":"F32","shape":[1]}})", 8), ErrorCode::Corrupt, "data_offsets"},
        {"entry not an object", with_header(R"({"w":3})", 8), ErrorCode::Corrupt, "not an object"},
        {"deep nesting", with_header(std::string(200000, '[') + std::string(200000, ']'), 0), ErrorCode::Corrupt, "JSON object"},
        {"unterminated nesting", with_header(R"({"w":)" + std::string(100000, '['), 0), ErrorCode::Corrupt, "JSON"},
        {"wrong types", with_header(R"({"w":{"dtype":1,"shape":"x","data_offsets":[0,4]}})", 8), ErrorCode::Corrupt, "dtype"},
    };
    for (const Case& c : cases) {
        auto r = SafetensorsFile::parse(c.bytes);
        ASSERT_FALSE(r.ok()) << c.what;
        EXPECT_EQ(r.error().code, c.code) << c.what << ": " << r.error().message;
        EXPECT_NE(r.error().message.find(c.needle), std::string::npos) << c.what << ": " << r.error().message;
    }
    // Through the converter: the path is named and nothing is written.
    TempDir tmp("st");
    test::write_tiny_hf_folder(tmp.path / "m", TinySpec{});
    test::write_bytes(tmp.path / "m" / "model.safetensors", cases[4].bytes);
    expect_failure(tmp, ErrorCode::Corrupt, "model.safetensors: safetensors header");
}

TEST(HfErrors, ValidSafetensorsParse) {
    auto r = SafetensorsFile::parse(with_header(R"({"__metadata__":{"format":"pt"},"w":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}})", 8));
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->tensors().size(), 2u);
    const SafetensorsTensor* w = r->find("w");
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->dtype, SafetensorsDtype::BF16);
    EXPECT_EQ(w->shape, (std::vector<int64_t>{2, 2}));
    EXPECT_EQ(w->n_bytes, 8u);
    EXPECT_EQ(w->n_elements(), 4);
}

TEST(HfErrors, MutatedSafetensorsNeverCrash) {
    auto tensors = test::tiny_tensors(TinySpec{});
    const auto good = test::safetensors_bytes(tensors);
    ASSERT_TRUE(SafetensorsFile::parse(good).ok());
    std::mt19937 rng(7);
    for (int i = 0; i < 3000; ++i) {
        std::vector<uint8_t> bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(good.size(), 4096)));
        const int n = 1 + static_cast<int>(rng() % 8);
        for (int k = 0; k < n; ++k)
            bytes[rng() % bytes.size()] = static_cast<uint8_t>(rng());
        if (rng() % 4 == 0)
            bytes.resize(rng() % bytes.size());
        auto r = SafetensorsFile::parse(bytes);
        if (r.ok()) {
            for (const SafetensorsTensor& t : r->tensors())
                ASSERT_LE(t.offset + t.n_bytes, bytes.size());
        }
    }
}

TEST(HfErrors, IndexNamingAMissingShardOrPath) {
    TempDir tmp("index");
    TinySpec spec;
    spec.shards = 2;
    test::write_tiny_hf_folder(tmp.path / "m", spec);
    auto index = read_json(tmp.path / "m" / "model.safetensors.index.json");
    index["weight_map"]["model.norm.weight"] = "../evil.safetensors";
    test::write_text(tmp.path / "m" / "model.safetensors.index.json", index.dump());
    expect_failure(tmp, ErrorCode::Corrupt, "plain file name");
    index["weight_map"]["model.norm.weight"] = "model-00003-of-00002.safetensors";
    test::write_text(tmp.path / "m" / "model.safetensors.index.json", index.dump());
    expect_failure(tmp, ErrorCode::NotFound, "model-00003-of-00002.safetensors");
}

TEST(HfErrors, BadOptionsAndUnrecognizedPreTokenizer) {
    TempDir tmp("opts");
    test::write_tiny_hf_folder(tmp.path / "m", TinySpec{});
    EXPECT_EQ(convert_hf_model(tmp.path / "m", tmp.path / "o.gguf", {.type = "Q3_X"}).error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(convert_hf_model(tmp.path / "m", tmp.path, {}).error().code, ErrorCode::InvalidArgument);
    const auto overwrite = convert_hf_model(tmp.path / "m", tmp.path / "m" / "model.safetensors", {});
    EXPECT_EQ(overwrite.error().code, ErrorCode::InvalidArgument);
    EXPECT_TRUE(read_hf_model(tmp.path / "m").ok());
    auto tj = read_json(tmp.path / "m" / "tokenizer.json");
    tj["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "\\w+";
    test::write_text(tmp.path / "m" / "tokenizer.json", tj.dump());
    expect_failure(tmp, ErrorCode::Unsupported, "pre-tokenizer");
    test::write_text(tmp.path / "m" / "tokenizer.json", "{not json");
    expect_failure(tmp, ErrorCode::Corrupt, "tokenizer.json");
    test::write_text(tmp.path / "m" / "config.json", R"({"architectures":["LlamaForCausalLM"],"hidden_size":"big"})");
    expect_failure(tmp, ErrorCode::Corrupt, "hidden_size");
}

} // namespace
} // namespace quanta
