#!/usr/bin/env bash
# Installs what the tests talk to, on a fresh Debian machine (as root): a real JACK server (jackd2),
# Debian's JackTrip 1.7.0 client, a real Prometheus (server and promtool), and the packages to build
# the JackTrip 2.7.2 client from tools/jacktrip-2.7.2/, which it then builds (once; cached in
# ~/.cache/tutti). The README's test command and .ci/run both start with it.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
    jackd2 jacktrip prometheus iproute2 procps \
    meson ninja-build g++ pkg-config qt6-base-dev libjack-jackd2-dev libsamplerate0-dev
tools/jacktrip-2.7.2/build.sh
