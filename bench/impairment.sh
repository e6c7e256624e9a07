#!/usr/bin/env bash
# One command for the fewer-gaps comparison: Tutti against `jacktrip -S --bufstrategy 3` with real
# JackTrip clients through a userspace relay that impairs each direction (ImpairmentComparisonBench),
# and -q auto against a sweep of fixed depths and through a jitter episode (AutoDepthBench). Writes
# both into docs/benchmarks.md between markers of their own, one block per machine condition:
#   bench/impairment.sh            # a quiet machine          (block "quiet")
#   bench/impairment.sh --busy     # another process keeps one core about half busy (block "busy")
# Options after those go to Maven (e.g. -Dimpairment.seconds=10). Needs what tools/test-setup.sh
# installs; about 20 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
condition=quiet
if [ "${1:-}" = "--busy" ]; then
  condition=busy
  shift
fi
hog=""
cleanup() { if [ -n "$hog" ]; then kill "$hog" 2>/dev/null || true; pkill -f "while :; do :; done" || true; fi; }
trap cleanup EXIT
if [ "$condition" = busy ]; then
  (while true; do timeout 0.05 sh -c 'while :; do :; done'; sleep 0.05; done) & hog=$!
fi
started=$(date -u +%Y-%m-%dT%H:%MZ)
mvn -B -q -pl hub-server -am verify -Pimpairment -Dtest='ImpairmentComparisonBench,AutoDepthBench' \
    -Dsurefire.failIfNoSpecifiedTests=false -Djacktrip2.skip=true -DskipITs "$@"
cleanup; hog=""
python3 - "$condition" "$started" <<'PY'
import os, re, sys
from pathlib import Path
condition, started = sys.argv[1], sys.argv[2]
command = "bench/impairment.sh" + (" --busy" if condition == "busy" else "")
root = Path.cwd()
comparison = (root / "hub-server/target/impairment.md").read_text().strip()
depth = (root / "hub-server/target/auto-depth.md").read_text().strip()
load = open("/proc/loadavg").read().split()[:3]
what = "a quiet machine" if condition == "quiet" else "another process keeping one core about half busy"
block = (f"<!-- impairment-{condition}:begin (written by bench/impairment.sh; do not edit) -->\n"
         f"Run of {started}, `{command}`, {os.cpu_count()} CPUs, {what} (1-minute load average after: {load[0]}).\n\n"
         f"{comparison}\n\n{depth}\n<!-- impairment-{condition}:end -->")
doc = root / "docs/benchmarks.md"
text = doc.read_text()
pattern = rf"<!-- impairment-{condition}:begin.*?<!-- impairment-{condition}:end -->"
if re.search(pattern, text, flags=re.S):
    text = re.sub(pattern, lambda _: block, text, flags=re.S)
else:
    text += "\n" + block + "\n"
doc.write_text(text)
print(f"published to docs/benchmarks.md ({condition})")
PY
