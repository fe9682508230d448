// SPDX-License-Identifier: MIT
// Instruction-set detection and the kernel Context.
#include "quanta/cpu/kernels.h"

#include <cstdlib>
#include <cstring>
#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace quanta::cpu {

namespace {

CpuFeatures detect_features() {
    CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(0, &a, &b, &c, &d))
        return f;
    const unsigned max_leaf = a;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return f;
    const bool osxsave = (c >> 27) & 1;
    const bool fma = (c >> 12) & 1;
    const bool f16c = (c >> 29) & 1;
    const bool avx = (c >> 28) & 1;
    if (!osxsave || !avx)
        return f;
    // The OS must save the YMM (bits 1-2) and, for AVX-512, the opmask/ZMM state (bits 5-7).
    unsigned xcr0_lo = 0, xcr0_hi = 0;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    const bool ymm_os = (xcr0_lo & 0x6) == 0x6;
    const bool zmm_os = (xcr0_lo & 0xE6) == 0xE6;
    if (!ymm_os)
        return f;
    f.fma = fma;
    f.f16c = f16c;
    if (max_leaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        f.avx2 = (b >> 5) & 1;
        f.avx512f = zmm_os && ((b >> 16) & 1);
        f.avx512bw = zmm_os && ((b >> 30) & 1);
        f.avx512vnni = zmm_os && ((c >> 11) & 1);
        __cpuid_count(7, 1, a, b, c, d);
        f.avx_vnni = (a >> 4) & 1;
    }
#endif
    return f;
}

} // namespace

const CpuFeatures& cpu_features() {
    static const CpuFeatures features = detect_features();
    return features;
}

Isa best_isa() {
    const CpuFeatures& f = cpu_features();
    return f.avx2 && f.fma && f.f16c ? Isa::Avx2 : Isa::Scalar;
}

std::string_view isa_name(Isa isa) {
    switch (isa) {
    case Isa::Scalar: return "scalar";
    case Isa::Avx2: return "avx2";
    }
    return "?";
}

std::optional<Isa> isa_from_env() {
    const char* v = std::getenv("QUANTA_CPU_ISA");
    if (!v)
        return std::nullopt;
    if (std::strcmp(v, "scalar") == 0)
        return Isa::Scalar;
    if (std::strcmp(v, "avx2") == 0)
        return Isa::Avx2;
    return std::nullopt;
}

Context::Context(int n_threads, std::optional<Isa> isa) : m_pool(n_threads) {
    Isa chosen = isa ? *isa : isa_from_env().value_or(best_isa());
    if (chosen == Isa::Avx2 && best_isa() != Isa::Avx2)
        chosen = Isa::Scalar;
    m_isa = chosen;
}

void* Context::scratch(size_t bytes) {
    if (bytes > m_scratch_bytes) {
        // Grow geometrically so prefill batches of varying size do not reallocate every op.
        const size_t size = std::max(bytes, m_scratch_bytes * 3 / 2);
        m_scratch.reset(new std::byte[size + 64]);
        m_scratch_bytes = size;
    }
    const auto addr = reinterpret_cast<uintptr_t>(m_scratch.get());
    return m_scratch.get() + ((64 - addr % 64) % 64);
}

} // namespace quanta::cpu
