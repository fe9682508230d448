// SPDX-License-Identifier: MIT
// GGUF parser (FORMATS.md §2). Every read goes through a bounds-checked cursor; every count is
// capped by what the remaining bytes could hold before anything is allocated for it, so a hostile
// count costs an error message, not memory.
#include "quanta/gguf.h"

#include "gguf/ggml_types.h"
#include "gguf/gguf_internal.h"
#include "util/checked_math.h"
#include "util/mapped_file.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <unordered_set>

namespace quanta {

static_assert(std::endian::native == std::endian::little, "the GGUF reader assumes a little-endian host");

namespace {

constexpr uint32_t kMaxDims = 4;
constexpr uint64_t kMaxTensorNameBytes = 63;   // llama.cpp: length < GGML_MAX_NAME (64)
// Smallest possible encodings, used to cap counts by the bytes that remain.
constexpr uint64_t kMinKvBytes = 8 + 1 + 4 + 1;               // key len, 1-byte key, type, 1-byte value
constexpr uint64_t kMinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8; // name len, 1-byte name, n_dims, ne[0], type, offset
// The count caps above are relative to the file, and a multi-GB file leaves room for a count whose
// entries would need far more memory than the file's bytes; so reserve at most this many entries
// up front and let vectors grow only as entries are actually parsed.
constexpr uint64_t kMaxReserve = 1 << 16;

bool is_valid_value_type(uint32_t t) { return t <= static_cast<uint32_t>(GgufType::Float64); }

uint64_t fixed_size(GgufType t) {
    switch (t) {
    case GgufType::Uint8:
    case GgufType::Int8:
    case GgufType::Bool: return 1;
    case GgufType::Uint16:
    case GgufType::Int16: return 2;
    case GgufType::Uint32:
    case GgufType::Int32:
    case GgufType::Float32: return 4;
    case GgufType::Uint64:
    case GgufType::Int64:
    case GgufType::Float64: return 8;
    case GgufType::String: return 8;   // at least its length field
    case GgufType::Array: return 12;   // at least elem_type + count
    }
    return 1;
}

std::string printable(std::string_view s) {
    // Names come from the file: keep the message one line and printable.
    std::string out = "'";
    for (char c : s.substr(0, 80)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7F) ? '?' : c;
    }
    if (s.size() > 80)
        out += "...";
    return out + "'";
}

} // namespace

class GgufParser {
public:
    explicit GgufParser(std::span<const uint8_t> input) : bytes(input) {}
    Result<void> run(GgufFile& out);

private:
    // Error helpers: the message is "<context> <field>: <problem> (at byte N)".
    Error fail(ErrorCode code, const char* field, const std::string& problem, uint64_t at) const {
        std::string msg = context;
        if (!msg.empty() && field[0] != '\0')
            msg += ' ';
        msg += field;
        msg += ": " + problem + " (at byte " + std::to_string(at) + ")";
        return make_error(code, std::move(msg));
    }
    Error truncated(const char* field, uint64_t need) const {
        return fail(ErrorCode::Truncated, field,
                    "needs " + std::to_string(need) + " bytes but only " + std::to_string(remaining()) +
                        " remain in the file",
                    pos);
    }

    uint64_t remaining() const { return bytes.size() - pos; }

    template <class T>
    Result<T> read(const char* field) {
        if (remaining() < sizeof(T))
            return truncated(field, sizeof(T));
        T v;
        std::memcpy(&v, bytes.data() + pos, sizeof(T));
        pos += sizeof(T);
        return v;
    }
    template <class T>
    Result<GgufValue> read_scalar(const char* field, GgufValue (*make)(T)) {
        auto r = read<T>(field);
        if (!r)
            return r.take_error();
        return make(*r);
    }
    // `count` little-endian elements of type T at the cursor, widened to U. The caller has checked
    // that count * sizeof(T) bytes remain.
    template <class T, class U>
    std::vector<U> load_elements(size_t count) {
        std::vector<U> out(count);
        const uint8_t* p = bytes.data() + pos;
        for (size_t i = 0; i < count; ++i) {
            T x;
            std::memcpy(&x, p + i * sizeof(T), sizeof(T));
            out[i] = static_cast<U>(x);
        }
        pos += count * sizeof(T);
        return out;
    }
    // A string as a view into the input (no copy); its length is checked against the file.
    Result<std::string_view> read_string(const char* field);

