// SPDX-License-Identifier: MIT
// generate(): prompt, then sample -> stream text -> decode, until a stop condition.
#include "quanta/engine.h"

#include <chrono>

namespace quanta {

const char* stop_reason_name(StopReason reason) {
    switch (reason) {
    case StopReason::Length: return "length";
    case StopReason::EndOfGeneration: return "end of generation";
    case StopReason::Cancelled: return "cancelled";
    case StopReason::Callback: return "stopped";
    }
    return "unknown";
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

Result<GenerateStats> generate(Session& session, std::span<const int32_t> prompt, const GenerateOptions& options,
                               const TokenCallback& on_token, const CancelToken* cancel) {
    GenerateStats stats;
    stats.n_prompt = static_cast<int64_t>(prompt.size());
    const Tokenizer& tokenizer = session.model().tokenizer();

    auto t0 = std::chrono::steady_clock::now();
    auto decoded = session.decode(prompt, cancel);
    stats.prompt_seconds = seconds_since(t0);
    if (!decoded.ok()) {
        if (decoded.error().code == ErrorCode::Cancelled) {
            stats.stop = StopReason::Cancelled;
            return stats;
        }
        return decoded.take_error();
    }
    std::span<const float> logits = *decoded;

    Sampler sampler(options.sampling);
    for (int32_t id : session.tokens())
        sampler.accept(id); // penalties see the prompt, as in llama.cpp
    StreamDecoder text(tokenizer);

    t0 = std::chrono::steady_clock::now();
    for (;;) {
        if (options.n_predict >= 0 && stats.n_generated >= options.n_predict) {
            stats.stop = StopReason::Length;
            break;
        }
        if (cancel != nullptr && cancel->cancelled()) {
            stats.stop = StopReason::Cancelled;
            break;
        }
        const int32_t token = sampler.sample(logits);
        sampler.accept(token);
        if (options.stop_at_eog && tokenizer.is_eog(token)) {
            stats.stop = StopReason::EndOfGeneration;
            break;
        }
        ++stats.n_generated;
        if (on_token && !on_token(token, text.push(token))) {
            stats.stop = StopReason::Callback;
            break;
        }
        const int32_t next[1] = {token};
        auto r = session.decode(next, cancel);
        if (!r.ok()) {
            if (r.error().code == ErrorCode::Cancelled) {
                stats.stop = StopReason::Cancelled;
                break;
            }
            if (r.error().code == ErrorCode::ContextFull && options.n_predict < 0) {
                stats.stop = StopReason::Length;
                break;
            }
            return r.take_error();
        }
        logits = *r;
    }
    stats.generate_seconds = seconds_since(t0);
    if (const std::string tail = text.flush(); !tail.empty() && on_token)
        on_token(-1, tail);
    return stats;
}

} // namespace quanta
