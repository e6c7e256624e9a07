#!/usr/bin/env python3
"""Churn side by side: steady clients alone, then the same steady clients while others join and leave.

For each engine (Tutti's embedded clock, and Tutti --jack on a dummy JACK server this script starts
under a name of its own and stops by PID) one hub run and one load-generator process: N steady
clients stream for the whole run; after --alone seconds, churn clients start joining (--rate per
second, each staying --stay ± stay/2 s, named ch0001, ...) for --churn seconds; once the last of
them has left, --after seconds of the steady clients alone again show whether they recover. The load
generator reports the steady clients apart from the churners and per window, so all phases come
from the same hub, the same clients and the same minute. Hub-side figures (CPU of Tutti and of jackd, its
allocation rate and GC cycles, late periods, JACK xruns, the hub's own underrun count for the steady
participants) are sampled when the load generator announces each window. After the run it checks
that the hub and jackd are still up, that no participant (and no JACK port) is left behind, and
what the hub logged. `--engines embedded,jack,reflector` adds a control run against the UDP
reflector, which costs almost nothing per join: what churn does to the steady clients there is the
load generator's and the machine's own share.

Tutti runs -p 2 (everyone hears everyone but themselves), as in compare.py; clients are 48 kHz /
128 frames / 2 ch / 16-bit; gaps, underruns and the click latency are measured as in compare.py
(load generator -e mix). Results in bench/out/churn-<time>/ (results.md, results.json, logs).

  bench/churn.py [--engines embedded,jack[,reflector]] [--clients 16] [--alone 30] [--churn 30] [--after 20]
                 [--rate 10] [--stay 3]
"""
import argparse, json, os, re, signal, socket, subprocess, sys, time, urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.dont_write_bytecode = True  # no bench/__pycache__ from importing compare
import compare  # noqa: E402  (its process, CPU and metric helpers, and its ports and JVM options)

ROOT = compare.ROOT
TCP, UDP, HTTP = compare.TCP, compare.UDP, compare.HTTP


def loadavg():
    return Path("/proc/loadavg").read_text().split()[:3]


def metrics_text():
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{HTTP}/metrics", timeout=5).read().decode()
    except Exception:
        return ""


def metric_sum(text, name, label=None, pattern=None):
    """Sum of a metric's series, optionally only those whose `label` matches `pattern`."""
    total, found = 0.0, False
    for labels, value in re.findall(rf"^{re.escape(name)}(?:{{([^}}]*)}})? (\S+)$", text, re.M):
        if label is not None:
            m = re.search(rf'{label}="([^"]*)"', labels or "")
            if not m or not re.fullmatch(pattern, m.group(1)):
                continue
        total += float(value)
        found = True
    return total if found else float("nan")


def metric_by(text, name, label):
    return {m.group(1): float(m.group(2)) for m in re.finditer(
        rf'^{re.escape(name)}{{[^}}]*{label}="([^"]*)"[^}}]*}} (\S+)$', text, re.M)}


