#!/usr/bin/env bash
# One command: what the web pages cost the audio engine (128 participants streaming, 50 live pages
# open against none, in one hub run) and how smooth a singer's page is on a phone-sized, 4x slowed
# Chromium with 200 participants; table in bench/out/pages-<time>/results.md and docs/benchmarks.md
# (see bench/pages.py --help). Needs what tools/test-setup.sh installs (chromium, chromium-driver);
# about 4 minutes. Every figure is CPU time or timing on this machine: note what else runs on it.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -Dmaven.test.skip=true
exec python3 bench/pages.py "$@"
