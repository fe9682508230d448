#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds, fetches the default model and starts Quanta: the desktop app
# when there is a display, otherwise a chat in the terminal (extra arguments go to the program);
# without a terminal either (a pipe, CI), the default model's summary.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
model=$(./scripts/fetch-model.sh)
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec build/bin/quanta "$model" "$@"
fi
if [ -t 0 ]; then
    echo "No display: chatting with the default model in the terminal (quanta-cli chat)." >&2
    exec build/bin/quanta-cli chat -m "$model" "$@"
fi
echo "No display and no terminal: showing the default model with quanta-cli inspect." >&2
exec build/bin/quanta-cli inspect "$model"
