#!/usr/bin/env bash
# JACK mode against the embedded engine at N = 32, 64, 128 simulated clients, in one run (see
# jack.py --help); the table goes into docs/benchmarks.md. Needs jackd2 (jackd, jack_thru, jack_lsp)
# and python3; run it on a quiet machine: every figure is CPU time.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f hub-server/target/tutti.jar ] || [ ! -f hub-loadgen/target/loadgen.jar ]; then
  mvn -B -q package -Dmaven.test.skip=true
fi
exec python3 bench/jack.py "$@"
