// SPDX-License-Identifier: MIT
#include "quanta/gguf.h"

#include <cinttypes>
#include <cstdio>
#include <limits>

namespace quanta {

namespace {

bool is_unsigned(GgufType t) {
    return t == GgufType::Uint8 || t == GgufType::Uint16 || t == GgufType::Uint32 || t == GgufType::Uint64;
}
bool is_signed(GgufType t) {
    return t == GgufType::Int8 || t == GgufType::Int16 || t == GgufType::Int32 || t == GgufType::Int64;
}
bool is_float(GgufType t) { return t == GgufType::Float32 || t == GgufType::Float64; }

bool fits(GgufType t, int64_t v) {
    switch (t) {
    case GgufType::Uint8: return v >= 0 && v <= 0xFF;
    case GgufType::Int8: return v >= -128 && v <= 127;
    case GgufType::Uint16: return v >= 0 && v <= 0xFFFF;
    case GgufType::Int16: return v >= -32768 && v <= 32767;
    case GgufType::Uint32: return v >= 0 && v <= 0xFFFFFFFFLL;
    case GgufType::Int32: return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
    case GgufType::Uint64: return v >= 0;
    case GgufType::Int64: return true;
    case GgufType::Float32:
    case GgufType::Float64: return true;
    default: return false;
    }
}

} // namespace

const char* gguf_type_name(GgufType type) {
    switch (type) {
    case GgufType::Uint8: return "uint8";
    case GgufType::Int8: return "int8";
    case GgufType::Uint16: return "uint16";
    case GgufType::Int16: return "int16";
    case GgufType::Uint32: return "uint32";
    case GgufType::Int32: return "int32";
    case GgufType::Float32: return "float32";
    case GgufType::Bool: return "bool";
    case GgufType::String: return "string";
    case GgufType::Array: return "array";
    case GgufType::Uint64: return "uint64";
    case GgufType::Int64: return "int64";
    case GgufType::Float64: return "float64";
    }
    return "unknown";
}

#define QUANTA_GGUF_SCALAR(fn, ctype, gtype, stored)     \
    GgufValue GgufValue::fn(ctype v) {                    \
        GgufValue r;                                      \
        r.m_type = GgufType::gtype;                       \
        r.m_scalar = static_cast<stored>(v);              \
        return r;                                         \
    }
QUANTA_GGUF_SCALAR(u8, uint8_t, Uint8, uint64_t)
QUANTA_GGUF_SCALAR(i8, int8_t, Int8, int64_t)
QUANTA_GGUF_SCALAR(u16, uint16_t, Uint16, uint64_t)
QUANTA_GGUF_SCALAR(i16, int16_t, Int16, int64_t)
QUANTA_GGUF_SCALAR(u32, uint32_t, Uint32, uint64_t)
QUANTA_GGUF_SCALAR(i32, int32_t, Int32, int64_t)
QUANTA_GGUF_SCALAR(u64, uint64_t, Uint64, uint64_t)
QUANTA_GGUF_SCALAR(i64, int64_t, Int64, int64_t)
QUANTA_GGUF_SCALAR(f32, float, Float32, double)
QUANTA_GGUF_SCALAR(f64, double, Float64, double)
QUANTA_GGUF_SCALAR(boolean, bool, Bool, bool)
#undef QUANTA_GGUF_SCALAR

GgufValue GgufValue::string(std::string v) {
    GgufValue r;
    r.m_type = GgufType::String;
    r.m_scalar = std::move(v);
    return r;
}

GgufValue GgufValue::string_array(std::vector<std::string> v) {
    GgufValue r;
    r.m_type = GgufType::Array;
    r.m_array_type = GgufType::String;
    r.m_array = std::move(v);
    return r;
}

GgufValue GgufValue::f32_array(std::vector<float> v) {
    GgufValue r;
    r.m_type = GgufType::Array;
    r.m_array_type = GgufType::Float32;
    r.m_array = std::vector<double>(v.begin(), v.end());
    return r;
}

GgufValue GgufValue::i32_array(std::vector<int32_t> v) {
    GgufValue r;
    r.m_type = GgufType::Array;
    r.m_array_type = GgufType::Int32;
    r.m_array = std::vector<int64_t>(v.begin(), v.end());
    return r;
}

GgufValue GgufValue::u32_array(std::vector<uint32_t> v) {
    GgufValue r;
    r.m_type = GgufType::Array;
    r.m_array_type = GgufType::Uint32;
    r.m_array = std::vector<uint64_t>(v.begin(), v.end());
    return r;
}

GgufValue GgufValue::u64_array(std::vector<uint64_t> v) {
    GgufValue r;
    r.m_type = GgufType::Array;
    r.m_array_type = GgufType::Uint64;
    r.m_array = std::move(v);
    return r;
}

GgufValue GgufValue::f64_array(std::vector<double> v) {
    GgufValue r;
    r.m_type = GgufType::Array;
    r.m_array_type = GgufType::Float64;
    r.m_array = std::move(v);
    return r;
}

GgufValue GgufValue::bool_array(std::vector<bool> v) {
    GgufValue r;
    r.m_type = GgufType::Array;
    r.m_array_type = GgufType::Bool;
    r.m_array = std::move(v);
    return r;
}

GgufValue GgufValue::int_array(GgufType elem_type, std::vector<int64_t> v) {
    QUANTA_ASSERT(is_unsigned(elem_type) || is_signed(elem_type) || is_float(elem_type));
    GgufValue r;
    r.m_type = GgufType::Array;
    r.m_array_type = elem_type;
    for (int64_t x : v)
        QUANTA_ASSERT(fits(elem_type, x));
    if (is_unsigned(elem_type))
        r.m_array = std::vector<uint64_t>(v.begin(), v.end());
    else if (is_signed(elem_type))
        r.m_array = std::move(v);
    else if (elem_type == GgufType::Float32)
        // Round through float so that the stored value is exactly what the file will hold.
        r.m_array = [&] {
            std::vector<double> d;
            d.reserve(v.size());
            for (int64_t x : v)
                d.push_back(static_cast<float>(x));
            return d;
        }();
    else
        r.m_array = std::vector<double>(v.begin(), v.end());
    return r;
}

size_t GgufValue::array_size() const {
    if (m_type != GgufType::Array)
        return 0;
    return std::visit([](const auto& a) { return a.size(); }, m_array);
}

std::optional<uint64_t> GgufValue::as_uint() const {
    if (is_unsigned(m_type))
        return std::get<uint64_t>(m_scalar);
    if (is_signed(m_type)) {
        const int64_t v = std::get<int64_t>(m_scalar);
        if (v >= 0)
            return static_cast<uint64_t>(v);
    }
    return std::nullopt;
}

std::optional<int64_t> GgufValue::as_int() const {
    if (is_signed(m_type))
        return std::get<int64_t>(m_scalar);
    if (is_unsigned(m_type)) {
        const uint64_t v = std::get<uint64_t>(m_scalar);
        if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return static_cast<int64_t>(v);
    }
    return std::nullopt;
}

std::optional<double> GgufValue::as_float() const {
    if (is_float(m_type))
        return std::get<double>(m_scalar);
    return std::nullopt;
}

std::optional<bool> GgufValue::as_bool() const {
    if (m_type == GgufType::Bool)
        return std::get<bool>(m_scalar);
    return std::nullopt;
}

std::optional<std::string_view> GgufValue::as_string() const {
    if (m_type == GgufType::String)
        return std::string_view(std::get<std::string>(m_scalar));
    return std::nullopt;
}

const std::vector<std::string>* GgufValue::as_string_array() const {
    if (m_type != GgufType::Array || m_array_type != GgufType::String)
        return nullptr;
    return &std::get<std::vector<std::string>>(m_array);
}

std::optional<std::vector<int64_t>> GgufValue::as_int_array() const {
    if (m_type != GgufType::Array)
        return std::nullopt;
    if (is_signed(m_array_type))
        return std::get<std::vector<int64_t>>(m_array);
    if (!is_unsigned(m_array_type))
        return std::nullopt;
    const auto& u = std::get<std::vector<uint64_t>>(m_array);
    std::vector<int64_t> out;
    out.reserve(u.size());
    for (uint64_t v : u) {
        if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return std::nullopt;
        out.push_back(static_cast<int64_t>(v));
    }
    return out;
}

std::optional<std::vector<float>> GgufValue::as_float_array() const {
    if (m_type != GgufType::Array || !is_float(m_array_type))
        return std::nullopt;
    const auto& d = std::get<std::vector<double>>(m_array);
    return std::vector<float>(d.begin(), d.end());
}

std::string GgufValue::summary(size_t max_chars) const {
    std::string out;
    char buf[64];
    if (m_type == GgufType::Array) {
        std::snprintf(buf, sizeof(buf), "[%zu \xC3\x97 ", array_size());
        out = std::string(buf) + gguf_type_name(m_array_type) + "]";
    } else if (is_unsigned(m_type)) {
        std::snprintf(buf, sizeof(buf), "%" PRIu64, std::get<uint64_t>(m_scalar));
        out = buf;
    } else if (is_signed(m_type)) {
        std::snprintf(buf, sizeof(buf), "%" PRId64, std::get<int64_t>(m_scalar));
        out = buf;
    } else if (is_float(m_type)) {
        std::snprintf(buf, sizeof(buf), "%.9g", std::get<double>(m_scalar));
        out = buf;
    } else if (m_type == GgufType::Bool) {
        out = std::get<bool>(m_scalar) ? "true" : "false";
    } else {
        out = "\"" + std::get<std::string>(m_scalar) + "\"";
    }
    if (out.size() > max_chars && max_chars >= 3) {
        // Cut on a UTF-8 character boundary so the summary stays valid text.
        size_t cut = max_chars - 3;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
            --cut;
        out.resize(cut);
        out += "...";
    }
    return out;
}

} // namespace quanta
