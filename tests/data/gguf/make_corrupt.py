#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes one small hand-made corrupt GGUF file per failure kind into corrupt/, its README.md, and
a few valid tiny files plus copies of the corrupt ones into tests/fuzz/corpus/ (seed corpus).

Deterministic, standard library only. Run from anywhere: python3 tests/data/gguf/make_corrupt.py
Layouts follow FORMATS.md §2 (little-endian, uint64 lengths, tight aligned data)."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORRUPT = os.path.join(HERE, "corrupt")
CORPUS = os.path.join(HERE, "..", "..", "fuzz", "corpus")

# GGUF value type ids
U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
# ggml tensor type ids used here
T_F32, T_F16, T_Q8_0, T_Q4_K = 0, 1, 8, 12


def u32(v): return struct.pack("<I", v)
def u64(v): return struct.pack("<Q", v)
def i64(v): return struct.pack("<q", v)


def gstr(s):
    b = s.encode() if isinstance(s, str) else s
    return u64(len(b)) + b


def kv(key, vtype, payload):
    return gstr(key) + u32(vtype) + payload


def kv_str(key, value): return kv(key, STR, gstr(value))
def kv_u32(key, value): return kv(key, U32, u32(value))


def tinfo(name, ne, ttype, offset, n_dims=None):
    n = len(ne) if n_dims is None else n_dims
    return gstr(name) + u32(n) + b"".join(i64(d) for d in ne) + u32(ttype) + u64(offset)


def pad(n, a=32): return (n + a - 1) // a * a


def gguf(kvs, tinfos, data=b"", version=3, n_tensors=None, n_kv=None, align=32, pad_header=True):
    head = (b"GGUF" + u32(version) + u64(len(tinfos) if n_tensors is None else n_tensors)
            + u64(len(kvs) if n_kv is None else n_kv) + b"".join(kvs) + b"".join(tinfos))
    if pad_header:
        head += b"\0" * (pad(len(head), align) - len(head))
    return head + data


ARCH = kv_str("general.architecture", "llama")
# A valid base: one F32 tensor of 4x2 (32 bytes of data).
DATA32 = bytes(range(32))
BASE_T = tinfo("token_embd.weight", [4, 2], T_F32, 0)
BASE = gguf([ARCH], [BASE_T], DATA32)


def arr(elem, count, payload=b""):
    return u32(elem) + u64(count) + payload