class JackServer:
    """A dummy-driver JACK server of this run only: unique name, stopped by PID, its /dev/shm state removed."""

    def __init__(self, out, env, prefix="churn", port_max=1024, realtime=False):
        self.name = f"{prefix}{os.getpid()}"
        self.env = env
        self.log = out / "jackd.log"
        # --port-max: each stereo participant has 4 ports; 16 steady + up to 64 churners is more than
        # jackd2's default of 256 (docs/jack.md).
        self.proc = compare.spawn(["jackd", *(["-R"] if realtime else []), "-n", self.name, "--port-max",
                                      str(port_max), "-d", "dummy", "-r", "48000", "-p", "128"],
                                     stdout=open(self.log, "w"), stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 15
        while subprocess.run(["jack_lsp", "-s", self.name], env=env, capture_output=True).returncode != 0:
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"jackd did not come up (see {self.log})")
            time.sleep(0.3)

    def ports(self):
        """Tutti's participant ports now (its own in_/out_ ports and spare ones are not counted), or None."""
        r = subprocess.run(["jack_lsp", "-s", self.name], env=self.env, capture_output=True, text=True, timeout=10)
        if r.returncode != 0:
            return None
        return [p for p in r.stdout.split() if p.startswith("tutti:") and not re.fullmatch(r"tutti:(in|out)_\d+", p)
                and not re.fullmatch(r"tutti:spare_\d+", p)]

    def spare_ports(self):
        """Ports Tutti keeps for participants yet to join (kept from those who left), or None."""
        r = subprocess.run(["jack_lsp", "-s", self.name], env=self.env, capture_output=True, text=True, timeout=10)
        if r.returncode != 0:
            return None
        return [p for p in r.stdout.split() if re.fullmatch(r"tutti:spare_\d+", p)]

    def xruns(self):
        return sum(1 for line in self.log.read_text(errors="ignore").splitlines() if "XRun" in line or "xrun" in line)

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for stale in Path("/dev/shm").glob(f"jack_sem.*_{self.name}_*"):
            stale.unlink(missing_ok=True)


