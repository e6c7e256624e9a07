#!/usr/bin/env bash
# One command: what a hub with nobody connected costs (Tutti as the README starts it, against
# jacktrip -S and its jackd) and how soon a first joiner is answered by a sleeping hub against a
# ticking one; table in bench/out/idle-<time>/results.md, and with --publish in docs/benchmarks.md
# (see bench/idle.py --help). About 2 minutes. CPU figures: note what else runs on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -Dmaven.test.skip=true
exec python3 bench/idle.py "$@"
