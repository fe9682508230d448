#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Quanta's quantizer against llama.cpp's on the same F16 source (docs/quality.md, "Quanta's
quantizer against llama.cpp's"; the acceptance test of the quantizer issue).

  1. `quanta-cli quantize MODEL F16.gguf F16`: the F16 source, written by Quanta.
  2. For each of Q8_0 Q4_0 Q6_K Q4_K_M: F16.gguf quantized by `quanta-cli quantize` and by
     llama.cpp (llama_model_quantize through PyPI llama-cpp-python, 2 threads); sizes, and
     whether the two files (and how many tensors) are byte-identical.
  3. llama.cpp's perplexity of both files (c = 512, the first --chunks windows of the English
     evaluation text; scripts/perplexity_reference.py's computation; computed once when the two
     files are byte-identical). Criterion: Quanta's PPL within 1 % of llama.cpp's for every type.
  4. Per tensor, the RMSE of the dequantized weights (gguf.quants.dequantize) against the F16
     source, for the tensors both files store in the same quantized type. Criterion: the median
     over the Q4_K tensors of the Q4_K_M files of RMSE(Quanta) / RMSE(llama.cpp) is <= 1.
  5. Each Quanta file loaded by llama.cpp (llama_cpp.Llama) and a few tokens generated greedily.

Exit 1 when a criterion fails (or a file does not load). Dev tool, not run in CI:
    scripts/eval-text.sh
    .venv/bin/python scripts/check_quantizer_vs_llamacpp.py --quanta build/bin/quanta-cli [--chunks 16]
