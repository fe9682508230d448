#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Saves the README's screenshots into docs/screenshots/: the real app under Xvfb with the default
# model (chat after a streamed reply, the memory estimate, the model's details, Settings; the
# studio: the quantize dialog, the running queue, the quality charts of its real Q8_0, Q4_K_M,
# NF4 and INT8 quantizations, written into models/, and a comparison), chat and Settings in
# Korean (ko-*.png), and the first-run panel. Settings and conversations go to a
# temporary folder, never the user's. Needs what ./scripts/run.sh installs and builds.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
model=$(./scripts/fetch-model.sh)
./scripts/eval-text.sh # the studio measures quality on data/eval/debian-faq.en.txt
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" --target quanta

out=docs/screenshots
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A fixed seed and a moderate temperature: the same reply every time the script runs.
printf '[sampling]\nseed=42\ntemperature=0.7\n' >"$work/en.conf"
cp "$work/en.conf" "$work/ko.conf"

shoot() { # name of the run, then the app's arguments
    local run=$1
    shift
    echo "screenshots: $run" >&2
    QT_QPA_PLATFORM=xcb timeout 300 xvfb-run -a -s "-screen 0 1440x900x24" build/bin/quanta "$@"
}
shoot english "$model" --settings "$work/en.conf" --database "$work/en.db" --evaluations "$work/en-eval.db" \
    --language en --screenshots "$out"
shoot korean "$model" --settings "$work/ko.conf" --database "$work/ko.db" --evaluations "$work/ko-eval.db" --language ko --screenshots "$out" \
    --screenshot-prefix ko- # the same English question: the default model knows little Korean
shoot first-run --settings "$work/first.conf" --database "$work/first.db" --evaluations "$work/first-eval.db" --language en --screenshots "$out"

# Non-blank: a PNG of one colour compresses to a few kilobytes.
for png in "$out"/{chat,estimate,model,settings,first-run,ko-chat,ko-settings,quantize-dialog,quantize-queue,compare}.png \
    "$out"/chart-{perplexity,pareto,chunks,kld}.png; do
    size=$(stat -c %s "$png")
    if [ "$size" -lt 15000 ]; then
        echo "screenshots: $png is only $size bytes: blank?" >&2
        exit 1
    fi
done
rm -f "$out/main-window.png" "$out"/ko-{estimate,model}.png
ls -l "$out"
