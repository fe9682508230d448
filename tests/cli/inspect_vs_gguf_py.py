#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks `quanta-cli inspect` against an independent reader, PyPI gguf's GGUFReader:
same tensor count, architecture, block count and embedding length, in the text and JSON reports.
Usage: inspect_vs_gguf_py.py QUANTA_CLI MODEL.gguf   (exit 77 = skipped: model absent)"""
import json
import os
import re
import subprocess
import sys

from gguf import GGUFReader


def field_value(reader, key):
    field = reader.fields[key]
    value = field.parts[field.data[0]]
    if field.types[0].name == "STRING":
        return bytes(value).decode("utf-8")
    return int(value[0])


def main():
    cli, model = sys.argv[1], sys.argv[2]
    if not os.path.exists(model):
        print(f"skipped: {model} is absent")
        return 77
    reader = GGUFReader(model)
    arch = field_value(reader, "general.architecture")
    expected = {
        "tensors": len(reader.tensors),
        "architecture": arch,
        "block_count": field_value(reader, f"{arch}.block_count"),
        "embedding_length": field_value(reader, f"{arch}.embedding_length"),
    }

    text = subprocess.run([cli, "inspect", model], capture_output=True, text=True, check=True).stdout
    got_text = {
        "tensors": int(re.search(r"^Tensors \((\d+) in the file", text, re.M).group(1)),
        "architecture": re.search(r"^  Architecture +(\S+)$", text, re.M).group(1),
        "block_count": int(re.search(r"^  Block count +(\d+)$", text, re.M).group(1)),
        "embedding_length": int(re.search(r"^  Embedding length +(\d+)$", text, re.M).group(1)),
    }
    listed = len(re.findall(r"^  \S+\s+\S+\s+[\d x]+\s+\d+$", text.split("Tensors (", 1)[1].split("\nSize", 1)[0], re.M))

    report = json.loads(subprocess.run([cli, "inspect", "--json", model], capture_output=True, text=True,
                                       check=True).stdout)
    got_json = {
        "tensors": report["gguf_tensor_count"],
        "architecture": report["architecture"],
        "block_count": report["hyperparameters"]["block_count"],
        "embedding_length": report["hyperparameters"]["embedding_length"],
    }
    failures = []
    if got_text != expected:
        failures.append(f"text report {got_text} != gguf-py {expected}")
    if got_json != expected:
        failures.append(f"JSON report {got_json} != gguf-py {expected}")
    if listed != expected["tensors"]:
        failures.append(f"text tensor table lists {listed} rows, gguf-py reads {expected['tensors']} tensors")
    names = [t["name"] for t in report["tensors"]]
    if names != [t.name for t in reader.tensors]:
        failures.append("JSON tensor names differ from gguf-py's (order or spelling)")
    for failure in failures:
        print("FAIL:", failure)
    if not failures:
        print(f"ok: {expected}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
