// SPDX-License-Identifier: MIT
// quanta-cli perplexity: PPL of a model over a text file with llama-perplexity's semantics, and
// KL divergence against the saved log-probs of a base model (quanta/perplexity.h).
#include "commands.h"
#include "engine_setup.h"

#include "quanta/perplexity.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace quanta::cli {

namespace {

nlohmann::ordered_json kld_json(const KldReport& k) {
    nlohmann::ordered_json j;
    j["n"] = k.n;
    j["top_k"] = k.top_k;
    j["mean"] = k.mean;
    j["mean_stderr"] = k.mean_stderr;
    j["median"] = k.median;
    j["p90"] = k.p90;
    j["p95"] = k.p95;
    j["p99"] = k.p99;
    j["p99_9"] = k.p999;
    j["max"] = k.max;
    j["min"] = k.min;
    j["top1_agreement"] = k.top1_agreement;
    j["top1_agreement_stderr"] = k.top1_agreement_stderr;
    j["delta_p_mean"] = k.delta_p_mean;
    j["delta_p_stderr"] = k.delta_p_stderr;
    j["delta_p_rms"] = k.delta_p_rms;
    j["delta_p"] = {{"min", k.delta_p_min}, {"p01", k.delta_p_p01}, {"median", k.delta_p_median},
                    {"p99", k.delta_p_p99}, {"max", k.delta_p_max}};
    j["ppl_base"] = k.ppl_base;
    j["ln_ppl_ratio"] = k.ln_ppl_ratio;
    return j;
}

void print_kld(const KldReport& k, const std::string& base) {
    std::printf("KL divergence against %s (base top-%lld, %lld tokens)\n", base.c_str(),
                static_cast<long long>(k.top_k), static_cast<long long>(k.n));
    std::printf("  PPL(base)         %10.4f\n  ln(PPL/PPL(base)) %10.6f\n", k.ppl_base, k.ln_ppl_ratio);
    std::printf("  Mean KLD          %10.6f +/- %.6f\n", k.mean, k.mean_stderr);
    std::printf("  Maximum KLD       %10.6f\n  99.9%%   KLD       %10.6f\n  99.0%%   KLD       %10.6f\n", k.max,
                k.p999, k.p99);
    std::printf("  95.0%%   KLD       %10.6f\n  90.0%%   KLD       %10.6f\n  Median  KLD       %10.6f\n", k.p95,
                k.p90, k.median);
    std::printf("  Minimum KLD       %10.6f\n", k.min);
    std::printf("  Mean    Δp        %9.3f %% +/- %.3f %%\n  RMS     Δp        %9.3f %%\n", 100 * k.delta_p_mean,
                100 * k.delta_p_stderr, 100 * k.delta_p_rms);
    std::printf("  Same top p        %9.3f %% +/- %.3f %%\n", 100 * k.top1_agreement, 100 * k.top1_agreement_stderr);
}

int perplexity_cmd(const ParsedArgs& args) {
    auto ctx = args.int_value("--ctx-size", 4, int64_t{1} << 20);
    auto stride = args.int_value("--stride", 1, int64_t{1} << 20);
    auto chunks = args.int_value("--chunks", 1, int64_t{1} << 30);
    auto top_k = args.int_value("--save-top-k", 1, int64_t{1} << 24);
    for (auto* r : {&ctx, &stride, &chunks, &top_k}) {
        if (!r->ok())
            return usage_error("perplexity", r->error().message);
    }
    const auto text_path = args.value("--file");
    if (!text_path)
        return usage_error("perplexity", "missing --file TEXT");
    const bool json = args.flag("--json");

    std::ifstream in(*text_path, std::ios::binary);
    if (!in)
        return fail(*text_path, "cannot open the text file");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();

    auto engine = load_engine(args, json);
    if (!engine)
        return fail(args.value("--model").value_or("model"), engine.error().message);
    // Like llama-perplexity: the whole text in one go, with BOS when the model adds it.
    const std::vector<int32_t> ids = engine->model->tokenizer().encode(text);

    PerplexityOptions o;
    o.n_ctx = ctx->value_or(512);
    o.stride = stride->value_or(0);
    o.max_chunks = chunks->value_or(0);
    o.n_batch = o.n_ctx;
    o.save_top_k = top_k->value_or(128);
    if (auto p = args.value("--save-logits"))
        o.save_logits = *p;
    if (auto p = args.value("--kl-base"))
        o.kl_base = *p;
    if (!json) {
        std::fprintf(stderr, "quanta-cli: %zu tokens, context %lld\n", ids.size(), static_cast<long long>(o.n_ctx));
        o.on_progress = [](int64_t done, int64_t total, double ppl) {
            std::fprintf(stderr, "[%lld]%.4f,%s", static_cast<long long>(done), ppl, done == total ? "\n" : "");
            std::fflush(stderr);
            return true;
        };
    }
    auto report = perplexity(engine->model, ids, o);
    if (!report) {
        const std::string subject = report.error().code == ErrorCode::InvalidArgument ? *text_path : "perplexity";
        return fail(subject, report.error().message);
    }
    const PerplexityReport& r = *report;
    if (json) {
        nlohmann::ordered_json j;
        j["model"] = *args.value("--model");
        j["type"] = engine->model->type_name();
        j["ppl"] = r.ppl;
        j["ppl_stderr"] = r.ppl_stderr;
        j["nll"] = r.nll;
        j["nll_stderr"] = r.nll_stderr;
        j["n_tokens"] = r.n_tokens;
        j["n_input_tokens"] = r.n_input;
        j["n_ctx"] = r.n_ctx;
        j["stride"] = r.stride;
        j["seconds"] = r.seconds;
        nlohmann::ordered_json chunks_json = nlohmann::ordered_json::array();
        for (const PerplexityChunk& c : r.chunks)
            chunks_json.push_back({{"start", c.start}, {"n", c.n_scored}, {"ppl", c.ppl}, {"ppl_cumulative", c.ppl_cumulative}});
        j["chunks"] = std::move(chunks_json);
        if (r.kld)
            j["kld"] = kld_json(*r.kld);
        std::printf("%s\n", j.dump().c_str());
    } else {
        std::printf("%lld windows of %lld tokens, stride %lld, %lld tokens scored in %.2f s\n",
                    static_cast<long long>(r.chunks.size()), static_cast<long long>(r.n_ctx),
                    static_cast<long long>(r.stride), static_cast<long long>(r.n_tokens), r.seconds);
        std::printf("Final estimate: PPL = %.4f +/- %.5f\n", r.ppl, r.ppl_stderr);
        if (r.kld)
            print_kld(*r.kld, *args.value("--kl-base"));
    }
    return kExitOk;
}

} // namespace