    Result<void> read_header(GgufFile& out);
    Result<void> read_kv(uint64_t index, GgufFile& out);
    Result<GgufValue> read_value(GgufType type, const char* field);
    Result<GgufValue> read_array(const char* field);
    Result<void> read_tensor_info(uint64_t index, GgufFile& out);
    Result<void> place_tensors(GgufFile& out);

    std::span<const uint8_t> bytes;
    uint64_t pos = 0;
    std::string context;   // which entry is being read, e.g. "key 3 ('general.name')"
    uint64_t n_tensors = 0;
    uint64_t n_kv = 0;
    std::unordered_set<std::string_view> seen;   // keys, then tensor names; views into `bytes`
    std::vector<uint64_t> offset_field_pos;      // where each tensor's offset was read, for messages
};

Result<std::string_view> GgufParser::read_string(const char* field) {
    const uint64_t at = pos;
    auto len = read<uint64_t>(field);
    if (!len)
        return len.take_error();
    if (*len > remaining()) {
        pos = at;
        return fail(ErrorCode::Truncated, field,
                    "string length " + std::to_string(*len) + " runs past the end of the file (" +
                        std::to_string(remaining() - 8) + " bytes remain)",
                    at);
    }
    std::string_view s(reinterpret_cast<const char*>(bytes.data() + pos), static_cast<size_t>(*len));
    pos += *len;
    return s;
}

Result<void> GgufParser::read_header(GgufFile& out) {
    static constexpr uint8_t kMagic[4] = {'G', 'G', 'U', 'F'};
    const size_t have = std::min<size_t>(bytes.size(), 4);
    if (have > 0 && std::memcmp(bytes.data(), kMagic, have) != 0)
        return fail(ErrorCode::BadMagic, "magic", "not a GGUF file (expected \"GGUF\")", 0);
    if (have < 4)
        return truncated("magic", 4);
    pos = 4;

    auto version = read<uint32_t>("version");
    if (!version)
        return version.take_error();
    const uint32_t v = *version;
    if (v != 2 && v != 3) {
        std::string why = "version " + std::to_string(v) + " is not supported (only 2 and 3)";
        if (v == 1)
            why = "version 1 is obsolete (32-bit counts) and not supported";
        else if (v != 0 && (v & 0xFFFF) == 0)
            why = "version " + std::to_string(v) + " looks byte-swapped: big-endian GGUF files are not supported";
        return fail(ErrorCode::UnsupportedVersion, "version", why, 4);
    }
    out.m_version = v;

    auto tensors = read<uint64_t>("n_tensors");
    if (!tensors)
        return tensors.take_error();
    auto kvs = read<uint64_t>("n_kv");
    if (!kvs)
        return kvs.take_error();
    n_tensors = *tensors;
    n_kv = *kvs;
    if (n_tensors > remaining() / kMinTensorInfoBytes)
        return fail(ErrorCode::Corrupt, "n_tensors",
                    "count " + std::to_string(n_tensors) + " is more than the remaining " +
                        std::to_string(remaining()) + " bytes could describe",
                    8);
    const uint64_t left_for_kv = remaining() - n_tensors * kMinTensorInfoBytes;
    if (n_kv > left_for_kv / kMinKvBytes)
        return fail(ErrorCode::Corrupt, "n_kv",
                    "count " + std::to_string(n_kv) + " is more than the remaining " + std::to_string(left_for_kv) +
                        " bytes could hold",
                    16);
    return {};
}

