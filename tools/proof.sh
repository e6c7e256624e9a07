#!/usr/bin/env bash
# Runs the README's test command on fresh clones, one after another, and stops at the first failure:
# the proof that the suite passes on a machine that stalls, quiet and with a competing load.
#
#   tools/proof.sh [--busy] [--first N] COUNT [COMMIT]
#
# Each run clones this repository at COMMIT (default HEAD) into a new directory under
# ${PROOF_DIR:-/var/tmp/tutti-proof}, runs `tools/test-setup.sh && mvn -B verify` there, and appends one
# line to results.txt: time, commit, mode, run number, exit status, tests run, wall time, and the first
# failures. A passing clone is deleted; a failing one is kept with its log (log-MODE-N.txt). With
# --busy a process keeps one core about half busy for the whole run (50 ms spinning, 50 ms asleep).
# While the file "pause" exists in PROOF_DIR, the next run waits (for work that must not share the
# machine with a run). Takes about 9 minutes a run on a 2-vCPU VM.
set -uo pipefail
mode=quiet
first=1
while [ $# -gt 0 ]; do
  case "$1" in
    --busy) mode=busy; shift ;;
    --first) first=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
count=${1:?usage: tools/proof.sh [--busy] [--first N] COUNT [COMMIT]}
repo=$(cd "$(dirname "$0")/.." && pwd)
commit=$(git -C "$repo" rev-parse --short "${2:-HEAD}") || exit 2
dir=${PROOF_DIR:-/var/tmp/tutti-proof}
mkdir -p "$dir"
load=""
trap '[ -n "$load" ] && kill $load 2>/dev/null' EXIT
for ((i = first; i < first + count; i++)); do
  while [ -e "$dir/pause" ]; do sleep 10; done
  clone="$dir/clone-$mode-$i"
  log="$dir/log-$mode-$i.txt"
  rm -rf "$clone"
  git clone -q "$repo" "$clone" && git -C "$clone" checkout -q "$commit" || exit 2
  if [ "$mode" = busy ]; then
    python3 -c '
import time
while True:
    end = time.monotonic() + 0.05
    while time.monotonic() < end:
        pass
    time.sleep(0.05)' &
    load=$!
  fi
  start=$(date +%s)
  (cd "$clone" && tools/test-setup.sh && mvn -B verify) > "$log" 2>&1
  rc=$?
  end=$(date +%s)
  if [ -n "$load" ]; then kill "$load"; wait "$load" 2>/dev/null; load=""; fi
  tests=$(grep -E "Tests run: [0-9]+, Failures" "$log" | grep -v " in " | awk -F'[ ,]+' '{s += $4} END {print s + 0}')
  failed=$(grep -E "<<< (FAILURE|ERROR)" "$log" | head -5 | tr '\n' ' ')
  echo "$(date -u +%FT%TZ) $commit $mode $i rc=$rc tests=$tests wall=$((end - start))s $failed" >> "$dir/results.txt"
  if [ $rc -ne 0 ]; then
    echo "run $i failed: $log, clone kept in $clone" >&2
    exit 1
  fi
  rm -rf "$clone"
done
