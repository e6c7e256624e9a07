#!/usr/bin/env python3
"""What recording costs the audio engine: a hub (a copy of hub-server/target/tutti.jar) with --clients
simulated participants streaming (the load generator, everyone hears everyone but themselves), and
windows of --window s that alternate --rounds times: not recording, recording every participant and
the mix (POST /api/recording/start ... /stop), ..., not recording again at the end. Recording's cost
is each recording window's mean period cost against the mean of the windows just before and after
it, so that a drift of the machine over the run does not count as recording's. Per window: the
engine's mean and p99 period cost, late periods, kernel drops, the hub's CPU, and for the takes the
bytes written and the frames dropped (a disk that did not keep up).
Writes bench/out/recording-<time>/results.md and puts it into docs/benchmarks.md between its
markers (--no-publish: don't). Loopback only; the takes go to --record-dir (default: the run's folder).

  bench/recording.py [--clients 64] [--window 30] [--rounds 2] [--record-dir DIR] [--no-publish]
"""
import argparse, json, os, shutil, subprocess, sys, time, urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.dont_write_bytecode = True
import compare  # noqa: E402
from churn import loadavg  # noqa: E402
from pages import window, start_loadgen, stop, measure, publish  # noqa: E402

ROOT = compare.ROOT
TCP, UDP, HTTP = compare.TCP, compare.UDP, compare.HTTP


def start_hub(run, jar, record_dir):
    state = run / "state"
    cmd = ["java", *compare.JVM, "-jar", str(jar), "-B", str(TCP), "-U", str(UDP), "-p", "2",
           "--http-port", str(HTTP), "--state-dir", str(state), "--max-participants", "300",
           "--record-dir", str(record_dir)]
    hub = compare.spawn(cmd, stdout=open(run / "tutti.log", "w"), stderr=subprocess.STDOUT)
    compare.wait_listening(TCP, hub)
    (run / "commands.txt").open("a").write(" ".join(cmd) + "\n")
    return hub, (state / "operator.token").read_text().strip()


def api(token, method, path):
    request = urllib.request.Request(f"http://127.0.0.1:{HTTP}{path}", method=method,
                                     headers={"Authorization": f"Bearer {token}"})
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


def recording_window(hub, token, seconds):
    """One window with a take running; returns the engine's window and the take's status at its end."""
    api(token, "POST", "/api/recording/start")
    time.sleep(2)  # the take's files are open and its rings flowing
    a, b = measure(hub, seconds)
    api(token, "POST", "/api/recording/stop")
    deadline = time.time() + 30
    status = api(token, "GET", "/api/recording")
    while status["state"] not in ("stopped", "failed") and time.time() < deadline:
        time.sleep(0.5)
        status = api(token, "GET", "/api/recording")
    return a, b, status


def run_windows(args, run, jar, record_dir):
    hub, token = start_hub(run, jar, record_dir)
    loadgen = None
    try:
        loadgen = start_loadgen(run, args.clients, (2 * args.rounds + 1) * (args.window + 12) + 30, "recording")
        rows = [window(*measure(hub, args.window), "not recording", 0)]
        takes = []
        for round_ in range(1, args.rounds + 1):
            a, b, status = recording_window(hub, token, args.window)
            rows.append(window(a, b, f"recording ({round_})", 0))
            takes.append(status)
            time.sleep(3)
            rows.append(window(*measure(hub, args.window), f"not recording ({round_})", 0))
        return rows, takes
    finally:
        stop(loadgen)
        stop(hub)


def report(rows, takes, args, started, record_dir):
    head = ("| window | participants | engine period cost, mean / p99 | late periods | kernel drops | hub CPU |\n"
            "|---|---|---|---|---|---|")
    lines = [head]
    for r in rows:
        lines.append(f"| {r['window']} | {r['participants']} | {r['mean_us']:.1f} / {'≤ %.0f' % r['p99_us']} µs | "
                     f"{r['late']} of {r['periods']} | {r['drops']} | {r['cpu_pct']:.0f} % |")
    costs = [rows[i]["mean_us"] - (rows[i - 1]["mean_us"] + rows[i + 1]["mean_us"]) / 2
             for i in range(1, len(rows) - 1, 2)]
    take_lines = [f"- take {t['take']}: {t['state']}, {t['tracks']} tracks and the mix, {t['seconds']:.1f} s, "
                  f"{t['bytes'] / 1e6:.0f} MB, {t['droppedFrames']} frames dropped" + (f", error {t['error']}" if t.get('error') else "")
                  for t in takes]
    return (f"Run of {started}, `bench/recording.sh --clients {args.clients} --window {args.window} --rounds {args.rounds}`,"
            f" {os.cpu_count()} CPUs, load generator on the same machine, takes written to {record_dir}"
            f" (1-minute load average after: {loadavg()[0]}).\n\n" + "\n".join(lines)
            + "\n\nRecording's cost, each recording window against the mean of the windows before and after it: "
            + ", ".join(f"{c:+.1f} µs" for c in costs) + f" per period (of {1e6 * 128 / 48000:.0f} µs).\n\n"
            + "\n".join(take_lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--window", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2, help="recording windows, each between two without")
    parser.add_argument("--record-dir", type=Path)
    parser.add_argument("--no-publish", action="store_true")
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime())
    run = ROOT / "bench/out" / time.strftime("recording-%Y%m%d-%H%M%S")
    run.mkdir(parents=True)
    jar = run / "tutti.jar"
    shutil.copy(compare.TUTTI, jar)
    record_dir = args.record_dir or run / "takes"
    rows, takes = run_windows(args, run, jar, record_dir)
    block = report(rows, takes, args, started, "the run's folder" if args.record_dir is None else record_dir)
    (run / "results.md").write_text(block + "\n")
    print(block)
    if not args.no_publish:
        publish(block, "recording", "bench/recording.py", "## Recording")


if __name__ == "__main__":
    main()
