// SPDX-License-Identifier: MIT
// quantize_model end to end on tiny models: every TYPE writes a file that reopens, holds the
// planned format per tensor, dequantizes within each format's max_nmse of the source, carries
// the right metadata and is byte-identical to the single-threaded reference quantizer; cancel,
// overwrite refusal and bad inputs leave no output behind.
#include "quanta/model_info.h"
#include "quanta/quantize.h"
#include "quantize_test_util.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sys/resource.h>

namespace quanta {
namespace {

std::vector<uint8_t> read_all(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

int64_t rows_of(const std::vector<int64_t>& shape) {
    int64_t r = 1;
    for (size_t i = 1; i < shape.size(); ++i)
        r *= shape[i];
    return r;
}

/// Quantizes `spec`'s model to `type` and checks the output against the input tensor by tensor.
void check_type(const test::TinySpec& spec, const std::string& type) {
    SCOPED_TRACE(type + " width " + std::to_string(spec.n_embd));
    test::TempDir dir;
    const auto in = dir / "in.gguf";
    const auto out = dir / "out.gguf";
    test::write_tiny_model(in, spec);
    QuantizeOptions options;
    options.type = type;
    options.threads = 3;
    auto report = quantize_model(in, out, options);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"in.gguf", "out.gguf"})); // no temp file left

    auto src = GgufFile::open(in);
    auto dst = GgufFile::open(out);
    ASSERT_TRUE(src.ok());
    ASSERT_TRUE(dst.ok()) << dst.error().message;
    auto plan = plan_quantization(*src, *quantize_type_from_name(type));
    ASSERT_TRUE(plan.ok());
    ASSERT_EQ(report->tensors.size(), plan->size());
    EXPECT_EQ(report->output_file_bytes, dst->file_size());

    // Metadata: copied, then file type and quantization version set as llama.cpp does.
    ASSERT_NE(dst->find("general.name"), nullptr);
    EXPECT_EQ(dst->find("general.name")->as_string(), "tiny test model");
    EXPECT_EQ(dst->find("llama.block_count")->as_uint(), static_cast<uint64_t>(spec.n_layer));
    EXPECT_EQ(dst->find("general.quantization_version")->as_uint(), 2u);
    const auto ft = quantize_type_file_type(*quantize_type_from_name(type));
    if (ft) {
        ASSERT_NE(dst->find("general.file_type"), nullptr);
        EXPECT_EQ(dst->find("general.file_type")->type(), GgufType::Uint32);
        EXPECT_EQ(dst->find("general.file_type")->as_uint(), *ft);
        EXPECT_EQ(dst->find(kQuantaFormatVersionKey), nullptr);
    } else {
        EXPECT_EQ(dst->find("general.file_type"), nullptr);
        ASSERT_NE(dst->find(kQuantaFormatVersionKey), nullptr);
        EXPECT_EQ(dst->find(kQuantaFormatVersionKey)->as_uint(), 1u);
    }
    if (type == "INT8") {
        ASSERT_NE(dst->find(kQuantaInt8ThresholdKey), nullptr);
        EXPECT_EQ(dst->find(kQuantaInt8ThresholdKey)->type(), GgufType::Float32);
        EXPECT_EQ(dst->find(kQuantaInt8ThresholdKey)->as_float(), 6.0);
    } else {
        EXPECT_EQ(dst->find(kQuantaInt8ThresholdKey), nullptr);
    }

    uint64_t tensor_bytes = 0;
    for (size_t i = 0; i < plan->size(); ++i) {
        const TensorPlan& p = (*plan)[i];
        const QuantizedTensorReport& r = report->tensors[i];
        SCOPED_TRACE(p.name);
        EXPECT_EQ(r.name, p.name);
        EXPECT_EQ(r.format, p.target_format);
        EXPECT_EQ(r.quantized, p.quantize);
        EXPECT_EQ(test::format_in_file(*dst, p.name), p.target_format);
        const int64_t rows = rows_of(p.shape);
        const auto x = test::dequantize_from_file(*src, p.name, p.shape[0], rows);
        const auto y = test::dequantize_from_file(*dst, p.name, p.shape[0], rows);
        const double bound = format_traits(*format_from_name(p.target_format)).max_nmse;
        if (!p.quantize) {
            EXPECT_EQ(x, y);
        } else {
            EXPECT_LE(test::nmse(x, y), bound);
        }
        uint64_t bytes = 0;
        for (const GgufTensorInfo& t : dst->tensors())
            if (t.name == p.name || (t.name.rfind(p.name + ".", 0) == 0 && t.name.find(".nf4_") == p.name.size()) ||
                t.name == p.name + ".int8" || t.name == p.name + ".int8_scb")
                bytes += t.n_bytes;
        EXPECT_EQ(bytes, r.bytes);
        tensor_bytes += bytes;
    }
    EXPECT_EQ(report->tensor_bytes, tensor_bytes);
}