Result<GgufValue> GgufParser::read_value(GgufType type, const char* field) {
    switch (type) {
    case GgufType::Uint8: return read_scalar<uint8_t>(field, GgufValue::u8);
    case GgufType::Int8: return read_scalar<int8_t>(field, GgufValue::i8);
    case GgufType::Uint16: return read_scalar<uint16_t>(field, GgufValue::u16);
    case GgufType::Int16: return read_scalar<int16_t>(field, GgufValue::i16);
    case GgufType::Uint32: return read_scalar<uint32_t>(field, GgufValue::u32);
    case GgufType::Int32: return read_scalar<int32_t>(field, GgufValue::i32);
    case GgufType::Uint64: return read_scalar<uint64_t>(field, GgufValue::u64);
    case GgufType::Int64: return read_scalar<int64_t>(field, GgufValue::i64);
    case GgufType::Float32: return read_scalar<float>(field, GgufValue::f32);
    case GgufType::Float64: return read_scalar<double>(field, GgufValue::f64);
    case GgufType::Bool: {
        const uint64_t at = pos;
        auto r = read<uint8_t>(field);
        if (!r)
            return r.take_error();
        if (*r > 1)
            return fail(ErrorCode::Corrupt, field, "bool value " + std::to_string(*r) + " is neither 0 nor 1", at);
        return GgufValue::boolean(*r != 0);
    }
    case GgufType::String: {
        auto s = read_string(field);
        if (!s)
            return s.take_error();
        return GgufValue::string(std::string(*s));
    }
    case GgufType::Array: return read_array(field);
    }
    return fail(ErrorCode::Internal, field, "unhandled value type", pos);
}

Result<GgufValue> GgufParser::read_array(const char* field) {
    const uint64_t type_at = pos;
    auto elem = read<uint32_t>("array element type");
    if (!elem)
        return elem.take_error();
    if (!is_valid_value_type(*elem))
        return fail(ErrorCode::UnknownType, "array element type", "unknown value type " + std::to_string(*elem),
                    type_at);
    const auto type = static_cast<GgufType>(*elem);
    if (type == GgufType::Array)
        return fail(ErrorCode::Unsupported, "array element type", "nested arrays are not supported", type_at);
    const uint64_t count_at = pos;
    auto count = read<uint64_t>("array count");
    if (!count)
        return count.take_error();
    const uint64_t n = *count;
    if (n > remaining() / fixed_size(type))
        return fail(ErrorCode::Corrupt, "array count",
                    "count " + std::to_string(n) + " of " + gguf_type_name(type) + " is more than the remaining " +
                        std::to_string(remaining()) + " bytes could hold",
                    count_at);

    const auto size = static_cast<size_t>(n);
    const uint8_t* p = bytes.data() + pos;
    switch (type) {
    case GgufType::Uint8: return GgufValue::int_array(type, load_elements<uint8_t, int64_t>(size));
    case GgufType::Int8: return GgufValue::int_array(type, load_elements<int8_t, int64_t>(size));
    case GgufType::Uint16: return GgufValue::int_array(type, load_elements<uint16_t, int64_t>(size));
    case GgufType::Int16: return GgufValue::int_array(type, load_elements<int16_t, int64_t>(size));
    case GgufType::Uint32: return GgufValue::u32_array(load_elements<uint32_t, uint32_t>(size));
    case GgufType::Int32: return GgufValue::i32_array(load_elements<int32_t, int32_t>(size));
    case GgufType::Uint64: return GgufValue::u64_array(load_elements<uint64_t, uint64_t>(size));
    case GgufType::Int64: return GgufValue::int_array(type, load_elements<int64_t, int64_t>(size));
    case GgufType::Float32: return GgufValue::f32_array(load_elements<float, float>(size));
    case GgufType::Float64: return GgufValue::f64_array(load_elements<double, double>(size));
    case GgufType::Bool: {
        std::vector<bool> v(size);
        for (size_t i = 0; i < size; ++i) {
            if (p[i] > 1)
                return fail(ErrorCode::Corrupt, field,
                            "bool element " + std::to_string(i) + " is " + std::to_string(p[i]) + ", neither 0 nor 1",
                            pos + i);
            v[i] = p[i] != 0;
        }
        pos += n;
        return GgufValue::bool_array(std::move(v));
    }
    case GgufType::String: {
        std::vector<std::string> v;
        v.reserve(std::min<size_t>(size, kMaxReserve));
        for (size_t i = 0; i < size; ++i) {
            auto s = read_string("array string");
            if (!s)
                return s.take_error();
            v.emplace_back(*s);
        }
        return GgufValue::string_array(std::move(v));
    }
    case GgufType::Array: break;   // rejected above
    }
    return fail(ErrorCode::Internal, field, "unhandled array element type", type_at);
}

