#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Debian package: installs what is missing, configures a Release build (build/, or the
# folder given), builds it and runs CPack (installer/CMakeLists.txt). Prints the .deb's path.
#   scripts/package.sh [BUILD_DIR] [cmake options...]
# Install it with: sudo apt install ./build/quanta_<version>_<arch>.deb
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    build=$1
    shift
fi

./scripts/install-deps.sh >&2
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j "$(nproc)" >&2
(cd "$build" && cpack -G DEB --config CPackConfig.cmake) >&2
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
deb=$(ls -t "$build"/quanta_"$version"_*.deb | head -n 1)
echo "$deb"