TEST(QuantizeModel, EveryTypeWidth576) {
    test::TinySpec spec;
    spec.n_embd = 576;
    for (std::string_view type : quantize_type_names())
        check_type(spec, std::string(type));
}

TEST(QuantizeModel, KQuantTypesWidth256) {
    test::TinySpec spec;
    for (const char* type : {"Q6_K", "Q5_K_M", "Q4_K_M", "Q4_K_S", "Q4_0"})
        check_type(spec, type);
}

// The threaded pipeline writes exactly the bytes of the single-threaded whole-tensor reference.
TEST(QuantizeModel, BytesEqualTheReferenceQuantizer) {
    test::TinySpec spec;
    spec.n_embd = 576;
    test::TempDir dir;
    test::write_tiny_model(dir / "in.gguf", spec);
    // Parts checked: 28 layer matrices + the tied embedding; NF4 has 5 parts and INT8 2 per matrix.
    for (const auto& [type, expected_parts] : {std::pair{"Q4_K_M", 29u}, {"NF4", 141u}, {"INT8", 57u}}) {
        SCOPED_TRACE(type);
        QuantizeOptions options;
        options.type = type;
        options.threads = 4;
        ASSERT_TRUE(quantize_model(dir / "in.gguf", dir / "out.gguf", options).ok());
        auto src = GgufFile::open(dir / "in.gguf");
        auto dst = GgufFile::open(dir / "out.gguf");
        ASSERT_TRUE(src.ok() && dst.ok());
        auto plan = plan_quantization(*src, *quantize_type_from_name(type));
        ASSERT_TRUE(plan.ok());
        size_t checked = 0;
        for (const TensorPlan& p : *plan) {
            if (!p.quantize)
                continue;
            const GgufTensorInfo* t = src->find_tensor(p.name);
            ASSERT_NE(t, nullptr);
            auto parts = quantize_tensor_reference(*p.target, reinterpret_cast<const float*>(t->data), t->ne[0],
                                                   t->n_rows());
            ASSERT_TRUE(parts.ok());
            for (const QuantizedPart& part : *parts) {
                const GgufTensorInfo* o = dst->find_tensor(p.name + part.suffix);
                ASSERT_NE(o, nullptr) << p.name << part.suffix;
                EXPECT_EQ(o->ggml_type, part.ggml_type);
                EXPECT_EQ(std::vector<uint8_t>(o->bytes().begin(), o->bytes().end()), part.bytes)
                    << p.name << part.suffix;
                ++checked;
            }
        }
        EXPECT_EQ(checked, expected_parts);
        // Only the Quanta formats name their TYPE in quanta.quantize_type (the others have
        // general.file_type, and their files stay byte-identical to llama-quantize's).
        const GgufValue* named = dst->find(kQuantaQuantizeTypeKey);
        if (std::string_view(type) == "Q4_K_M") {
            EXPECT_EQ(named, nullptr);
        } else {
            ASSERT_NE(named, nullptr);
            EXPECT_EQ(*named->as_string(), type);
        }
        EXPECT_EQ(model_type_name(*dst), type); // what the app and the charts call the file
    }
}

TEST(QuantizeModel, ThreadCountDoesNotChangeTheFile) {
    test::TinySpec spec;
    test::TempDir dir;
    test::write_tiny_model(dir / "in.gguf", spec);
    QuantizeOptions options;
    options.type = "Q4_K_M";
    options.threads = 1;
    ASSERT_TRUE(quantize_model(dir / "in.gguf", dir / "a.gguf", options).ok());
    options.threads = 5;
    auto r = quantize_model(dir / "in.gguf", dir / "b.gguf", options);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->threads, 5);
    EXPECT_EQ(read_all(dir / "a.gguf"), read_all(dir / "b.gguf"));
}

// Sources that are themselves quantized (requantization), multi-part (NF4) ones included.
TEST(QuantizeModel, RequantizesQuantizedAndMultiPartSources) {
    for (Format source : {Format::Q8_0, Format::Q4_1, Format::NF4, Format::INT8, Format::F16}) {
        test::TinySpec spec;
        spec.n_embd = 576;
        spec.weight = source;
        for (const char* type : {"Q4_K_M", "Q8_0", "NF4"})
            check_type(spec, type);
    }
}