Result<void> GgufParser::read_kv(uint64_t index, GgufFile& out) {
    context = "key " + std::to_string(index);
    const uint64_t key_at = pos;
    auto key = read_string("name");
    if (!key)
        return key.take_error();
    if (key->empty())
        return fail(ErrorCode::Corrupt, "name", "key is empty", key_at);
    context += " (" + printable(*key) + ")";
    if (!seen.insert(*key).second)
        return fail(ErrorCode::Corrupt, "name", "duplicate key", key_at);

    const uint64_t type_at = pos;
    auto type = read<uint32_t>("value type");
    if (!type)
        return type.take_error();
    if (!is_valid_value_type(*type))
        return fail(ErrorCode::UnknownType, "value type", "unknown value type " + std::to_string(*type), type_at);
    const uint64_t value_at = pos;
    auto value = read_value(static_cast<GgufType>(*type), "value");
    if (!value)
        return value.take_error();
    if (*key == "general.alignment") {
        // FORMATS.md §2.1: UINT32 and a power of two; everything after the infos depends on it.
        if (value->type() != GgufType::Uint32)
            return fail(ErrorCode::Corrupt, "value type",
                        std::string("general.alignment must be uint32, not ") + gguf_type_name(value->type()), type_at);
        const uint64_t a = *value->as_uint();
        if (!is_power_of_two(a))
            return fail(ErrorCode::Corrupt, "value", "alignment " + std::to_string(a) + " is not a power of two",
                        value_at);
        out.m_alignment = static_cast<uint32_t>(a);
    }
    out.m_metadata.push_back(GgufKeyValue{std::string(*key), std::move(*value)});
    return {};
}

Result<void> GgufParser::read_tensor_info(uint64_t index, GgufFile& out) {
    context = "tensor info " + std::to_string(index);
    const uint64_t name_at = pos;
    auto name = read_string("name");
    if (!name)
        return name.take_error();
    if (name->empty())
        return fail(ErrorCode::Corrupt, "name", "tensor name is empty", name_at);
    if (name->size() > kMaxTensorNameBytes)
        return fail(ErrorCode::Corrupt, "name",
                    "name is " + std::to_string(name->size()) + " bytes, the limit is " +
                        std::to_string(kMaxTensorNameBytes),
                    name_at);
    context += " (" + printable(*name) + ")";
    if (!seen.insert(*name).second)
        return fail(ErrorCode::Corrupt, "name", "duplicate tensor name", name_at);

    GgufTensorInfo info;
    info.name = std::string(*name);
    const uint64_t dims_at = pos;
    auto n_dims = read<uint32_t>("n_dims");
    if (!n_dims)
        return n_dims.take_error();
    if (*n_dims < 1 || *n_dims > kMaxDims)
        return fail(ErrorCode::Corrupt, "n_dims", "n_dims " + std::to_string(*n_dims) + " is not in 1..4", dims_at);
    info.n_dims = *n_dims;
    const uint64_t ne_at = pos;
    static constexpr const char* kNeField[kMaxDims] = {"ne[0]", "ne[1]", "ne[2]", "ne[3]"};
    for (uint32_t d = 0; d < info.n_dims; ++d) {
        const uint64_t at = pos;
        auto ne = read<int64_t>(kNeField[d]);
        if (!ne)
            return ne.take_error();
        if (*ne < 0)
            return fail(ErrorCode::Corrupt, kNeField[d], "dimension " + std::to_string(*ne) + " is negative", at);
        info.ne[d] = *ne;
    }
    const uint64_t type_at = pos;
    auto type = read<uint32_t>("type");
    if (!type)
        return type.take_error();
    const GgmlTypeTraits* traits = ggml_type_traits(*type);
    if (traits == nullptr)
        return fail(ErrorCode::UnknownType, "type", "unknown ggml type " + std::to_string(*type), type_at);
    if (traits->block_elements == 0)
        return fail(ErrorCode::UnknownType, "type",
                    "ggml type " + std::to_string(*type) + " (" + traits->name +
                        ") was removed and is not valid in files",
                    type_at);
    info.ggml_type = *type;
    if (info.ne[0] % traits->block_elements != 0)
        return fail(ErrorCode::Corrupt, "ne[0]",
                    "ne[0] = " + std::to_string(info.ne[0]) + " is not a multiple of the " + traits->name +
                        " block size " + std::to_string(traits->block_elements),
                    ne_at);
    const auto n_bytes = ggml_tensor_bytes(info.ggml_type, std::span(info.ne.data(), info.n_dims));
    if (!n_bytes)
        return fail(ErrorCode::Corrupt, "ne", "shape product overflows 64 bits", ne_at);
    info.n_bytes = *n_bytes;
    offset_field_pos.push_back(pos);
    auto offset = read<uint64_t>("offset");
    if (!offset)
        return offset.take_error();
    info.offset = *offset;
    out.m_tensors.push_back(std::move(info));
    return {};
}

