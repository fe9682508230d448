// SPDX-License-Identifier: MIT
#include "util/mapped_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace quanta {

std::optional<FileId> file_id(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return std::nullopt;
    return FileId{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

Result<MappedFile> MappedFile::open(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return make_error(err == ENOENT ? ErrorCode::NotFound : ErrorCode::Io,
                          path.string() + ": cannot open: " + std::strerror(err));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        return make_error(ErrorCode::Io, path.string() + ": cannot stat: " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return make_error(ErrorCode::Io, path.string() + ": not a regular file");
    }
    MappedFile file;
    file.identity = FileId{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
    file.size = static_cast<size_t>(st.st_size);
    if (file.size > 0) {
        void* p = ::mmap(nullptr, file.size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            return make_error(ErrorCode::Io, path.string() + ": cannot map: " + std::strerror(err));
        }
        file.data = static_cast<const uint8_t*>(p);
    }
    // The mapping keeps the file referenced; the descriptor is no longer needed.
    ::close(fd);
    return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data(std::exchange(other.data, nullptr)), size(std::exchange(other.size, 0)), identity(other.identity) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        release();
        data = std::exchange(other.data, nullptr);
        size = std::exchange(other.size, 0);
        identity = other.identity;
    }
    return *this;
}

MappedFile::~MappedFile() { release(); }

void MappedFile::release() {
    if (data != nullptr)
        ::munmap(const_cast<uint8_t*>(data), size);
    data = nullptr;
    size = 0;
}

} // namespace quanta
