#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The quality table of docs/quality.md ("Results for the default model"), made with Quanta's own
tools only: bits/weight, file size, perplexity on the English and the Korean evaluation text, mean
KL divergence against F16 and top-1 agreement, for each quantization type of the default model.

Steps:
  1. `quanta-cli quantize MODEL F16.gguf F16`: an F16 copy of the default model (the base).
  2. `quanta-cli quantize F16.gguf T.gguf T` for each type T (Q8_0 Q6_K Q5_K_M Q4_K_M Q4_K_S
     Q4_0 NF4 INT8); the original file (Q4_1) is measured as it is.
  3. Bits/weight and file size from `quanta-cli inspect --json` (8 * tensor bytes / weights, all
     tensors, norms included).
  4. `quanta-cli perplexity -c 512 --chunks K --json` on each text: the base with
     --save-logits, every other file with --kl-base (mean KLD, top-1 agreement).

Dev tool, not run in CI (about 25 minutes on 2 cores at the default --chunks):
    scripts/eval-text.sh
    python3 scripts/quality_table.py --quanta build/bin/quanta-cli [--chunks 8] [--threads 2]
Prints a markdown table on stdout (progress on stderr) and writes all results as JSON with --json.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
TYPES = ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q4_K_S", "Q4_0", "NF4", "INT8"]
TEXTS = {"en": ROOT / "data" / "eval" / "debian-faq.en.txt", "ko": ROOT / "data" / "eval" / "debian-faq.ko.txt"}


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run_json(cmd):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"failed ({r.returncode}): {' '.join(map(str, cmd))}\n{r.stderr}")
    return json.loads(r.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quanta", default=str(ROOT / "build" / "bin" / "quanta-cli"))
    ap.add_argument("-m", "--model", default=str(DEFAULT_MODEL))
    ap.add_argument("--chunks", type=int, default=8, help="windows of 512 tokens per text")
    ap.add_argument("-c", "--ctx", type=int, default=512)
    ap.add_argument("-t", "--threads", type=int, default=2)
    ap.add_argument("--types", default=",".join(TYPES))
    ap.add_argument("--workdir", help="keep the files here (default: a temporary directory)")
    ap.add_argument("--json", help="also write every result to this JSON file")
    args = ap.parse_args()

    for t in TEXTS.values():
        if not t.exists():
            raise SystemExit(f"{t} is missing: run scripts/eval-text.sh")
    tmp = None
    if args.workdir:
        work = pathlib.Path(args.workdir)
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="quanta-quality-")
        work = pathlib.Path(tmp.name)
    q = args.quanta
    base = work / "F16.gguf"
    log(f"quantize {args.model} -> F16")
    run_json([q, "quantize", args.model, base, "F16", "-t", args.threads, "--json"])

    src_type = run_json([q, "inspect", args.model, "--json"])
    src_name = src_type.get("file_type_name", "").replace("MOSTLY_", "") or "original"
    rows = [("F16", base, "F16 (base)")]
    for t in args.types.split(","):
        out = work / f"{t}.gguf"
        log(f"quantize F16 -> {t}")
        run_json([q, "quantize", base, out, t, "-t", args.threads, "--json"])
        rows.append((t, out, t))
    rows.append((src_name, pathlib.Path(args.model), f"{src_name} (the original file)"))

    results = []
    t_start = time.time()
    for key, path, label in rows:
        info = run_json([q, "inspect", path, "--json"])
        res = {"type": key, "label": label, "file": str(path), "file_size": info["file_size"],
               "bits_per_weight": info["bits_per_weight"], "formats": info["formats"]}
        for lang, text in TEXTS.items():
            cmd = [q, "perplexity", "-m", path, "-f", text, "-c", args.ctx, "--chunks", args.chunks, "-t",
                   args.threads, "--json"]
            qlp = work / f"base.{lang}.qlp"
            cmd += ["--save-logits", qlp] if key == "F16" else ["--kl-base", qlp]
            log(f"perplexity {label} {lang}")
            p = run_json(cmd)
            res[lang] = {"ppl": p["ppl"], "ppl_stderr": p["ppl_stderr"], "n_tokens": p["n_tokens"],
                         "n_input_tokens": p["n_input_tokens"], "seconds": p["seconds"]}
            if "kld" in p:
                k = p["kld"]
                res[lang]["kld"] = {n: k[n] for n in ("mean", "mean_stderr", "median", "p99", "max",
                                                       "top1_agreement", "top1_agreement_stderr")}
            log(f"  PPL {p['ppl']:.4f} in {p['seconds']:.1f} s" +
                (f", KLD {p['kld']['mean']:.5f}, top-1 {100 * p['kld']['top1_agreement']:.2f} %" if "kld" in p else ""))
        results.append(res)
    log(f"perplexity runs took {time.time() - t_start:.0f} s")

    def kld_cell(r, lang):
        k = r[lang].get("kld")
        return "0 (base)" if k is None else f"{k['mean']:.4f}"

    def top1_cell(r, lang):
        k = r[lang].get("kld")
        return "100 % (base)" if k is None else f"{100 * k['top1_agreement']:.2f} %"

    lines = ["| type | bits/weight | file size | PPL (en) | PPL (ko) | mean KLD vs F16 (en / ko) | "
             "top-1 agreement (en / ko) |", "|---|---|---|---|---|---|---|"]
    for r in results:
        size = r["file_size"] / 1e6
        lines.append(f"| {r['label']} | {r['bits_per_weight']:.2f} | {size:.1f} MB | "
                     f"{r['en']['ppl']:.4f} ± {r['en']['ppl_stderr']:.4f} | "
                     f"{r['ko']['ppl']:.4f} ± {r['ko']['ppl_stderr']:.4f} | "
                     f"{kld_cell(r, 'en')} / {kld_cell(r, 'ko')} | {top1_cell(r, 'en')} / {top1_cell(r, 'ko')} |")
    n_en, n_ko = results[0]["en"]["n_tokens"], results[0]["ko"]["n_tokens"]
    print(f"c = {args.ctx}, --chunks {args.chunks}: {n_en} scored tokens (en), {n_ko} (ko), {args.threads} threads")
    print("\n".join(lines))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
