// SPDX-License-Identifier: MIT
#include "gguf/ggml_types.h"

#include "quanta/gguf.h"
#include "util/checked_math.h"

#include <array>
#include <limits>

namespace quanta {

namespace {

// Indexed by id. Removed ids keep their historical name with block size 0 so that a file using
// one gets a message that says what it is.
// clang-format off
constexpr std::array<GgmlTypeTraits, 43> kTypes{{
    {"F32", 1, 4},        {"F16", 1, 2},         {"Q4_0", 32, 18},      {"Q4_1", 32, 20},
    {"Q4_2", 0, 0},       {"Q4_3", 0, 0},        {"Q5_0", 32, 22},      {"Q5_1", 32, 24},
    {"Q8_0", 32, 34},     {"Q8_1", 32, 36},      {"Q2_K", 256, 84},     {"Q3_K", 256, 110},
    {"Q4_K", 256, 144},   {"Q5_K", 256, 176},    {"Q6_K", 256, 210},    {"Q8_K", 256, 292},
    {"IQ2_XXS", 256, 66}, {"IQ2_XS", 256, 74},   {"IQ3_XXS", 256, 98},  {"IQ1_S", 256, 50},
    {"IQ4_NL", 32, 18},   {"IQ3_S", 256, 110},   {"IQ2_S", 256, 82},    {"IQ4_XS", 256, 136},
    {"I8", 1, 1},         {"I16", 1, 2},         {"I32", 1, 4},         {"I64", 1, 8},
    {"F64", 1, 8},        {"IQ1_M", 256, 56},    {"BF16", 1, 2},        {"Q4_0_4_4", 0, 0},
    {"Q4_0_4_8", 0, 0},   {"Q4_0_8_8", 0, 0},    {"TQ1_0", 256, 54},    {"TQ2_0", 256, 66},
    {"IQ4_NL_4_4", 0, 0}, {"IQ4_NL_4_8", 0, 0},  {"IQ4_NL_8_8", 0, 0},  {"MXFP4", 32, 17},
    {"NVFP4", 64, 36},    {"Q1_0", 128, 18},     {"Q2_0", 64, 18},
}};
// clang-format on

} // namespace

const GgmlTypeTraits* ggml_type_traits(uint32_t ggml_type) {
    return ggml_type < kTypes.size() ? &kTypes[ggml_type] : nullptr;
}

const char* ggml_type_name(uint32_t ggml_type) {
    const GgmlTypeTraits* t = ggml_type_traits(ggml_type);
    return t != nullptr && t->block_elements != 0 ? t->name : nullptr;
}

std::optional<uint64_t> ggml_tensor_bytes(uint32_t ggml_type, std::span<const int64_t> ne) {
    const GgmlTypeTraits* t = ggml_type_traits(ggml_type);
    if (t == nullptr || t->block_elements == 0 || ne.empty() || ne.size() > 4)
        return std::nullopt;
    for (int64_t n : ne) {
        if (n < 0)
            return std::nullopt;
    }
    if (static_cast<uint64_t>(ne[0]) % t->block_elements != 0)
        return std::nullopt;
    // The product of the non-zero dims must fit int64: GgufTensorInfo::n_elements() multiplies
    // left to right, so a zero in ne[3] does not save it from overflowing in ne[0] * ne[1].
    uint64_t elements = 1;
    for (int64_t n : ne) {
        const auto e = checked_mul(elements, static_cast<uint64_t>(n));
        if (!e || *e > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return std::nullopt;
        elements = n == 0 ? elements : *e;
    }
    uint64_t bytes = (static_cast<uint64_t>(ne[0]) / t->block_elements) * t->block_bytes;
    for (size_t i = 1; i < ne.size(); ++i) {
        const auto b = checked_mul(bytes, static_cast<uint64_t>(ne[i]));
        if (!b)
            return std::nullopt;
        bytes = *b;
    }
    return bytes;
}

} // namespace quanta
