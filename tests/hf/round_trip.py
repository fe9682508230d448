#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The default model through a Hugging Face folder and back (issue 10's acceptance):

    F16 copy   = quanta-cli quantize MODEL f16.gguf F16
    HF folder  = quanta-cli export-hf MODEL hf/
    converted  = quanta-cli convert hf/ converted.gguf          (F16)

Checks: converted's tensors equal the F16 copy's (names, shapes, types, bytes); the tokenizer
gives the original's ids; greedy text of converted equals the F16 copy's in Quanta; and, when
llama-cpp-python is installed, llama.cpp loads converted and its greedy text equals llama.cpp's
own on the F16 copy. Exit 0 pass, 1 fail, 77 skipped.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

PROMPTS = ["The capital of France is", "def fibonacci(n):", "Quantization of neural networks"]
TEXTS = ["Hello world! 안녕하세요 123 4567 <|im_start|>user\nHi<|im_end|>", "  spaces\tand\nnewlines  "]


def run(*args: str) -> str:
    done = subprocess.run(list(args), capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def main() -> int:
    cli, model = sys.argv[1], sys.argv[2]
    if not Path(model).exists():
        print("skipped: no default model")
        return 77
    try:
        import gguf  # noqa: F401
    except ImportError:
        print("skipped: PyPI gguf is not installed")
        return 77
    from gguf import GGUFReader

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        f16, hf, converted = tmp / "f16.gguf", tmp / "hf", tmp / "converted.gguf"
        run(cli, "quantize", model, str(f16), "F16")
        run(cli, "export-hf", model, str(hf))
        for name in ["config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors"]:
            if not (hf / name).exists():
                sys.exit(f"FAIL: export-hf wrote no {name}")
        run(cli, "convert", str(hf), str(converted))

        a, b = GGUFReader(str(f16)), GGUFReader(str(converted))
        ta = {t.name: t for t in a.tensors}
        tb = {t.name: t for t in b.tensors}
        if sorted(ta) != sorted(tb):
            sys.exit(f"FAIL: tensor names differ: only in F16 copy {sorted(set(ta) - set(tb))[:5]}, "
                     f"only in converted {sorted(set(tb) - set(ta))[:5]}")
        for name, t in ta.items():
            u = tb[name]
            if list(t.shape) != list(u.shape) or t.tensor_type != u.tensor_type:
                sys.exit(f"FAIL: {name}: {t.tensor_type.name}{list(t.shape)} vs {u.tensor_type.name}{list(u.shape)}")
            if t.data.tobytes() != u.data.tobytes():
                sys.exit(f"FAIL: {name}: the bytes differ")
        print(f"tensors: {len(ta)} equal to the F16 copy's")

        for text in TEXTS:
            ids_original = run(cli, "tokenize", "-m", model, "-p", text).split()
            ids_converted = run(cli, "tokenize", "-m", str(converted), "-p", text).split()
            if ids_original != ids_converted:
                sys.exit(f"FAIL: tokenization of {text!r}: {ids_original[:12]} vs {ids_converted[:12]}")
        print(f"tokenization: {len(TEXTS)} texts give the original's ids")

        for prompt in PROMPTS:
            greedy = ["run", "-p", prompt, "-n", "32", "--temp", "0", "-t", "2"]
            copy_text = run(cli, *greedy[:1], "-m", str(f16), *greedy[1:])
            conv_text = run(cli, *greedy[:1], "-m", str(converted), *greedy[1:])
            if copy_text != conv_text:
                sys.exit(f"FAIL: greedy text for {prompt!r}: {copy_text!r} vs {conv_text!r}")
        print(f"Quanta greedy: {len(PROMPTS)} prompts, 32 tokens, equal to the F16 copy's")

        try:
            from llama_cpp import Llama
        except ImportError:
            print("llama.cpp part skipped: llama-cpp-python is not installed")
            return 0
        texts = {}
        for label, path in [("copy", f16), ("converted", converted)]:
            llm = Llama(model_path=str(path), n_ctx=512, n_threads=2, verbose=False, seed=1)
            texts[label] = [llm(prompt, max_tokens=32, temperature=0.0, top_k=1)["choices"][0]["text"]
                            for prompt in PROMPTS]
            del llm
        if texts["copy"] != texts["converted"]:
            sys.exit(f"FAIL: llama.cpp greedy text differs: {texts['copy']} vs {texts['converted']}")
        print(f"llama.cpp loads the converted model; greedy text equals its F16 copy's: {texts['converted'][0]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
