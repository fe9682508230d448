// SPDX-License-Identifier: MIT
// SafetensorsFile: 8-byte little-endian header length N, N bytes of JSON, then the data section.
// Every field of the header is checked before use (hostile files give an Error, never a crash).
#include "quanta/hf_import.h"

#include "util/checked_math.h"
#include "util/mapped_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstring>

namespace quanta {

namespace {

constexpr uint64_t kMaxHeaderBytes = 100u * 1000u * 1000u; // the safetensors library's own limit

struct DtypeName {
    const char* name;
    SafetensorsDtype dtype;
    size_t size;
};

constexpr std::array kDtypes = {
    DtypeName{"F64", SafetensorsDtype::F64, 8},     DtypeName{"F32", SafetensorsDtype::F32, 4},
    DtypeName{"F16", SafetensorsDtype::F16, 2},     DtypeName{"BF16", SafetensorsDtype::BF16, 2},
    DtypeName{"I64", SafetensorsDtype::I64, 8},     DtypeName{"I32", SafetensorsDtype::I32, 4},
    DtypeName{"I16", SafetensorsDtype::I16, 2},     DtypeName{"I8", SafetensorsDtype::I8, 1},
    DtypeName{"U8", SafetensorsDtype::U8, 1},       DtypeName{"BOOL", SafetensorsDtype::Bool, 1},
    DtypeName{"F8_E4M3", SafetensorsDtype::F8_E4M3, 1}, DtypeName{"F8_E5M2", SafetensorsDtype::F8_E5M2, 1},
};

Error corrupt(std::string message) { return make_error(ErrorCode::Corrupt, std::move(message)); }

std::string quote_name(std::string_view name) {
    std::string s = "'";
    for (const char c : name.substr(0, 200))
        s += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
    return s + (name.size() > 200 ? "...'" : "'");
}

Result<SafetensorsTensor> parse_entry(const std::string& name, const nlohmann::json& entry, uint64_t data_start,
                                      uint64_t data_size) {
    const std::string what = "safetensors header: tensor " + quote_name(name);
    if (name.empty())
        return corrupt("safetensors header: empty tensor name");
    if (!entry.is_object())
        return corrupt(what + " is not an object");
    const auto dtype_it = entry.find("dtype");
    const auto shape_it = entry.find("shape");
    const auto offsets_it = entry.find("data_offsets");
    if (dtype_it == entry.end() || !dtype_it->is_string())
        return corrupt(what + ": missing or non-string 'dtype'");
    if (shape_it == entry.end() || !shape_it->is_array())
        return corrupt(what + ": missing or non-array 'shape'");
    if (offsets_it == entry.end() || !offsets_it->is_array() || offsets_it->size() != 2)
        return corrupt(what + ": 'data_offsets' must be an array [begin, end]");

    SafetensorsTensor t;
    t.name = name;
    const std::string& dtype = dtype_it->get_ref<const std::string&>();
    const DtypeName* known = nullptr;
    for (const DtypeName& d : kDtypes) {
        if (dtype == d.name)
            known = &d;
    }
    if (!known)
        return make_error(ErrorCode::UnknownType, what + ": unknown dtype " + quote_name(dtype));
    t.dtype = known->dtype;

    uint64_t elements = 1;
    if (shape_it->size() > 8)
        return corrupt(what + ": more than 8 dimensions");
    for (const nlohmann::json& d : *shape_it) {
        if (!d.is_number_unsigned())
            return corrupt(what + ": shape entries must be non-negative integers");
        const uint64_t dim = d.get<uint64_t>();
        const auto product = checked_mul(elements, dim);
        if (!product || dim > static_cast<uint64_t>(INT64_MAX) || *product > static_cast<uint64_t>(INT64_MAX))
            return corrupt(what + ": element count overflows");
        elements = *product;
        t.shape.push_back(static_cast<int64_t>(dim));
    }
    const nlohmann::json& b = (*offsets_it)[0];
    const nlohmann::json& e = (*offsets_it)[1];
    if (!b.is_number_unsigned() || !e.is_number_unsigned())
        return corrupt(what + ": data_offsets must be non-negative integers");
    const uint64_t begin = b.get<uint64_t>();
    const uint64_t end = e.get<uint64_t>();
    if (end < begin)
        return corrupt(what + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) + "] are reversed");
    if (end > data_size)
        return corrupt(what + ": data_offsets end " + std::to_string(end) + " is past the data section (" +
                       std::to_string(data_size) + " bytes)");
    const auto bytes = checked_mul(elements, known->size);
    if (!bytes || *bytes != end - begin)
        return corrupt(what + ": " + std::to_string(end - begin) + " bytes of data for " + std::to_string(elements) +
                       " elements of " + dtype);
    t.offset = data_start + begin;
    t.n_bytes = end - begin;
    return t;
}

} // namespace

