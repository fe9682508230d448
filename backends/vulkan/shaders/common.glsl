// SPDX-License-Identifier: MIT
// Helpers shared by every Quanta compute shader. Buffers are arrays of 32-bit words, so the
// shaders need no 8- or 16-bit storage feature; bytes and halves are extracted with shifts.
// fp16 conversions are written out bit by bit: GLSL leaves packHalf2x16's rounding and
// unpackHalf2x16's treatment of subnormals to the implementation, and the CPU reference rounds to
// nearest even and keeps subnormals.
#extension GL_EXT_control_flow_attributes : enable

// Large grids are 2-D (x up to 65535); a workgroup's linear index.
uint group_index() { return gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x; }

float half_to_float(uint h) {
    const uint sign = (h & 0x8000u) << 16;
    const uint e = (h >> 10) & 0x1Fu;
    const uint m = h & 0x3FFu;
    if (e == 0u) {
        const float v = float(m) * 5.9604644775390625e-8; // m * 2^-24, exact
        return sign != 0u ? -v : v;
    }
    if (e == 31u)
        return uintBitsToFloat(sign | 0x7F800000u | (m << 13));
    return uintBitsToFloat(sign | ((e + 112u) << 23) | (m << 13));
}

uint float_to_half(float f) {
    const uint x = floatBitsToUint(f);
    const uint sign = (x >> 16) & 0x8000u;
    const uint ax = x & 0x7FFFFFFFu;
    if (ax >= 0x7F800000u)
        return sign | (ax > 0x7F800000u ? 0x7E00u : 0x7C00u);
    if (ax >= 0x477FF000u) // rounds to infinity
        return sign | 0x7C00u;
    if (ax < 0x38800000u)  // a half subnormal (or zero): multiples of 2^-24, rounded to even
        return sign | uint(roundEven(uintBitsToFloat(ax) * 16777216.0));
    const uint r = ax - 0x38000000u; // rebias the exponent from 127 to 15
    return sign | ((r + 0x0FFFu + ((r >> 13) & 1u)) >> 13);
}

float round_to_half(float f) { return half_to_float(float_to_half(f)); }

// exp(x) by the CPU kernels' steps (exp_poly in backends/cpu/src/matmul_internal.h): the same
// reduction and polynomial, every product and sum rounded on its own (`precise`: no fused
// multiply-add, which llvmpipe may or may not form), so both backends compute the same bits.
float exp_poly(float x) {
    if (x > 88.7)
        return uintBitsToFloat(0x7F800000u);
    if (x < -87.3)
        return 0.0;
    precise float n = roundEven(x * 1.44269504089);
    precise float r = x - n * 0.693359375;
    r = r - n * -2.12194440e-4;
    precise float p = 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    const int ni = int(n);
    const int n1 = ni >> 1, n2 = ni - n1;
    precise float res = (p * intBitsToFloat((n1 + 127) << 23)) * intBitsToFloat((n2 + 127) << 23);
    return res;
}
