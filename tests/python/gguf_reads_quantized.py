#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Files that `quanta-cli quantize` writes in NF4 and INT8 open in PyPI gguf's GGUFReader, list
every part of every quantized weight with the GGUF types and shapes docs/formats.md gives, and
carry the metadata the engine reads; the INT8 file keeps the --int8-threshold it was given.

Usage: gguf_reads_quantized.py QUANTA_CLI     (exit 77 = skipped: gguf not importable)"""
import os
import subprocess
import sys
import tempfile

try:
    import gguf
    from gguf import GGMLQuantizationType as T
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"skipped: {e}")
    sys.exit(77)

LINEAR = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"]
# (rows, row length) of each linear weight of the synthetic model below
SHAPES = {"attn_q": (576, 576), "attn_k": (192, 576), "attn_v": (192, 576), "attn_output": (576, 576),
          "ffn_gate": (256, 576), "ffn_up": (256, 576), "ffn_down": (576, 256)}


def expected_parts(fmt, name, rows, k):
    n = rows * k
    if fmt == "NF4":
        blocks = n // 64
        return {f"{name}.nf4_codes": (T.I8, [k // 2, rows]), f"{name}.nf4_absmax": (T.I8, [blocks]),
                f"{name}.nf4_nested_absmax": (T.F32, [(blocks + 255) // 256]),
                f"{name}.nf4_nested_offset": (T.F32, [1]), f"{name}.nf4_nested_map": (T.F32, [256])}
    return {f"{name}.int8": (T.I8, [k, rows]), f"{name}.int8_scb": (T.F32, [rows])}


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    cli = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory(prefix="quanta_py_") as tmp:
        src = os.path.join(tmp, "f32.gguf")
        subprocess.run([cli, "synth", src, "--type", "F32", "--vocab", "300", "--embd", "576", "--layers", "2",
                        "--ff", "256", "--heads", "9", "--kv-heads", "3"], check=True, capture_output=True)
        for fmt, extra in (("NF4", []), ("INT8", ["--int8-threshold", "4.5"])):
            out = os.path.join(tmp, f"{fmt}.gguf")
            subprocess.run([cli, "quantize", src, out, fmt, "-t", "2"] + extra, check=True, capture_output=True)
            reader = gguf.GGUFReader(out)  # raises on anything it cannot read
            tensors = {t.name: (t.tensor_type, [int(d) for d in t.shape]) for t in reader.tensors}
            want = {"token_embd.weight": (T.F16, [576, 300]), "output_norm.weight": (T.F32, [576])}
            for layer in range(2):
                want[f"blk.{layer}.attn_norm.weight"] = (T.F32, [576])
                want[f"blk.{layer}.ffn_norm.weight"] = (T.F32, [576])
                for w in LINEAR:
                    rows, k = SHAPES[w]
                    want.update(expected_parts(fmt, f"blk.{layer}.{w}.weight", rows, k))
            if tensors != want:
                missing = sorted(set(want) - set(tensors))
                extra_t = sorted(set(tensors) - set(want))
                wrong = sorted(n for n in set(want) & set(tensors) if want[n] != tensors[n])
                failures.append(f"{fmt}: missing {missing}, unexpected {extra_t}, wrong type/shape {wrong}")
            version = reader.fields.get("quanta.format_version")
            if version is None or int(version.parts[version.data[0]][0]) != 1:
                failures.append(f"{fmt}: quanta.format_version missing or not 1")
            if "general.file_type" in reader.fields:
                failures.append(f"{fmt}: general.file_type must be absent (no llama_ftype for {fmt})")
            tau = reader.fields.get("quanta.int8.threshold")
            if fmt == "INT8":
                if tau is None or float(tau.parts[tau.data[0]][0]) != 4.5:
                    failures.append("INT8: quanta.int8.threshold is not the 4.5 given")
            elif tau is not None:
                failures.append("NF4: quanta.int8.threshold must be absent")
            print(f"ok: GGUFReader opened {fmt}.gguf: {len(reader.tensors)} tensors")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
