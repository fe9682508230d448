#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fuzz the GGUF reader with libFuzzer for SECONDS (default 60):
#   scripts/fuzz.sh 300
# Builds build-fuzz/ with clang (QUANTA_FUZZ=ON, UI off), runs gguf_fuzzer on a work copy of the
# seed corpus (tests/fuzz/corpus-work/, git-ignored; new interesting inputs accumulate there),
# prints the executions and coverage, and copies every crashing input into tests/fuzz/corpus/ so
# that fuzz_corpus_replay keeps replaying it. Exit status: 0 clean, 1 when a crash was found.
# Environment: FUZZ_BUILD_JOBS (default 2), FUZZ_ARGS (extra libFuzzer flags, default -entropic=0).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 SECONDS" >&2
    exit 2
fi
if ! command -v clang++ >/dev/null 2>&1; then
    echo "fuzz.sh: clang++ not found (libFuzzer needs clang)" >&2
    exit 2
fi

cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
      -DCMAKE_CXX_COMPILER=clang++ -DQUANTA_FUZZ=ON -DQUANTA_BUILD_UI=OFF -DQUANTA_VULKAN=OFF \
      -DQUANTA_CUDA=OFF >/dev/null
cmake --build build-fuzz --target gguf_fuzzer -j "${FUZZ_BUILD_JOBS:-2}"

work=tests/fuzz/corpus-work
artifacts=build-fuzz/fuzz-artifacts
mkdir -p "$work" "$artifacts"
cp -n tests/fuzz/corpus/* "$work"/ 2>/dev/null || true
cp -n tests/data/gguf/corrupt/*.gguf "$work"/ 2>/dev/null || true
rm -f "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*

log=build-fuzz/fuzz.log
# Extra libFuzzer flags (FUZZ_ARGS, word-split). The default turns off the entropic power schedule:
# with clang 14's libFuzzer, a run that starts from a saturated corpus (no new feature found, the
# normal case once corpus-work has grown) keeps every feature in its "rare" list and spends over
# 80% of the time searching it (InputCorpus::UpdateFeatureFrequency); measured on this corpus:
# 769 exec/s with the schedule, 14,644 exec/s without (docs/reliability.md).
extra_args=${FUZZ_ARGS--entropic=0}
echo "== fuzzing for ${seconds}s ($(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)) =="
set +e
# shellcheck disable=SC2086 # extra_args is split into flags on purpose
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    build-fuzz/bin/gguf_fuzzer -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" $extra_args "$work" 2>&1 |
    tee "$log" | grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' | tail -n 5
status=${PIPESTATUS[0]}
set -e

echo "== result (full log: $log) =="
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" || true
echo "corpus: $(find "$work" -type f | wc -l) files in $work"

found=0
for f in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
    [ -e "$f" ] || continue
    found=1
    name=regression_$(basename "$f")
    cp "$f" "tests/fuzz/corpus/$name"
    echo "FINDING: $f -> tests/fuzz/corpus/$name"
done
if [ "$found" = 0 ] && [ "$status" != 0 ]; then
    echo "fuzz.sh: gguf_fuzzer exited with $status without a crash file; see $log" >&2
    exit 1
fi
[ "$found" = 0 ] && echo "no crashes"
exit "$found"
