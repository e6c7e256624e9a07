#!/usr/bin/env bash
# Installs what the tests talk to, on a fresh Debian machine: a real JACK server (jackd2),
# Debian's JackTrip 1.7.0 client, a real Prometheus (server and promtool), a real browser for the
# web pages (Debian's chromium and chromium-driver, which Selenium drives), openssl (the HTTPS
# test's certificate), what the deployment tests run deploy/ with (podman, buildah and debootstrap for
# the container image, systemd-analyze, cloud-init, Node.js for the Kubernetes check), and the packages to build
# the JackTrip 2.7.2 client from tools/jacktrip-2.7.2/, which it then builds (once; cached in
# ~/.cache/tutti of the user running it, where the tests look). The README's test command and
# .ci/run both start with it. Packages are installed with apt as root (through sudo when run as
# another user), and only when one is missing, so a second run asks for nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(jackd2 jacktrip prometheus iproute2 procps chromium chromium-driver openssl
          meson ninja-build g++ pkg-config qt6-base-dev libjack-jackd2-dev libsamplerate0-dev
          podman buildah debootstrap cloud-init systemd util-linux)
missing=()
for package in "${packages[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$package")
  fi
done
# Node.js and npm for the Kubernetes manifests' check: any installation will do, Debian's if none.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "test-setup: installing ${missing[*]} needs root (or sudo)" >&2; exit 1; }
    as_root=(sudo)
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  # cloud-init is here for its schema check only: it must not configure this machine at its next boot.
  if [[ " ${missing[*]} " == *" cloud-init "* ]]; then
    "${as_root[@]}" touch /etc/cloud/cloud-init.disabled
  fi
fi
tools/jacktrip-2.7.2/build.sh
