#!/usr/bin/env bash
# One command: what recording every participant costs the audio engine (64 participants streaming,
# windows with a take running against windows without, in one hub run); table in
# bench/out/recording-<time>/results.md and docs/benchmarks.md (see bench/recording.py --help).
# About 4 minutes, and about 1.5 GB of takes per minute recorded at 64 participants (deleted with
# bench/out). Every figure is CPU time or timing on this machine: note what else runs on it.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -Dmaven.test.skip=true
exec python3 bench/recording.py "$@"
