#!/usr/bin/env python3
"""JACK mode against the embedded engine, side by side in one run, at N = 32, 64, 128 simulated clients.

For each N, one JACK server of this run (`jackd -R -d dummy -r 48000 -p 128 --port-max 4096`) carries:
  1. embedded: Tutti on its own clock, and on the JACK server only `jack_thru` (a trivial pass-through
     client), so the JACK server's own xruns under this machine load are counted: the baseline;
  2. jack: Tutti `--jack` on that JACK server, a port per participant and channel, none connected.
Each row: the hub's CPU, jackd's CPU, JACK xruns (jackd's log), Tutti's late periods, kernel drops and
what the clients saw (gaps, round trip), measured as bench/compare.py measures (same load generator,
`-p 2` with personal mixes). The targets (docs/benchmarks.md#jack-mode): JACK mode's hub CPU at most
1.2x the embedded engine's; at 64 and 128 no more xruns than with jack_thru; clients' gaps within 10 %.

  bench/jack.sh [--counts 32,64,128] [--seconds 20] [--jfr 64] [--jvm "OPTIONS"] [--no-publish]

Each row also writes threads.md: every hub and jackd thread's time on a CPU and time runnable but
waiting for one (/proc schedstat), so that a starved thread (the network thread behind kernel drops, a
late JACK process thread) shows up by name.

--jfr N records a Java Flight Recorder profile of the hub in JACK mode at N and prints where its
process thread spends its time (bench/out/<stamp>/jack-N/profile.txt). Loopback only; run it on a
quiet machine (every figure is CPU time).
"""
import argparse, collections, os, re, signal, subprocess, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (hubs, load generator runs, CPU and metric helpers)
from churn import JackServer  # noqa: E402
from pages import publish  # noqa: E402

ROOT = compare.ROOT
COLUMNS = ["engine", "n", "connected", "cpu_pct", "jackd_cpu_pct", "xruns", "jack_late_cycles", "late_periods", "recovered_periods",
           "skipped_periods", "kernel_drops", "net_wait_pct", "hub_unsent", "hub_socket_errors", "seq_lost_pct",
           "gaps_per_s", "rtt_p50_ms", "loadgen_cpu_pct"]


def beside(jackd, hubs):
    """What the row gets besides the hub's figures: jackd's CPU and xruns over the same window, and each hub
    and jackd thread's time on a CPU and time waiting for one ("t|process|thread|cpu" and "...|wait")."""
    def sample():
        figures = {"jackd_cpu_s": compare.cpu_seconds(jackd.proc.pid) if jackd.alive() else float("nan"),
                   "xruns": jackd.xruns(), "window_s": time.time(),
                   # Periods a stall took that were run again, and those given up on: every client misses
                   # a packet for each one given up on.
                   # --jack-engine async: cycles whose audio JACK got as silence, the engine not done in time
                   # (a dropout on Tutti's ports that JACK's xrun count does not show).
                   "jack_late_cycles": compare.metric("tutti_jack_engine_late_cycles_total"),
                   "recovered_periods": compare.metric("tutti_engine_recovered_periods_total"),
                   "skipped_periods": compare.metric("tutti_engine_skipped_periods_total"),
                   # What the hub numbered and sent, against what the clients received (seq lost): a packet
                   # it could not stage (unsent) or whose send failed (socket errors) is the hub's.
                   "hub_sent": compare.metric_sum("tutti_participant_packets_sent_total"),
                   "hub_unsent": compare.metric_sum("tutti_participant_packets_unsent_total"),
                   "hub_socket_errors": compare.metric_sum("tutti_participant_socket_errors_total")}
        for process, pid in (("hub", hubs[-1].procs[0].pid if hubs else None),
                             ("jackd", jackd.proc.pid if jackd.alive() else None)):
            if pid is None:
                continue
            for thread, (on_cpu, waiting) in compare.thread_times(pid).items():
                figures[f"t|{process}|{thread}|cpu"] = on_cpu
                figures[f"t|{process}|{thread}|wait"] = waiting
        return figures
    return sample


def thread_table(row, into):
    """The row's per-thread CPU and waiting shares of the window (% of one core), busiest first."""
    window = row["window_s"]
    threads = {}
    for key in [k for k in row if k.startswith("t|")]:
        _, process, thread, what = key.split("|")
        threads.setdefault((process, thread), {})[what] = 100 * row.pop(key) / window
    lines = [f"{row['engine']} at {row['n']}: threads of the hub and jackd over the {window:.1f} s window",
             "| process | thread | on a CPU, % of one core | runnable but waiting, % |", "|---|---|---|---|"]
    for (process, thread), share in sorted(threads.items(), key=lambda t: -t[1].get("cpu", 0)):
        if share.get("cpu", 0) >= 0.5 or share.get("wait", 0) >= 0.5:
            lines.append(f"| {process} | {thread} | {share.get('cpu', 0):.1f} | {share.get('wait', 0):.1f} |")
    into.write_text("\n".join(lines) + "\n")
    print("\n".join(lines), flush=True)
    return threads


