#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A file with NF4 and INT8 weights written by OUR writer stays a GGUF v3 file that PyPI gguf's
GGUFReader opens and lists, and its parts mean exactly what docs/formats.md says.

quanta_dequant_tool write-nf4-int8 writes the file (quantize_tensor_reference + GgufWriter) and
the original and dequantized weights (our reader + dequantize_tensor_reference). This script:
  - opens the file with gguf.GGUFReader and checks the version, the metadata (quanta.format_version,
    quanta.int8.threshold) and the full tensor list: names, GGUF types, shapes, byte sizes, offsets;
  - decodes NF4 and INT8 from the parts GGUFReader returns, with numpy, following docs/formats.md
    (the NF4 table and thresholds as f32 hex from FORMATS.md §9.2/§9.5, high nibble first,
    double-quantized absmax; INT8 codes times the row scale times 1/127), and requires the result
    to be bit-identical to our dequantizer;
  - re-derives the NF4 codes and the INT8 codes and scales from the original weights by the
    bitsandbytes rules (FORMATS.md §9.5, §10.1) and requires the stored ones to be equal.

Usage: gguf_reads_nf4_int8.py QUANTA_DEQUANT_TOOL     (exit 77 = skipped: gguf not importable)"""
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import gguf
    from gguf import GGMLQuantizationType as T
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"skipped: {e}")
    sys.exit(77)

# FORMATS.md §9.2 (authoritative f32 hex) and §9.5 (the 15 midpoints).
NF4 = np.array([0xBF800000, 0xBF3239B1, 0xBF066B30, 0xBECA32A0, 0xBE91A24D, 0xBE3D353F, 0xBDBA7871, 0x00000000,
                0x3DA2FAFF, 0x3E24CAE3, 0x3E7C04DD, 0x3EAD033A, 0x3EE1A4B8, 0x3F1007AB, 0x3F3913B3, 0x3F800000],
               dtype=np.uint32).view(np.float32)
NF4_T = np.array([0xBF591CD8, 0xBF1C5270, 0xBEEB8480, 0xBEADEA76, 0xBE703CEC, 0xBE0D38BC, 0xBD3A7871, 0x3D22FAFF,
                  0x3DF64862, 0x3E5067E0, 0x3E9582D4, 0x3EC753F9, 0x3F006D04, 0x3F248DAF, 0x3F5C89DA],
                 dtype=np.uint32).view(np.float32)
INT8_INV_SCALE = np.float32(7.874015718698502e-3)  # bitsandbytes' 1/127

# What the tool writes: (name, GGUF type, ne as stored, bytes). Weights: NF4 320 x 64, INT8 96 x 40.
EXPECTED_TENSORS = [
    ("blk.0.attn_norm.weight", T.F32, [320], 1280),
    ("blk.0.attn_q.weight.nf4_codes", T.I8, [160, 64], 10240),
    ("blk.0.attn_q.weight.nf4_absmax", T.I8, [320], 320),
    ("blk.0.attn_q.weight.nf4_nested_absmax", T.F32, [2], 8),
    ("blk.0.attn_q.weight.nf4_nested_offset", T.F32, [1], 4),
    ("blk.0.attn_q.weight.nf4_nested_map", T.F32, [256], 1024),
    ("blk.0.ffn_down.weight.int8", T.I8, [96, 40], 3840),
    ("blk.0.ffn_down.weight.int8_scb", T.F32, [40], 160),
    ("output_norm.weight", T.F32, [96], 384),
]
EXPECTED_WEIGHTS = [("blk.0.attn_q.weight", "NF4", 320, 64), ("blk.0.ffn_down.weight", "INT8", 96, 40)]
MAX_NMSE = {"NF4": 1.2e-2, "INT8": 1e-4}  # formats.def


def field(reader, key):
    f = reader.fields.get(key)
    if f is None:
        return None, None
    kind = f.types[0]
    value = f.parts[f.data[0]]
    if kind == gguf.GGUFValueType.STRING:
        return kind, bytes(value).decode("utf-8")
    return kind, value[0]


def bits_equal(a, b):
    return a.shape == b.shape and np.array_equal(a.view(np.uint32), b.view(np.uint32))


def decode_nf4(t, ne0, rows):
    codes = t["nf4_codes"].data.view(np.uint8).reshape(-1)
    qabsmax = t["nf4_absmax"].data.view(np.uint8).reshape(-1)
    nested = t["nf4_nested_absmax"].data.reshape(-1).astype(np.float32)
    offset = np.float32(t["nf4_nested_offset"].data.reshape(-1)[0])
    qmap = t["nf4_nested_map"].data.reshape(-1).astype(np.float32)
    n_blocks = qabsmax.size
    absmax = (qmap[qabsmax] * nested[np.arange(n_blocks) // 256]).astype(np.float32) + offset
    unpacked = np.empty(codes.size * 2, dtype=np.uint8)
    unpacked[0::2] = codes >> 4    # the even element is in the HIGH nibble
    unpacked[1::2] = codes & 0x0F
    y = NF4[unpacked] * np.repeat(absmax, 64)
    return y.astype(np.float32).reshape(rows, ne0), unpacked, absmax


def decode_int8(t, ne0, rows):
    cb = t["int8"].data.reshape(rows, ne0)
    scb = t["int8_scb"].data.reshape(rows).astype(np.float32)
    return ((cb.astype(np.float32) * scb[:, None]) * INT8_INV_SCALE).astype(np.float32), cb, scb


def nmse(x, y):
    x, y = x.astype(np.float64), y.astype(np.float64)
    return float(((x - y) ** 2).sum() / (x ** 2).sum())


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    tool = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory(prefix="quanta_py_") as tmp:
        path, floats = os.path.join(tmp, "nf4_int8.gguf"), os.path.join(tmp, "weights.f32")
        r = subprocess.run([tool, "write-nf4-int8", path, floats], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL: quanta_dequant_tool write-nf4-int8: {r.stderr.strip()}")
            return 1
        listed = [(n, f, int(a), int(b)) for n, f, a, b in (line.split() for line in r.stdout.splitlines())]
        if listed != EXPECTED_WEIGHTS:
            failures.append(f"tool wrote weights {listed}, expected {EXPECTED_WEIGHTS}")
            listed = EXPECTED_WEIGHTS
        values = np.fromfile(floats, dtype="<f4")

        reader = gguf.GGUFReader(path)   # raises on anything it cannot read
        checks = {
            "GGUF.version": (gguf.GGUFValueType.UINT32, 3),
            "general.architecture": (gguf.GGUFValueType.STRING, "llama"),
            "quanta.format_version": (gguf.GGUFValueType.UINT32, 1),
            "quanta.int8.threshold": (gguf.GGUFValueType.FLOAT32, 6.0),
        }
        for key, (kind, value) in checks.items():
            got = field(reader, key)
            if got != (kind, value):
                failures.append(f"metadata {key} = {got}, expected {(kind, value)}")
        if reader.alignment != 32:
            failures.append(f"alignment {reader.alignment}, expected 32")

        got_tensors = [(t.name, t.tensor_type, [int(d) for d in t.shape], int(t.n_bytes)) for t in reader.tensors]
        if got_tensors != EXPECTED_TENSORS:
            failures.append("GGUFReader lists:\n  " + "\n  ".join(map(str, got_tensors)))
        for t in reader.tensors:
            if (t.data_offset - reader.data_offset) % 32 != 0:
                failures.append(f"{t.name}: data offset {t.data_offset} not 32-aligned")
        print(f"ok: GGUFReader lists {len(reader.tensors)} tensors:")
        for name, kind, shape, nbytes in got_tensors:
            print(f"  {name:40} {kind.name:4} {'x'.join(map(str, shape)):8} {nbytes:6} bytes")

        pos = 0
        by_name = {t.name: t for t in reader.tensors}
        for name, fmt, ne0, rows in listed:
            n = ne0 * rows
            original = values[pos:pos + n].reshape(rows, ne0)
            ours = values[pos + n:pos + 2 * n].reshape(rows, ne0)
            pos += 2 * n
            parts = {k[len(name) + 1:]: t for k, t in by_name.items() if k.startswith(name + ".")}
            if fmt == "NF4":
                theirs, codes, absmax = decode_nf4(parts, ne0, rows)
                # The bitsandbytes code choice from the original weights (FORMATS.md §9.5).
                blocks = original.reshape(-1, 64)
                true_absmax = np.abs(blocks).max(axis=1).astype(np.float32)
                with np.errstate(divide="ignore", invalid="ignore"):
                    inv = (np.float32(1) / true_absmax).astype(np.float32)
                    s = (blocks * inv[:, None]).astype(np.float32)
                expect_codes = (s[..., None] > NF4_T).sum(axis=-1).astype(np.uint8)
                expect_codes[true_absmax == 0] = 7
                if not np.array_equal(codes, expect_codes.reshape(-1)):
                    failures.append(f"NF4 codes differ from the §9.5 rule in {int((codes != expect_codes.reshape(-1)).sum())} places")
                if not np.all(ours.reshape(-1)[128:256] == 0) or int((true_absmax == 0).sum()) != 2:
                    failures.append("NF4 all-zero blocks 2 and 3 do not decode to zero")
                offset = float(parts["nf4_nested_offset"].data.reshape(-1)[0])
                if abs(offset - float(true_absmax.astype(np.float64).mean())) > 1e-6 * offset:
                    failures.append(f"NF4 nested offset {offset} is not the mean of absmax")
                rel = np.abs(absmax - true_absmax) / np.maximum(true_absmax.max(), 1e-30)
                if rel.max() > 0.01:
                    failures.append(f"NF4 double-quantized absmax off by {rel.max():.3g} of the largest")
                qmap = parts["nf4_nested_map"].data.reshape(-1)
                if not (np.all(np.diff(qmap) > 0) and qmap[127] == 0 and qmap[255] == 1
                        and np.array_equal(qmap[126::-1], -qmap[128:255])
                        and qmap[192] == np.float32(0.12109375)):
                    failures.append("NF4 nested map is not the signed dynamic map of FORMATS.md §9.7")
            else:
                theirs, cb, scb = decode_int8(parts, ne0, rows)
                # Row-wise absmax of the fp16 weights and round-half-even codes (FORMATS.md §10.1).
                wh = original.astype(np.float16).astype(np.float32)
                expect_scb = np.abs(wh).max(axis=1)
                expect_cb = np.rint(wh * (np.float32(127) / expect_scb)[:, None]).astype(np.int8)
                if not bits_equal(scb, expect_scb):
                    failures.append("INT8 row scales are not max |fp16(w)| per row")
                if not np.array_equal(cb, expect_cb):
                    failures.append(f"INT8 codes differ from round_half_even(w * 127/SCB) in {int((cb != expect_cb).sum())} places")
                if not np.all(np.abs(cb).max(axis=1) == 127):
                    failures.append("INT8: some row's largest code is not +-127")
            if not bits_equal(ours, theirs):
                bad = int((ours.view(np.uint32) != theirs.view(np.uint32)).sum())
                failures.append(f"{name} ({fmt}): our dequantization differs from the docs/formats.md decode in {bad} values")
            err = nmse(original, ours)
            if not 0 < err <= MAX_NMSE[fmt]:
                failures.append(f"{name} ({fmt}): round-trip NMSE {err:.3g} outside (0, {MAX_NMSE[fmt]}]")
            print(f"ok: {name} {fmt} {ne0}x{rows}: decoded from GGUFReader's parts = ours, bit for bit; NMSE {err:.3g}")
        if pos != values.size:
            failures.append(f"tool wrote {values.size} floats, expected {pos}")

    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
