#!/usr/bin/env bash
# Makes the two base images deploy/container/Containerfile builds on, from Debian's packages, for a
# machine that reaches Debian's mirror but not Docker Hub:
#   localhost/tutti-runtime-base — a minimal Debian 12 (debootstrap's minbase), as debian:bookworm-slim
#   localhost/tutti-build-base   — the same plus openjdk-17-jdk-headless and Maven (the build stage)
# and prints the --build-arg flags that select them. Needs root, debootstrap and podman. An image
# already made from this version of the script is kept (its tag carries the script's hash).
#   podman build $(deploy/container/local-bases.sh) --isolation chroot --network host \
#       -f deploy/container/Containerfile -t tutti .
set -euo pipefail
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
recipe=$(sha256sum < "$0" | cut -c1-12)
runtime=localhost/tutti-runtime-base:$suite-$recipe
build=localhost/tutti-build-base:$suite-$recipe
path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

if ! podman image exists "$runtime"; then
  root=$(mktemp -d -p /var/tmp)   # not /tmp: a nodev tmpfs there breaks debootstrap
  trap 'rm -rf "$root"' EXIT
  echo "local-bases: debootstrap $suite (about a minute)" >&2
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >&2
  # Package lists, downloaded packages and documentation are not needed to run the hub.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb "$root"/usr/share/doc/* \
         "$root"/usr/share/man/* "$root"/usr/share/info/*
  tar -C "$root" -c . | podman import --change "ENV PATH=$path" - "$runtime" >&2
  rm -rf "$root"
  trap - EXIT
fi
if ! podman image exists "$build"; then
  echo "local-bases: adding openjdk-17-jdk-headless and Maven for the build stage" >&2
  podman build --isolation chroot --network host -t "$build" -f - >&2 <<RECIPE
FROM $runtime
RUN mkdir -p /usr/share/man/man1 && apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless maven \
 && rm -rf /var/lib/apt/lists/*
RECIPE
fi
# Bases made by earlier versions of this script are not used any more.
for repository in localhost/tutti-runtime-base localhost/tutti-build-base; do
  for image in $(podman images --format '{{.Repository}}:{{.Tag}}' "$repository"); do
    case "$image" in
      "$runtime" | "$build") ;;
      *) podman rmi "$image" >&2 || echo "local-bases: kept $image (an image still uses it)" >&2 ;;
    esac
  done
done
echo "--build-arg BUILD_IMAGE=$build --build-arg RUNTIME_IMAGE=$runtime"
