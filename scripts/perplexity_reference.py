#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""llama.cpp's perplexity (PyPI llama-cpp-python) with llama-perplexity's semantics, to check
`quanta-cli perplexity` against (docs/quality.md).

Same steps as llama-perplexity's default mode: the whole text tokenized with BOS as the model
says; chunks of n_ctx tokens without overlap, the first token of each replaced by BOS when the
model adds BOS; each chunk evaluated in an empty context; the predictions of positions
n_ctx/2 .. n_ctx-2 scored; PPL = exp(mean NLL) with llama.cpp's standard error. The log-softmax
is done here in float64 over llama.cpp's logits.

Dev tool, not a runtime or CI dependency:
    .venv/bin/pip install llama-cpp-python==0.3.36
    .venv/bin/python scripts/perplexity_reference.py -m models/SmolLM2-135M-Instruct.Q4_1.gguf \\
        -f data/eval/debian-faq.en.txt -c 512 --chunks 8 [--quanta build/bin/quanta-cli]
With --quanta it also runs `quanta-cli perplexity --json` on the same file and prints both.
"""
import argparse
import json
import math
import subprocess

import numpy as np
import llama_cpp
from llama_cpp import Llama


def llama_cpp_perplexity(model, text_file, n_ctx=512, chunks=0, threads=2):
    """llama.cpp's perplexity of `model` on `text_file` with llama-perplexity's semantics (see the
    module docstring). Returns {"ppl", "ppl_stderr", "n_tokens", "n_input_tokens", "add_bos",
    "chunks"} (the running PPL after each window). Also used by check_quantizer_vs_llamacpp.py."""
    llm = Llama(model_path=str(model), n_ctx=n_ctx, n_batch=n_ctx, n_ubatch=n_ctx, n_threads=threads,
                n_threads_batch=threads, logits_all=True, verbose=False)
    text = open(text_file, "rb").read()
    tokens = llm.tokenize(text, add_bos=True, special=False)
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    add_bos = bool(llama_cpp.llama_vocab_get_add_bos(vocab))
    bos = llama_cpp.llama_vocab_bos(vocab)
    n_chunk = len(tokens) // n_ctx
    if chunks > 0:
        n_chunk = min(n_chunk, chunks)
    first = n_ctx // 2
    nll = nll2 = 0.0
    count = 0
    progress = []
    for i in range(n_chunk):
        chunk = list(tokens[i * n_ctx:(i + 1) * n_ctx])
        targets = list(chunk)
        if add_bos:
            chunk[0] = bos
        llm.reset()
        llm.eval(chunk)
        logits = np.array(llm.scores[:n_ctx], dtype=np.float64)
        for j in range(first, n_ctx - 1):
            row = logits[j]
            mx = row.max()
            lse = mx + math.log(np.exp(row - mx).sum())
            v = lse - row[targets[j + 1]]
            nll += v
            nll2 += v * v
            count += 1
        progress.append(math.exp(nll / count))
    mean = nll / count
    ppl = math.exp(mean)
    var = nll2 / count - mean * mean
    stderr = math.sqrt(var / (count - 1)) * ppl if var > 0 else 0.0
    del llm
    return {"ppl": ppl, "ppl_stderr": stderr, "n_tokens": count, "n_input_tokens": len(tokens), "add_bos": add_bos,
            "chunks": progress}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-m", "--model", required=True)
    ap.add_argument("-f", "--file", required=True)
    ap.add_argument("-c", "--ctx", type=int, default=512)
    ap.add_argument("--chunks", type=int, default=0)
    ap.add_argument("-t", "--threads", type=int, default=2)
    ap.add_argument("--quanta", help="path of quanta-cli to compare with")
    args = ap.parse_args()

    n_ctx = args.ctx
    result = {"llama_cpp": llama_cpp_perplexity(args.model, args.file, n_ctx, args.chunks, args.threads)}
    ppl = result["llama_cpp"]["ppl"]
    if args.quanta:
        cmd = [args.quanta, "perplexity", "-m", args.model, "-f", args.file, "-c", str(n_ctx), "-t",
               str(args.threads), "--json"]
        if args.chunks > 0:
            cmd += ["--chunks", str(args.chunks)]
        q = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        result["quanta"] = {"ppl": q["ppl"], "ppl_stderr": q["ppl_stderr"], "n_tokens": q["n_tokens"],
                            "n_input_tokens": q["n_input_tokens"]}
        result["relative_difference"] = q["ppl"] / ppl - 1.0
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