# (file, kind, ErrorCode, message fragment, bytes)
CASES = [
    ("bad_magic.gguf", "bad magic", "BadMagic", "magic", b"GGUX" + BASE[4:]),
    ("truncated_magic.gguf", "file shorter than the magic", "Truncated", "magic", b"GG"),
    ("version_1.gguf", "unsupported version 1", "UnsupportedVersion", "version 1",
     gguf([ARCH], [BASE_T], DATA32, version=1)),
    ("version_4.gguf", "unsupported version 4", "UnsupportedVersion", "version 4",
     gguf([ARCH], [BASE_T], DATA32, version=4)),
    ("version_big_endian.gguf", "big-endian-looking version 0x03000000", "UnsupportedVersion", "byte-swapped",
     gguf([ARCH], [BASE_T], DATA32, version=0x03000000)),
    ("truncated_header.gguf", "truncated header (inside n_tensors)", "Truncated", "n_tensors", BASE[:12]),
    ("truncated_kv.gguf", "truncated KV (inside the string value)", "Truncated", "key 0 ('general.architecture') value",
     gguf([ARCH], [], pad_header=False)[:24 + 28 + 4 + 8 + 2]),
    ("truncated_tensor_info.gguf", "truncated tensor info (inside ne[1])", "Truncated",
     "tensor info 0 ('token_embd.weight') ne[1]",
     gguf([ARCH], [BASE_T], pad_header=False)[:24 + len(ARCH) + 8 + 17 + 4 + 8 + 3]),
    ("truncated_data.gguf", "tensor data past EOF", "Truncated", "tensor info 0 ('token_embd.weight') offset",
     BASE[:-1]),
    ("absurd_tensor_count.gguf", "absurd tensor count", "Corrupt", "n_tensors",
     gguf([ARCH], [BASE_T], DATA32, n_tensors=1 << 62)),
    ("absurd_kv_count.gguf", "absurd KV count", "Corrupt", "n_kv", gguf([ARCH], [BASE_T], DATA32, n_kv=1 << 40)),
    ("string_length_past_eof.gguf", "string length past EOF", "Truncated", "key 0 name",
     gguf([u64(1000) + b"general.architecture" + u32(STR) + gstr("llama")], [], pad_header=False)),
    ("absurd_array_count.gguf", "absurd array count", "Corrupt", "array count",
     gguf([kv("tokenizer.ggml.scores", ARR, arr(F32, 1 << 50, b"\0" * 16))], [])),
    ("unknown_value_type.gguf", "unknown value type 13", "UnknownType", "value type",
     gguf([kv("general.x", 13, u32(0))], [])),
    ("unknown_array_type.gguf", "unknown array element type 13", "UnknownType", "array element type",
     gguf([kv("general.x", ARR, arr(13, 1, u32(0)))], [])),
    ("nested_array.gguf", "nested array", "Unsupported", "nested",
     gguf([kv("general.x", ARR, arr(ARR, 1, arr(U8, 1, b"\1")))], [])),
    ("bad_bool.gguf", "bool value other than 0/1", "Corrupt", "neither 0 nor 1",
     gguf([kv("general.flag", BOOL, b"\2")], [])),
    ("tensor_type_4.gguf", "removed tensor type 4 (Q4_2)", "UnknownType", "Q4_2",
     gguf([ARCH], [tinfo("token_embd.weight", [32, 2], 4, 0)], b"\0" * 64)),
    ("tensor_type_99.gguf", "unknown tensor type 99", "UnknownType", "unknown ggml type 99",
     gguf([ARCH], [tinfo("token_embd.weight", [4, 2], 99, 0)], DATA32)),
    ("dims_overflow.gguf", "dims whose product overflows int64", "Corrupt", "overflows",
     gguf([ARCH], [tinfo("token_embd.weight", [1 << 32, 1 << 32, 1 << 32], T_F32, 0)], DATA32)),
    ("n_dims_0.gguf", "n_dims 0", "Corrupt", "n_dims",
     gguf([ARCH], [tinfo("token_embd.weight", [], T_F32, 0)], DATA32)),
    ("n_dims_5.gguf", "n_dims 5", "Corrupt", "n_dims",
     gguf([ARCH], [tinfo("token_embd.weight", [4, 2, 1, 1, 1], T_F32, 0)], DATA32)),
    ("negative_dim.gguf", "negative dimension", "Corrupt", "ne[1]",
     gguf([ARCH], [tinfo("token_embd.weight", [4, -2], T_F32, 0)], DATA32)),
    ("data_offset_past_eof.gguf", "data offset past EOF", "Corrupt", "past the end",
     gguf([ARCH], [tinfo("token_embd.weight", [4, 2], T_F32, 1 << 40)], DATA32)),
    ("misaligned_offset.gguf", "misaligned data offset", "Corrupt", "not a multiple of alignment 32",
     gguf([ARCH], [tinfo("token_embd.weight", [4, 2], T_F32, 8)], DATA32 + DATA32)),
    ("duplicate_tensor_names.gguf", "duplicate tensor names", "Corrupt", "duplicate tensor name",
     gguf([ARCH], [BASE_T, tinfo("token_embd.weight", [4, 2], T_F32, 32)], DATA32 + DATA32)),
    ("duplicate_keys.gguf", "duplicate keys", "Corrupt", "duplicate key",
     gguf([ARCH, kv_str("general.architecture", "qwen2")], [])),
    ("empty_key.gguf", "empty key", "Corrupt", "key is empty", gguf([kv_str("", "llama")], [])),
    ("alignment_not_power_of_two.gguf", "general.alignment = 48", "Corrupt", "general.alignment",
     gguf([kv_u32("general.alignment", 48)], [BASE_T], DATA32, align=48)),
    ("alignment_zero.gguf", "general.alignment = 0", "Corrupt", "general.alignment",
     gguf([kv_u32("general.alignment", 0)], [BASE_T], DATA32)),
    ("alignment_wrong_type.gguf", "general.alignment stored as uint64", "Corrupt", "general.alignment",
     gguf([kv("general.alignment", U64, u64(32))], [BASE_T], DATA32)),
    ("tensor_name_64_bytes.gguf", "over-long tensor name (64 bytes)", "Corrupt", "limit is 63",
     gguf([ARCH], [tinfo("t" * 64, [4, 2], T_F32, 0)], DATA32)),
    ("empty_tensor_name.gguf", "empty tensor name", "Corrupt", "tensor name is empty",
     gguf([ARCH], [tinfo("", [4, 2], T_F32, 0)], DATA32)),
    ("ne0_not_block_multiple.gguf", "ne[0] not a multiple of the block size", "Corrupt", "block size 32",
     gguf([ARCH], [tinfo("token_embd.weight", [33, 1], T_Q8_0, 0)], b"\0" * 64)),
    ("data_start_past_eof.gguf", "padding before the data section missing", "Truncated", "data section",
     gguf([ARCH], [tinfo("token_embd.weight", [0], T_F32, 0)], pad_header=False)),
]


