#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what Quanta needs on Debian 12 and only what is missing: idempotent, non-interactive.
#   scripts/install-deps.sh          build + test dependencies, Qt included
#   scripts/install-deps.sh --no-ui  without Qt (core, backends, CLI)
# Python reference tools (PyPI gguf, numpy) go into .venv/ in the repository (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

with_ui=1
for arg in "$@"; do
    case "$arg" in
        --no-ui) with_ui=0 ;;
        *) echo "install-deps.sh: unknown option '$arg'" >&2; exit 2 ;;
    esac
done

packages=(build-essential cmake ninja-build ccache pkg-config git ca-certificates
          libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev nlohmann-json3-dev
          clang libclang-rt-14-dev python3 python3-venv unzip)
# Evaluation texts for perplexity (scripts/eval-text.sh, docs/quality.md): the Debian FAQ in
# English and Korean.
packages+=(debian-faq debian-faq-ko)
# The Vulkan backend: headers and loader, the shader compiler, Mesa's llvmpipe (a CPU Vulkan device
# the backend's tests run on) and the Khronos validation layer the tests run with.
packages+=(libvulkan-dev glslc mesa-vulkan-drivers vulkan-validationlayers)
# The Debian package (scripts/package.sh, installer/, the package_install test): dpkg-shlibdeps
# computes its Depends; man-db checks the man page.
packages+=(dpkg-dev man-db)
if [ "$with_ui" = 1 ]; then
    packages+=(qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-qpa-plugins
               libqcustomplot-dev libqcustomplot2.1-qt6 libgl-dev xvfb xauth
               fonts-nanum) # a Korean font: the Korean UI (and its screenshots) need one
    # The package's icons are rendered from resources/quanta.svg (rsvg-convert); its desktop
    # entry and AppStream metainfo are validated by the package_install test.
    packages+=(librsvg2-bin desktop-file-utils appstream)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Reference tools for tests and dev scripts (never used at run time).
venv=.venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import gguf, numpy" 2>/dev/null; then
    echo "install-deps: installing the Python reference tools into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "gguf==0.19.0" "numpy>=1.26"
fi