TEST(QuantizeModel, SameTypeCopiesBytes) {
    test::TinySpec spec;
    spec.weight = Format::Q8_0;
    test::TempDir dir;
    test::write_tiny_model(dir / "in.gguf", spec);
    QuantizeOptions options;
    options.type = "Q8_0";
    auto r = quantize_model(dir / "in.gguf", dir / "out.gguf", options);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->quantized_count, 0u);
    EXPECT_EQ(r->copied_count, r->tensors.size());
    auto src = GgufFile::open(dir / "in.gguf");
    auto dst = GgufFile::open(dir / "out.gguf");
    ASSERT_TRUE(src.ok() && dst.ok());
    for (const GgufTensorInfo& t : src->tensors()) {
        const GgufTensorInfo* o = dst->find_tensor(t.name);
        ASSERT_NE(o, nullptr);
        EXPECT_EQ(std::vector<uint8_t>(o->bytes().begin(), o->bytes().end()),
                  std::vector<uint8_t>(t.bytes().begin(), t.bytes().end()));
    }
    EXPECT_EQ(dst->find("general.file_type")->as_uint(), 7u);
}

TEST(QuantizeModel, ReportsProgressAndTotals) {
    test::TinySpec spec;
    spec.n_embd = 576;
    test::TempDir dir;
    test::write_tiny_model(dir / "in.gguf", spec);
    std::vector<QuantizeProgress> calls;
    std::vector<std::string> names;
    QuantizeOptions options;
    options.type = "Q4_K_M";
    options.threads = 2;
    options.on_progress = [&](const QuantizeProgress& p) {
        calls.push_back(p);
        names.emplace_back(p.name);
        return true;
    };
    auto r = quantize_model(dir / "in.gguf", dir / "out.gguf", options);
    ASSERT_TRUE(r.ok());
    const size_t n = test::tiny_tensors(spec).size();
    ASSERT_GE(calls.size(), n + 1);
    EXPECT_EQ(calls.front().tensor_index, 0u);
    EXPECT_EQ(calls.front().bytes_done, 0u);
    EXPECT_EQ(names.front(), "output_norm.weight");
    EXPECT_EQ(calls.back().tensor_index, n);
    EXPECT_EQ(calls.back().tensor_count, n);
    EXPECT_EQ(calls.back().bytes_done, calls.back().bytes_total);
    EXPECT_EQ(calls.back().bytes_total, r->source_tensor_bytes);
    for (size_t i = 1; i < calls.size(); ++i) {
        EXPECT_GE(calls[i].tensor_index, calls[i - 1].tensor_index);
        EXPECT_GE(calls[i].bytes_done, calls[i - 1].bytes_done);
    }
    EXPECT_EQ(r->tensors.size(), n);
    EXPECT_EQ(r->quantized_count + r->copied_count, n);
    EXPECT_EQ(r->copied_count, 2u * 4u + 1u); // the norms
    EXPECT_EQ(r->fallback_count, 24u);
    EXPECT_EQ(r->file_type, 15u);
    EXPECT_GT(r->bits_per_weight(), 5.0);
    EXPECT_LT(r->bits_per_weight(), 7.0);
}

TEST(QuantizeModel, CancelLeavesNoOutputAndNoTempFile) {
    test::TinySpec spec;
    spec.n_embd = 576;
    test::TempDir dir;
    test::write_tiny_model(dir / "in.gguf", spec);
    for (int stop_at : {1, 5, 20}) {
        int calls = 0;
        QuantizeOptions options;
        options.type = "Q4_K_M";
        options.on_progress = [&](const QuantizeProgress&) { return ++calls < stop_at; };
        auto r = quantize_model(dir / "in.gguf", dir / "out.gguf", options);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::Cancelled);
        EXPECT_EQ(calls, stop_at);
        EXPECT_EQ(dir.entries(), std::vector<std::string>{"in.gguf"});
    }
    // An existing output is left exactly as it was.
    { std::ofstream(dir / "out.gguf") << "previous"; }
    QuantizeOptions options;
    options.type = "Q8_0";
    options.on_progress = [](const QuantizeProgress& p) { return p.tensor_index < 3; };
    auto r = quantize_model(dir / "in.gguf", dir / "out.gguf", options);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Cancelled);
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"in.gguf", "out.gguf"}));
    const auto kept = read_all(dir / "out.gguf");
    EXPECT_EQ(std::string(kept.begin(), kept.end()), "previous");
}

// A full disk, simulated with RLIMIT_FSIZE (writes past the limit fail with EFBIG): an Io error,
// and neither the output nor the temporary file is left.
TEST(QuantizeModel, FullDiskGivesIoErrorAndNoOutput) {
    test::TinySpec spec;
    spec.n_embd = 576;
    test::TempDir dir;
    test::write_tiny_model(dir / "in.gguf", spec);
    rlimit old{};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
    auto* previous = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = old;
    small.rlim_cur = 256 * 1024; // the output is ~2 MB
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
    QuantizeOptions options;
    options.type = "Q8_0";
    auto r = quantize_model(dir / "in.gguf", dir / "out.gguf", options);
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, previous);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Io) << r.error().message;
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"in.gguf"});
}

