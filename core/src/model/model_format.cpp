// SPDX-License-Identifier: MIT
// Human renderings shared by quanta-cli and the desktop app, so both show the same numbers.
#include "quanta/model_info.h"

#include <array>
#include <cstdio>

namespace quanta {

const char* file_type_name(uint32_t file_type) {
    // llama_ftype values (FORMATS.md §2.7); nullptr marks removed or unassigned values.
    static constexpr std::array<const char*, 42> kNames{
        "ALL_F32",       "MOSTLY_F16",     "MOSTLY_Q4_0",      "MOSTLY_Q4_1",   nullptr,         nullptr,
        nullptr,         "MOSTLY_Q8_0",    "MOSTLY_Q5_0",      "MOSTLY_Q5_1",   "MOSTLY_Q2_K",   "MOSTLY_Q3_K_S",
        "MOSTLY_Q3_K_M", "MOSTLY_Q3_K_L",  "MOSTLY_Q4_K_S",    "MOSTLY_Q4_K_M", "MOSTLY_Q5_K_S", "MOSTLY_Q5_K_M",
        "MOSTLY_Q6_K",   "MOSTLY_IQ2_XXS", "MOSTLY_IQ2_XS",    "MOSTLY_Q2_K_S", "MOSTLY_IQ3_XS", "MOSTLY_IQ3_XXS",
        "MOSTLY_IQ1_S",  "MOSTLY_IQ4_NL",  "MOSTLY_IQ3_S",     "MOSTLY_IQ3_M",  "MOSTLY_IQ2_S",  "MOSTLY_IQ2_M",
        "MOSTLY_IQ4_XS", "MOSTLY_IQ1_M",   "MOSTLY_BF16",      nullptr,         nullptr,         nullptr,
        "MOSTLY_TQ1_0",  "MOSTLY_TQ2_0",   "MOSTLY_MXFP4_MOE", "MOSTLY_NVFP4",  "MOSTLY_Q1_0",   "MOSTLY_Q2_0",
    };
    return file_type < kNames.size() ? kNames[file_type] : nullptr;
}

std::string format_shape(std::span<const int64_t> shape) {
    std::string out;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i)
            out += " x ";
        out += std::to_string(shape[i]);
    }
    return out;
}

namespace {

// Three significant digits: 1.23, 12.3, 123.
std::string three_digits(double v, const char* unit) {
    char buf[48];
    int decimals = v < 10 ? 2 : v < 100 ? 1 : 0;
    std::snprintf(buf, sizeof buf, "%.*f %s", decimals, v, unit);
    return buf;
}

} // namespace

std::string format_byte_size(uint64_t bytes) {
    static constexpr std::array<const char*, 6> kUnits{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024)
        return std::to_string(bytes) + " B";
    double v = static_cast<double>(bytes) / 1024.0;
    size_t unit = 0;
    // 999.5 would print as "1000" with no decimals; move to the next unit instead.
    while (v >= 999.5 && unit + 1 < kUnits.size()) {
        v /= 1024.0;
        ++unit;
    }
    return three_digits(v, kUnits[unit]);
}

std::string format_count(int64_t count) {
    static constexpr std::array<const char*, 4> kUnits{"K", "M", "B", "T"};
    if (count < 1000)
        return std::to_string(count);
    double v = static_cast<double>(count) / 1000.0;
    size_t unit = 0;
    while (v >= 999.5 && unit + 1 < kUnits.size()) {
        v /= 1000.0;
        ++unit;
    }
    return three_digits(v, kUnits[unit]);
}

} // namespace quanta
