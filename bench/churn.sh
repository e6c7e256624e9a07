#!/usr/bin/env bash
# One command: steady clients alone, then the same steady clients while others join and leave
# (10 joins/s, 3 s each), then alone again, in one hub run, for Tutti's embedded engine and for
# Tutti --jack on a dummy JACK server (--engines embedded,jack,reflector adds the reflector as a
# control for the load generator's own share); table in bench/out/churn-<time>/results.md (see
# churn.py --help).
# Needs the Debian package jackd2 (for --jack) and python3; every figure is CPU time or timing on
# this machine, so note what else runs on it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f hub-server/target/tutti.jar ] || [ ! -f hub-loadgen/target/loadgen.jar ] || [ ! -f hub-reflector/target/reflector.jar ]; then
  mvn -B -q package -Dmaven.test.skip=true
fi
exec python3 bench/churn.py "$@"
