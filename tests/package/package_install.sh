#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The package_install test (tests/package/CMakeLists.txt):
#   package_install.sh BUILD_DIR VERSION DEFAULT_MODEL WITH_UI
# Packs BUILD_DIR with cpack, installs the .deb with dpkg, checks what it installed, removes it.
# Exit 77: skipped (not root and no passwordless sudo, or no dpkg).
set -euo pipefail

build=$1 version=$2 model=$3 with_ui=$4
marker=/var/lib/quanta-package-test.installed # written only while this test has quanta installed

fail() { echo "package_install: FAIL: $*" >&2; exit 1; }
skip() { echo "package_install: SKIP: $*" >&2; exit 77; }
step() { echo "--- $*"; }

command -v dpkg >/dev/null && command -v dpkg-deb >/dev/null || skip "dpkg is not installed"
command -v cpack >/dev/null || skip "cpack is not installed"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null || skip "needs root or passwordless sudo"
    sudo=(sudo -n)
fi
as_root() { "${sudo[@]}" "$@"; }

# One run at a time on a machine (several build trees may run their tests at once).
lock=/tmp/quanta-package-test.lock
[ -e "$lock" ] || { : >"$lock" && chmod 644 "$lock"; } 2>/dev/null || true
exec 9<"$lock"
command -v flock >/dev/null && { flock -w 300 9 || fail "another package_install run holds the lock"; }

# Never clobber a developer's install: a quanta package is only replaced when this test's marker
# says this test installed it (a run that was killed before it could remove it).
status=$(dpkg-query -W -f='${Status}' quanta 2>/dev/null || true)
if [ -n "$status" ] && [ "$status" != "unknown ok not-installed" ] && [ "${status##* }" != "config-files" ]; then
    if [ -f "$marker" ]; then
        echo "package_install: removing the quanta package a previous run of this test left installed"
        as_root dpkg -P quanta >/dev/null
        as_root rm -f "$marker"
    else
        fail "a quanta package is already installed ($status) and was not installed by this test;" \
             "remove it (sudo apt remove quanta) to run this test"
    fi
fi

