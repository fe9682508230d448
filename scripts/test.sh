#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds, and runs every test:
#   1. the core tests and the fuzz corpus replay under ASan + UBSan (build-asan/, UI off)
#   2. the full build with warnings as errors and every test (build/); its CTest summary ends the output
# Environment: QUANTA_TEST_SKIP_ASAN=1 skips step 1 (for quick local runs only).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/fetch-model.sh >/dev/null

jobs=$(nproc)
export QT_QPA_PLATFORM=offscreen
export CTEST_OUTPUT_ON_FAILURE=1

if [ "${QUANTA_TEST_SKIP_ASAN:-0}" != 1 ]; then
    echo "== sanitizer build (ASan + UBSan) of the core tests =="
    cc=gcc; cxx=g++; fuzz=OFF
    if command -v clang++ >/dev/null 2>&1; then cc=clang; cxx=clang++; fuzz=ON; fi
    cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=$cc \
          -DCMAKE_CXX_COMPILER=$cxx -DQUANTA_SANITIZE=ON -DQUANTA_BUILD_UI=OFF -DQUANTA_FUZZ=$fuzz \
          -DQUANTA_VULKAN=OFF -DQUANTA_CUDA=OFF >/dev/null
    cmake --build build-asan -j "$jobs"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --test-dir build-asan -L 'core|fuzz' -j "$jobs"
fi

echo "== full build and tests =="
cmake -S . -B build -G Ninja -DQUANTA_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build -j "$jobs"