The files (about 1 GB) go to a temporary directory unless --workdir is given.
"""
import argparse
import contextlib
import ctypes
import filecmp
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np
import gguf
from gguf.quants import dequantize
import llama_cpp
from llama_cpp import Llama

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from perplexity_reference import llama_cpp_perplexity  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_TEXT = ROOT / "data" / "eval" / "debian-faq.en.txt"
# llama_ftype values (llama.h): LLAMA_FTYPE_MOSTLY_*
FTYPES = {"Q8_0": 7, "Q4_0": 2, "Q6_K": 18, "Q4_K_M": 15}
PPL_TOLERANCE = 0.01
PROMPT = "The Debian project is"


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def stderr_to(path):
    """Send the C library's stderr (llama.cpp's quantize log) to a file."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as f:
        os.dup2(f.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def quanta_quantize(quanta, src, dst, qtype, threads):
    r = subprocess.run([str(quanta), "quantize", str(src), str(dst), qtype, "-t", str(threads), "--json"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"quanta-cli quantize {qtype} failed:\n{r.stderr}")
    return json.loads(r.stdout)


def llama_quantize(src, dst, qtype, threads, log_file):
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = FTYPES[qtype]
    params.nthread = threads
    t0 = time.perf_counter()
    with stderr_to(log_file):
        rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(params))
    if rc != 0:
        raise SystemExit(f"llama.cpp quantize {qtype} failed (see {log_file})")
    return time.perf_counter() - t0


def tensors_by_name(path):
    return {t.name: t for t in gguf.GGUFReader(str(path)).tensors}


def as_float(t):
    """A tensor's values as float64, flattened (ggml order)."""
    if t.tensor_type in (gguf.GGMLQuantizationType.F32, gguf.GGMLQuantizationType.F16):
        return np.asarray(t.data, dtype=np.float64).reshape(-1)
    return np.asarray(dequantize(t.data, t.tensor_type), dtype=np.float64).reshape(-1)


def compare_tensors(source, quanta_file, llama_file):
    """Per tensor stored in the same quantized type by both files: RMSE of each against the source;
    also how many tensors are byte-identical and how many have different types."""
    src, qa, ll = tensors_by_name(source), tensors_by_name(quanta_file), tensors_by_name(llama_file)
    rows, identical, type_diff = [], 0, []
    for name, q in qa.items():
        l = ll.get(name)
        if l is None:
            type_diff.append((name, q.tensor_type.name, "missing"))
            continue
        if q.tensor_type != l.tensor_type:
            type_diff.append((name, q.tensor_type.name, l.tensor_type.name))
            continue
        same = np.array_equal(np.asarray(q.data).view(np.uint8), np.asarray(l.data).view(np.uint8))
        identical += same
        if q.tensor_type in (gguf.GGMLQuantizationType.F32, gguf.GGMLQuantizationType.F16):
            continue
        x = as_float(src[name])
        rq = float(np.sqrt(np.mean((as_float(q) - x) ** 2)))
        rl = rq if same else float(np.sqrt(np.mean((as_float(l) - x) ** 2)))
        rows.append({"name": name, "type": q.tensor_type.name, "rmse_quanta": rq, "rmse_llama": rl,
                     "ratio": rq / rl if rl > 0 else (1.0 if rq == 0 else float("inf"))})
    return {"tensors": len(qa), "identical": identical, "type_differences": type_diff, "rmse": rows}


def generate(path, threads):
    llm = Llama(model_path=str(path), n_ctx=256, n_threads=threads, n_threads_batch=threads, verbose=False)
    out = llm(PROMPT, max_tokens=8, temperature=0.0, top_k=1)
    del llm
    return out["choices"][0]["text"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quanta", default=str(ROOT / "build" / "bin" / "quanta-cli"))
    ap.add_argument("-m", "--model", default=str(DEFAULT_MODEL))
    ap.add_argument("-f", "--file", default=str(DEFAULT_TEXT), help="text for the perplexity")
    ap.add_argument("-c", "--ctx", type=int, default=512)
    ap.add_argument("--chunks", type=int, default=16, help="windows of the text (0: all)")
    ap.add_argument("-t", "--threads", type=int, default=2)
    ap.add_argument("--types", default=",".join(FTYPES))
    ap.add_argument("--workdir", help="keep the files here (default: a temporary directory)")
    ap.add_argument("--json", help="also write every result to this JSON file")
    args = ap.parse_args()
    if not pathlib.Path(args.file).exists():
        raise SystemExit(f"{args.file} is missing: run scripts/eval-text.sh")

    tmp = None
    if args.workdir:
        work = pathlib.Path(args.workdir)
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="quanta-vs-llamacpp-")
        work = pathlib.Path(tmp.name)
    quant_log = work / "llama-quantize.log"
    f16 = work / "F16.gguf"
    log(f"quanta-cli quantize {args.model} -> F16")
    quanta_quantize(args.quanta, args.model, f16, "F16", args.threads)

    results = []
    failures = []
    for qtype in args.types.split(","):
        qf, lf = work / f"quanta.{qtype}.gguf", work / f"llama.{qtype}.gguf"
        log(f"{qtype}: quantize (Quanta, llama.cpp)")
        qrep = quanta_quantize(args.quanta, f16, qf, qtype, args.threads)
        llama_seconds = llama_quantize(f16, lf, qtype, args.threads, quant_log)
        res = {"type": qtype, "quanta_bytes": qf.stat().st_size, "llama_bytes": lf.stat().st_size,
               "quanta_seconds": qrep["seconds"], "llama_seconds": llama_seconds,
               "byte_identical": filecmp.cmp(qf, lf, shallow=False)}
        log(f"{qtype}: per-tensor RMSE")
        res["compare"] = compare_tensors(f16, qf, lf)
        log(f"{qtype}: llama.cpp loads and runs the Quanta file")
        try:
            res["generated"] = generate(qf, args.threads)
        except Exception as e:  # noqa: BLE001 (a load failure is a result)
            res["generated"] = None
            failures.append(f"{qtype}: llama.cpp cannot run Quanta's file: {e}")
        log(f"{qtype}: llama.cpp perplexity of both files")
        res["ppl_quanta"] = llama_cpp_perplexity(qf, args.file, args.ctx, args.chunks, args.threads)
        if res["byte_identical"]:
            # The same bytes give the same logits: llama.cpp's evaluation is deterministic.
            res["ppl_llama"] = res["ppl_quanta"]
        else:
            res["ppl_llama"] = llama_cpp_perplexity(lf, args.file, args.ctx, args.chunks, args.threads)
        res["ppl_ratio"] = res["ppl_quanta"]["ppl"] / res["ppl_llama"]["ppl"]
        if abs(res["ppl_ratio"] - 1.0) > PPL_TOLERANCE:
            failures.append(f"{qtype}: PPL ratio {res['ppl_ratio']:.4f} is not within 1 %")
        rm = res["compare"]["rmse"]
        res["rmse_median_ratio"] = float(np.median([r["ratio"] for r in rm])) if rm else None
        k4 = [r["ratio"] for r in rm if r["type"] == "Q4_K"]
        res["q4k_tensors"] = len(k4)
        res["q4k_rmse_median_ratio"] = float(np.median(k4)) if k4 else None
        log(f"{qtype}: PPL {res['ppl_quanta']['ppl']:.4f} vs {res['ppl_llama']['ppl']:.4f}, "
            f"RMSE median ratio {res['rmse_median_ratio']}")
        results.append(res)
        for f in (qf, lf):
            f.unlink()

    k4_runs = [r for r in results if r["q4k_tensors"]]
    if any(r["type"] == "Q4_K_M" for r in results):
        if not k4_runs:
            failures.append("no tensor is Q4_K in both Q4_K_M files")
        for r in k4_runs:
            if r["q4k_rmse_median_ratio"] > 1.0:
                failures.append(f"{r['type']}: median Q4_K RMSE ratio {r['q4k_rmse_median_ratio']:.4f} > 1")

    n_tok = results[0]["ppl_llama"]["n_tokens"] if results else 0
    print(f"source: {args.model} -> F16 (quanta-cli); text {pathlib.Path(args.file).name}, c = {args.ctx}, "
          f"{n_tok} scored tokens; {args.threads} threads; llama-cpp-python {llama_cpp.__version__}")
    print()
    print("| type | Quanta file | llama.cpp file | byte-identical (file / tensors) | tensors of different type | "
          "PPL Quanta file | PPL llama.cpp file | ratio | median RMSE ratio (tensors) | "
          "median Q4_K RMSE ratio (tensors) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        c = r["compare"]
        rm = "-" if r["rmse_median_ratio"] is None else f"{r['rmse_median_ratio']:.4f} ({len(c['rmse'])})"
        k4 = "-" if r["q4k_rmse_median_ratio"] is None else f"{r['q4k_rmse_median_ratio']:.4f} ({r['q4k_tensors']})"
        print(f"| {r['type']} | {r['quanta_bytes'] / 1e6:.2f} MB | {r['llama_bytes'] / 1e6:.2f} MB | "
              f"{'yes' if r['byte_identical'] else 'no'} / {c['identical']} of {c['tensors']} | "
              f"{len(c['type_differences'])} | "
              f"{r['ppl_quanta']['ppl']:.4f} ± {r['ppl_quanta']['ppl_stderr']:.4f} | "
              f"{r['ppl_llama']['ppl']:.4f} ± {r['ppl_llama']['ppl_stderr']:.4f} | "
              f"{100 * (r['ppl_ratio'] - 1):+.2f} % | {rm} | {k4} |")
    print()
    for r in results:
        diffs = r["compare"]["type_differences"]
        if diffs:
            shown = ", ".join(f"{n} {a}/{b}" for n, a, b in diffs[:6])
            print(f"{r['type']}: tensors stored differently (Quanta/llama.cpp): {shown}"
                  + (f", ... ({len(diffs)} in all)" if len(diffs) > 6 else ""))
    for r in results:
        print(f"{r['type']}: llama.cpp on Quanta's file, greedy: {PROMPT!r} -> {r['generated']!r}")
    print()
    print("PASS" if not failures else "FAIL:\n  " + "\n  ".join(failures))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    if tmp:
        tmp.cleanup()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
