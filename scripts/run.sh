#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds, fetches the default model and starts Quanta: the desktop app
# when there is a display, otherwise the command line (extra arguments go to the program).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
model=$(./scripts/fetch-model.sh)
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec build/bin/quanta "$model" "$@"
fi
echo "No display: showing the default model with quanta-cli." >&2
exec build/bin/quanta-cli inspect "$model" "$@"
