#!/usr/bin/env bash
# Builds a command-line JackTrip 2.7.2 (JACK backend, no GUI, no Virtual Studio) from the upstream
# v2.7.2 source in source.tar.gz (MIT/GPL/LGPL, see LICENSE.md inside), for the real-client tests:
# most JackTrip users run a 2.x client, Debian ships 1.7.0.
#
# usage: build.sh [OUTDIR]   -> OUTDIR/jacktrip (default ~/.cache/tutti/jacktrip-2.7.2; about 2-5
#                               minutes on 2 cores; skipped when OUTDIR holds a build of this source)
# Needs (Debian): meson ninja-build g++ pkg-config qt6-base-dev libjack-jackd2-dev libsamplerate0-dev
# (tools/test-setup.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "${1:-$HOME/.cache/tutti/jacktrip-2.7.2}" && cd "${1:-$HOME/.cache/tutti/jacktrip-2.7.2}" && pwd)
# From the two files' contents only: sha256sum's output names their paths, and a checkout elsewhere
# (every fresh clone) then rebuilt for three minutes.
stamp=$(cat "$here/source.tar.gz" "$here/build.sh" | sha256sum | cut -c1-16)
# The version line, read without a pipe: "| head -1" closed the pipe while jacktrip still wrote, and
# with pipefail its SIGPIPE (exit 141) failed the whole set-up now and then.
version() { local v; v=$("$out/jacktrip" --version); echo "${v%%$'\n'*}"; }
if [ -x "$out/jacktrip" ] && [ "$(cat "$out/.source-stamp" 2>/dev/null)" = "$stamp" ]; then
  version
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xzf "$here/source.tar.gz"
cd "$work"
# linux/ only generates desktop metadata (needs Python's yaml and jinja2); a CLI build needs none of it.
sed -i "s/^subdir('linux')/# &/" meson.build
meson setup bld -Dnogui=true -Dnovs=true -Dnoupdater=true -Drtaudio=disabled -Djack=enabled \
  -Dqtversion=6 -Dnofeedback=true > "$out/meson.log" 2>&1 || { tail -20 "$out/meson.log"; exit 1; }
ninja -C bld -j"$(nproc)" > "$out/ninja.log" 2>&1 || { tail -20 "$out/ninja.log"; exit 1; }
cp bld/jacktrip "$out/jacktrip.new"
mv "$out/jacktrip.new" "$out/jacktrip"
echo "$stamp" > "$out/.source-stamp"
version
