// SPDX-License-Identifier: MIT
// Whole-tensor reference quantization into GGUF parts, and the inverse. Single-part formats are
// one tensor of the format's own GGUF type; NF4 and INT8 are several plainly typed tensors
// (I8 / F32) per weight, so that files stay valid GGUF v3 for every reader (docs/formats.md).
#include "quant/quant_internal.h"
#include "quanta/format.h"

#include <cstring>
#include <limits>

namespace quanta {

namespace {

Result<uint64_t> checked_count(const FormatTraits& t, int64_t ne0, int64_t n_rows) {
    if (ne0 <= 0 || n_rows <= 0)
        return make_error(ErrorCode::InvalidArgument, std::string(t.name) + ": tensor sizes must be positive, got " +
                                                          std::to_string(ne0) + " x " + std::to_string(n_rows));
    const int64_t block = t.format == Format::NF4 ? kNf4BlockSize : t.block_elements;
    if (ne0 % block != 0)
        return make_error(ErrorCode::InvalidArgument, std::string(t.name) + ": row length " + std::to_string(ne0) +
                                                          " is not a multiple of the block size " +
                                                          std::to_string(block));
    // Keep every byte count representable as a size_t and an int64 with room for the parts.
    if (ne0 > std::numeric_limits<int64_t>::max() / 8 / n_rows)
        return make_error(ErrorCode::InvalidArgument, std::string(t.name) + ": tensor too large");
    return static_cast<uint64_t>(ne0) * static_cast<uint64_t>(n_rows);
}

template <class T>
std::vector<uint8_t> to_bytes(const T* data, size_t count) {
    std::vector<uint8_t> bytes(count * sizeof(T));
    if (count > 0)
        std::memcpy(bytes.data(), data, bytes.size());
    return bytes;
}

QuantizedPart make_part(std::string_view suffix, uint32_t type, std::vector<int64_t> ne, std::vector<uint8_t> bytes) {
    QuantizedPart p;
    p.suffix = std::string(suffix);
    p.ggml_type = type;
    p.ne = std::move(ne);
    p.bytes = std::move(bytes);
    return p;
}

/// Finds the part named `suffix` and checks its type, shape (ne[0] and the element count; extra
/// trailing dimensions of 1 are fine) and byte size.
Result<const PartView*> find_part(std::span<const PartView> parts, std::string_view format, std::string_view suffix,
                                  uint32_t type, int64_t ne0, uint64_t count, uint64_t bytes) {
    const PartView* found = nullptr;
    for (const PartView& p : parts) {
        if (p.suffix != suffix)
            continue;
        if (found)
            return make_error(ErrorCode::Corrupt,
                              std::string(format) + ": part '" + std::string(suffix) + "' appears twice");
        found = &p;
    }
    const std::string what = std::string(format) + " part '" + std::string(suffix) + "'";
    if (!found)
        return make_error(ErrorCode::Corrupt, what + " is missing");
    if (found->ggml_type != type)
        return make_error(ErrorCode::Corrupt, what + " has GGUF type " + std::to_string(found->ggml_type) +
                                                  ", expected " + std::to_string(type));
    uint64_t n = 1;
    for (int64_t d : found->ne) {
        if (d < 0)
            return make_error(ErrorCode::Corrupt, what + " has a negative dimension");
        n *= static_cast<uint64_t>(d);
    }
    if (found->ne.empty() || found->ne[0] != ne0 || n != count)
        return make_error(ErrorCode::Corrupt, what + " has the wrong shape (expected " + std::to_string(count) +
                                                  " elements with ne[0] = " + std::to_string(ne0) + ")");
    if (found->bytes.size() != bytes)
        return make_error(ErrorCode::Corrupt, what + " holds " + std::to_string(found->bytes.size()) +
                                                  " bytes, expected " + std::to_string(bytes));
    return found;
}

template <class T>
std::vector<T> from_bytes(std::span<const uint8_t> bytes) {
    std::vector<T> out(bytes.size() / sizeof(T));
    if (!out.empty())
        std::memcpy(out.data(), bytes.data(), out.size() * sizeof(T));
    return out;
}

} // namespace

Result<std::vector<QuantizedPart>> quantize_tensor_reference(Format format, const float* x, int64_t ne0,
                                                            int64_t n_rows) {
    const FormatTraits& t = format_traits(format);
    auto count = checked_count(t, ne0, n_rows);
    if (!count)
        return count.take_error();
    const uint64_t n = *count;
    std::vector<QuantizedPart> parts;

    if (format == Format::NF4) {
        const uint64_t n_blocks = n / kNf4BlockSize;
        std::vector<uint8_t> packed(n / 2);
        std::vector<float> absmax(n_blocks);
        nf4_quantize_reference(x, static_cast<int64_t>(n), packed.data(), absmax.data());
        Nf4DoubleQuant dq = nf4_double_quantize(absmax);
        const auto n_nested = static_cast<int64_t>(dq.nested_absmax.size());
        parts.push_back(make_part(kNf4CodesSuffix, kGgmlTypeI8, {ne0 / 2, n_rows}, std::move(packed)));
        parts.push_back(make_part(kNf4AbsmaxSuffix, kGgmlTypeI8, {static_cast<int64_t>(n_blocks)},
                                  std::move(dq.qabsmax)));
        parts.push_back(make_part(kNf4NestedAbsmaxSuffix, kGgmlTypeF32, {n_nested},
                                  to_bytes(dq.nested_absmax.data(), dq.nested_absmax.size())));
        parts.push_back(make_part(kNf4NestedOffsetSuffix, kGgmlTypeF32, {1}, to_bytes(&dq.nested_offset, 1)));
        parts.push_back(make_part(kNf4NestedMapSuffix, kGgmlTypeF32, {256},
                                  to_bytes(dq.nested_map.data(), dq.nested_map.size())));
        return parts;
    }

    if (format == Format::INT8) {
        std::vector<int8_t> cb(n);
        std::vector<float> scb(static_cast<size_t>(n_rows));
        for (int64_t r = 0; r < n_rows; ++r)
            int8_quantize_row_reference(x + r * ne0, ne0, cb.data() + r * ne0, &scb[static_cast<size_t>(r)]);
        parts.push_back(make_part(kInt8CodesSuffix, kGgmlTypeI8, {ne0, n_rows}, to_bytes(cb.data(), cb.size())));
        parts.push_back(make_part(kInt8ScaleSuffix, kGgmlTypeF32, {n_rows}, to_bytes(scb.data(), scb.size())));
        return parts;
    }

    const size_t rb = row_bytes(format, ne0);
    std::vector<uint8_t> bytes(rb * static_cast<size_t>(n_rows));
    for (int64_t r = 0; r < n_rows; ++r)
        quantize_row_reference(format, x + r * ne0, bytes.data() + static_cast<size_t>(r) * rb, ne0);
    parts.push_back(make_part("", static_cast<uint32_t>(t.ggml_type), {ne0, n_rows}, std::move(bytes)));
    return parts;
}

Result<void> dequantize_tensor_reference(Format format, std::span<const PartView> parts, int64_t ne0,
                                         int64_t n_rows, float* y) {
    const FormatTraits& t = format_traits(format);
    auto count = checked_count(t, ne0, n_rows);
    if (!count)
        return count.take_error();
    const uint64_t n = *count;

    if (format == Format::NF4) {
        const uint64_t n_blocks = n / kNf4BlockSize;
        const uint64_t n_nested = (n_blocks + kNf4NestedBlockSize - 1) / kNf4NestedBlockSize;
        auto codes = find_part(parts, t.name, kNf4CodesSuffix, kGgmlTypeI8, ne0 / 2, n / 2, n / 2);
        if (!codes)
            return codes.take_error();
        auto qabsmax = find_part(parts, t.name, kNf4AbsmaxSuffix, kGgmlTypeI8, static_cast<int64_t>(n_blocks),
                                 n_blocks, n_blocks);
        if (!qabsmax)
            return qabsmax.take_error();
        auto nested = find_part(parts, t.name, kNf4NestedAbsmaxSuffix, kGgmlTypeF32,
                                static_cast<int64_t>(n_nested), n_nested, 4 * n_nested);
        if (!nested)
            return nested.take_error();
        auto offset = find_part(parts, t.name, kNf4NestedOffsetSuffix, kGgmlTypeF32, 1, 1, 4);
        if (!offset)
            return offset.take_error();
        auto map = find_part(parts, t.name, kNf4NestedMapSuffix, kGgmlTypeF32, 256, 256, 1024);
        if (!map)
            return map.take_error();
        const std::vector<float> nested_absmax = from_bytes<float>((*nested)->bytes);
        const std::vector<float> map_values = from_bytes<float>((*map)->bytes);
        const float nested_offset = from_bytes<float>((*offset)->bytes)[0];
        std::vector<float> absmax(n_blocks);
        nf4_double_dequantize((*qabsmax)->bytes, nested_absmax, nested_offset, map_values, absmax.data());
        nf4_dequantize_reference((*codes)->bytes.data(), absmax.data(), static_cast<int64_t>(n), y);
        return {};
    }

    if (format == Format::INT8) {
        auto cb = find_part(parts, t.name, kInt8CodesSuffix, kGgmlTypeI8, ne0, n, n);
        if (!cb)
            return cb.take_error();
        auto scb = find_part(parts, t.name, kInt8ScaleSuffix, kGgmlTypeF32, n_rows, static_cast<uint64_t>(n_rows),
                             4 * static_cast<uint64_t>(n_rows));
        if (!scb)
            return scb.take_error();
        const std::vector<float> scales = from_bytes<float>((*scb)->bytes);
        const auto* codes = reinterpret_cast<const int8_t*>((*cb)->bytes.data());
        for (int64_t r = 0; r < n_rows; ++r)
            int8_dequantize_row_reference(codes + r * ne0, scales[static_cast<size_t>(r)], ne0, y + r * ne0);
        return {};
    }

    const size_t rb = row_bytes(format, ne0);
    auto main = find_part(parts, t.name, "", static_cast<uint32_t>(t.ggml_type), ne0, n,
                          rb * static_cast<uint64_t>(n_rows));
    if (!main)
        return main.take_error();
    for (int64_t r = 0; r < n_rows; ++r)
        dequantize_row_reference(format, (*main)->bytes.data() + static_cast<size_t>(r) * rb, y + r * ne0, ne0);
    return {};
}

} // namespace quanta
