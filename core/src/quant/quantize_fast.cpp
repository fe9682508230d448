// SPDX-License-Identifier: MIT
// quantize_row() and dequantize_row(): the reference kernels' exact results, through the SIMD fits of quantize_avx2.cpp
// when the CPU has AVX2 and F16C (checked once, at run time, so the library runs on any x86-64).
#include "quant/kquant_common.h"
#include "quant/quant_internal.h"
#include "quanta/format.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace quanta {

namespace detail {
#if defined(__x86_64__) || defined(__i386__)
void quantize_row_q4_0_avx2(const float* x, void* dst, int64_t n);
void quantize_row_q4_1_avx2(const float* x, void* dst, int64_t n);
void quantize_row_q5_0_avx2(const float* x, void* dst, int64_t n);
void quantize_row_q5_1_avx2(const float* x, void* dst, int64_t n);
void quantize_row_q8_0_avx2(const float* x, void* dst, int64_t n);
void dequantize_row_q4_1_avx2(const void* src, float* y, int64_t n);
void dequantize_row_f16_f16c(const void* src, float* y, int64_t n);
#endif
} // namespace detail

namespace {

bool cpu_has_avx2() {
#if defined(__x86_64__) || defined(__i386__)
    // clang has no "f16c" for __builtin_cpu_supports: read CPUID.1:ECX bit 29 directly.
    static const bool has = [] {
        unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
        const bool f16c = __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & (1u << 29)) != 0;
        return f16c && __builtin_cpu_supports("avx2");
    }();
    return has;
#else
    return false;
#endif
}

} // namespace

void quantize_row(Format format, const float* x, void* dst, int64_t n) {
    (void)row_bytes(format, n); // checks the format and n against the block size
#if defined(__x86_64__) || defined(__i386__)
    if (cpu_has_avx2()) {
        switch (format) {
        case Format::Q4_K: detail::quantize_row_q4_k_with(x, dst, n, detail::fit_subblocks_avx2); return;
        case Format::Q5_K: detail::quantize_row_q5_k_with(x, dst, n, detail::fit_subblocks_avx2); return;
        case Format::Q6_K: detail::quantize_row_q6_k_with(x, dst, n, detail::fit_q6_k_avx2); return;
        case Format::Q8_0: detail::quantize_row_q8_0_avx2(x, dst, n); return;
        case Format::Q5_1: detail::quantize_row_q5_1_avx2(x, dst, n); return;
        case Format::Q5_0: detail::quantize_row_q5_0_avx2(x, dst, n); return;
        case Format::Q4_1: detail::quantize_row_q4_1_avx2(x, dst, n); return;
        case Format::Q4_0: detail::quantize_row_q4_0_avx2(x, dst, n); return;
        default: break;
        }
    }
#endif
    quantize_row_reference(format, x, dst, n);
}

void dequantize_row(Format format, const void* src, float* y, int64_t n) {
    (void)row_bytes(format, n);
#if defined(__x86_64__) || defined(__i386__)
    if (cpu_has_avx2()) {
        switch (format) {
        case Format::F16: detail::dequantize_row_f16_f16c(src, y, n); return;
        case Format::Q4_1: detail::dequantize_row_q4_1_avx2(src, y, n); return;
        default: break;
        }
    }
#endif
    dequantize_row_reference(format, src, y, n);
}

} // namespace quanta
