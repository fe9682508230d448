#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Load a GGUF file that Quanta's quantizer wrote in llama.cpp and greedy-generate a few tokens.

A developer check (not run in CI): it shows that a `quanta-cli quantize` output is a file
llama.cpp accepts and runs, and optionally that its greedy continuation equals the one of a
reference file (e.g. llama.cpp's own quantization of the same source) and of `quanta-cli run`.

    .venv/bin/pip install llama-cpp-python==0.3.36      # once (builds llama.cpp)
    build/bin/quanta-cli quantize models/SmolLM2-135M-Instruct.Q4_1.gguf /tmp/q4km.gguf Q4_K_M
    .venv/bin/python scripts/check_quantized_llamacpp.py /tmp/q4km.gguf \
        [--reference models/SmolLM2-135M-Instruct.Q4_K_M.requant.gguf] [--cli build/bin/quanta-cli]

NF4/INT8 files are valid GGUF but llama.cpp cannot run them (their weights are stored as parts
it does not know, docs/formats.md); the script says so instead of failing obscurely.

Exit status: 0 when every requested check passed, 1 otherwise, 77 when llama_cpp is missing.
"""
import argparse
import pathlib
import subprocess
import sys


def generate(path, prompt, n, threads):
    from llama_cpp import Llama

    llm = Llama(model_path=str(path), n_ctx=256, n_threads=threads, n_threads_batch=threads, verbose=False,
                seed=1)
    out = llm.create_completion(prompt, max_tokens=n, temperature=0.0, top_k=1, top_p=1.0, min_p=0.0,
                                repeat_penalty=1.0)
    return out["choices"][0]["text"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=pathlib.Path, help="GGUF file written by quanta-cli quantize")
    ap.add_argument("--prompt", default="The capital of France is")
    ap.add_argument("-n", type=int, default=16, help="tokens to generate (default 16)")
    ap.add_argument("-t", "--threads", type=int, default=2)
    ap.add_argument("--reference", type=pathlib.Path, help="another GGUF whose greedy text must be equal")
    ap.add_argument("--cli", type=pathlib.Path, help="quanta-cli: compare with `quanta-cli run --temp 0`")
    args = ap.parse_args()

    try:
        import gguf  # noqa: F401  (listing the tensors)
        import llama_cpp  # noqa: F401
    except ImportError as e:
        print(f"skipped: {e} (pip install llama-cpp-python gguf into .venv)", file=sys.stderr)
        return 77

    from gguf import GGUFReader

    reader = GGUFReader(str(args.model))
    names = [t.name for t in reader.tensors]
    types = sorted({t.tensor_type.name for t in reader.tensors})
    ft = reader.fields.get("general.file_type")
    print(f"{args.model}: {len(names)} tensors, types {', '.join(types)}, "
          f"general.file_type {int(ft.parts[-1][0]) if ft else 'absent'}")
    if any(n.endswith((".nf4_codes", ".int8")) for n in names):
        print("NF4/INT8 weights: valid GGUF (listed above) but not runnable by llama.cpp; nothing to generate")
        return 0

    ok = True
    text = generate(args.model, args.prompt, args.n, args.threads)
    print(f"llama.cpp on {args.model.name}: {text!r}")
    if not text.strip():
        print("FAIL: empty generation")
        ok = False
    if args.reference:
        ref = generate(args.reference, args.prompt, args.n, args.threads)
        print(f"llama.cpp on {args.reference.name}: {ref!r}")
        if ref != text:
            print("FAIL: greedy text differs from the reference file")
            ok = False
    if args.cli:
        run = subprocess.run([str(args.cli), "run", "-m", str(args.model), "-p", args.prompt, "-n", str(args.n),
                              "--temp", "0", "-t", str(args.threads)], capture_output=True, text=True)
        print(f"quanta-cli run on {args.model.name}: {run.stdout!r}")
        if run.returncode != 0:
            print(f"FAIL: quanta-cli run exited {run.returncode}: {run.stderr.strip()}")
            ok = False
        elif run.stdout.split()[:3] != text.split()[:3]:
            # llama.cpp quantizes activations for its dot products, Quanta does not: the texts
            # may part after a while, but the first words of a greedy continuation should agree.
            print("WARN: the first words differ between llama.cpp and quanta-cli run")
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
