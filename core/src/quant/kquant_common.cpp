// SPDX-License-Identifier: MIT
// k-quant helper algorithms, written literally after FORMATS.md §7.3: f32 arithmetic, sequential
// accumulation in index order, no fused multiply-add (quanta_quant is built with
// -ffp-contract=off). Changing the order of any operation changes the produced bytes.
#include "quant/kquant_common.h"

#include "quant/quant_internal.h"
#include "quanta/format.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace quanta::detail {

float make_qkx2_quants(int n, int nmax, const float* x, const float* w, uint8_t* L, float* the_min, uint8_t* laux,
                       float rmin, float rdelta, int nstep) {
    float mn = x[0];
    float mx = x[0];
    float sum_w = w[0];
    float sum_x = sum_w * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < mn)
            mn = x[i];
        if (x[i] > mx)
            mx = x[i];
        const float wx = w[i] * x[i];
        sum_w += w[i];
        sum_x += wx;
    }
    if (mn > 0.0f)
        mn = 0.0f;
    if (mx == mn) {
        std::memset(L, 0, static_cast<size_t>(n));
        *the_min = -mn;
        return 0.0f;
    }
    float iscale = static_cast<float>(nmax) / (mx - mn);
    float scale = 1.0f / iscale;
    float best = 0.0f;
    for (int i = 0; i < n; ++i) {
        const int l = nearest_int(iscale * (x[i] - mn));
        L[i] = static_cast<uint8_t>(clamp_int(l, 0, nmax));
        const float diff = (scale * static_cast<float>(L[i]) + mn) - x[i];
        best += w[i] * (diff * diff);
    }
    for (int is = 0; is <= nstep; ++is) {
        iscale = ((rmin + rdelta * static_cast<float>(is)) + static_cast<float>(nmax)) / (mx - mn);
        float sum_l = 0.0f;
        float sum_l2 = 0.0f;
        float sum_xl = 0.0f;
        for (int i = 0; i < n; ++i) {
            const int l = clamp_int(nearest_int(iscale * (x[i] - mn)), 0, nmax);
            laux[i] = static_cast<uint8_t>(l);
            const float wl = w[i] * static_cast<float>(l);
            sum_l += wl;
            sum_l2 += wl * static_cast<float>(l);
            sum_xl += wl * x[i];
        }
        const float D = sum_w * sum_l2 - sum_l * sum_l;
        if (D > 0.0f) {
            float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
            float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
            if (this_min > 0.0f) {
                this_min = 0.0f;
                this_scale = sum_xl / sum_l2;
            }
            float err = 0.0f;
            for (int i = 0; i < n; ++i) {
                const float diff = (this_scale * static_cast<float>(laux[i]) + this_min) - x[i];
                err += w[i] * (diff * diff);
            }
            if (err < best) {
                std::memcpy(L, laux, static_cast<size_t>(n));
                best = err;
                scale = this_scale;
                mn = this_min;
            }
        }
    }
    *the_min = -mn;
    return scale;
}

