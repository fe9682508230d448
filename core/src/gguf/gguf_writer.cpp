// SPDX-License-Identifier: MIT
// Streaming GGUF v3 writer with the tight layout llama.cpp requires (FORMATS.md §2.5, §2.8):
// trimmed n_dims, offset_i = sum of the padded sizes before it, zero padding after the tensor
// infos and after every tensor, the last one included.
#include "quanta/gguf.h"

#include "gguf/gguf_internal.h"
#include "util/atomic_file.h"
#include "util/checked_math.h"

#include <cstring>
#include <optional>

namespace quanta {

namespace {

constexpr uint64_t kMaxTensorNameBytes = 63;

struct PendingTensor {
    std::string name;
    uint32_t ggml_type = 0;
    uint32_t n_dims = 1;
    std::array<int64_t, 4> ne{1, 1, 1, 1};
    uint64_t n_bytes = 0;
    uint64_t offset = 0;
};

class Buffer {
public:
    template <class T>
    void put(T v) {
        uint8_t raw[sizeof(T)];
        std::memcpy(raw, &v, sizeof(T));
        bytes.insert(bytes.end(), raw, raw + sizeof(T));
    }
    void put_string(std::string_view s) {
        put<uint64_t>(s.size());
        bytes.insert(bytes.end(), s.begin(), s.end());
    }
    // One scalar of GGUF type `t`, taken from the widest C++ type that holds it.
    void put_scalar(GgufType t, uint64_t u, int64_t i, double d) {
        switch (t) {
        case GgufType::Uint8: put(static_cast<uint8_t>(u)); break;
        case GgufType::Int8: put(static_cast<int8_t>(i)); break;
        case GgufType::Uint16: put(static_cast<uint16_t>(u)); break;
        case GgufType::Int16: put(static_cast<int16_t>(i)); break;
        case GgufType::Uint32: put(static_cast<uint32_t>(u)); break;
        case GgufType::Int32: put(static_cast<int32_t>(i)); break;
        case GgufType::Uint64: put(u); break;
        case GgufType::Int64: put(i); break;
        case GgufType::Float32: put(static_cast<float>(d)); break;
        case GgufType::Float64: put(d); break;
        default: QUANTA_ASSERT(false && "not a numeric type");
        }
    }
    void put_value(const GgufValue& v);

    std::vector<uint8_t> bytes;
};

void Buffer::put_value(const GgufValue& v) {
    put(static_cast<uint32_t>(v.type()));
    if (v.type() != GgufType::Array) {
        std::visit(
            [&](const auto& s) {
                using S = std::decay_t<decltype(s)>;
                if constexpr (std::is_same_v<S, std::string>)
                    put_string(s);
                else if constexpr (std::is_same_v<S, bool>)
                    put<uint8_t>(s ? 1 : 0);
                else if constexpr (std::is_same_v<S, uint64_t>)
                    put_scalar(v.type(), s, 0, 0);
                else if constexpr (std::is_same_v<S, int64_t>)
                    put_scalar(v.type(), 0, s, 0);
                else
                    put_scalar(v.type(), 0, 0, s);
            },
            v.scalar());
        return;
    }
    put(static_cast<uint32_t>(v.array_type()));
    put<uint64_t>(v.array_size());
    const GgufType t = v.array_type();
    std::visit(
        [&](const auto& a) {
            using A = std::decay_t<decltype(a)>;
            for (const auto& e : a) {
                if constexpr (std::is_same_v<A, std::vector<std::string>>)
                    put_string(e);
                else if constexpr (std::is_same_v<A, std::vector<bool>>)
                    put<uint8_t>(e ? 1 : 0);
                else if constexpr (std::is_same_v<A, std::vector<uint64_t>>)
                    put_scalar(t, e, 0, 0);
                else if constexpr (std::is_same_v<A, std::vector<int64_t>>)
                    put_scalar(t, 0, e, 0);
                else
                    put_scalar(t, 0, 0, e);
            }
        },
        v.array());
}

Error invalid(std::string message) { return make_error(ErrorCode::InvalidArgument, std::move(message)); }

} // namespace

struct GgufWriter::Impl {
    std::vector<GgufKeyValue> metadata;
    std::vector<PendingTensor> tensors;
    std::vector<FileId> inputs;        // files whose metadata was copied; never overwritten
    std::optional<Error> misuse;       // a call that could not report its own error (set/remove)
    std::optional<AtomicFile> file;
    uint32_t alignment = 32;
    bool begun = false;
    bool finished = false;
    size_t current = 0;                // tensor whose data is expected next
    uint64_t current_written = 0;      // bytes of it already written

