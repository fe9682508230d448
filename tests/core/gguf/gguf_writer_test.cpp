// SPDX-License-Identifier: MIT
#include "quanta/gguf.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <unistd.h>

namespace quanta {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class GgufWriterTest : public testing::Test {
protected:
    void SetUp() override {
        const auto* info = testing::UnitTest::GetInstance()->current_test_info();
        dir = fs::temp_directory_path() /
              ("quanta_gguf_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" + info->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }

    size_t files_in_dir() const {
        return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
    }

    fs::path dir;
};

// Random metadata covering every value type, deterministic for a seed. Floats avoid NaN so that
// GgufValue::operator== can compare them.
std::vector<GgufKeyValue> random_metadata(std::mt19937& rng) {
    std::uniform_int_distribution<int> len(0, 12);
    auto text = [&] {
        std::string s;
        for (int i = len(rng); i > 0; --i)
            s += static_cast<char>('a' + rng() % 26);
        return s;
    };
    auto i64 = [&] { return static_cast<int64_t>((uint64_t{rng()} << 32) | rng()); };
    std::vector<GgufKeyValue> kv = {
        {"general.architecture", GgufValue::string("llama")},
        {"t.u8", GgufValue::u8(static_cast<uint8_t>(rng()))},
        {"t.i8", GgufValue::i8(static_cast<int8_t>(rng()))},
        {"t.u16", GgufValue::u16(static_cast<uint16_t>(rng()))},
        {"t.i16", GgufValue::i16(static_cast<int16_t>(rng()))},
        {"t.u32", GgufValue::u32(static_cast<uint32_t>(rng()))},
        {"t.i32", GgufValue::i32(static_cast<int32_t>(rng()))},
        {"t.u64", GgufValue::u64(static_cast<uint64_t>(i64()))},
        {"t.i64", GgufValue::i64(i64())},
        {"t.f32", GgufValue::f32(std::uniform_real_distribution<float>(-1e6f, 1e6f)(rng))},
        {"t.f64", GgufValue::f64(std::uniform_real_distribution<double>(-1e300, 1e300)(rng))},
        {"t.bool", GgufValue::boolean(rng() % 2 == 1)},
        {"t.string", GgufValue::string(text() + "\xed\x95\x9c")},   // with a Korean syllable
        {"t.empty_string", GgufValue::string("")},
    };
    std::vector<std::string> strings(1 + rng() % 50);
    for (auto& s : strings)
        s = text();
    kv.push_back({"t.arr.string", GgufValue::string_array(strings)});
    std::vector<float> f32(rng() % 20);
    for (auto& f : f32)
        f = std::uniform_real_distribution<float>(-10, 10)(rng);
    kv.push_back({"t.arr.f32", GgufValue::f32_array(f32)});
    kv.push_back({"t.arr.f64", GgufValue::f64_array({0.1, -2.0, 1e-300})});
    kv.push_back({"t.arr.i32", GgufValue::i32_array({-1, 0, static_cast<int32_t>(rng())})});
    kv.push_back({"t.arr.u32", GgufValue::u32_array({0, static_cast<uint32_t>(rng())})});
    kv.push_back({"t.arr.u64", GgufValue::u64_array({~uint64_t{0}, 5})});
    kv.push_back({"t.arr.bool", GgufValue::bool_array({true, false, true})});
    kv.push_back({"t.arr.u8", GgufValue::int_array(GgufType::Uint8, {0, 255, 7})});
    kv.push_back({"t.arr.i8", GgufValue::int_array(GgufType::Int8, {-128, 127})});
    kv.push_back({"t.arr.u16", GgufValue::int_array(GgufType::Uint16, {65535})});
    kv.push_back({"t.arr.i16", GgufValue::int_array(GgufType::Int16, {-32768, 1})});
    kv.push_back({"t.arr.i64", GgufValue::int_array(GgufType::Int64, {i64(), i64()})});
    kv.push_back({"t.arr.empty_string", GgufValue::string_array({})});
    std::shuffle(kv.begin() + 1, kv.end(), rng);
    return kv;
}

struct TensorSpec {
    std::string name;
    uint32_t type;
    std::vector<int64_t> ne;
    std::vector<uint8_t> data;
};

std::vector<TensorSpec> random_tensors(std::mt19937& rng) {
    // (type id, block size, block bytes): F32, F16, Q4_0, Q8_0, Q4_K, Q6_K, BF16, I8, Q4_1
    const uint32_t types[][3] = {{0, 1, 4}, {1, 1, 2}, {2, 32, 18}, {8, 32, 34}, {12, 256, 144},
                                 {14, 256, 210}, {30, 1, 2}, {24, 1, 1}, {3, 32, 20}};
    std::vector<TensorSpec> out;
    for (int i = 0; i < 12; ++i) {
        const auto& t = types[rng() % std::size(types)];
        TensorSpec s;
        s.name = "blk." + std::to_string(i) + ".w";
        s.type = t[0];
        const int dims = 1 + static_cast<int>(rng() % 4);
        s.ne.push_back(static_cast<int64_t>(t[1]) * (1 + rng() % 3));
        for (int d = 1; d < dims; ++d)
            s.ne.push_back(1 + rng() % 3);   // trailing 1s happen and get trimmed
        uint64_t bytes = static_cast<uint64_t>(s.ne[0]) / t[1] * t[2];
        for (int d = 1; d < dims; ++d)
            bytes *= static_cast<uint64_t>(s.ne[d]);
        s.data.resize(bytes);
        for (auto& b : s.data)
            b = static_cast<uint8_t>(rng());
        out.push_back(std::move(s));
    }
    out.push_back({"empty", 0, {0}, {}});   // a zero-byte tensor
    return out;
}

uint64_t pad(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

TEST_F(GgufWriterTest, RandomRoundTripIsExactAndByteStable) {
    for (uint32_t alignment : {32u, 64u}) {
        for (uint32_t seed = 1; seed <= 3; ++seed) {
            SCOPED_TRACE("alignment " + std::to_string(alignment) + " seed " + std::to_string(seed));
            std::mt19937 rng(seed * 1000 + alignment);
            auto metadata = random_metadata(rng);
            if (alignment != 32)
                metadata.push_back({"general.alignment", GgufValue::u32(alignment)});
            const auto tensors = random_tensors(rng);

            GgufWriter writer;
            for (const auto& kv : metadata)
                writer.set(kv.key, kv.value);
            std::vector<std::span<const uint8_t>> data;
            for (const auto& t : tensors) {
                ASSERT_TRUE(writer.add_tensor(t.name, t.type, t.ne).ok()) << t.name;
                data.emplace_back(t.data);
            }
            const fs::path first = dir / "first.gguf";
            auto written = writer.write_file(first, data);
            ASSERT_TRUE(written.ok()) << written.error().message;
            EXPECT_EQ(files_in_dir(), 1u) << "no temporary file left behind";

            auto file = GgufFile::open(first);
            ASSERT_TRUE(file.ok()) << file.error().message;
            EXPECT_EQ(file->version(), 3u);
            EXPECT_EQ(file->alignment(), alignment);
            ASSERT_EQ(file->metadata().size(), metadata.size());
            for (size_t i = 0; i < metadata.size(); ++i) {
                EXPECT_EQ(file->metadata()[i].key, metadata[i].key);
                EXPECT_TRUE(file->metadata()[i].value == metadata[i].value) << metadata[i].key;
            }
            ASSERT_EQ(file->tensors().size(), tensors.size());
            EXPECT_EQ(file->data_offset() % alignment, 0u);
            uint64_t offset = 0;
            for (size_t i = 0; i < tensors.size(); ++i) {
                const GgufTensorInfo& got = file->tensors()[i];
                const TensorSpec& want = tensors[i];
                EXPECT_EQ(got.name, want.name);
                EXPECT_EQ(got.ggml_type, want.type);
                size_t dims = want.ne.size();
                while (dims > 1 && want.ne[dims - 1] == 1)
                    --dims;
                EXPECT_EQ(got.n_dims, dims) << "trailing 1s are trimmed";
                for (size_t d = 0; d < 4; ++d)
                    EXPECT_EQ(got.ne[d], d < want.ne.size() ? want.ne[d] : 1);
                EXPECT_EQ(got.offset, offset) << "tight layout";
                ASSERT_EQ(got.n_bytes, want.data.size());
                EXPECT_TRUE(std::equal(want.data.begin(), want.data.end(), got.data));
                for (uint64_t p = got.n_bytes; p < pad(got.n_bytes, alignment); ++p)
                    EXPECT_EQ(got.data[p], 0u) << "zero padding after " << got.name;
                offset += pad(got.n_bytes, alignment);
            }
            EXPECT_EQ(file->file_size(), file->data_offset() + offset) << "padding after the last tensor";

            // Writing what was read gives the same bytes.
            GgufWriter again;
            again.copy_metadata(*file);
            std::vector<std::span<const uint8_t>> again_data;
            for (const GgufTensorInfo& t : file->tensors()) {
                ASSERT_TRUE(again.add_tensor(t.name, t.ggml_type, std::span(t.ne.data(), t.n_dims)).ok());
                again_data.push_back(t.bytes());
            }
            const fs::path second = dir / "second.gguf";
            ASSERT_TRUE(again.write_file(second, again_data).ok());
            EXPECT_EQ(read_all(first), read_all(second));
            // In memory: the same bytes again.
            auto in_memory = again.serialize(again_data);
            ASSERT_TRUE(in_memory.ok()) << in_memory.error().message;
            EXPECT_EQ(*in_memory, read_all(first));
            fs::remove(first);
            fs::remove(second);
        }
    }
}

TEST_F(GgufWriterTest, DefaultModelRewritesByteIdentical) {
    if (!fs::exists(QUANTA_DEFAULT_MODEL))
        GTEST_SKIP() << "default model not present: " << QUANTA_DEFAULT_MODEL;
    auto model = GgufFile::open(QUANTA_DEFAULT_MODEL);
    ASSERT_TRUE(model.ok()) << model.error().message;
    GgufWriter w;
    w.copy_metadata(*model);
    for (const GgufTensorInfo& t : model->tensors())
        ASSERT_TRUE(w.add_tensor(t.name, t.ggml_type, std::span(t.ne.data(), t.n_dims)).ok()) << t.name;
    ASSERT_TRUE(w.begin(dir / "copy.gguf").ok());
    for (const GgufTensorInfo& t : model->tensors()) {
        // In two pieces, as a quantizer streaming rows would.
        const auto bytes = t.bytes();
        const size_t half = bytes.size() / 2;
        ASSERT_TRUE(w.write_data(bytes.first(half)).ok());
        ASSERT_TRUE(w.write_data(bytes.subspan(half)).ok());
    }
    auto finished = w.finish();
    ASSERT_TRUE(finished.ok()) << finished.error().message;
    auto copy = GgufFile::open(dir / "copy.gguf");
    ASSERT_TRUE(copy.ok()) << copy.error().message;
    ASSERT_EQ(copy->file_size(), model->file_size());
    const auto a = model->bytes();
    const auto b = copy->bytes();
    const auto mismatch = std::mismatch(a.begin(), a.end(), b.begin());
    EXPECT_EQ(mismatch.first, a.end()) << "first difference at byte " << (mismatch.first - a.begin());
}

TEST_F(GgufWriterTest, RejectsBadTensors) {
    GgufWriter writer;
    const int64_t ne[] = {32, 2};
    ASSERT_TRUE(writer.add_tensor(std::string(63, 'x'), 0, ne).ok()) << "63 bytes is the longest name";
    auto too_long = writer.add_tensor(std::string(64, 'y'), 0, ne);
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(too_long.error().message.find("64 bytes"), std::string::npos) << too_long.error().message;

    ASSERT_TRUE(writer.add_tensor("a", 8, ne).ok());
    auto dup = writer.add_tensor("a", 0, ne);
    ASSERT_FALSE(dup.ok());
    EXPECT_NE(dup.error().message.find("duplicate"), std::string::npos) << dup.error().message;

    EXPECT_FALSE(writer.add_tensor("", 0, ne).ok());
    EXPECT_FALSE(writer.add_tensor("removed", 4, ne).ok());
    EXPECT_FALSE(writer.add_tensor("unknown", 99, ne).ok());
    const int64_t odd[] = {33, 2};
    auto not_block = writer.add_tensor("odd", 8, odd);
    ASSERT_FALSE(not_block.ok());
    EXPECT_NE(not_block.error().message.find("Q8_0"), std::string::npos) << not_block.error().message;
    const int64_t five[] = {1, 1, 1, 1, 1};
    EXPECT_FALSE(writer.add_tensor("five", 0, five).ok());
    const int64_t negative[] = {4, -1};
    EXPECT_FALSE(writer.add_tensor("neg", 0, negative).ok());

    ASSERT_TRUE(writer.begin(dir / "x.gguf").ok());
    auto late = writer.add_tensor("late", 0, ne);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::InvalidArgument);
}

TEST_F(GgufWriterTest, DroppedWriterLeavesNothing) {
    const fs::path target = dir / "model.gguf";
    {
        GgufWriter writer;
        writer.set("general.architecture", GgufValue::string("llama"));
        const int64_t ne[] = {4};
        ASSERT_TRUE(writer.add_tensor("w", 0, ne).ok());
        ASSERT_TRUE(writer.begin(target).ok());
        EXPECT_EQ(files_in_dir(), 1u) << "the temporary file exists while writing";
        EXPECT_FALSE(fs::exists(target));
        const uint8_t half[8] = {};
        ASSERT_TRUE(writer.write_data(half).ok());
    }
    EXPECT_EQ(files_in_dir(), 0u);

    // An existing target is untouched by a writer that never finishes.
    { std::ofstream(target) << "old"; }
    {
        GgufWriter writer;
        ASSERT_TRUE(writer.begin(target).ok());
    }
    EXPECT_EQ(read_all(target), (std::vector<uint8_t>{'o', 'l', 'd'}));
    EXPECT_EQ(files_in_dir(), 1u);
}

TEST_F(GgufWriterTest, DataSizesAreEnforced) {
    GgufWriter writer;
    const int64_t ne[] = {4};
    ASSERT_TRUE(writer.add_tensor("a", 0, ne).ok());
    ASSERT_TRUE(writer.add_tensor("b", 0, ne).ok());
    ASSERT_TRUE(writer.begin(dir / "x.gguf").ok());
    const uint8_t bytes[20] = {};
    auto too_many = writer.write_data(bytes);
    ASSERT_FALSE(too_many.ok()) << "one call never spans two tensors";
    EXPECT_NE(too_many.error().message.find("'a'"), std::string::npos) << too_many.error().message;
    ASSERT_TRUE(writer.write_data(std::span(bytes, 16)).ok());
    ASSERT_TRUE(writer.write_data(std::span(bytes, 4)).ok());
    auto early = writer.finish();
    ASSERT_FALSE(early.ok());
    EXPECT_NE(early.error().message.find("'b' got 4 of its 16 bytes"), std::string::npos) << early.error().message;
    ASSERT_TRUE(writer.write_data(std::span(bytes, 12)).ok());
    EXPECT_FALSE(writer.write_data(std::span(bytes, 1)).ok());
    ASSERT_TRUE(writer.finish().ok());
    EXPECT_FALSE(writer.finish().ok());
    auto file = GgufFile::open(dir / "x.gguf");
    ASSERT_TRUE(file.ok());
    // Header: 24 + 2 infos of 33 bytes = 90, padded to 96; then 16 + 16 padding for each tensor.
    EXPECT_EQ(file->file_size(), 96u + 32u + 32u);
}

TEST_F(GgufWriterTest, SerializeMatchesFormatsExample) {
    // FORMATS.md §2.1: the worked example, byte for byte.
    GgufWriter writer;
    writer.set("general.architecture", GgufValue::string("llama"));
    const int64_t ne[] = {64, 8};
    ASSERT_TRUE(writer.add_tensor("token_embd.weight", 8, ne).ok());
    std::vector<uint8_t> q8(544);
    for (size_t i = 0; i < q8.size(); ++i)
        q8[i] = static_cast<uint8_t>(i * 7);
    const std::span<const uint8_t> data[] = {q8};
    auto bytes = writer.serialize(data);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    ASSERT_EQ(bytes->size(), 672u);
    const uint8_t head[] = {'G', 'G', 'U', 'F', 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 20, 0};
    EXPECT_TRUE(std::equal(std::begin(head), std::end(head), bytes->begin()));
    EXPECT_EQ((*bytes)[52], 8u);    // value type STRING
    EXPECT_EQ((*bytes)[94], 2u);    // n_dims
    EXPECT_EQ((*bytes)[114], 8u);   // Q8_0
    EXPECT_EQ((*bytes)[126], 0u);   // padding
    EXPECT_EQ((*bytes)[127], 0u);
    EXPECT_EQ((*bytes)[129], 7u);   // data starts at 128
    EXPECT_EQ(*bytes, read_all(fs::path(QUANTA_TEST_DATA_DIR) / ".." / "fuzz" / "corpus" / "valid_formats_example.gguf"));

    const std::span<const uint8_t> short_data[] = {std::span(q8).first(543)};
    EXPECT_FALSE(writer.serialize(short_data).ok());
    EXPECT_FALSE(writer.serialize({}).ok());
}

TEST_F(GgufWriterTest, SetReplacesInPlaceAndRemoveDeletes) {
    GgufWriter writer;
    writer.set("a", GgufValue::u32(1));
    writer.set("b", GgufValue::u32(2));
    writer.set("a", GgufValue::string("x"));
    writer.set("c", GgufValue::boolean(true));
    writer.remove("c");
    ASSERT_TRUE(writer.write_file(dir / "m.gguf", {}).ok());
    auto file = GgufFile::open(dir / "m.gguf");
    ASSERT_TRUE(file.ok()) << file.error().message;
    ASSERT_EQ(file->metadata().size(), 2u);
    EXPECT_EQ(file->metadata()[0].key, "a");
    EXPECT_EQ(file->metadata()[0].value.as_string(), "x");
    EXPECT_EQ(file->metadata()[1].key, "b");
    EXPECT_EQ(file->data_offset(), file->file_size());
    EXPECT_EQ(file->file_size() % 32, 0u);
}

TEST_F(GgufWriterTest, MisuseIsReported) {
    GgufWriter empty_key;
    empty_key.set("", GgufValue::u8(1));
    EXPECT_EQ(empty_key.begin(dir / "a.gguf").error().code, ErrorCode::InvalidArgument);

    GgufWriter bad_alignment;
    bad_alignment.set("general.alignment", GgufValue::u32(48));
    EXPECT_FALSE(bad_alignment.begin(dir / "b.gguf").ok());
    GgufWriter wrong_type;
    wrong_type.set("general.alignment", GgufValue::u64(32));
    EXPECT_FALSE(wrong_type.begin(dir / "c.gguf").ok());

    GgufWriter late_set;
    ASSERT_TRUE(late_set.begin(dir / "d.gguf").ok());
    late_set.set("general.name", GgufValue::string("late"));
    EXPECT_FALSE(late_set.finish().ok());
    EXPECT_FALSE(fs::exists(dir / "d.gguf"));

    GgufWriter no_begin;
    EXPECT_FALSE(no_begin.write_data({}).ok());
    EXPECT_FALSE(no_begin.finish().ok());

    GgufWriter missing_folder;
    auto r = missing_folder.begin(dir / "no" / "such" / "folder.gguf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Io);
    EXPECT_NE(r.error().message.find("folder.gguf"), std::string::npos) << r.error().message;
}

TEST_F(GgufWriterTest, RefusesToOverwriteItsInput) {
    const fs::path path = dir / "in.gguf";
    {
        GgufWriter writer;
        writer.set("general.architecture", GgufValue::string("llama"));
        ASSERT_TRUE(writer.write_file(path, {}).ok());
    }
    auto input = GgufFile::open(path);
    ASSERT_TRUE(input.ok());
    GgufWriter writer;
    writer.copy_metadata(*input);
    auto r = writer.begin(path);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(r.error().message.find("in.gguf"), std::string::npos) << r.error().message;
    // Through another spelling of the same path, too.
    GgufWriter again;
    again.copy_metadata(*input);
    EXPECT_FALSE(again.begin(dir / "." / "in.gguf").ok());
    EXPECT_TRUE(writer.begin(dir / "out.gguf").ok());
}

} // namespace
} // namespace quanta