float make_qx_quants(int n, int nmax, const float* x, int8_t* L) {
    float max = 0.0f;
    float amax = 0.0f;
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
        if (ax > amax) {
            amax = ax;
            max = x[i];
        }
    }
    if (amax < 1e-15f) { // GROUP_MAX_EPS
        std::memset(L, 0, static_cast<size_t>(n));
        return 0.0f;
    }
    const float fnmax = static_cast<float>(nmax);
    float iscale = -fnmax / max;
    float sumlx = 0.0f;
    float suml2 = 0.0f;
    for (int i = 0; i < n; ++i) {
        const int l = clamp_int(nearest_int(iscale * x[i]), -nmax, nmax - 1);
        L[i] = static_cast<int8_t>(l + nmax);
        const float w = x[i] * x[i];
        const float fl = static_cast<float>(l);
        sumlx += (w * x[i]) * fl;
        suml2 += (w * fl) * fl;
    }
    float scale = suml2 != 0.0f ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; ++is) {
        if (is == 0)
            continue;
        iscale = -(fnmax + 0.1f * static_cast<float>(is)) / max;
        sumlx = 0.0f;
        suml2 = 0.0f;
        for (int i = 0; i < n; ++i) {
            const float fl = static_cast<float>(clamp_int(nearest_int(iscale * x[i]), -nmax, nmax - 1));
            const float w = x[i] * x[i];
            sumlx += (w * x[i]) * fl;
            suml2 += (w * fl) * fl;
        }
        if (suml2 > 0.0f && sumlx * sumlx > best * suml2) {
            for (int i = 0; i < n; ++i)
                L[i] = static_cast<int8_t>(clamp_int(nearest_int(iscale * x[i]), -nmax, nmax - 1) + nmax);
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

void pack_scale_min_k4(const uint8_t sc[8], const uint8_t m[8], uint8_t bytes[12]) {
    std::memset(bytes, 0, 12);
    for (int j = 0; j < 8; ++j) {
        if (j < 4) {
            bytes[j] = sc[j];
            bytes[j + 4] = m[j];
        } else {
            bytes[j + 4] = static_cast<uint8_t>((sc[j] & 0x0f) | ((m[j] & 0x0f) << 4));
            bytes[j - 4] = static_cast<uint8_t>(bytes[j - 4] | ((sc[j] >> 4) << 6));
            bytes[j] = static_cast<uint8_t>(bytes[j] | ((m[j] >> 4) << 6));
        }
    }
}

void unpack_scale_min_k4(int j, const uint8_t bytes[12], uint8_t& sc, uint8_t& m) {
    if (j < 4) {
        sc = bytes[j] & 63;
        m = bytes[j + 4] & 63;
    } else {
        sc = static_cast<uint8_t>((bytes[j + 4] & 0x0f) | ((bytes[j - 4] >> 6) << 4));
        m = static_cast<uint8_t>((bytes[j + 4] >> 4) | ((bytes[j] >> 6) << 4));
    }
}

void fit_subblocks_ref(const float* x, int nmax, float rmin, float rdelta, int nstep, uint8_t L[kQkK],
                       float sub_scale[8], float sub_min[8]) {
    float weights[32];
    uint8_t laux[32];
    for (int j = 0; j < 8; ++j) {
        const float* xs = x + 32 * j;
        float sum_x2 = 0.0f;
        for (int l = 0; l < 32; ++l)
            sum_x2 += xs[l] * xs[l];
        const float av_x = std::sqrt(sum_x2 / 32.0f);
        for (int l = 0; l < 32; ++l)
            weights[l] = av_x + std::fabs(xs[l]);
        sub_scale[j] = make_qkx2_quants(32, nmax, xs, weights, L + 32 * j, &sub_min[j], laux, rmin, rdelta, nstep);
    }
}

void quantize_superblock_scale_min(const float* x, int nmax, float rmin, float rdelta, int nstep, uint8_t L[kQkK],
                                   uint16_t& d, uint16_t& dmin, uint8_t scales[12], SubblockFit fit) {
    float sub_scale[8];
    float sub_min[8];
    fit(x, nmax, rmin, rdelta, nstep, L, sub_scale, sub_min);
    float max_scale = 0.0f;
    float max_min = 0.0f;
    for (int j = 0; j < 8; ++j) {
        if (sub_scale[j] > max_scale)
            max_scale = sub_scale[j];
        if (sub_min[j] > max_min)
            max_min = sub_min[j];
    }
    const float inv_scale = max_scale > 0.0f ? 63.0f / max_scale : 0.0f;
    const float inv_min = max_min > 0.0f ? 63.0f / max_min : 0.0f;
    uint8_t ls[8];
    uint8_t lm[8];
    for (int j = 0; j < 8; ++j) {
        // The uint8_t conversion happens before the clamp, as in the reference.
        ls[j] = std::min<uint8_t>(63, static_cast<uint8_t>(nearest_int(inv_scale * sub_scale[j])));
        lm[j] = std::min<uint8_t>(63, static_cast<uint8_t>(nearest_int(inv_min * sub_min[j])));
    }
    pack_scale_min_k4(ls, lm, scales);
    d = f32_to_fp16(max_scale / 63.0f);
    dmin = f32_to_fp16(max_min / 63.0f);
    const float df = fp16_to_f32(d);
    const float dminf = fp16_to_f32(dmin);
    for (int j = 0; j < 8; ++j) {
        uint8_t sc = 0;
        uint8_t m = 0;
        unpack_scale_min_k4(j, scales, sc, m);
        const float dd = df * static_cast<float>(sc);
        if (dd == 0.0f)
            continue; // keep the quants of make_qkx2_quants
        const float dm = dminf * static_cast<float>(m);
        for (int ii = 0; ii < 32; ++ii) {
            const int l = nearest_int((x[32 * j + ii] + dm) / dd);
            L[32 * j + ii] = static_cast<uint8_t>(clamp_int(l, 0, nmax));
        }
    }
}

} // namespace quanta::detail
