// SPDX-License-Identifier: MIT
#include "hf_export/safetensors_writer.h"

#include <nlohmann/json.hpp>

#include <array>
#include <utility>

namespace quanta {

size_t safetensors_dtype_size(std::string_view dtype) {
    static constexpr std::array<std::pair<std::string_view, size_t>, 13> kSizes{{
        {"BOOL", 1},
        {"U8", 1},
        {"I8", 1},
        {"F8_E4M3", 1},
        {"F8_E5M2", 1},
        {"F16", 2},
        {"BF16", 2},
        {"I16", 2},
        {"U16", 2},
        {"F32", 4},
        {"I32", 4},
        {"F64", 8},
        {"I64", 8},
    }};
    for (const auto& [name, size] : kSizes)
        if (name == dtype)
            return size;
    return 0;
}

Result<void> SafetensorsWriter::add(std::string name, std::string dtype, std::vector<int64_t> shape) {
    if (name.empty() || name == "__metadata__")
        return make_error(ErrorCode::InvalidArgument, "safetensors: invalid tensor name '" + name + "'");
    for (const SafetensorsEntry& e : m_entries)
        if (e.name == name)
            return make_error(ErrorCode::InvalidArgument, "safetensors: duplicate tensor name '" + name + "'");
    const size_t elem = safetensors_dtype_size(dtype);
    if (elem == 0)
        return make_error(ErrorCode::InvalidArgument, "safetensors: unknown dtype '" + dtype + "'");
    uint64_t count = 1;
    for (int64_t d : shape) {
        if (d < 0)
            return make_error(ErrorCode::InvalidArgument, "safetensors: negative dimension in '" + name + "'");
        count *= static_cast<uint64_t>(d);
    }
    SafetensorsEntry e{std::move(name), std::move(dtype), std::move(shape), m_data_size, 0};
    e.end = e.begin + count * elem;
    m_data_size = e.end;
    m_entries.push_back(std::move(e));
    return {};
}

std::string SafetensorsWriter::header() const {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    nlohmann::ordered_json meta = nlohmann::ordered_json::object();
    for (const auto& [k, v] : m_metadata)
        meta[k] = v;
    j["__metadata__"] = std::move(meta);
    for (const SafetensorsEntry& e : m_entries)
        j[e.name] = {{"dtype", e.dtype}, {"shape", e.shape}, {"data_offsets", {e.begin, e.end}}};
    std::string text = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    text.append((8 - text.size() % 8) % 8, ' ');
    return text;
}

uint64_t SafetensorsWriter::file_size() const {
    return 8 + header().size() + m_data_size;
}

Result<void> SafetensorsWriter::begin(const std::filesystem::path& path) {
    std::string text;
    try {
        text = header();
    } catch (const std::exception& e) {
        return make_error(ErrorCode::Internal, std::string("safetensors: header: ") + e.what());
    }
    m_path = path;
    m_out.open(path, std::ios::binary | std::ios::trunc);
    if (!m_out)
        return make_error(ErrorCode::Io, path.string() + ": cannot create the file");
    std::array<char, 8> len{};
    uint64_t n = text.size();
    for (size_t i = 0; i < 8; ++i)
        len[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
    m_out.write(len.data(), len.size());
    m_out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!m_out)
        return make_error(ErrorCode::Io, path.string() + ": write failed");
    m_written = 0;
    return {};
}

Result<void> SafetensorsWriter::write(std::span<const uint8_t> bytes) {
    if (!m_out.is_open())
        return make_error(ErrorCode::InvalidArgument, "safetensors: write() before begin()");
    if (bytes.size() > m_data_size - m_written)
        return make_error(ErrorCode::InvalidArgument, "safetensors: more data than the tensors declare");
    m_out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!m_out)
        return make_error(ErrorCode::Io, m_path.string() + ": write failed (disk full?)");
    m_written += bytes.size();
    return {};
}

Result<void> SafetensorsWriter::finish() {
    if (!m_out.is_open())
        return make_error(ErrorCode::InvalidArgument, "safetensors: finish() before begin()");
    if (m_written != m_data_size)
        return make_error(ErrorCode::InvalidArgument, "safetensors: " + std::to_string(m_data_size - m_written) +
                                                          " bytes of tensor data are missing");
    m_out.flush();
    const bool good = static_cast<bool>(m_out);
    m_out.close();
    if (!good || m_out.fail())
        return make_error(ErrorCode::Io, m_path.string() + ": write failed (disk full?)");
    return {};
}

} // namespace quanta