const CommandSpec& perplexity_command() {
    static const CommandSpec spec{
        "perplexity",
        "Perplexity over a text file; KL divergence against a base model",
        "",
        "Windows of -c tokens (default 512 here), each starting with BOS when the model adds it;\n"
        "only the second half of each window is scored, as llama-perplexity does. --stride N\n"
        "(1..c/2) slides the windows by N tokens and scores the last N of each (llama-perplexity\n"
        "--ppl-stride). --save-logits writes the top-k log-probs of every scored token; --kl-base\n"
        "compares with such a file (same text and settings): KL divergence, top-1 agreement, Δp.",
        concat(engine_options(),
               {
                   {"--file", "TEXT", "The text file to evaluate", "-f"},
                   {"--stride", "N", "Window step; default: the context size (no overlap)"},
                   {"--chunks", "N", "Evaluate at most N windows (default: all)"},
                   {"--save-logits", "FILE", "Save the log-probs of every scored token (the base model)"},
                   {"--save-top-k", "K", "Log-probs kept per token in that file (default 128)"},
                   {"--kl-base", "FILE", "Compare with a base model's saved log-probs"},
                   {"--json", "", "Print one JSON object"},
               }),
        0,
        0,
        perplexity_cmd,
    };
    return spec;
}

} // namespace quanta::cli
