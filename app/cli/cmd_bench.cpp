// SPDX-License-Identifier: MIT
// quanta-cli bench: prefill (pp) and decode (tg) tokens per second, measured like llama-bench:
// pp = one batch of P tokens into an empty cache; tg = N single-token decodes from an empty
// cache. A warm-up run comes first; the report gives the median of R repetitions.
#include "commands.h"
#include "engine_setup.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

namespace quanta::cli {

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<int32_t> random_tokens(int64_t n, int32_t vocab, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<int32_t> ids(static_cast<size_t>(n));
    for (int32_t& id : ids)
        id = static_cast<int32_t>(rng() % static_cast<uint32_t>(vocab));
    return ids;
}

Result<double> time_prefill(Session& s, const std::vector<int32_t>& ids) {
    s.clear();
    const auto t0 = std::chrono::steady_clock::now();
    QUANTA_TRY(s.decode(ids));
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Result<double> time_decode(Session& s, const std::vector<int32_t>& ids) {
    s.clear();
    const auto t0 = std::chrono::steady_clock::now();
    for (int32_t id : ids)
        QUANTA_TRY(s.decode(std::span<const int32_t>(&id, 1)));
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int bench(const ParsedArgs& args) {
    auto pp = args.int_value("--n-prompt", 0, 1 << 20);
    auto tg = args.int_value("--n-gen", 0, 1 << 20);
    auto reps = args.int_value("--repetitions", 1, 1000);
    for (auto* r : {&pp, &tg, &reps}) {
        if (!r->ok())
            return usage_error("bench", r->error().message);
    }
    const int64_t n_pp = pp->value_or(512), n_tg = tg->value_or(128), n_reps = reps->value_or(3);
    const bool json = args.flag("--json");

    auto engine = load_engine(args, json);
    if (!engine)
        return fail(args.value("--model").value_or("model"), engine.error().message);
    SessionOptions so;
    so.n_ctx = std::max<int64_t>({n_pp, n_tg, 16});
    so.n_batch = std::max<int64_t>(n_pp, 1);
    auto session = Session::create(engine->model, so);
    if (!session)
        return fail("session", session.error().message);
    Session& s = **session;
    const auto vocab = static_cast<int32_t>(engine->model->config().n_vocab);

    std::vector<double> pp_rates, tg_rates;
    for (int64_t r = -1; r < n_reps; ++r) { // r = -1: warm-up (page in the weights, spin up threads)
        if (n_pp > 0) {
            auto seconds = time_prefill(s, random_tokens(n_pp, vocab, static_cast<uint32_t>(r + 2)));
            if (!seconds)
                return fail("bench", seconds.error().message);
            if (r >= 0)
                pp_rates.push_back(static_cast<double>(n_pp) / *seconds);
        }
        if (n_tg > 0) {
            auto seconds = time_decode(s, random_tokens(r < 0 ? std::min<int64_t>(n_tg, 8) : n_tg, vocab, 7));
            if (!seconds)
                return fail("bench", seconds.error().message);
            if (r >= 0)
                tg_rates.push_back(static_cast<double>(n_tg) / *seconds);
        }
    }
    const double pp_rate = pp_rates.empty() ? 0.0 : median(pp_rates);
    const double tg_rate = tg_rates.empty() ? 0.0 : median(tg_rates);
    const backend::DeviceInfo info = engine->device->info();
    if (json) {
        nlohmann::ordered_json j;
        j["model"] = *args.value("--model");
        j["type"] = engine->model->type_name();
        j["backend"] = info.name;
        j["threads"] = info.threads;
        j["pp"] = {{"n", n_pp}, {"tokens_per_s", pp_rate}};
        j["tg"] = {{"n", n_tg}, {"tokens_per_s", tg_rate}};
        std::printf("%s\n", j.dump().c_str());
    } else {
        std::printf("%-10s %-8s %-8s %8s %14s\n", "type", "backend", "threads", "test", "tokens/s");
        if (n_pp > 0)
            std::printf("%-10s %-8s %-8d %8s %14.2f\n", engine->model->type_name().c_str(), info.name.c_str(),
                        info.threads, ("pp" + std::to_string(n_pp)).c_str(), pp_rate);
        if (n_tg > 0)
            std::printf("%-10s %-8s %-8d %8s %14.2f\n", engine->model->type_name().c_str(), info.name.c_str(),
                        info.threads, ("tg" + std::to_string(n_tg)).c_str(), tg_rate);
    }
    return kExitOk;
}

} // namespace

const CommandSpec& bench_command() {
    static const CommandSpec spec{
        "bench",
        "Measure prefill and decode speed",
        "",
        "Prefill (pp): P random tokens in one batch into an empty context. Decode (tg): N tokens one\n"
        "at a time from an empty context. After one warm-up run, reports the median tokens/s of R\n"
        "repetitions (like llama-bench).",
        concat(engine_options(),
               {
                   {"--n-prompt", "P", "Prompt tokens for the prefill test; 0 skips it (default 512)", "-p"},
                   {"--n-gen", "N", "Tokens for the decode test; 0 skips it (default 128)", "-n"},
                   {"--repetitions", "R", "Repetitions (default 3)", "-r"},
                   {"--json", "", "Print one JSON object"},
               }),
        0,
        0,
        bench,
    };
    return spec;
}

} // namespace quanta::cli
