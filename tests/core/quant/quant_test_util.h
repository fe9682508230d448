// SPDX-License-Identifier: MIT
// Shared helpers of the quant tests: hex strings, deterministic Gaussian data, error measures.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace quanta::test {

inline std::vector<uint8_t> from_hex(std::string_view hex) {
    std::vector<uint8_t> out;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        return c - 'A' + 10;
    };
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    return out;
}

inline std::string to_hex(const uint8_t* data, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n; ++i) {
        s += digits[data[i] >> 4];
        s += digits[data[i] & 15];
    }
    return s;
}

inline uint32_t bits(float f) {
    uint32_t u = 0;
    std::memcpy(&u, &f, 4);
    return u;
}

inline float from_bits(uint32_t u) {
    float f = 0;
    std::memcpy(&f, &u, 4);
    return f;
}

/// FORMATS.md §7.9 input: X(i) = ((i*i*7 + i*13 + 5) mod 211 - 105) * (1 + (i/32) mod 4) / 64.
inline std::vector<float> spec_vector(int n) {
    std::vector<float> x(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const int v = ((i * i * 7 + i * 13 + 5) % 211 - 105) * (1 + (i / 32) % 4);
        x[static_cast<size_t>(i)] = static_cast<float>(v) / 64.0f;
    }
    return x;
}

/// Standard normal data from a fixed-seed mt19937 with our own Box-Muller, so the values are the
/// same with every standard library (std::normal_distribution is implementation-defined).
inline std::vector<float> gaussian(size_t n, uint32_t seed, float sigma = 1.0f) {
    std::mt19937 rng(seed);
    std::vector<float> x(n);
    for (size_t i = 0; i < n; i += 2) {
        const double u1 = (static_cast<double>(rng()) + 1.0) / 4294967297.0;
        const double u2 = static_cast<double>(rng()) / 4294967296.0;
        const double r = std::sqrt(-2.0 * std::log(u1));
        x[i] = static_cast<float>(sigma * r * std::cos(2.0 * M_PI * u2));
        if (i + 1 < n)
            x[i + 1] = static_cast<float>(sigma * r * std::sin(2.0 * M_PI * u2));
    }
    return x;
}

/// sum (x - y)^2 / sum x^2 in double.
inline double nmse(const std::vector<float>& x, const std::vector<float>& y) {
    double num = 0.0;
    double den = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double d = static_cast<double>(x[i]) - static_cast<double>(y[i]);
        num += d * d;
        den += static_cast<double>(x[i]) * static_cast<double>(x[i]);
    }
    return den > 0.0 ? num / den : num;
}

inline double sum_double(const float* y, size_t n) {
    double s = 0.0;
    for (size_t i = 0; i < n; ++i)
        s += static_cast<double>(y[i]);
    return s;
}

} // namespace quanta::test
