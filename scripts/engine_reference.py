#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference outputs of llama.cpp (PyPI llama-cpp-python) for the engine tests.

For each prompt: the prompt's token ids (raw prompt, BOS as the model's metadata says, no
special-token parsing), the greedy continuation of 64 tokens, and the first-step logits.
Writes tests/data/engine/<name>_greedy.json and <name>_first_logits.f32 (the logits of the
first LOGIT_PROMPTS prompts, f32 little-endian, n_vocab each).

Dev tool, not a runtime or CI dependency:
    .venv/bin/pip install llama-cpp-python==0.3.36
    .venv/bin/python scripts/engine_reference.py models/SmolLM2-135M-Instruct.Q4_1.gguf
"""
import argparse
import json
import pathlib

import numpy as np
from llama_cpp import Llama

PROMPTS = [
    "The capital of France is",
    "Once upon a time, in a small village by the sea,",
    "def fibonacci(n):\n    ",
    "The three primary colors are",
    "Water boils at a temperature of",
    "Here is a list of fruits: apple, banana,",
    "In 1969, the first man to walk on the moon was",
    "The quick brown fox",
    "To make a cup of tea, first",
    "1, 2, 3, 4, 5,",
]
N_PREDICT = 64
LOGIT_PROMPTS = 4


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--out", default="tests/data/engine")
    ap.add_argument("--name", default="smollm2")
    args = ap.parse_args()

    llm = Llama(model_path=args.model, n_ctx=256, n_batch=256, n_threads=2, logits_all=True,
                verbose=False, seed=0)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cases = []
    logits_blob = []
    for i, prompt in enumerate(PROMPTS):
        llm.reset()
        ids = llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=False)
        llm.eval(ids)
        first = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
        if i < LOGIT_PROMPTS:
            logits_blob.append(first.tobytes())
        generated = []
        logits = first
        for _ in range(N_PREDICT):
            tok = int(np.argmax(logits))
            if llm.token_eos() == tok:
                break
            generated.append(tok)
            llm.eval([tok])
            logits = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
        cases.append({
            "prompt": prompt,
            "prompt_ids": ids,
            "generated_ids": generated,
            "text": llm.detokenize(generated).decode("utf-8", errors="replace"),
            "first_top_id": int(np.argmax(first)),
            "first_max_abs_logit": float(np.max(np.abs(first))),
        })
    meta = {
        "generator": "scripts/engine_reference.py (llama-cpp-python greedy, argmax, no penalties)",
        "model": pathlib.Path(args.model).name,
        "n_vocab": int(llm.n_vocab()),
        "n_predict": N_PREDICT,
        "logit_prompts": LOGIT_PROMPTS,
        "cases": cases,
    }
    (out / f"{args.name}_greedy.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")
    (out / f"{args.name}_first_logits.f32").write_bytes(b"".join(logits_blob))
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
