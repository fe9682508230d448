#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Our reference dequantizers against PyPI gguf's numpy ones (gguf.quants.dequantize), bit for bit.

(a) Random blocks of every ggml-native format Quanta implements (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0,
    Q4_K, Q5_K, Q6_K, F16, BF16): seeded random bytes, with every fp16 scale field forced finite
    (an inf/NaN scale would make NaN outputs whose payloads nobody specifies). F16 and BF16 data
    are random bit patterns with every NaN pattern included. Block 0 of Q8_0, Q5_0, Q4_K and Q6_K
    is the test vector of FORMATS.md §7.9, checked against its documented values.
(b) Every tensor of the default model, read by OUR reader (quanta_dequant_tool gguf) and by
    gguf.GGUFReader: same names and element counts, bit-identical floats.

Usage: compare_with_gguf.py QUANTA_DEQUANT_TOOL DEFAULT_MODEL.gguf
Exit status: 0 pass, 1 fail, 77 skipped (gguf not importable; a missing model skips part (b)
only, and the whole test when part (a) passed but (b) could not run)."""
import os
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version as package_version

try:
    import numpy as np
    import gguf
    from gguf import GGMLQuantizationType as T
    from gguf.constants import GGML_QUANT_SIZES
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"skipped: {e}")
    sys.exit(77)

SKIP = 77

# Byte offsets of the fp16 scale fields inside one block (FORMATS.md §7).
SCALE_OFFSETS = {
    T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0],
    T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208],
}
FORMATS = [T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0, T.Q4_K, T.Q5_K, T.Q6_K, T.F16, T.BF16]

# FORMATS.md §7.9: block bytes, the first 4 dequantized values and the sum (double) of the block.
KNOWN = {
    T.Q8_0: ("8d22869ec8024ea9179525c476380befe4ea012a63ac0774f07f1dcd8d6043373c52",
             [-1.56092834, -1.25386047, -0.716491699, 0.0255889893], 3.10906219),
    T.Q5_0: ("80aeafe249060fbc47b0f61b2d0ecb68e1498f928463",
             [-1.5234375, -1.21875, -0.7109375, -0.0], 3.046875),
    T.Q4_K: ("fa22362e505eaaf750a1ebf7100e1efff03174d74cb248e199542e0af8f61536"
             "77ba0d72f88e16cf8954302d2b3a6b9cad12a930f9a37e4a36344363a4e72a9f"
             "039a21da945f2b1715244475c70b7ff427e1ab8663617f8fb0f245a91d942bc4"
             "8c47130ffc0b2b5c8dd135a92fb75e186d5a6978a9da2d81e56bf29a430dd8b5"
             "a2b0cfe02274c83cb249d18a442f0be8",
             [-1.55273438, -1.3347168, -0.680664062, -0.0266113281], -23.423645),
    T.Q6_K: ("616782f1744a366549e12e2ec32c490a00369735fe033410a9fdfda81f3201fb"
             "3e9c3e051f4e21c91515d9416e4f348dfa8e606daf9f4393a164dbf7c8ed1706"
             "8dc35d2b5dc38f1e610884b5c9913e2f7bd214e28be1f2df58adad79f03423de"
             "47756500667855ed31400096ddda87fbeffe58feb0ee57fcfd1aa256468109fc"
             "4cf055fe1378869ceae5b3b26e2dd141f659f0176d84d2ece9e6a36020d18528"
             "bda0a6a96828fb4714b00d668ff52e10b4bacffc306ddd08b453fe956c0618dd"
             "20e0413baba88a8f20e0c4bf579d807d8416",
             [-1.57800293, -1.27258301, -0.712646484, 0.0509033203], -21.6498184),
}


def finite_f16(h):
    """Makes uint16 fp16 patterns finite: exponent 0x1F (inf/NaN) loses its top exponent bit."""
    bad = (h & 0x7C00) == 0x7C00
    return np.where(bad, h ^ 0x4000, h).astype(np.uint16)


def random_blocks(qtype, n_blocks, rng):
    block_elems, block_bytes = GGML_QUANT_SIZES[qtype]
    data = rng.integers(0, 256, size=(n_blocks, block_bytes), dtype=np.uint8)
    for off in SCALE_OFFSETS.get(qtype, []):
        h = data[:, off:off + 2].copy().view(np.uint16)
        data[:, off:off + 2] = finite_f16(h).view(np.uint8).reshape(n_blocks, 2)
    if qtype in KNOWN:
        data[0] = np.frombuffer(bytes.fromhex(KNOWN[qtype][0]), dtype=np.uint8)
    if qtype in (T.F16, T.BF16):
        # Every special pattern of the element type at least once: +-0, +-inf, NaNs (quiet and
        # signalling), the smallest subnormal, the largest finite value.
        special = ([0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFFFF, 0x0001, 0x7BFF]
                   if qtype == T.F16 else
                   [0x0000, 0x8000, 0x7F80, 0xFF80, 0x7FC0, 0x7F81, 0xFFFF, 0x0001, 0x7F7F])
        data.reshape(-1).view(np.uint16)[:len(special)] = special
    return data, block_elems


def run_tool(tool, *args, **kw):
    return subprocess.run([tool, *map(str, args)], check=False, **kw)


def bits_equal(a, b):
    return a.shape == b.shape and np.array_equal(a.view(np.uint32), b.view(np.uint32))


def first_mismatch(a, b):
    i = int(np.flatnonzero(a.view(np.uint32) != b.view(np.uint32))[0])
    return f"element {i}: ours {float(a[i])!r} (0x{int(a.view(np.uint32)[i]):08x}), gguf {float(b[i])!r} (0x{int(b.view(np.uint32)[i]):08x})"


def check_random_blocks(tool, tmp, failures):
    rng = np.random.default_rng(20261123)
    total = 0
    for qtype in FORMATS:
        block_elems, _ = GGML_QUANT_SIZES[qtype]
        # Whole rows of 1024 weights (4 K-quant super-blocks, 32 small blocks), 256 rows.
        ne0, rows = 1024, 256
        n_blocks = ne0 * rows // block_elems
        data, _ = random_blocks(qtype, n_blocks, rng)
        src = os.path.join(tmp, f"{qtype.name}.bin")
        dst = os.path.join(tmp, f"{qtype.name}.f32")
        data.tofile(src)
        r = run_tool(tool, "raw", qtype.name, ne0, rows, src, dst, capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f"{qtype.name}: quanta_dequant_tool raw failed: {r.stderr.strip()}")
            continue
        ours = np.fromfile(dst, dtype="<f4")
        theirs = np.ascontiguousarray(gguf.quants.dequantize(data.reshape(rows, -1), qtype), dtype=np.float32).reshape(-1)
        if ours.size != ne0 * rows:
            failures.append(f"{qtype.name}: tool wrote {ours.size} floats, expected {ne0 * rows}")
            continue
        if not bits_equal(ours, theirs):
            n_bad = int(np.count_nonzero(ours.view(np.uint32) != theirs.view(np.uint32)))
            failures.append(f"{qtype.name}: {n_bad} of {ours.size} values differ from gguf; first at {first_mismatch(ours, theirs)}")
            continue
        if qtype in KNOWN:
            _, first4, total_sum = KNOWN[qtype]
            block = ours[:block_elems].astype(np.float64)
            got4 = [float(v) for v in block[:4]]
            if (not np.allclose(got4, first4, rtol=2e-8, atol=0)
                    or [np.signbit(v) for v in got4] != [np.signbit(v) for v in first4]):
                failures.append(f"{qtype.name}: FORMATS.md §7.9 first values {got4} != {first4}")
            if abs(float(block.sum()) - total_sum) > 5e-8 * max(1.0, abs(total_sum)):
                failures.append(f"{qtype.name}: FORMATS.md §7.9 sum {float(block.sum())!r} != {total_sum}")
        n_finite = int(np.count_nonzero(np.isfinite(ours)))
        if qtype not in (T.F16, T.BF16) and n_finite != ours.size:
            failures.append(f"{qtype.name}: {ours.size - n_finite} non-finite outputs from finite scales")
        if int(np.count_nonzero(ours)) < ours.size // 2:
            failures.append(f"{qtype.name}: implausibly many zeros ({ours.size - int(np.count_nonzero(ours))})")
        total += ours.size
        print(f"ok: {qtype.name:5} {n_blocks} random blocks, {ours.size} values bit-identical")
    return total


# Facts of the default model (SHA-256 checked by scripts/fetch-model.sh).
DEFAULT_MODEL_TENSORS = 272
DEFAULT_MODEL_TYPES = {"Q4_1": 210, "Q8_0": 1, "F32": 61}
DEFAULT_MODEL_WEIGHTS = 134515008


def check_model(tool, model, tmp, failures):
    reader = gguf.GGUFReader(model)
    listing = os.path.join(tmp, "tensors.txt")
    proc = subprocess.Popen([tool, "gguf", model, listing], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    checked = 0
    types = {}
    bad = []
    for t in reader.tensors:
        n = int(t.n_elements)
        raw = proc.stdout.read(4 * n)
        if len(raw) != 4 * n:
            bad.append(f"{t.name}: tool output ended early ({len(raw)} of {4 * n} bytes)")
            break
        ours = np.frombuffer(raw, dtype="<f4")
        theirs = np.ascontiguousarray(gguf.quants.dequantize(t.data, t.tensor_type), dtype=np.float32).reshape(-1)
        if not bits_equal(ours, theirs):
            bad.append(f"{t.name} ({t.tensor_type.name}): differs from gguf at {first_mismatch(ours, theirs)}"
                       if ours.shape == theirs.shape else f"{t.name}: {ours.size} values, gguf {theirs.size}")
        types[t.tensor_type.name] = types.get(t.tensor_type.name, 0) + 1
        checked += n
    rest = proc.stdout.read()
    err = proc.stderr.read().decode(errors="replace").strip()
    rc = proc.wait()
    if rc != 0:
        failures.append(f"quanta_dequant_tool gguf exited with {rc}: {err}")
        return 0
    if rest:
        failures.append(f"the tool wrote {len(rest)} bytes more than gguf's tensors hold")
    failures.extend(bad[:10])
    if len(bad) > 10:
        failures.append(f"... and {len(bad) - 10} more tensors differ")

    with open(listing) as f:
        ours_list = [line.split() for line in f]
    theirs_list = [[t.name, t.tensor_type.name, str(int(t.n_elements))] for t in reader.tensors]
    if ours_list != theirs_list:
        failures.append("our reader's tensor list (name, type, elements) differs from GGUFReader's")
    if len(reader.tensors) != DEFAULT_MODEL_TENSORS or types != DEFAULT_MODEL_TYPES or checked != DEFAULT_MODEL_WEIGHTS:
        failures.append(f"default model: {len(reader.tensors)} tensors {types}, {checked} weights; expected "
                        f"{DEFAULT_MODEL_TENSORS} {DEFAULT_MODEL_TYPES}, {DEFAULT_MODEL_WEIGHTS}")
    if not bad:
        print(f"ok: {os.path.basename(model)}: {len(reader.tensors)} tensors {types}, {checked} values bit-identical")
    return checked


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    tool, model = sys.argv[1], sys.argv[2]
    failures = []
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="quanta_py_") as tmp:
        check_random_blocks(tool, tmp, failures)
        model_skipped = not os.path.exists(model)
        if model_skipped:
            print(f"skipped part (b): {model} is absent (scripts/fetch-model.sh fetches it)")
        else:
            check_model(tool, model, tmp, failures)
    print(f"time: {time.monotonic() - start:.1f} s, gguf {package_version('gguf')}, numpy {np.__version__}")
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        return 1
    return SKIP if model_skipped else 0


if __name__ == "__main__":
    sys.exit(main())
