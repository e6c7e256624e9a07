#!/usr/bin/env python3
"""Clock drift: a Tutti hub (-p 1, -q 4, embedded clock; a copy of hub-server/target/tutti.jar) and two
load generators on the same machine, --clients each, one whose sound cards run --ppm fast and one
--ppm slow (without correction each would gain or lose a packet every 128 / (48000 × ppm × 1e-6) s),
loopback expectation, --seconds measured after a 10 s warm-up.

Per group of clients: the drift the hub estimated (tutti_participant_clock_drift_ratio, read 90 s
in and at the end), the hub's jitter-buffer underruns, overruns and concealed frames after the first
minute (the start-up burst is trimmed in it), and what the clients saw: packets lost, sequence gaps,
playout underruns and the round trip through the hub.
Writes bench/out/drift-<time>/results.md and puts it into docs/benchmarks.md between its markers
(--no-publish: don't). Loopback only.

  bench/drift.py [--clients 4] [--ppm 200] [--seconds 600] [--no-publish]
"""
import argparse, json, re, shutil, subprocess, sys, time, urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.dont_write_bytecode = True
import compare  # noqa: E402
from churn import loadavg  # noqa: E402
from pages import stop, publish  # noqa: E402

ROOT = compare.ROOT
TCP, UDP, HTTP = compare.TCP, compare.UDP, compare.HTTP
WARMUP = 10
FIRST_MINUTE = 60
DRIFT_READ_AT = 90


def per_participant(text, name):
    """{participant: value} of one per-participant series in Prometheus text."""
    pattern = rf'^{re.escape(name)}\{{participant="([^"]+)",?\}} (\S+)$'
    return {who: float(value) for who, value in re.findall(pattern, text, re.M)}


def metrics():
    return urllib.request.urlopen(f"http://127.0.0.1:{HTTP}/metrics", timeout=5).read().decode()


def counters(text):
    return {name: per_participant(text, f"tutti_participant_{name}_total")
            for name in ("underruns", "overruns", "concealed_frames", "arrival_stalls")}


def start_hub(run, jar):
    state = run / "state"
    cmd = ["java", *compare.JVM, "-jar", str(jar), "-B", str(TCP), "-U", str(UDP), "-p", "1", "-q", "4",
           "--http-port", str(HTTP), "--state-dir", str(state)]
    hub = compare.spawn(cmd, stdout=open(run / "tutti.log", "w"), stderr=subprocess.STDOUT)
    compare.wait_listening(TCP, hub)
    (run / "commands.txt").open("a").write(" ".join(cmd) + "\n")
    return hub


def start_loadgen(run, group, clients, ppm, seconds):
    cmd = ["java", "-jar", str(compare.LOADGEN), "-P", str(TCP), "-n", str(clients), "-d", str(seconds),
           "--warmup", str(WARMUP), "-e", "loopback", "--drift", str(ppm), "--name-prefix", group,
           "-o", str(run / f"{group}.json")]
    (run / "commands.txt").open("a").write(" ".join(cmd) + "\n")
    return compare.spawn(cmd, stdout=open(run / f"{group}.log", "w"), stderr=subprocess.STDOUT)


def spread(values, scale=1.0, digits=1):
    if not values:
        return "–"
    low, high = min(values) * scale, max(values) * scale
    return f"{low:+.{digits}f} … {high:+.{digits}f}"


