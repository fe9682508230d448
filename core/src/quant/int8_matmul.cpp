// SPDX-License-Identifier: MIT
// Reference LLM.int8() matmul (FORMATS.md §10.2); see the contract in quanta/int8_matmul.h.
#include "quanta/int8_matmul.h"

#include "quant/quant_internal.h"
#include "quanta/format.h"

#include <cmath>
#include <vector>

namespace quanta {

namespace {

constexpr float kInvScaleSquared = 1.0f / (127.0f * 127.0f); // 6.2000124e-05, not bnb's CPU typo

float round_fp16(float v) { return fp16_to_f32(f32_to_fp16(v)); }

} // namespace

void int8_matmul_reference(const float* x, int64_t n_tokens, int64_t n_in, const int8_t* cb, const float* scb,
                           int64_t n_out, const float* bias, float* y, const Int8MatmulOptions& options) {
    const auto tokens = static_cast<size_t>(n_tokens);
    const auto in = static_cast<size_t>(n_in);
    const float tau = options.threshold;
    const bool decompose = tau > 0.0f;

    std::vector<float> xh(tokens * in);
    for (size_t i = 0; i < xh.size(); ++i)
        xh[i] = round_fp16(x[i]);

    // 1. outlier columns
    std::vector<bool> outlier_col(in, false);
    if (decompose)
        for (size_t t = 0; t < tokens; ++t)
            for (size_t c = 0; c < in; ++c)
                if (std::fabs(xh[t * in + c]) >= tau)
                    outlier_col[c] = true;

    // 2.-3. per-token scale over inlier elements, int8 codes, outlier columns zeroed
    std::vector<float> sca(tokens, 0.0f);
    std::vector<int8_t> ca(tokens * in, 0);
    for (size_t t = 0; t < tokens; ++t) {
        const float* row = &xh[t * in];
        float amax = 0.0f;
        for (size_t c = 0; c < in; ++c) {
            const float a = std::fabs(row[c]);
            if ((!decompose || a < tau) && a > amax)
                amax = a;
        }
        sca[t] = amax;
        if (amax == 0.0f)
            continue;
        const float factor = 127.0f / amax;
        for (size_t c = 0; c < in; ++c) {
            if (outlier_col[c] || (decompose && std::fabs(row[c]) >= tau))
                continue;
            ca[t * in + c] = static_cast<int8_t>(detail::clamp_int(detail::nearest_int(row[c] * factor), -127, 127));
        }
    }

    // 4.-6.
    for (size_t t = 0; t < tokens; ++t) {
        for (size_t r = 0; r < static_cast<size_t>(n_out); ++r) {
            const int8_t* w = cb + r * in;
            int32_t acc = 0;
            for (size_t c = 0; c < in; ++c)
                acc += static_cast<int32_t>(ca[t * in + c]) * static_cast<int32_t>(w[c]);
            float v = ((static_cast<float>(acc) * sca[t]) * scb[r]) * kInvScaleSquared;
            if (bias)
                v = v + bias[r];
            if (options.fp16_output)
                v = round_fp16(v);
            float outlier = 0.0f;
            for (size_t c = 0; c < in; ++c) {
                if (!outlier_col[c])
                    continue;
                const float wd = (static_cast<float>(w[c]) * scb[r]) * kInt8InvScale;
                outlier += xh[t * in + c] * wd;
            }
            v = v + outlier;
            y[t * static_cast<size_t>(n_out) + r] = options.fp16_output ? round_fp16(v) : v;
        }
    }
}

} // namespace quanta
