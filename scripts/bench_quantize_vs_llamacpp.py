#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Quantizer speed: `quanta-cli quantize` against llama.cpp's llama_model_quantize, same input,
same target type, same threads; and whether the two output files are byte-identical.

Each tool runs R times (after one warm-up run that also brings the input into the page cache);
the wall time of the whole call is measured (reading, converting, writing; no fsync in either),
and the median is reported. llama.cpp runs in-process through PyPI llama-cpp-python; Quanta runs
as a process, so its time includes process start-up (a few ms).

Dev tool (needs llama-cpp-python in .venv):
    .venv/bin/python scripts/bench_quantize_vs_llamacpp.py [-m MODEL] [--types Q4_K_M Q8_0] [-t 2] [-r 5]
"""
import argparse
import ctypes
import filecmp
import pathlib
import statistics
import subprocess
import tempfile
import time

import llama_cpp

ROOT = pathlib.Path(__file__).resolve().parent.parent
# llama_ftype numbers (llama.h)
FTYPES = {"F32": 0, "F16": 1, "Q4_0": 2, "Q8_0": 7, "Q4_K_S": 14, "Q4_K_M": 15, "Q5_K_M": 17, "Q6_K": 18, "BF16": 32}


@ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
def _quiet_log(level, text, user_data):  # llama.cpp prints every tensor; keep the table readable
    pass


def time_llamacpp(src, dst, ftype, threads):
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    params.nthread = threads
    params.allow_requantize = True
    t0 = time.perf_counter()
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(params))
    elapsed = time.perf_counter() - t0
    if rc != 0:
        raise SystemExit(f"llama.cpp quantize failed ({rc})")
    return elapsed


def time_quanta(cli, src, dst, type_name, threads):
    t0 = time.perf_counter()
    subprocess.run([str(cli), "quantize", str(src), str(dst), type_name, "-t", str(threads)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-m", "--model", type=pathlib.Path, default=ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf")
    ap.add_argument("--types", nargs="+", default=["Q4_K_M"])
    ap.add_argument("-t", "--threads", type=int, default=2)
    ap.add_argument("-r", "--reps", type=int, default=5)
    ap.add_argument("--cli", type=pathlib.Path, default=ROOT / "build" / "bin" / "quanta-cli")
    args = ap.parse_args()
    llama_cpp.llama_log_set(_quiet_log, ctypes.c_void_p(0))

    print(f"input {args.model.name}, {args.threads} threads, median of {args.reps}")
    print(f"{'type':8} {'llama.cpp s':>12} {'Quanta s':>10} {'speed-up':>9}  identical")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.types:
            ours, theirs = pathlib.Path(tmp) / "quanta.gguf", pathlib.Path(tmp) / "llamacpp.gguf"
            t_llama, t_quanta = [], []
            for rep in range(-1, args.reps):
                a = time_llamacpp(args.model, theirs, FTYPES[name], args.threads)
                b = time_quanta(args.cli, args.model, ours, name, args.threads)
                if rep >= 0:
                    t_llama.append(a)
                    t_quanta.append(b)
            same = filecmp.cmp(ours, theirs, shallow=False)
            ok &= same
            l, q = statistics.median(t_llama), statistics.median(t_quanta)
            print(f"{name:8} {l:12.3f} {q:10.3f} {l / q:8.2f}x  {'yes' if same else 'NO'}")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