TEST(QuantizeModel, RefusesToOverwriteItsInput) {
    test::TinySpec spec;
    test::TempDir dir;
    test::write_tiny_model(dir / "in.gguf", spec);
    const auto before = read_all(dir / "in.gguf");
    QuantizeOptions options;
    options.type = "Q4_0";
    for (const auto& out : {dir / "in.gguf", dir.path() / "." / "in.gguf"}) {
        auto r = quantize_model(dir / "in.gguf", out, options);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
        EXPECT_NE(r.error().message.find("refusing to overwrite the input"), std::string::npos) << r.error().message;
    }
    EXPECT_EQ(read_all(dir / "in.gguf"), before);
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"in.gguf"});
}

TEST(QuantizeModel, BadInputsGiveClearErrors) {
    test::TempDir dir;
    QuantizeOptions options;
    options.type = "Q4_K_M";

    auto missing = quantize_model(dir / "nope.gguf", dir / "out.gguf", options);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);

    { std::ofstream(dir / "text.gguf") << "this is not a model file at all"; }
    auto not_gguf = quantize_model(dir / "text.gguf", dir / "out.gguf", options);
    ASSERT_FALSE(not_gguf.ok());
    EXPECT_EQ(not_gguf.error().code, ErrorCode::BadMagic);

    test::TinySpec spec;
    test::write_tiny_model(dir / "good.gguf", spec);
    auto bytes = read_all(dir / "good.gguf");
    bytes.resize(bytes.size() - 1000);
    {
        std::ofstream f(dir / "cut.gguf", std::ios::binary);
        f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
    auto truncated = quantize_model(dir / "cut.gguf", dir / "out.gguf", options);
    ASSERT_FALSE(truncated.ok());
    EXPECT_EQ(truncated.error().code, ErrorCode::Truncated);

    options.type = "Q3_K_M";
    auto unknown_type = quantize_model(dir / "good.gguf", dir / "out.gguf", options);
    ASSERT_FALSE(unknown_type.ok());
    EXPECT_EQ(unknown_type.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(unknown_type.error().message.find("unknown type 'Q3_K_M'"), std::string::npos);

    // A source type Quanta cannot dequantize (Q2_K, type 10) in a tensor that must be converted.
    {
        GgufWriter w;
        w.set("general.architecture", GgufValue::string("llama"));
        const std::vector<int64_t> ne{256, 4};
        ASSERT_TRUE(w.add_tensor("blk.0.attn_q.weight", 10, ne).ok());
        std::vector<uint8_t> data(*ggml_tensor_bytes(10, ne), 0);
        const std::vector<std::span<const uint8_t>> spans{data};
        ASSERT_TRUE(w.write_file(dir / "q2k.gguf", spans).ok());
    }
    options.type = "Q4_K_M";
    auto unsupported = quantize_model(dir / "q2k.gguf", dir / "out.gguf", options);
    ASSERT_FALSE(unsupported.ok());
    EXPECT_EQ(unsupported.error().code, ErrorCode::Unsupported);
    EXPECT_EQ(unsupported.error().message,
              "tensor 'blk.0.attn_q.weight' has type Q2_K, which Quanta cannot dequantize (needed to convert it to Q4_K)");

    // An NF4 weight with a part missing.
    {
        GgufWriter w;
        const std::vector<int64_t> ne{32, 4};
        ASSERT_TRUE(w.add_tensor("blk.0.attn_q.weight.nf4_codes", kGgmlTypeI8, ne).ok());
        std::vector<uint8_t> data(128, 0x77);
        const std::vector<std::span<const uint8_t>> spans{data};
        ASSERT_TRUE(w.write_file(dir / "nf4.gguf", spans).ok());
    }
    auto corrupt = quantize_model(dir / "nf4.gguf", dir / "out.gguf", options);
    ASSERT_FALSE(corrupt.ok());
    EXPECT_EQ(corrupt.error().code, ErrorCode::Corrupt);
    EXPECT_EQ(corrupt.error().message, "NF4 weight 'blk.0.attn_q.weight': part '.nf4_absmax' is missing");

    auto entries = dir.entries();
    EXPECT_EQ(std::count(entries.begin(), entries.end(), "out.gguf"), 0);
    EXPECT_EQ(entries.size(), 5u); // only the inputs written above
}

} // namespace
} // namespace quanta