def port_in_use(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def run_engine(engine, args, out):
    run = out / engine
    run.mkdir(parents=True, exist_ok=True)
    if port_in_use(TCP) or port_in_use(HTTP):
        raise RuntimeError(f"something already listens on TCP {TCP} or {HTTP}; is another hub or bench running?")
    env = dict(os.environ, JACK_NO_AUDIO_RESERVATION="1", JACK_NO_START_SERVER="1")
    jack = JackServer(run, env) if engine == "jack" else None
    hub = None
    reflector = engine == "reflector"
    samples = {}
    try:
        # GC cycles with wall-clock times, so they can be put into the windows (see gc_cycles).
        cmd = ["java", *compare.JVM, f"-Xlog:gc:file={run}/tutti-gc.log:time,uptime", "-jar", str(args.tutti_jar),
               "-B", str(TCP), "-U", str(UDP), "-p", "2", "--http-port", str(HTTP), "--state-dir", str(run / "state"),
               "--max-participants", "300"]
        if jack:
            cmd += ["--jack", "--jack-server", jack.name]
        if reflector:
            # The control: it echoes every packet and costs almost nothing per join, so what the steady
            # clients suffer from churn here is the load generator's and the machine's share.
            cmd = ["java", *compare.JVM, "-jar", str(compare.REFLECTOR), "-B", str(TCP), "-U", str(UDP), "-t", "epoll"]
        hub = compare.spawn(cmd, stdout=open(run / "tutti.log", "w"), stderr=subprocess.STDOUT, env=env)
        compare.wait_listening(TCP, hub)
        (run / "command.txt").write_text(" ".join(cmd) + "\n")

        def sample(tag):
            text = metrics_text()
            samples[tag] = {
                "t": time.time(), "load": loadavg(),
                "tutti_cpu": compare.cpu_seconds(hub.pid) if hub.poll() is None else float("nan"),
                "jackd_cpu": compare.cpu_seconds(jack.proc.pid) if jack and jack.alive() else 0.0,
                "late": metric_sum(text, "tutti_engine_late_periods_total"),
                "xruns": jack.xruns() if jack else 0,
                # The hub's own count of periods a steady participant's jitter buffer had nothing to play.
                "hub_underruns_steady": metric_sum(text, "tutti_participant_underruns_total", "participant", r"lg\d+"),
                "participants": metric_sum(text, "tutti_participants"),
                "heap_used": metric_sum(text, "jvm_memory_used_bytes", "area", "heap"),
                "kernel_drops": compare.udp_drops(),
            }

        # Joins stop after --churn s; the churn window lasts until the last stay (up to 1.5 × --stay) is over.
        duration = args.alone + args.churn + (1.5 * args.stay + 1 + args.after if args.after > 0 else 0)
        lg_cmd = ["java", "-jar", str(compare.LOADGEN), "-P", str(TCP), "-n", str(args.clients),
                  "-d", f"{duration:g}", "--warmup", str(args.warmup), "--ramp", "40",
                  "-e", "loopback" if reflector else "mix",
                  "--churn-rate", str(args.rate), "--churn-stay", str(args.stay),
                  "--churn-start-after", str(args.alone), "--seed", str(args.seed), "-i", "5",
                  *(["--churn-for", str(args.churn)] if args.after > 0 else []),
                  "-o", str(run / "loadgen.json")]
        (run / "command.txt").open("a").write(" ".join(lg_cmd) + "\n")
        loadgen = compare.spawn(lg_cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        churn_started = None
        with open(run / "loadgen.log", "w") as log:
            for line in loadgen.stdout:
                log.write(line)
                log.flush()
                if line.startswith("loadgen: measuring"):
                    sample("start")
                elif line.startswith("loadgen: churn starts"):
                    sample("churn")
                    churn_started = time.time()
                elif line.startswith("loadgen: churn over"):
                    sample("over")
                elif line.startswith("loadgen: measured"):
                    sample("end")
                elif (jack and churn_started and "mid_ports" not in samples and line.startswith("t=")
                      and time.time() - churn_started >= args.churn / 2):
                    ports = jack.ports() or []
                    samples["mid_ports"] = {"participant_ports": len(ports),
                                            "churner_ports": sum(1 for p in ports if p.startswith("tutti:ch"))}
        loadgen.wait(60)
        # Everyone has left now: give the hub a moment, then nothing of them may remain.
        time.sleep(args.settle)
        text = metrics_text()
        (run / "metrics-after.txt").write_text(text)
        after = {"tutti_alive": hub.poll() is None, "load": loadavg(), "reflector": reflector,
                 "participants": metric_sum(text, "tutti_participants"),
                 "handshakes": {k: v for k, v in metric_by(text, "tutti_handshakes_total", "outcome").items() if v},
                 "sessions_ended": {k: v for k, v in metric_by(text, "tutti_sessions_ended_total", "reason").items() if v}}
        if jack:
            after["jackd_alive"] = jack.alive()
            left = jack.ports()
            after["ports_left"] = len(left) if left is not None else None
            after["ports_left_names"] = (left or [])[:10]
            spares = jack.spare_ports()
            after["spare_ports"] = len(spares) if spares is not None else None
            after["xruns"] = jack.xruns()
        samples["after"] = after
    finally:
        # SIGTERM, not SIGINT: a JVM started from a non-interactive shell in the background inherits
        # SIGINT as ignored and would not stop; SIGTERM runs the same shutdown hooks.
        if hub is not None and hub.poll() is None:
            hub.send_signal(signal.SIGTERM)
            try:
                hub.wait(15)
            except subprocess.TimeoutExpired:
                hub.kill()
                hub.wait()
        if jack:
            jack.stop()
    (run / "samples.json").write_text(json.dumps(samples, indent=2))
    return report_engine(engine, run, args)


def report_engine(engine, run, args):
    """Rows and checks from a finished engine run's files (samples.json, loadgen.json, tutti.log)."""
    log_text = (run / "tutti.log").read_text(errors="ignore")
    warnings = [l for l in log_text.splitlines() if " WARN " in l or " ERROR " in l or "Exception" in l]
    warnings = [l for l in warnings if "operator token" not in l and "realtime" not in l.lower()]
    (run / "tutti-warnings.txt").write_text("\n".join(warnings) + "\n")
    result = json.loads((run / "loadgen.json").read_text()) if (run / "loadgen.json").exists() else {}
    samples = json.loads((run / "samples.json").read_text()) if (run / "samples.json").exists() else {}
    return rows_for(engine, result, samples, warnings, args, run)


def gc_cycles(path):
    """(wall time, MB before, MB after) of every GC cycle in a log written with -Xlog:gc:...:time,uptime."""
    from datetime import datetime
    cycles = []
    if path.exists():
        for stamp, before, after in re.findall(
                r"^\[([^\]]+)\].*? GC\(\d+\) Garbage Collection \([^)]*\) (\d+)M\(\d+%\)->(\d+)M",
                path.read_text(errors="ignore"), re.M):
            try:
                cycles.append((datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp(), int(before), int(after)))
            except ValueError:
                pass
    return cycles


def allocation(cycles, sa, sb):
    """Hub allocation in MB/s between two samples: heap growth plus what the GC cycles in between freed."""
    if not sa or not sb or sa.get("heap_used") is None or sa["heap_used"] != sa["heap_used"]:
        return float("nan"), float("nan")
    inside = [c for c in cycles if sa["t"] < c[0] <= sb["t"]]
    freed = sum(before - after for _, before, after in inside)
    mb = (sb["heap_used"] - sa["heap_used"]) / 2**20 + freed
    return round(mb / (sb["t"] - sa["t"]), 1), len(inside)


def rows_for(engine, result, samples, warnings, args, run=None):
    churn = result.get("churn", {})
    cycles = gc_cycles(run / "tutti-gc.log") if run else []
    rows = []
    windows = [("alone", "steady_alone", "start", "churn")]
    if "over" in samples:
        windows += [("churn", "steady_churn", "churn", "over"), ("after", "steady_after", "over", "end")]
    else:
        windows += [("churn", "steady_churn", "churn", "end")]
    for phase, section, a, b in windows:
        s = result.get(section, {})
        sa, sb = samples.get(a), samples.get(b)
        seconds = (sb["t"] - sa["t"]) if sa and sb else float("nan")
        alloc, gcs = allocation(cycles, sa, sb)

        def percent(key):
            """CPU seconds per second in the window, as % of one core."""
            return round(100 * (sb[key] - sa[key]) / seconds, 1) if sa and sb else float("nan")
        rows.append({
            "engine": engine, "phase": phase,
            "steady_streaming": result.get("clients", {}).get("streaming", 0),
            "seconds": s.get("seconds", float("nan")),
            # Lost packets heard as gaps (the reflector, loopback: breaks in the returned ramp).
            "gaps_per_s": round(s.get("audible_gaps", s.get("seq_gap_events", 0)) / s["seconds"], 3)
            if s.get("seconds") else float("nan"),
            "underruns_per_s": s.get("playout_underruns_per_s", float("nan")),
            "seq_lost": s.get("seq_lost", float("nan")),
            # Tutti: a click from one steady client heard in the others' mixes; the reflector: own audio back.
            "click_p50_ms": s.get("marker_p50_ms", s.get("rtt_p50_ms", float("nan"))),
            "click_p99_ms": s.get("marker_p99_ms", s.get("rtt_p99_ms", float("nan"))),
            "next_tone_pct": round(100 * s.get("peer_tone_present_ratio", float("nan")), 1),
            "hub_cpu_pct": percent("tutti_cpu"),
            "jackd_cpu_pct": percent("jackd_cpu") if engine == "jack" else float("nan"),
            "hub_alloc_mb_s": alloc, "hub_gc_cycles": gcs,
            "late_periods": (sb["late"] - sa["late"]) if sa and sb else float("nan"),
            "xruns": (sb["xruns"] - sa["xruns"]) if engine == "jack" and sa and sb else float("nan"),
            "hub_underruns_steady": (sb["hub_underruns_steady"] - sa["hub_underruns_steady"]) if sa and sb else float("nan"),
            "kernel_drops": (sb["kernel_drops"] - sa["kernel_drops"]) if sa and sb else float("nan"),
            "joined": churn.get("joined", 0) if phase == "churn" else 0,
            "left": churn.get("left", 0) if phase == "churn" else 0,
            "joins_per_s": churn.get("joins_per_s", 0) if phase == "churn" else 0,
            "leaves_per_s": churn.get("leaves_per_s", 0) if phase == "churn" else 0,
            "handshake_p99_ms": churn.get("handshake_p99_ms", float("nan")) if phase == "churn" else float("nan"),
            "loadgen_send_late_p99_ms": s.get("send_late_p99_ms", float("nan")),
            "loadgen_cpu_pct": s.get("loadgen_cpu_percent", float("nan")),
            "loadgen_gc_ms": s.get("loadgen_gc_ms", float("nan")),
            "load_1min": sa["load"][0] if sa else "?",
        })
    after = samples.get("after", {})
    checks = {
        "engine": engine,
        "hub_alive_after": after.get("tutti_alive"),
        "jackd_alive_after": after.get("jackd_alive", "n/a"),
        "participants_after": after.get("participants"),
        "jack_ports_left": after.get("ports_left", "n/a"),
        "jack_ports_left_names": after.get("ports_left_names", []),
        "jack_spare_ports_kept": after.get("spare_ports", "n/a"),
        "churner_ports_mid_churn": samples.get("mid_ports", {}).get("churner_ports", "n/a"),
        "joins_attempted": churn.get("joins_attempted"), "joined": churn.get("joined"), "failed": churn.get("failed"),
        "skipped_at_max": churn.get("skipped_at_max"), "left": churn.get("left"),
        "ended_by_hub": churn.get("ended_by_hub"), "active_max": churn.get("active_max"),
        "handshake_p50_ms": churn.get("handshake_p50_ms"), "handshake_max_ms": churn.get("handshake_max_ms"),
        "hub_handshakes": after.get("handshakes"), "hub_sessions_ended": after.get("sessions_ended"),
        "churners_underruns_per_s": result.get("churners", {}).get("playout_underruns_per_s"),
        "churners_click_p99_ms": result.get("churners", {}).get("marker_p99_ms",
                                                                result.get("churners", {}).get("rtt_p99_ms")),
        "hub_log_warnings": len(warnings), "hub_log_first_warnings": warnings[:5],
        "load_after": after.get("load"),
    }
    problems = []
    if not after.get("tutti_alive"):
        problems.append("Tutti exited")
    if engine == "jack" and not after.get("jackd_alive"):
        problems.append("jackd exited")
    if engine != "reflector" and after.get("participants") not in (0, 0.0):
        problems.append(f"{after.get('participants')} participants left on the hub")
    if engine == "jack" and after.get("ports_left") not in (0,):
        problems.append(f"JACK ports left behind: {after.get('ports_left')}")
    if engine == "jack" and (after.get("spare_ports") or 0) > 2 * 128:  # SparePorts.MAX_SPARE per direction
        problems.append(f"more spare JACK ports kept than the hub's cap: {after.get('spare_ports')}")
    if churn.get("failed"):
        problems.append(f"{churn.get('failed')} churn handshakes failed ({churn.get('first_error')})")
    if churn.get("active_at_end"):
        problems.append(f"{churn.get('active_at_end')} churn clients never left")
    checks["problems"] = problems
    return rows, checks


COLUMNS = [("engine", "engine"), ("phase", "phase"), ("steady_streaming", "steady clients"),
           ("gaps_per_s", "gaps/s"), ("underruns_per_s", "playout underruns/s"),
           ("click_p50_ms", "round trip p50 ms"), ("click_p99_ms", "round trip p99 ms"),
           ("next_tone_pct", "next client heard %"), ("hub_cpu_pct", "hub CPU %"), ("jackd_cpu_pct", "jackd CPU %"),
           ("hub_alloc_mb_s", "hub alloc MB/s"), ("hub_gc_cycles", "hub GC cycles"),
           ("late_periods", "late periods"), ("xruns", "JACK xruns"), ("hub_underruns_steady", "hub underruns (steady)"),
           ("joins_per_s", "joins/s"), ("leaves_per_s", "leaves/s"), ("handshake_p99_ms", "handshake p99 ms"),
           ("loadgen_send_late_p99_ms", "load gen send late p99 ms"), ("loadgen_gc_ms", "load gen GC ms"),
           ("load_1min", "load avg")]


def table(rows):
    lines = ["| " + " | ".join(h for _, h in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        lines.append("| " + " | ".join(fmt(r[k]) for k, _ in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def fmt(v):
    if isinstance(v, float):
        return "–" if v != v else (f"{v:.0f}" if v == int(v) and abs(v) >= 10 else f"{v:g}")
    return str(v)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="embedded,jack",
                        help="embedded, jack and (as a control for the load generator's own share) reflector")
    parser.add_argument("--clients", type=int, default=16, help="steady clients (default 16)")
    parser.add_argument("--alone", type=int, default=30, help="seconds of steady clients alone (default 30)")
    parser.add_argument("--churn", type=int, default=30, help="seconds with churn (default 30)")
    parser.add_argument("--after", type=int, default=20,
                        help="seconds of steady clients alone once churn is over (default 20; 0 = no third window)")
    parser.add_argument("--rate", type=float, default=10, help="churn joins per second (default 10)")
    parser.add_argument("--stay", type=float, default=3, help="mean seconds a churn client stays (default 3, ± half)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds after the steady clients joined (default 5)")
    parser.add_argument("--settle", type=float, default=3, help="seconds after the run before checking what is left")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tutti-jar", type=Path, default=compare.TUTTI, help="default hub-server/target/tutti.jar")
    parser.add_argument("--report", type=Path, metavar="DIR", help="only rebuild results.md of a finished run in DIR")
    args = parser.parse_args()
    out = args.report or ROOT / "bench/out" / ("churn-" + time.strftime("%Y%m%d-%H%M%S"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"results in {out}; load average at start {' '.join(loadavg())}", flush=True)
    rows, checks = [], []
    for engine in args.engines.split(","):
        if args.report and not (out / engine).is_dir():
            continue
        print(f"{engine}: {args.clients} steady clients, {args.alone} s alone, then {args.churn} s of "
              f"{args.rate:g} joins/s staying {args.stay:g} s, then {args.after} s alone again", flush=True)
        try:
            r, c = report_engine(engine, out / engine, args) if args.report else run_engine(engine, args, out)
        except Exception as e:
            print(f"  failed: {e}", flush=True)
            r, c = [], {"engine": engine, "problems": [f"run failed: {e}"]}
        rows += r
        checks.append(c)
        for row in r:
            print("  " + "  ".join(f"{k}={row[k]}" for k, _ in COLUMNS), flush=True)
        for p in c.get("problems", []):
            print(f"  PROBLEM: {p}", flush=True)
    command = out / "churn-command.txt"
    if not args.report:
        command.write_text(" ".join(["bench/churn.sh", *sys.argv[1:]]).strip() + "\n")
    loads = [c.get("load_after") for c in checks if c.get("load_after")]
    header = (f"`{command.read_text().strip() if command.exists() else 'bench/churn.sh'}` — run {out.name}, "
              f"{os.cpu_count()} CPUs; 1-minute load average per window in the table, after each engine's run "
              f"{', '.join(l[0] for l in loads)}\n\n")
    md = header + table(rows) + "\nChecks after each run:\n\n"
    for c in checks:
        md += f"- {c['engine']}: " + ", ".join(f"{k} {v}" for k, v in c.items()
                                                if k not in ("engine", "hub_log_first_warnings", "jack_ports_left_names")) + "\n"
        for w in c.get("hub_log_first_warnings", []):
            md += f"  - hub log: `{w}`\n"
    (out / "results.md").write_text(md)
    (out / "results.json").write_text(json.dumps({"rows": rows, "checks": checks}, indent=2))
    print("\n" + md)
    return 1 if any(c.get("problems") for c in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
