// SPDX-License-Identifier: MIT
#include "util/atomic_file.h"
#include "util/checked_math.h"
#include "util/mapped_file.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sys/resource.h>
#include <unistd.h>

namespace quanta {
namespace {

namespace fs = std::filesystem;

class UtilFiles : public testing::Test {
protected:
    void SetUp() override {
        const auto* info = testing::UnitTest::GetInstance()->current_test_info();
        dir = fs::temp_directory_path() / ("quanta_util_" + std::to_string(::getpid()) + "_" + info->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }
    size_t files_in_dir() const {
        return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
    }
    static std::string read_text(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    fs::path dir;
};

std::span<const uint8_t> as_bytes(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

TEST(CheckedMath, DetectsOverflow) {
    const uint64_t max = ~uint64_t{0};
    EXPECT_EQ(checked_add(max - 1, 1), max);
    EXPECT_EQ(checked_add(max, 1), std::nullopt);
    EXPECT_EQ(checked_mul(uint64_t{1} << 32, (uint64_t{1} << 32) - 1), 0xFFFFFFFF00000000u);
    EXPECT_EQ(checked_mul(uint64_t{1} << 32, uint64_t{1} << 32), std::nullopt);
    EXPECT_EQ(checked_mul(0, max), 0u);
    EXPECT_EQ(checked_align_up(33, 32), 64u);
    EXPECT_EQ(checked_align_up(64, 32), 64u);
    EXPECT_EQ(checked_align_up(0, 32), 0u);
    EXPECT_EQ(checked_align_up(max - 3, 32), std::nullopt);
    EXPECT_TRUE(is_power_of_two(1));
    EXPECT_TRUE(is_power_of_two(uint64_t{1} << 63));
    EXPECT_FALSE(is_power_of_two(0));
    EXPECT_FALSE(is_power_of_two(48));
}

TEST_F(UtilFiles, MappedFileMapsContentAndReportsErrors) {
    const fs::path path = dir / "data.bin";
    { std::ofstream(path, std::ios::binary) << "hello"; }
    auto file = MappedFile::open(path);
    ASSERT_TRUE(file.ok()) << file.error().message;
    ASSERT_EQ(file->bytes().size(), 5u);
    EXPECT_EQ(file->bytes()[0], 'h');
    EXPECT_EQ(file->bytes()[4], 'o');
    EXPECT_EQ(file->id(), file_id(path));

    MappedFile moved = std::move(*file);
    EXPECT_EQ(moved.bytes().size(), 5u);
    EXPECT_EQ(moved.bytes()[1], 'e');

    { std::ofstream(dir / "empty.bin"); }
    auto empty = MappedFile::open(dir / "empty.bin");
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->bytes().empty());

    auto missing = MappedFile::open(dir / "missing.bin");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
    EXPECT_NE(missing.error().message.find("missing.bin"), std::string::npos);

    auto folder = MappedFile::open(dir);
    ASSERT_FALSE(folder.ok());
    EXPECT_EQ(folder.error().code, ErrorCode::Io);
    EXPECT_EQ(file_id(dir / "missing.bin"), std::nullopt);
}

TEST_F(UtilFiles, AtomicFileAppearsOnlyOnCommit) {
    const fs::path target = dir / "out.txt";
    auto file = AtomicFile::create(target);
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->temp_path().parent_path(), dir);
    EXPECT_EQ(file->temp_path().filename().string().rfind("out.txt.tmp-", 0), 0u) << file->temp_path();
    ASSERT_TRUE(file->write(as_bytes("abc")).ok());
    ASSERT_TRUE(file->write_zeros(2).ok());
    // A write bigger than the internal buffer goes straight through, after the buffered bytes.
    const std::string big((size_t{1} << 20) + 7, 'z');
    ASSERT_TRUE(file->write(as_bytes(big)).ok());
    ASSERT_TRUE(file->write(as_bytes("!")).ok());
    EXPECT_EQ(file->bytes_written(), 3u + 2u + big.size() + 1u);
    EXPECT_FALSE(fs::exists(target));
    ASSERT_TRUE(file->commit().ok());
    EXPECT_EQ(read_text(target), std::string("abc") + std::string(2, '\0') + big + "!");
    EXPECT_EQ(files_in_dir(), 1u);
    EXPECT_FALSE(file->commit().ok()) << "commit twice";
    EXPECT_FALSE(file->write(as_bytes("x")).ok()) << "write after commit";
}

TEST_F(UtilFiles, AtomicFileUncommittedLeavesTargetAlone) {
    const fs::path target = dir / "out.txt";
    { std::ofstream(target) << "old"; }
    {
        auto file = AtomicFile::create(target);
        ASSERT_TRUE(file.ok());
        ASSERT_TRUE(file->write(as_bytes("new")).ok());
        EXPECT_EQ(files_in_dir(), 2u);
        AtomicFile moved = std::move(*file);   // ownership of the temp file moves along
        EXPECT_EQ(files_in_dir(), 2u);
    }
    EXPECT_EQ(files_in_dir(), 1u);
    EXPECT_EQ(read_text(target), "old");

    auto file = AtomicFile::create(target);
    ASSERT_TRUE(file.ok());
    file->discard();
    EXPECT_EQ(files_in_dir(), 1u);
    EXPECT_FALSE(file->commit().ok());
}

TEST_F(UtilFiles, AtomicFileRefusesToOverwriteAnInput) {
    const fs::path input = dir / "model.gguf";
    { std::ofstream(input) << "weights"; }
    auto mapped = MappedFile::open(input);
    ASSERT_TRUE(mapped.ok());
    const FileId inputs[] = {mapped->id()};
    auto same = AtomicFile::create(dir / "." / "model.gguf", inputs);
    ASSERT_FALSE(same.ok());
    EXPECT_EQ(same.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(same.error().message.find("model.gguf"), std::string::npos);
    EXPECT_EQ(files_in_dir(), 1u);
    EXPECT_TRUE(AtomicFile::create(dir / "other.gguf", inputs).ok());
}

TEST_F(UtilFiles, AtomicFileCreateFailsInMissingFolder) {
    auto file = AtomicFile::create(dir / "nope" / "out.txt");
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().code, ErrorCode::Io);
    EXPECT_NE(file.error().message.find("out.txt"), std::string::npos) << file.error().message;
}

TEST_F(UtilFiles, AtomicFileWriteErrorIsIoWithPath) {
    // Simulate a full disk with a file size limit: write() then fails with EFBIG.
    struct rlimit old {};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
    auto* old_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old;
    small.rlim_cur = 4096;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    const fs::path target = dir / "big.bin";
    Result<void> result;
    {
        auto file = AtomicFile::create(target);
        ASSERT_TRUE(file.ok());
        const std::string chunk(size_t{2} << 20, 'x');
        result = file->write(as_bytes(chunk));
        if (result.ok())
            result = file->commit();
        EXPECT_FALSE(file->commit().ok()) << "a failed file never commits";
    }
    ::setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::Io);
    EXPECT_NE(result.error().message.find("big.bin"), std::string::npos) << result.error().message;
    EXPECT_FALSE(fs::exists(target));
    EXPECT_EQ(files_in_dir(), 0u);
}

} // namespace
} // namespace quanta