    Result<void> skip_empty_tensors();
    /// Validate the metadata, assign the tight offsets, and encode everything before the data.
    Result<std::vector<uint8_t>> header();
};

GgufWriter::GgufWriter() : m_impl(std::make_unique<Impl>()) {}
GgufWriter::GgufWriter(GgufWriter&&) noexcept = default;
GgufWriter& GgufWriter::operator=(GgufWriter&&) noexcept = default;
GgufWriter::~GgufWriter() = default;

void GgufWriter::set(std::string key, GgufValue value) {
    Impl& w = *m_impl;
    if (w.begun) {
        w.misuse = invalid("gguf writer: metadata key '" + key + "' set after begin()");
        return;
    }
    if (key.empty()) {
        w.misuse = invalid("gguf writer: empty metadata key");
        return;
    }
    for (GgufKeyValue& kv : w.metadata) {
        if (kv.key == key) {
            kv.value = std::move(value);
            return;
        }
    }
    w.metadata.push_back(GgufKeyValue{std::move(key), std::move(value)});
}

void GgufWriter::remove(std::string_view key) {
    Impl& w = *m_impl;
    if (w.begun) {
        w.misuse = invalid("gguf writer: metadata key '" + std::string(key) + "' removed after begin()");
        return;
    }
    std::erase_if(w.metadata, [&](const GgufKeyValue& kv) { return kv.key == key; });
}

void GgufWriter::copy_metadata(const GgufFile& file) {
    for (const GgufKeyValue& kv : file.metadata())
        set(kv.key, kv.value);
    if (file.m_mapping)
        m_impl->inputs.push_back(file.m_mapping->file.id());
}

Result<void> GgufWriter::add_tensor(std::string name, uint32_t ggml_type, std::span<const int64_t> ne) {
    Impl& w = *m_impl;
    if (w.begun)
        return invalid("gguf writer: tensor '" + name + "' added after begin()");
    if (name.empty())
        return invalid("gguf writer: empty tensor name");
    if (name.size() > kMaxTensorNameBytes)
        return invalid("gguf writer: tensor name '" + name + "' is " + std::to_string(name.size()) +
                       " bytes, the limit is " + std::to_string(kMaxTensorNameBytes));
    for (const PendingTensor& t : w.tensors) {
        if (t.name == name)
            return invalid("gguf writer: duplicate tensor name '" + name + "'");
    }
    const char* type_name = ggml_type_name(ggml_type);
    if (type_name == nullptr)
        return invalid("gguf writer: tensor '" + name + "': unknown ggml type " + std::to_string(ggml_type));
    if (ne.empty() || ne.size() > 4)
        return invalid("gguf writer: tensor '" + name + "': " + std::to_string(ne.size()) + " dimensions, not 1..4");
    const auto n_bytes = ggml_tensor_bytes(ggml_type, ne);
    if (!n_bytes)
        return invalid("gguf writer: tensor '" + name + "': shape is negative, overflows, or ne[0] is not a " +
                       "multiple of the " + type_name + " block size");
    PendingTensor t;
    t.name = std::move(name);
    t.ggml_type = ggml_type;
    for (size_t i = 0; i < ne.size(); ++i)
        t.ne[i] = ne[i];
    // Trailing dimensions of 1 are not stored (what llama.cpp and gguf-py write).
    t.n_dims = static_cast<uint32_t>(ne.size());
    while (t.n_dims > 1 && t.ne[t.n_dims - 1] == 1)
        --t.n_dims;
    t.n_bytes = *n_bytes;
    w.tensors.push_back(std::move(t));
    return {};
}

Result<void> GgufWriter::Impl::skip_empty_tensors() {
    while (current < tensors.size() && tensors[current].n_bytes == 0)
        ++current;
    return {};
}

Result<std::vector<uint8_t>> GgufWriter::Impl::header() {
    if (misuse)
        return *misuse;
    alignment = 32;
    for (const GgufKeyValue& kv : metadata) {
        if (kv.key != "general.alignment")
            continue;
        const auto a = kv.value.as_uint();
        if (kv.value.type() != GgufType::Uint32 || !a || !is_power_of_two(*a))
            return invalid("gguf writer: general.alignment must be a uint32 power of two");
        alignment = static_cast<uint32_t>(*a);
    }

    uint64_t offset = 0;
    for (PendingTensor& t : tensors) {
        t.offset = offset;
        const auto padded = checked_align_up(t.n_bytes, alignment);
        const auto next = padded ? checked_add(offset, *padded) : std::nullopt;
        if (!next)
            return invalid("gguf writer: total tensor data size overflows 64 bits");
        offset = *next;
    }

    Buffer out;
    out.bytes.reserve(1 << 16);
    out.put<uint32_t>(0x46554747);   // "GGUF"
    out.put<uint32_t>(3);
    out.put<uint64_t>(tensors.size());
    out.put<uint64_t>(metadata.size());
    for (const GgufKeyValue& kv : metadata) {
        out.put_string(kv.key);
        out.put_value(kv.value);
    }
    for (const PendingTensor& t : tensors) {
        out.put_string(t.name);
        out.put<uint32_t>(t.n_dims);
        for (uint32_t d = 0; d < t.n_dims; ++d)
            out.put<uint64_t>(static_cast<uint64_t>(t.ne[d]));
        out.put<uint32_t>(t.ggml_type);
        out.put<uint64_t>(t.offset);
    }
    out.bytes.resize(*checked_align_up(out.bytes.size(), alignment), 0);
    return std::move(out.bytes);
}

Result<void> GgufWriter::begin(const std::filesystem::path& path) {
    Impl& w = *m_impl;
    if (w.begun)
        return invalid("gguf writer: begin() called twice");
    auto header = w.header();
    if (!header)
        return header.take_error();
    auto file = AtomicFile::create(path, w.inputs);
    if (!file)
        return file.take_error();
    w.file.emplace(std::move(*file));
    w.begun = true;
    QUANTA_TRY(w.file->write(*header));
    return w.skip_empty_tensors();
}

Result<std::vector<uint8_t>> GgufWriter::serialize(std::span<const std::span<const uint8_t>> data) {
    Impl& w = *m_impl;
    if (data.size() != w.tensors.size())
        return invalid("gguf writer: " + std::to_string(data.size()) + " data pieces for " +
                       std::to_string(w.tensors.size()) + " tensors");
    auto header = w.header();
    if (!header)
        return header.take_error();
    std::vector<uint8_t> out = std::move(*header);
    for (size_t i = 0; i < data.size(); ++i) {
        const PendingTensor& t = w.tensors[i];
        if (data[i].size() != t.n_bytes)
            return invalid("gguf writer: tensor '" + t.name + "' has " + std::to_string(t.n_bytes) + " bytes but " +
                           std::to_string(data[i].size()) + " were given");
        out.insert(out.end(), data[i].begin(), data[i].end());
        out.resize(out.size() + (*checked_align_up(t.n_bytes, w.alignment) - t.n_bytes), 0);
    }
    return out;
}

Result<uint64_t> GgufWriter::file_size() {
    Impl& w = *m_impl;
    auto header = w.header();
    if (!header)
        return header.take_error();
    // header() placed the tensors at their tight offsets: the data ends after the last one's padding.
    uint64_t size = header->size();
    if (!w.tensors.empty()) {
        const PendingTensor& last = w.tensors.back();
        const auto end = checked_add(size, last.offset);
        const auto padded = checked_align_up(last.n_bytes, w.alignment);
        const auto total = end && padded ? checked_add(*end, *padded) : std::nullopt;
        if (!total)
            return invalid("gguf writer: file size overflows 64 bits");
        size = *total;
    }
    return size;
}

Result<void> GgufWriter::write_data(std::span<const uint8_t> bytes) {
    Impl& w = *m_impl;
    if (!w.begun || w.finished)
        return invalid("gguf writer: write_data() outside begin()/finish()");
    if (bytes.empty())
        return {};
    if (w.current >= w.tensors.size())
        return invalid("gguf writer: write_data() after the data of every tensor was written");
    const PendingTensor& t = w.tensors[w.current];
    const uint64_t missing = t.n_bytes - w.current_written;
    if (bytes.size() > missing)
        return invalid("gguf writer: tensor '" + t.name + "' lacks " + std::to_string(missing) + " bytes but got " +
                       std::to_string(bytes.size()));
    QUANTA_TRY(w.file->write(bytes));
    w.current_written += bytes.size();
    if (w.current_written == t.n_bytes) {
        QUANTA_TRY(w.file->write_zeros(*checked_align_up(t.n_bytes, w.alignment) - t.n_bytes));
        ++w.current;
        w.current_written = 0;
        return w.skip_empty_tensors();
    }
    return {};
}

Result<void> GgufWriter::finish() {
    Impl& w = *m_impl;
    if (!w.begun || w.finished)
        return invalid("gguf writer: finish() without begin(), or called twice");
    if (w.misuse)
        return *w.misuse;
    if (w.current < w.tensors.size()) {
        const PendingTensor& t = w.tensors[w.current];
        return invalid("gguf writer: tensor '" + t.name + "' got " + std::to_string(w.current_written) + " of its " +
                       std::to_string(t.n_bytes) + " bytes");
    }
    QUANTA_TRY(w.file->commit());
    w.finished = true;
    return {};
}

Result<void> GgufWriter::write_file(const std::filesystem::path& path,
                                    std::span<const std::span<const uint8_t>> data) {
    if (data.size() != m_impl->tensors.size())
        return invalid("gguf writer: " + std::to_string(data.size()) + " data pieces for " +
                       std::to_string(m_impl->tensors.size()) + " tensors");
    QUANTA_TRY(begin(path));
    for (size_t i = 0; i < data.size(); ++i) {
        if (data[i].size() != m_impl->tensors[i].n_bytes)
            return invalid("gguf writer: tensor '" + m_impl->tensors[i].name + "' has " +
                           std::to_string(m_impl->tensors[i].n_bytes) + " bytes but " +
                           std::to_string(data[i].size()) + " were given");
        QUANTA_TRY(write_data(data[i]));
    }
    return finish();
}

} // namespace quanta