const char* safetensors_dtype_name(SafetensorsDtype dtype) {
    for (const DtypeName& d : kDtypes) {
        if (d.dtype == dtype)
            return d.name;
    }
    return "?";
}

size_t safetensors_dtype_size(SafetensorsDtype dtype) {
    for (const DtypeName& d : kDtypes) {
        if (d.dtype == dtype)
            return d.size;
    }
    return 0;
}

int64_t SafetensorsTensor::n_elements() const {
    int64_t n = 1;
    for (const int64_t d : shape)
        n *= d;
    return n;
}

SafetensorsFile::SafetensorsFile() = default;
SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&&) noexcept = default;
SafetensorsFile::~SafetensorsFile() = default;

const SafetensorsTensor* SafetensorsFile::find(std::string_view name) const {
    for (const SafetensorsTensor& t : m_tensors) {
        if (t.name == name)
            return &t;
    }
    return nullptr;
}

Result<SafetensorsFile> SafetensorsFile::parse(std::span<const uint8_t> bytes) {
    if (bytes.size() < 8)
        return make_error(ErrorCode::Truncated, "safetensors: " + std::to_string(bytes.size()) +
                                                    " bytes, shorter than the 8-byte header length");
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | bytes[static_cast<size_t>(i)];
    if (n > bytes.size() - 8)
        return make_error(ErrorCode::Truncated, "safetensors: header length " + std::to_string(n) +
                                                    " is beyond the end of the file (" + std::to_string(bytes.size()) + " bytes)");
    if (n > kMaxHeaderBytes)
        return corrupt("safetensors: header length " + std::to_string(n) + " is over the 100 MB limit");
    const char* text = reinterpret_cast<const char*>(bytes.data() + 8);
    nlohmann::json header = nlohmann::json::parse(text, text + n, nullptr, /*allow_exceptions=*/false);
    if (header.is_discarded() || !header.is_object())
        return corrupt("safetensors: the header is not a JSON object");

    SafetensorsFile file;
    const uint64_t data_start = 8 + n;
    const uint64_t data_size = bytes.size() - data_start;
    try {
        for (auto it = header.begin(); it != header.end(); ++it) {
            if (it.key() == "__metadata__")
                continue;
            auto t = parse_entry(it.key(), it.value(), data_start, data_size);
            if (!t)
                return t.take_error();
            t->data = bytes.data() + t->offset;
            file.m_tensors.push_back(std::move(*t));
        }
    } catch (const nlohmann::json::exception& e) {
        return corrupt(std::string("safetensors header: ") + e.what());
    }
    // Non-overlapping data (empty tensors overlap nothing).
    std::vector<const SafetensorsTensor*> by_offset;
    for (const SafetensorsTensor& t : file.m_tensors) {
        if (t.n_bytes > 0)
            by_offset.push_back(&t);
    }
    std::sort(by_offset.begin(), by_offset.end(),
              [](const SafetensorsTensor* a, const SafetensorsTensor* b) { return a->offset < b->offset; });
    for (size_t i = 1; i < by_offset.size(); ++i) {
        if (by_offset[i]->offset < by_offset[i - 1]->offset + by_offset[i - 1]->n_bytes)
            return corrupt("safetensors header: tensor " + quote_name(by_offset[i]->name) + " overlaps tensor " +
                           quote_name(by_offset[i - 1]->name));
    }
    return file;
}

Result<SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& path) {
    auto mapping = MappedFile::open(path);
    if (!mapping)
        return mapping.take_error();
    auto file = parse(mapping->bytes());
    if (!file) {
        Error e = file.take_error();
        e.message = path.string() + ": " + e.message;
        return e;
    }
    file->m_mapping = std::make_unique<MappedFile>(std::move(*mapping));
    file->m_path = path;
    return file;
}

} // namespace quanta
