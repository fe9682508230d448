// SPDX-License-Identifier: MIT
// The traits table generated from formats.def, name/type lookups, storage sizes, and the
// dispatch from Format to the per-format row kernels.
#include "quant/quant_internal.h"
#include "quanta/format.h"

#include <array>

namespace quanta {

namespace {

constexpr std::array<FormatTraits, kFormatCount> kTraits = {{
#define QUANTA_FORMAT(name, display, ggml_type, block_elements, block_bytes, max_nmse) \
    FormatTraits{Format::name, display, ggml_type, block_elements, block_bytes, max_nmse},
#include "quanta/formats.def"
#undef QUANTA_FORMAT
}};

// The table is indexed by the enum value; this holds as long as it is generated as above.
constexpr bool traits_in_enum_order() {
    for (size_t i = 0; i < kTraits.size(); ++i)
        if (static_cast<size_t>(kTraits[i].format) != i)
            return false;
    return true;
}
static_assert(traits_in_enum_order());

char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool equal_ignore_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (ascii_upper(a[i]) != ascii_upper(b[i]))
            return false;
    return true;
}

using QuantizeRow = void (*)(const float*, void*, int64_t);
using DequantizeRow = void (*)(const void*, float*, int64_t);

struct RowKernels {
    QuantizeRow quantize;
    DequantizeRow dequantize;
};

RowKernels row_kernels(Format format) {
    switch (format) {
    case Format::F32: return {detail::quantize_row_f32_ref, detail::dequantize_row_f32_ref};
    case Format::F16: return {detail::quantize_row_f16_ref, detail::dequantize_row_f16_ref};
    case Format::BF16: return {detail::quantize_row_bf16_ref, detail::dequantize_row_bf16_ref};
    case Format::Q8_0: return {detail::quantize_row_q8_0_ref, detail::dequantize_row_q8_0_ref};
    case Format::Q6_K: return {detail::quantize_row_q6_k_ref, detail::dequantize_row_q6_k_ref};
    case Format::Q5_K: return {detail::quantize_row_q5_k_ref, detail::dequantize_row_q5_k_ref};
    case Format::Q5_1: return {detail::quantize_row_q5_1_ref, detail::dequantize_row_q5_1_ref};
    case Format::Q5_0: return {detail::quantize_row_q5_0_ref, detail::dequantize_row_q5_0_ref};
    case Format::Q4_K: return {detail::quantize_row_q4_k_ref, detail::dequantize_row_q4_k_ref};
    case Format::Q4_1: return {detail::quantize_row_q4_1_ref, detail::dequantize_row_q4_1_ref};
    case Format::Q4_0: return {detail::quantize_row_q4_0_ref, detail::dequantize_row_q4_0_ref};
    case Format::NF4:
    case Format::INT8: break;
    }
    QUANTA_ASSERT(!"row kernels exist only for single-part formats");
    return {nullptr, nullptr};
}

void check_row(Format format, int64_t n) {
    const FormatTraits& t = format_traits(format);
    QUANTA_ASSERT(!t.multi_part());
    QUANTA_ASSERT(n >= 0 && n % t.block_elements == 0);
}

} // namespace

const FormatTraits& format_traits(Format format) {
    const auto i = static_cast<size_t>(format);
    QUANTA_ASSERT(i < kTraits.size());
    return kTraits[i];
}

std::span<const FormatTraits> all_formats() { return kTraits; }

std::optional<Format> format_from_name(std::string_view name) {
    for (const FormatTraits& t : kTraits)
        if (equal_ignore_case(t.name, name))
            return t.format;
    return std::nullopt;
}

std::optional<Format> format_from_ggml_type(uint32_t ggml_type) {
    for (const FormatTraits& t : kTraits)
        if (t.ggml_type >= 0 && static_cast<uint32_t>(t.ggml_type) == ggml_type)
            return t.format;
    return std::nullopt;
}

uint64_t tensor_storage_bytes(Format format, int64_t ne0, int64_t n_rows) {
    const FormatTraits& t = format_traits(format);
    QUANTA_ASSERT(ne0 >= 0 && n_rows >= 0 && ne0 % t.block_elements == 0);
    const auto n = static_cast<uint64_t>(ne0) * static_cast<uint64_t>(n_rows);
    switch (format) {
    case Format::NF4: {
        const uint64_t n_blocks = n / kNf4BlockSize;
        const uint64_t n_nested = (n_blocks + kNf4NestedBlockSize - 1) / kNf4NestedBlockSize;
        return n / 2 + n_blocks + 4 * n_nested + 4 + 4 * 256;
    }
    case Format::INT8: return n + 4 * static_cast<uint64_t>(n_rows);
    default: return n / static_cast<uint64_t>(t.block_elements) * static_cast<uint64_t>(t.block_bytes);
    }
}

double bits_per_weight(Format format, int64_t ne0, int64_t n_rows) {
    const double n = static_cast<double>(ne0) * static_cast<double>(n_rows);
    return 8.0 * static_cast<double>(tensor_storage_bytes(format, ne0, n_rows)) / n;
}

size_t row_bytes(Format format, int64_t n) {
    check_row(format, n);
    const FormatTraits& t = format_traits(format);
    return static_cast<size_t>(n / t.block_elements * t.block_bytes);
}

void quantize_row_reference(Format format, const float* x, void* dst, int64_t n) {
    check_row(format, n);
    row_kernels(format).quantize(x, dst, n);
}

void dequantize_row_reference(Format format, const void* src, float* y, int64_t n) {
    check_row(format, n);
    row_kernels(format).dequantize(src, y, n);
}

float dot_row_reference(Format format, const void* row, const float* x, int64_t n) {
    check_row(format, n);
    std::vector<float> y(static_cast<size_t>(n));
    row_kernels(format).dequantize(row, y.data(), n);
    float sum = 0.0f;
    for (int64_t i = 0; i < n; ++i)
        sum += y[static_cast<size_t>(i)] * x[i];
    return sum;
}

} // namespace quanta