def run_row(engine, n, args, out, jackd, env):
    jvm = args.jvm.split()
    if engine == "jack" and n == args.jfr:
        jvm += [f"-XX:StartFlightRecording=filename={out}/jack-{n}/hub.jfr,settings=profile"]
    options = ["--jack", "--jack-server", jackd.name, *args.jack_options.split()] if engine == "jack" else []
    thru = None
    if engine == "embedded":
        thru = compare.spawn(["jack_thru"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        time.sleep(1)
        if thru.poll() is not None:
            raise RuntimeError(f"jack_thru ended at once ({thru.returncode}): no xrun baseline")
    hubs = []

    def make_hub(run):
        hubs.append(compare.Hub("tutti", run, tutti_options=options, jvm_options=jvm))
        return hubs[-1]
    try:
        # A line a second in loadgen.json's timeline: when the clients' losses happen, against the xruns.
        row = compare.run_one(engine, n, args.seconds, out, make_hub=make_hub, beside=beside(jackd, hubs),
                              loadgen_args=["--interval", "1"])
    finally:
        if thru:
            thru.send_signal(signal.SIGTERM)
            thru.wait(10)
    row["engine"] = engine
    threads = thread_table(row, out / f"{engine}-{n}" / "threads.md")
    # The network thread starving is what kernel drops come from: its waiting share is in the table.
    row["net_wait_pct"] = round(sum(s.get("wait", 0) for (p, t), s in threads.items()
                                    if p == "hub" and t.startswith("tutti-net")), 1)
    row["jackd_cpu_pct"] = round(100 * row.pop("jackd_cpu_s") / row.pop("window_s"), 1)
    return row


def profile(jfr, into):
    """The process thread's samples by top frame, and by Tutti method anywhere on the stack."""
    text = subprocess.run(["jfr", "print", "--stack-depth", "64", "--events",
                           "jdk.ExecutionSample,jdk.NativeMethodSample", str(jfr)], capture_output=True, text=True).stdout
    top, anywhere, samples = collections.Counter(), collections.Counter(), 0
    for event in re.split(r"^jdk\.", text, flags=re.M)[1:]:
        # JFR names JACK's thread N/A (a native thread attached to the JVM); its stacks run the engine.
        thread = re.search(r"sampledThread = (.*)", event)
        if not thread or not (thread.group(1) == "N/A" or "tutti-jack-process" in thread.group(1)):
            continue
        frames = re.findall(r"^\s+([\w.$<>]+)\(", event, re.M)
        if not frames:
            continue
        samples += 1
        top[frames[0]] += 1
        for method in set(f for f in frames if f.startswith("org.tutti")):
            anywhere[method] += 1
    lines = [f"{samples} samples of JACK's process thread (JFR, settings=profile)", "", "top frame:"]
    lines += [f"  {100 * c / samples:5.1f} %  {m}" for m, c in top.most_common(15)] if samples else []
    lines += ["", "Tutti methods on the stack:"]
    lines += [f"  {100 * c / samples:5.1f} %  {m}" for m, c in anywhere.most_common(15)] if samples else []
    into.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def table(rows):
    lines = ["| engine | N | streaming | hub CPU % | jackd CPU % | JACK xruns | cycles the engine thread missed (silence on JACK) | late periods | periods run again "
             "| periods given up | kernel drops | network thread waiting for a CPU, % | packets the hub could not "
             "stage | failed sends | packets lost on the way back, % | gaps/s (all clients) "
             "| RTT p50 ms | load generator CPU % |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(c, "")) for c in COLUMNS) + " |")
    lines += ["", "| N | hub CPU, jack / embedded (target ≤ 1.2) | xruns, jack − jack_thru (target ≤ 0 at 64, 128) "
              "| gaps/s, jack / embedded (target ≤ 1.1) |", "|---|---|---|---|"]
    for n in sorted({r["n"] for r in rows}):
        pair = {r["engine"]: r for r in rows if r["n"] == n}
        if {"embedded", "jack"} <= pair.keys():
            e, j = pair["embedded"], pair["jack"]
            ratio = lambda a, b: f"{a / b:.2f}" if b else "n/a"
            lines.append(f"| {n} | {ratio(j['cpu_pct'], e['cpu_pct'])} | {j['xruns'] - e['xruns']} "
                         f"| {ratio(j['gaps_per_s'], e['gaps_per_s'])} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", default="32,64,128")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--jfr", type=int, default=0, help="profile the JACK-mode hub at this N")
    parser.add_argument("--no-publish", action="store_true")
    parser.add_argument("--jvm", default="", help="more JVM options for the hub (both engines), e.g. safepoint flags")
    parser.add_argument("--jack-options", default="", help="more hub options for the JACK row, e.g. --jack-engine sync")
    args = parser.parse_args()
    out = ROOT / "bench/out" / time.strftime("jack-%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    print(f"results in {out}", flush=True)
    env = dict(os.environ, JACK_NO_AUDIO_RESERVATION="1", JACK_NO_START_SERVER="1")
    rows = []
    for n in map(int, args.counts.split(",")):
        run = out / f"jackd-{n}"
        run.mkdir(parents=True, exist_ok=True)
        jackd = JackServer(run, env, prefix="jackbench", port_max=4096, realtime=True)
        env["JACK_DEFAULT_SERVER"] = jackd.name
        try:
            for engine in ("embedded", "jack"):
                print(f"{engine} with {n} clients", flush=True)
                rows.append(run_row(engine, n, args, out, jackd, env))
                (out / "results.md").write_text(table(rows))
        finally:
            jackd.stop()
        if n == args.jfr:
            profile(out / f"jack-{n}/hub.jfr", out / f"jack-{n}/profile.txt")
    block = table(rows)
    print(block)
    if not args.no_publish:
        cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                    if l.startswith("model name")), "unknown CPU")
        jfr = f" --jfr {args.jfr}" if args.jfr else ""
        jfr += f' --jvm "{args.jvm}"' if args.jvm else ""
        jfr += f' --jack-options "{args.jack_options}"' if args.jack_options else ""
        publish(f"Run {out.name}: `bench/jack.sh --counts {args.counts} --seconds {args.seconds}{jfr}` on "
                f"{os.cpu_count()} × {cpu}, load generator on the same machine.\n\n" + block,
                marker="jack", script="bench/jack.py", heading="## JACK mode")


if __name__ == "__main__":
    main()
