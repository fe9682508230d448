// SPDX-License-Identifier: MIT
#include "util/atomic_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace quanta {

namespace {

constexpr size_t kBufferBytes = size_t{1} << 20;

std::string random_suffix() {
    std::random_device rd;
    std::mt19937_64 rng((uint64_t{rd()} << 32) ^ rd() ^ static_cast<uint64_t>(::getpid()));
    char text[17];
    std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(rng()));
    return text;
}

Result<void> write_all(int fd, const uint8_t* p, size_t n, const std::filesystem::path& target) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return make_error(ErrorCode::Io, target.string() + ": write failed: " + std::strerror(errno));
        }
        p += w;
        n -= static_cast<size_t>(w);
    }
    return {};
}

} // namespace

Result<AtomicFile> AtomicFile::create(const std::filesystem::path& target, std::span<const FileId> inputs) {
    if (const auto id = file_id(target)) {
        for (const FileId& input : inputs) {
            if (*id == input)
                return make_error(ErrorCode::InvalidArgument,
                                  target.string() + ": refusing to overwrite a file that is also being read");
        }
    }
    AtomicFile file;
    file.target = target;
    // A collision with another writer's temporary name is astronomically unlikely; retry anyway.
    for (int attempt = 0; attempt < 8; ++attempt) {
        std::filesystem::path temp = target;
        temp += ".tmp-" + random_suffix();
        const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            file.temp = std::move(temp);
            file.fd = fd;
            file.buffer.reserve(kBufferBytes);
            return file;
        }
        if (errno != EEXIST)
            return make_error(ErrorCode::Io, temp.string() + ": cannot create: " + std::strerror(errno));
    }
    return make_error(ErrorCode::Io, target.string() + ": cannot create a unique temporary file");
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : target(std::move(other.target)), temp(std::move(other.temp)), fd(std::exchange(other.fd, -1)),
      failed(other.failed), written(other.written), handed(other.handed), writeback_from(other.writeback_from),
      buffer(std::move(other.buffer)) {
    other.temp.clear();
}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
    if (this != &other) {
        discard();
        target = std::move(other.target);
        temp = std::move(other.temp);
        other.temp.clear();
        fd = std::exchange(other.fd, -1);
        failed = other.failed;
        written = other.written;
        handed = other.handed;
        writeback_from = other.writeback_from;
        buffer = std::move(other.buffer);
    }
    return *this;
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::discard() {
    if (fd >= 0)
        ::close(fd);
    fd = -1;
    if (!temp.empty())
        ::unlink(temp.c_str());
    temp.clear();
    buffer.clear();
}

Error AtomicFile::io_error(const char* what, int err) {
    failed = true;
    return make_error(ErrorCode::Io, target.string() + ": " + what + ": " + std::strerror(err));
}

Result<void> AtomicFile::write_through(const uint8_t* data, size_t size) {
    auto r = write_all(fd, data, size, target);
    if (!r.ok()) {
        failed = true;
        return r;
    }
    handed += size;
#ifdef __linux__
    // Start the disk writes now, without waiting for them, so that commit()'s fsync finds
    // little left to do: a large file would otherwise be written out only at the very end.
    constexpr uint64_t kWritebackStep = uint64_t{8} << 20;
    if (handed - writeback_from >= kWritebackStep) {
        ::sync_file_range(fd, static_cast<off_t>(writeback_from), static_cast<off_t>(handed - writeback_from),
                          SYNC_FILE_RANGE_WRITE);
        writeback_from = handed;
    }
#endif
    return {};
}

Result<void> AtomicFile::flush() {
    if (buffer.empty())
        return {};
    auto r = write_through(buffer.data(), buffer.size());
    buffer.clear();
    return r;
}

Result<void> AtomicFile::write(std::span<const uint8_t> bytes) {
    if (fd < 0 || failed)
        return make_error(ErrorCode::Io, target.string() + ": write after a failed or finished write");
    written += bytes.size();
    if (buffer.size() + bytes.size() <= kBufferBytes) {
        buffer.insert(buffer.end(), bytes.begin(), bytes.end());
        return {};
    }
    QUANTA_TRY(flush());
    if (bytes.size() >= kBufferBytes)
        return write_through(bytes.data(), bytes.size());
    buffer.insert(buffer.end(), bytes.begin(), bytes.end());
    return {};
}

Result<void> AtomicFile::write_zeros(uint64_t count) {
    static constexpr uint8_t zeros[256] = {};
    while (count > 0) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(count, sizeof(zeros)));
        QUANTA_TRY(write({zeros, n}));
        count -= n;
    }
    return {};
}

Result<void> AtomicFile::commit() {
    if (fd < 0 || failed)
        return make_error(ErrorCode::Io, target.string() + ": commit after a failed or finished write");
    QUANTA_TRY(flush());
    if (::fsync(fd) != 0)
        return io_error("fsync failed", errno);
    const int close_result = ::close(fd);
    fd = -1;
    if (close_result != 0)
        return io_error("close failed", errno);
    if (::rename(temp.c_str(), target.c_str()) != 0)
        return io_error("rename failed", errno);
    temp.clear();
    // Make the rename itself durable; a failure here does not undo the already visible file.
    std::filesystem::path folder = target.parent_path();
    if (folder.empty())
        folder = ".";
    const int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        ::fsync(dir_fd);
        ::close(dir_fd);
    }
    return {};
}

} // namespace quanta