Result<void> GgufParser::place_tensors(GgufFile& out) {
    const uint64_t size = bytes.size();
    context.clear();
    const auto data_start = checked_align_up(pos, out.m_alignment);
    if (out.m_tensors.empty()) {
        // llama.cpp writes no padding after the infos of a tensor-less file; accept both.
        out.m_data_offset = data_start && *data_start <= size ? *data_start : size;
        return {};
    }
    if (!data_start || *data_start > size)
        return fail(ErrorCode::Truncated, "data section",
                    "padding to alignment " + std::to_string(out.m_alignment) + " runs past the end of the file", pos);
    out.m_data_offset = *data_start;
    const uint64_t data_size = size - *data_start;
    for (size_t i = 0; i < out.m_tensors.size(); ++i) {
        GgufTensorInfo& t = out.m_tensors[i];
        context = "tensor info " + std::to_string(i) + " (" + printable(t.name) + ")";
        const uint64_t at = offset_field_pos[i];
        if (t.offset % out.m_alignment != 0)
            return fail(ErrorCode::Corrupt, "offset",
                        "data offset " + std::to_string(t.offset) + " is not a multiple of alignment " +
                            std::to_string(out.m_alignment),
                        at);
        if (t.offset > data_size)
            return fail(ErrorCode::Corrupt, "offset",
                        "data offset " + std::to_string(t.offset) + " is past the end of the " +
                            std::to_string(data_size) + "-byte data section",
                        at);
        if (t.n_bytes > data_size - t.offset)
            return fail(ErrorCode::Truncated, "offset",
                        "data of " + std::to_string(t.n_bytes) + " bytes at data offset " + std::to_string(t.offset) +
                            " runs past the end of the file",
                        at);
        t.data = bytes.data() + *data_start + t.offset;
    }
    context.clear();
    return {};
}

Result<void> GgufParser::run(GgufFile& out) {
    QUANTA_TRY(read_header(out));
    out.m_metadata.reserve(static_cast<size_t>(std::min<uint64_t>(n_kv, kMaxReserve)));
    for (uint64_t i = 0; i < n_kv; ++i)
        QUANTA_TRY(read_kv(i, out));
    seen.clear();
    out.m_tensors.reserve(static_cast<size_t>(std::min<uint64_t>(n_tensors, kMaxReserve)));
    offset_field_pos.reserve(static_cast<size_t>(std::min<uint64_t>(n_tensors, kMaxReserve)));
    for (uint64_t i = 0; i < n_tensors; ++i)
        QUANTA_TRY(read_tensor_info(i, out));
    return place_tensors(out);
}

Result<GgufFile> GgufFile::parse(std::span<const uint8_t> bytes) {
    GgufFile file;
    file.m_bytes = bytes;
    GgufParser parser(bytes);
    QUANTA_TRY(parser.run(file));
    return file;
}

Result<GgufFile> GgufFile::open(const std::filesystem::path& path) {
    auto mapped = MappedFile::open(path);
    if (!mapped)
        return mapped.take_error();
    auto mapping = std::make_unique<Mapping>(Mapping{std::move(*mapped)});
    auto file = parse(mapping->file.bytes());
    if (!file) {
        Error e = file.take_error();
        e.message = path.string() + ": " + e.message;
        return e;
    }
    file->m_mapping = std::move(mapping);
    return file;
}

GgufFile::GgufFile(GgufFile&&) noexcept = default;
GgufFile& GgufFile::operator=(GgufFile&&) noexcept = default;
GgufFile::~GgufFile() = default;

const GgufValue* GgufFile::find(std::string_view key) const {
    for (const GgufKeyValue& kv : m_metadata) {
        if (kv.key == key)
            return &kv.value;
    }
    return nullptr;
}

const GgufTensorInfo* GgufFile::find_tensor(std::string_view name) const {
    for (const GgufTensorInfo& t : m_tensors) {
        if (t.name == name)
            return &t;
    }
    return nullptr;
}

} // namespace quanta
