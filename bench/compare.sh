#!/usr/bin/env bash
# One command for the whole comparison: Tutti, jacktrip -S and the UDP reflector under the same
# simulated load (N = 8 … 256), results and plot in bench/out/<time>/ (see compare.py --help).
# Needs the Debian packages jackd2 and jacktrip (for jacktrip -S) and python3; run it on a quiet
# machine: every figure is CPU time.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f hub-server/target/tutti.jar ] || [ ! -f hub-loadgen/target/loadgen.jar ] || [ ! -f hub-reflector/target/reflector.jar ]; then
  mvn -B -q package -Dmaven.test.skip=true
fi
exec python3 bench/compare.py "$@"