def group_row(group, ppm, clients, drift_at_90, drift_at_end, before, after, gaps, result):
    def mine(series):
        return {who: value for who, value in series.items() if who.startswith(group)}
    def after_first_minute(name):
        start, end = mine(before[name]), mine(after[name])
        return [end[who] - start.get(who, 0.0) for who in end]
    steady = result["steady"]
    under, over, concealed, stalls = (after_first_minute(n)
                                      for n in ("underruns", "overruns", "concealed_frames", "arrival_stalls"))
    longest = max(mine(gaps).values(), default=float("nan"))
    return (f"| {clients} clients at {ppm:+g} ppm | {spread(list(mine(drift_at_90).values()), 1e6)} ppm "
            f"| {spread(list(mine(drift_at_end).values()), 1e6)} ppm "
            f"| {max(under, default=float('nan')):.0f} / {max(over, default=float('nan')):.0f} / "
            f"{max(concealed, default=float('nan')):.0f} "
            f"| {min(stalls, default=float('nan')):.0f}–{max(stalls, default=float('nan')):.0f}, {longest * 1e3:.0f} ms "
            f"| {steady['seq_lost']} / {steady['seq_gap_events']} / {steady['playout_underruns']} "
            f"| {steady['rtt_p50_ms']:.1f} / {steady['rtt_p99_ms']:.1f} / {steady['rtt_max_ms']:.1f} ms |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4, help="clients per group (one fast, one slow group)")
    parser.add_argument("--ppm", type=float, default=200)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--no-publish", action="store_true")
    args = parser.parse_args()
    if args.seconds < DRIFT_READ_AT + 10:
        parser.error(f"--seconds must be at least {DRIFT_READ_AT + 10}: the drift is read {DRIFT_READ_AT} s in")
    started = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime())
    run = ROOT / "bench/out" / time.strftime("drift-%Y%m%d-%H%M%S")
    run.mkdir(parents=True)
    jar = run / "tutti.jar"
    shutil.copy(compare.TUTTI, jar)  # a rebuild during the run must not change the hub under test
    groups = [("fast", args.ppm), ("slow", -args.ppm)]
    hub = start_hub(run, jar)
    loadgens = []
    try:
        loadgens = [start_loadgen(run, group, args.clients, ppm, args.seconds) for group, ppm in groups]
        began = time.time()
        time.sleep(WARMUP + FIRST_MINUTE)
        minute = metrics()
        (run / "metrics-minute.txt").write_text(minute)
        before = counters(minute)
        time.sleep(max(0.0, began + WARMUP + DRIFT_READ_AT - time.time()))
        drift_at_90 = per_participant(metrics(), "tutti_participant_clock_drift_ratio")
        # The last reading a few seconds before the load generators finish: once they leave, their
        # participants' series go with them.
        time.sleep(max(0.0, began + WARMUP + args.seconds - 3 - time.time()))
        text = metrics()
        (run / "metrics-end.txt").write_text(text)
        for loadgen in loadgens:
            loadgen.wait(120)
            if loadgen.returncode != 0:
                raise RuntimeError(f"a load generator exited with {loadgen.returncode}: see {run}")
    finally:
        for loadgen in loadgens:
            stop(loadgen)
        stop(hub)
    after = counters(text)
    gaps = per_participant(text, "tutti_participant_arrival_gap_longest_seconds")
    late = compare.metric_from(text, "tutti_engine_late_periods_total") - compare.metric_from(
        minute, "tutti_engine_late_periods_total")
    periods = compare.metric_from(text, "tutti_engine_periods_total") - compare.metric_from(
        minute, "tutti_engine_periods_total")
    drift_at_end = per_participant(text, "tutti_participant_clock_drift_ratio")
    rows = [group_row(group, ppm, args.clients, drift_at_90, drift_at_end, before, after, gaps,
                      json.loads((run / f"{group}.json").read_text())) for group, ppm in groups]
    block = (f"Run of {started}, `bench/drift.py --clients {args.clients} --ppm {args.ppm:g} --seconds {args.seconds}`, "
             f"{len(groups) * args.clients} clients on the same machine as the hub (1-minute load average after: "
             f"{loadavg()[0]}).\n\n"
             "| clients | drift the hub estimated, 90 s in | at the end | hub underruns / overruns / concealed frames "
             "after the first minute (worst client) | arrival stalls after the first minute (fewest–most "
             "clients), longest gap | packets lost / sequence gaps / playout underruns (clients) "
             "| round trip p50 / p99 / max |\n|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
             f"The hub's engine after the first minute: {late:.0f} late periods of {periods:.0f}. An arrival stall "
             "(15 ms or more without a client's packets, then a burst) that every client shows at the same "
             "moment is the machine or the hub's network thread, not the clients' clocks.\n")
    (run / "results.md").write_text(block)
    print(block)
    if not args.no_publish:
        publish(block, marker="drift", script="bench/drift.py")


if __name__ == "__main__":
    main()