tmp=$(mktemp -d /tmp/quanta-package-test.XXXXXX)
chmod 755 "$tmp"
installed=0
cleanup() {
    if [ "$installed" = 1 ]; then
        as_root dpkg -P quanta >/dev/null 2>&1 || true
        as_root rm -f "$marker"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

step "cpack"
cpack --config "$build/CPackConfig.cmake" -B "$tmp/pack" >"$tmp/cpack.log" 2>&1 || {
    cat "$tmp/cpack.log"; fail "cpack failed"; }
debs=("$tmp"/pack/quanta_*.deb)
[ -f "${debs[0]}" ] || { cat "$tmp/cpack.log"; fail "cpack wrote no quanta_*.deb"; }
deb=${debs[0]}
echo "$deb"
dpkg-deb -f "$deb" Package Version Depends Recommends
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "the package's version is not $version"
dpkg-deb -f "$deb" Depends | grep -q 'libc6' || fail "Depends was not computed (dpkg-shlibdeps)"

step "dpkg -i"
as_root touch "$marker"
installed=1
as_root dpkg -i "$deb" || fail "dpkg -i failed (missing dependencies? run ./scripts/install-deps.sh)"
dpkg -L quanta | sort >"$tmp/files.txt"

# A user's data, in a temporary HOME: it must survive the removal.
export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/.local/share XDG_CONFIG_HOME=$tmp/home/.config
mkdir -p "$XDG_DATA_HOME/quanta" "$XDG_CONFIG_HOME/Quanta"
echo "user data" >"$XDG_DATA_HOME/quanta/quanta.db"

step "quanta-cli"
out=$(/usr/bin/quanta-cli --version)
echo "$out"
[[ "$out" == *"$version"* ]] || fail "quanta-cli --version does not print $version"
/usr/bin/quanta-cli --help >/dev/null || fail "quanta-cli --help failed"
if [ -f "$model" ]; then
    /usr/bin/quanta-cli inspect "$model" >"$tmp/inspect.txt" || fail "quanta-cli inspect $model failed"
    head -5 "$tmp/inspect.txt"
else
    echo "(no $model: skipping quanta-cli inspect; ./scripts/fetch-model.sh downloads it)"
fi

step "man page"
grep -qx '/usr/share/man/man1/quanta-cli.1.gz' "$tmp/files.txt" || fail "no quanta-cli.1.gz in the package"
if command -v man >/dev/null; then
    man -w quanta-cli | grep -q '/usr/share/man/man1/quanta-cli.1.gz' || fail "man -w quanta-cli does not find the page"
fi
zcat /usr/share/man/man1/quanta-cli.1.gz | grep -q '^\.TH QUANTA-CLI 1' || fail "the man page is not troff"

if [ "$with_ui" = 1 ]; then
    step "quanta"
    out=$(QT_QPA_PLATFORM=offscreen /usr/bin/quanta --version)
    echo "$out"
    [[ "$out" == *"$version"* ]] || fail "quanta --version does not print $version"
    # The installed app starts in Korean: its translations are Qt resources inside the binary.
    QT_QPA_PLATFORM=offscreen timeout 60 /usr/bin/quanta --language ko --settings "$tmp/quanta.conf" \
        --database "$tmp/quanta-test.db" --evaluations "$tmp/evaluations-test.db" --screenshot "$tmp/ko.png" \
        || fail "the installed quanta did not start (--language ko --screenshot)"
    [ -s "$tmp/ko.png" ] || fail "the installed quanta saved no screenshot"

    step "desktop entry, metainfo, icons"
    desktop=/usr/share/applications/io.github.quanta.Quanta.desktop
    metainfo=/usr/share/metainfo/io.github.quanta.Quanta.metainfo.xml
    [ -f "$desktop" ] || fail "no $desktop"
    [ -f "$metainfo" ] || fail "no $metainfo"
    if command -v desktop-file-validate >/dev/null; then
        desktop-file-validate "$desktop" || fail "desktop-file-validate $desktop"
    else
        echo "(desktop-file-validate not installed: Debian desktop-file-utils)"
    fi
    if command -v appstreamcli >/dev/null; then
        # Errors and warnings fail; pedantic notes and infos are allowed.
        appstreamcli validate --no-net --no-color "$metainfo" || fail "appstreamcli validate $metainfo"
    else
        echo "(appstreamcli not installed: Debian appstream)"
    fi
    for size in 16 32 48 64 128 256 512; do
        png=/usr/share/icons/hicolor/${size}x${size}/apps/io.github.quanta.Quanta.png
        [ -f "$png" ] || fail "no $png"
        if command -v file >/dev/null; then
            file "$png" | grep -q "PNG image data, $size x $size" || fail "$png is not a ${size}x${size} PNG"
        fi
    done
    [ -f /usr/share/icons/hicolor/scalable/apps/io.github.quanta.Quanta.svg ] || fail "no scalable icon"
fi

step "dpkg -r"
as_root env HOME="$HOME" dpkg -r quanta 2>&1 | tee "$tmp/remove.log"
grep -q '\.local/share/quanta' "$tmp/remove.log" || fail "the removal did not say where the user data is"
status=$(dpkg-query -W -f='${Status}' quanta 2>/dev/null || true)
[ -z "$status" ] || [ "$status" = "unknown ok not-installed" ] || [ "${status##* }" = "config-files" ] ||
    [ "${status##* }" = "not-installed" ] || fail "quanta is still installed: $status"
left=0
while IFS= read -r f; do
    if [ -e "$f" ] && [ ! -d "$f" ]; then
        echo "left after dpkg -r: $f" >&2
        left=1
    fi
done <"$tmp/files.txt"
[ "$left" = 0 ] || fail "files of the package are left after dpkg -r"
[ "$(cat "$XDG_DATA_HOME/quanta/quanta.db")" = "user data" ] || fail "the removal touched the user's data"

# dpkg keeps the postrm of a removed package until it is purged: purge, so nothing is left.
step "dpkg -P"
as_root env HOME="$HOME" dpkg -P quanta 2>&1 | tee "$tmp/purge.log"
installed=0
as_root rm -f "$marker"
grep -q '\.local/share/quanta' "$tmp/purge.log" || fail "the purge did not say where the user data is"
status=$(dpkg-query -W -f='${Status}' quanta 2>/dev/null || true)
[ -z "$status" ] || [ "${status##* }" = "not-installed" ] || fail "quanta is still known to dpkg after the purge: $status"
[ "$(cat "$XDG_DATA_HOME/quanta/quanta.db")" = "user data" ] || fail "the purge touched the user's data"
echo "package_install: OK"
