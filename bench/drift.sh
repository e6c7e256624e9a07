#!/usr/bin/env bash
# One command: the clock-drift run (a hub at -p 1 -q 4 and two groups of simulated clients whose
# sound cards run 200 ppm fast and slow, 10 minutes); table in bench/out/drift-<time>/results.md and
# docs/benchmarks.md (see bench/drift.py --help). Run it on a quiet machine: note what else runs on it.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -Dmaven.test.skip=true
exec python3 bench/drift.py "$@"
