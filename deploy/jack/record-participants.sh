#!/usr/bin/env bash
# Records every participant of a Tutti hub running with --jack into its own WAV file, through
# Tutti's JACK ports (tutti:<name>_receive_N). Stop with Ctrl-C; files are complete when it exits.
#
# usage: record-participants.sh [OUTDIR] [TUTTI_CLIENT] [SECONDS]
#   OUTDIR        where the WAVs go (default ./recordings/<date-time>)
#   TUTTI_CLIENT  Tutti's JACK client name (--jack-name, default tutti)
#   SECONDS       stop after this long (default: until Ctrl-C)
# env: JACK_DEFAULT_SERVER picks the JACK server (--jack-server).
set -euo pipefail
out=${1:-recordings/$(date +%Y%m%d-%H%M%S)}
client=${2:-tutti}
seconds=${3:-}
mkdir -p "$out"

# Participants are the distinct <name> in tutti:<name>_receive_<N>.
mapfile -t names < <(jack_lsp | sed -n "s/^${client}:\(.*\)_receive_[0-9]*\$/\1/p" | sort -u)
if [ ${#names[@]} -eq 0 ]; then
  echo "no participant ports on JACK client '$client' (is Tutti running with --jack?)" >&2
  exit 1
fi

pids=()
for name in "${names[@]}"; do
  mapfile -t ports < <(jack_lsp | grep -E "^${client}:${name}_receive_[0-9]+\$" | sort -V)
  # jack_rec connects the ports itself and writes 16-bit WAV at the server's rate.
  jack_rec -f "$out/$name.wav" ${seconds:+-d "$seconds"} -b 16 "${ports[@]}" &
  pids+=($!)
  echo "recording $name (${ports[*]}) -> $out/$name.wav"
done
trap 'kill -INT "${pids[@]}" 2>/dev/null' INT TERM
wait