def valid_files():
    all_types = [
        ARCH,
        kv("t.u8", U8, b"\xff"), kv("t.i8", I8, b"\x80"), kv("t.u16", U16, struct.pack("<H", 65535)),
        kv("t.i16", I16, struct.pack("<h", -2)), kv_u32("t.u32", 7), kv("t.i32", I32, struct.pack("<i", -7)),
        kv("t.f32", F32, struct.pack("<f", 1.5)), kv("t.bool", BOOL, b"\1"), kv_str("t.str", "h\xe9llo"),
        kv("t.u64", U64, u64(1 << 63)), kv("t.i64", I64, i64(-(1 << 63))), kv("t.f64", F64, struct.pack("<d", -0.25)),
        kv("t.arr_str", ARR, arr(STR, 3, gstr("a") + gstr("") + gstr("<s>"))),
        kv("t.arr_f32", ARR, arr(F32, 2, struct.pack("<2f", 0.5, -1.0))),
        kv("t.arr_i32", ARR, arr(I32, 3, struct.pack("<3i", 1, -2, 3))),
        kv("t.arr_bool", ARR, arr(BOOL, 2, b"\0\1")), kv("t.arr_empty", ARR, arr(U8, 0)),
    ]
    q8 = bytes((i * 7) & 0xFF for i in range(544))
    example = gguf([ARCH], [tinfo("token_embd.weight", [64, 8], T_Q8_0, 0)], q8)  # FORMATS.md §2.1
    two = gguf([ARCH, kv_u32("general.alignment", 64)],
               [tinfo("a", [4, 2], T_F32, 0), tinfo("b", [3], T_F16, 64)], DATA32 + b"\0" * 32 + bytes(6) + b"\0" * 58,
               align=64)
    return [
        ("valid_minimal.gguf", BASE),
        ("valid_all_types.gguf", gguf(all_types, [BASE_T], DATA32)),
        ("valid_no_tensors.gguf", gguf([ARCH], [])),
        ("valid_formats_example.gguf", example),
        ("valid_align64_two_tensors.gguf", two),
        ("valid_version2.gguf", gguf([ARCH], [BASE_T], DATA32, version=2)),
    ]


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main():
    os.makedirs(CORRUPT, exist_ok=True)
    os.makedirs(CORPUS, exist_ok=True)
    names = set()
    for name, _, _, _, data in CASES:
        assert name not in names, name
        names.add(name)
        write(os.path.join(CORRUPT, name), data)
        write(os.path.join(CORPUS, "corrupt_" + name), data)
    for name, data in valid_files():
        write(os.path.join(CORPUS, name), data)
    lines = [
        "<!-- SPDX-License-Identifier: MIT -->",
        "# Hand-made corrupt GGUF files",
        "",
        "Generated by `../make_corrupt.py` (deterministic, Python standard library only); do not edit",
        "by hand. Each file breaks exactly one rule of FORMATS.md §2 on top of a small valid file.",
        "`tests/core/gguf/gguf_corrupt_test.cpp` opens each one and checks the ErrorCode and that the",
        "message contains the fragment (the field it names). Copies live in `tests/fuzz/corpus/` as",
        "`corrupt_*.gguf`, where the fuzz replay test feeds them to the fuzz target.",
        "",
        "| file | failure kind | ErrorCode | message contains |",
        "|---|---|---|---|",
    ]
    for name, kind, code, fragment, _ in CASES:
        lines.append(f"| `{name}` | {kind} | {code} | `{fragment}` |")
    write(os.path.join(CORRUPT, "README.md"), ("\n".join(lines) + "\n").encode())


if __name__ == "__main__":
    main()
