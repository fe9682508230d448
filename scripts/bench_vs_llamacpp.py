#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Prefill and decode speed of quanta-cli against llama.cpp on the same GGUF files and threads.

llama.cpp is driven through PyPI llama-cpp-python the way llama-bench measures: pp = one batch of
P random tokens into an empty context, tg = N single-token decodes from an empty context, one
warm-up run, median of R repetitions. The Q8_0 and Q4_K_M variants of the default model are made
with llama.cpp's own quantizer (requantized from the Q4_1 file) when they are missing.

Dev tool (needs llama-cpp-python in .venv):
    .venv/bin/python scripts/bench_vs_llamacpp.py [--threads 2] [--reps 3]
"""
import argparse
import ctypes
import json
import pathlib
import random
import statistics
import subprocess
import time

import llama_cpp
from llama_cpp import Llama

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
FTYPES = {"Q8_0": 7, "Q4_K_M": 15}


def make_variant(src: pathlib.Path, name: str) -> pathlib.Path:
    dst = src.with_name(f"SmolLM2-135M-Instruct.{name}.requant.gguf")
    if dst.exists():
        return dst
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = FTYPES[name]
    params.allow_requantize = True
    params.nthread = 2
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(params))
    if rc != 0:
        raise SystemExit(f"llama.cpp quantize failed for {name}")
    return dst


def llama_bench(path, threads, n_pp, n_tg, reps):
    llm = Llama(model_path=str(path), n_ctx=max(n_pp, n_tg) + 16, n_batch=n_pp, n_threads=threads,
                n_threads_batch=threads, verbose=False)
    vocab = llm.n_vocab()
    rng = random.Random(1)
    pp, tg = [], []
    for r in range(-1, reps):
        llm.reset()
        toks = [rng.randrange(vocab) for _ in range(n_pp)]
        t0 = time.perf_counter()
        llm.eval(toks)
        if r >= 0:
            pp.append(n_pp / (time.perf_counter() - t0))
        llm.reset()
        n = n_tg if r >= 0 else 8
        t0 = time.perf_counter()
        for i in range(n):
            llm.eval([rng.randrange(vocab)])
        if r >= 0:
            tg.append(n_tg / (time.perf_counter() - t0))
    return statistics.median(pp), statistics.median(tg)


def quanta_bench(cli, path, threads, n_pp, n_tg, reps):
    out = subprocess.run([cli, "bench", "-m", str(path), "-p", str(n_pp),
                          "-n", str(n_tg), "-r", str(reps), "-t", str(threads), "--json"],
                         check=True, capture_output=True, text=True).stdout
    j = json.loads(out)
    return j["pp"]["tokens_per_s"], j["tg"]["tokens_per_s"], j["type"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("-p", type=int, default=512)
    ap.add_argument("-n", type=int, default=128)
    ap.add_argument("--cli", default=str(ROOT / "build" / "bin" / "quanta-cli"))
    args = ap.parse_args()
    models = [DEFAULT, make_variant(DEFAULT, "Q8_0"), make_variant(DEFAULT, "Q4_K_M")]
    print(f"| model | type | llama.cpp pp{args.p} | quanta pp{args.p} | ratio | llama.cpp tg{args.n} | quanta tg{args.n} | ratio |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for m in models:
        lpp, ltg = llama_bench(m, args.threads, args.p, args.n, args.reps)
        qpp, qtg, kind = quanta_bench(args.cli, m, args.threads, args.p, args.n, args.reps)
        print(f"| {m.name} | {kind} | {lpp:.1f} | {qpp:.1f} | {qpp / lpp:.2f} | {ltg:.1f} | {qtg:.1f} | {qtg / ltg:.2f} |",
              flush=True)


if __name__ == "__main__":
    main()
