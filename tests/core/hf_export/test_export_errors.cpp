// SPDX-License-Identifier: MIT
// export_hf_model failures: clear errors and nothing left behind.
#include "hf_export_test_util.h"
#include "quanta/gguf.h"
#include "quanta/hf_export.h"
#include "quanta/synth_model.h"

#include <gtest/gtest.h>

#include <fstream>

namespace quanta {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
}

SynthModelSpec tiny() {
    SynthModelSpec spec;
    spec.n_vocab = 300;
    spec.n_embd = 64;
    spec.n_layer = 1;
    spec.n_ff = 64;
    spec.n_head = 2;
    spec.n_head_kv = 1;
    spec.weight_format = Format::Q8_0;
    return spec;
}

TEST(HfExportErrors, NotAGgufFile) {
    test::HfTempDir dir;
    write_file(dir / "x.gguf", "this is not a gguf file at all, just text");
    auto r = export_hf_model(dir / "x.gguf", dir / "hf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::BadMagic) << r.error().message;
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"x.gguf"});
}

TEST(HfExportErrors, MissingInput) {
    test::HfTempDir dir;
    auto r = export_hf_model(dir / "nope.gguf", dir / "hf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::NotFound) << r.error().message;
    EXPECT_TRUE(dir.entries().empty());
}

TEST(HfExportErrors, BadDtype) {
    test::HfTempDir dir;
    ASSERT_TRUE(write_synth_model(dir / "m.gguf", tiny()).ok());
    HfExportOptions options;
    options.dtype = "Q4_K";
    auto r = export_hf_model(dir / "m.gguf", dir / "hf", options);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(r.error().message.find("Q4_K"), std::string::npos);
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"m.gguf"});
}

TEST(HfExportErrors, UnwritableOutDir) {
    test::HfTempDir dir;
    ASSERT_TRUE(write_synth_model(dir / "m.gguf", tiny()).ok());
    write_file(dir / "file", "x");
    // The parent of OUT_DIR is a regular file: no folder can be created there (even as root).
    auto r = export_hf_model(dir / "m.gguf", dir / "file" / "hf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Io) << r.error().message;
    // OUT_DIR itself is a file.
    auto r2 = export_hf_model(dir / "m.gguf", dir / "file");
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error().code, ErrorCode::InvalidArgument) << r2.error().message;
    EXPECT_EQ(test::read_text(dir / "file"), "x");
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"file", "m.gguf"}));
}

TEST(HfExportErrors, NonEmptyOutDirNeedsOverwrite) {
    test::HfTempDir dir;
    ASSERT_TRUE(write_synth_model(dir / "m.gguf", tiny()).ok());
    fs::create_directories(dir / "hf");
    write_file(dir / "hf" / "keep.txt", "mine");
    auto r = export_hf_model(dir / "m.gguf", dir / "hf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(r.error().message.find("not empty"), std::string::npos) << r.error().message;
    EXPECT_EQ(test::read_text(dir / "hf" / "keep.txt"), "mine");
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"hf", "m.gguf"}));

    HfExportOptions options;
    options.overwrite = true;
    auto ok = export_hf_model(dir / "m.gguf", dir / "hf", options);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_FALSE(fs::exists(dir / "hf" / "keep.txt"));
    EXPECT_TRUE(fs::exists(dir / "hf" / "model.safetensors"));
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"hf", "m.gguf"})); // no .old / .tmp folder left
}

TEST(HfExportErrors, EmptyOutDirIsFine) {
    test::HfTempDir dir;
    ASSERT_TRUE(write_synth_model(dir / "m.gguf", tiny()).ok());
    fs::create_directories(dir / "hf");
    auto r = export_hf_model(dir / "m.gguf", (dir / "hf").string() + "/");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(fs::exists(dir / "hf" / "tokenizer.json"));
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"hf", "m.gguf"}));
}

TEST(HfExportErrors, CancelLeavesNothing) {
    test::HfTempDir dir;
    ASSERT_TRUE(write_synth_model(dir / "m.gguf", tiny()).ok());
    HfExportOptions options;
    options.on_progress = [](size_t done, size_t) { return done < 3; };
    auto r = export_hf_model(dir / "m.gguf", dir / "hf", options);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Cancelled);
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"m.gguf"});
}

TEST(HfExportErrors, UnsupportedArchitecture) {
    test::HfTempDir dir;
    ASSERT_TRUE(write_synth_model(dir / "m.gguf", tiny()).ok());
    auto file = GgufFile::open(dir / "m.gguf");
    ASSERT_TRUE(file.ok());
    GgufWriter w;
    w.copy_metadata(*file);
    w.set("general.architecture", GgufValue::string("gemma"));
    std::vector<std::span<const uint8_t>> data;
    for (const GgufTensorInfo& t : file->tensors()) {
        ASSERT_TRUE(w.add_tensor(t.name, t.ggml_type, std::span<const int64_t>(t.ne.data(), t.n_dims)).ok());
        data.push_back(t.bytes());
    }
    ASSERT_TRUE(w.write_file(dir / "g.gguf", data).ok());
    auto r = export_hf_model(dir / "g.gguf", dir / "hf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Unsupported) << r.error().message;
    EXPECT_NE(r.error().message.find("gemma"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir / "hf"));
}

TEST(HfExportErrors, OverwriteNeverDeletesTheInput) {
    test::HfTempDir dir;
    fs::create_directories(dir / "models");
    ASSERT_TRUE(write_synth_model(dir / "models" / "m.gguf", tiny()).ok());
    HfExportOptions options;
    options.overwrite = true;
    auto r = export_hf_model(dir / "models" / "m.gguf", dir / "models", options);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument) << r.error().message;
    EXPECT_TRUE(fs::exists(dir / "models" / "m.gguf"));
    auto r2 = export_hf_model(dir / "models" / "m.gguf", dir.path(), options);
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"models"});
}

} // namespace
} // namespace quanta
