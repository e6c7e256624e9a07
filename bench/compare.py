#!/usr/bin/env python3
"""Tutti vs `jacktrip -S` vs a bare UDP reflector under the same simulated load, in one run.

For each hub and each N it starts the hub, runs the load generator (N simulated JackTrip clients,
48 kHz / 128 frames / 2 ch / 16-bit), and measures the hub's CPU (utime+stime from /proc, the
hub's own JACK server included for jacktrip), RSS, late periods (Tutti's /metrics; JACK xruns for
jacktrip), kernel UDP drops (/proc/net/snmp), and what the clients saw (gaps, round trip).
Writes bench/out/<stamp>/results.tsv, results.md and cpu.svg; a full run (all three hubs) also
puts the table and the plot into docs/benchmarks.md and docs/img/cpu-vs-participants.svg
(--no-publish: don't). Loopback only.

  bench/compare.py [--counts 8,16,32,64,128,256] [--seconds 20] [--hubs tutti,jacktrip,reflector] [--repeat K]
  (a hub "tutti:io_uring" is Tutti with --transport io_uring: rows per transport)
  bench/compare.py --soak [--soak-clients 128] [--seconds 600]   (its table: docs/benchmarks.md, marker "soak")
"""
import argparse, atexit, json, os, random, re, signal, subprocess, sys, time, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TUTTI = ROOT / "hub-server/target/tutti.jar"
LOADGEN = ROOT / "hub-loadgen/target/loadgen.jar"
REFLECTOR = ROOT / "hub-reflector/target/reflector.jar"
TCP, UDP, HTTP = 24464, 24500, 24480
TAIL = 10  # seconds the load generator streams after the hub's measuring window (see run_one)
JVM = ["-XX:+UseZGC", "-XX:-ZProactive", "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"]
TICKS = os.sysconf("SC_CLK_TCK")
STARTED = []


def spawn(command, **options):
    """subprocess.Popen, remembered: whatever a bench script started ends when the script does, however it
    ends (an exception, Ctrl-C, SIGTERM), so no hub, JACK server or load generator outlives a run."""
    proc = subprocess.Popen(command, **options)
    STARTED.append(proc)
    return proc


def end(proc, seconds=10):
    """SIGTERM, then SIGKILL after `seconds`; nothing if it has ended."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@atexit.register
def _end_all():
    for proc in reversed(STARTED):
        end(proc)


signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))  # so that atexit runs


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def thread_times(pid):
    """Per thread name of `pid` (threads of one name summed): seconds on a CPU and seconds runnable but
    waiting for one, from /proc/<pid>/task/*/schedstat. The waiting time is what starvation looks like:
    a thread that had work and no CPU."""
    times = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            name = (task / "comm").read_text().strip()
            on_cpu, waiting = (int(x) for x in (task / "schedstat").read_text().split()[:2])
        except (OSError, ValueError):
            continue  # the thread ended meanwhile
        total = times.setdefault(name, [0.0, 0.0])
        total[0] += on_cpu / 1e9
        total[1] += waiting / 1e9
    return times


def rss_mib(pid):
    """Resident memory as PSS: ZGC maps its heap three times, which VmRSS counts three times."""
    for name, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            for line in Path(name).read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
    return float("nan")


def udp_drops():
    lines = [l.split() for l in Path("/proc/net/snmp").read_text().splitlines() if l.startswith("Udp:")]
    table = dict(zip(lines[0][1:], map(int, lines[1][1:])))
    return table.get("RcvbufErrors", 0) + table.get("InErrors", 0)


def metric(name, port=HTTP):
    try:
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    except Exception:
        return float("nan")
    m = re.search(rf"^{re.escape(name)}(?:{{[^}}]*}})? (\S+)$", text, re.M)
    return float(m.group(1)) if m else float("nan")


def wait_listening(port, proc, seconds=20):
    import socket
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"hub exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


class Hub:
    """A hub under test: its processes (measured together) and how to read its late periods."""

    def __init__(self, kind, out, tutti_options=(), jvm_options=()):
        self.kind, self.out, self.procs = kind, out, []
        try:
            self._start(tutti_options, jvm_options)
        except BaseException:
            self.stop()  # what did start, before the next row needs the same ports
            raise

    def _start(self, tutti_options, jvm_options):
        kind, out = self.kind, self.out
        env = dict(os.environ, JACK_NO_AUDIO_RESERVATION="1")
        if kind == "tutti":
            state = out / "tutti-state"
            self.procs.append(spawn(["java", *JVM, *jvm_options, f"-Xlog:gc,gc+phases,safepoint:file={out}/tutti-gc.log", "-jar", str(TUTTI),
                "-B", str(TCP), "-U", str(UDP), "-p", "2", "--http-port", str(HTTP), "--state-dir", str(state),
                "--max-participants", "300", *tutti_options], stdout=open(out / "tutti.log", "w"), stderr=subprocess.STDOUT))
            wait_listening(TCP, self.procs[0])
            self.token = (state / "operator.token").read_text().strip()
        elif kind == "jacktrip":
            self.jack_name = f"bench{os.getpid()}"
            env["JACK_DEFAULT_SERVER"] = self.jack_name
            jackd = spawn(["jackd", "-R", "-n", self.jack_name, "--port-max", "4096", "-d", "dummy",
                "-r", "48000", "-p", "128"], stdout=open(out / "jackd.log", "w"), stderr=subprocess.STDOUT, env=env)
            self.procs.append(jackd)
            time.sleep(2)
            self.procs.append(spawn(["jacktrip", "-S", "-B", str(TCP), "-U", str(UDP), "-p", "2", "-q", "4"],
                stdout=open(out / "jacktrip.log", "w"), stderr=subprocess.STDOUT, env=env))
            wait_listening(TCP, self.procs[1])
        else:
            self.procs.append(spawn(["java", *JVM, "-jar", str(REFLECTOR), "-B", str(TCP), "-U", str(UDP),
                "-t", "epoll"], stdout=open(out / "reflector.log", "w"), stderr=subprocess.STDOUT))
            wait_listening(TCP, self.procs[0])

    def cpu(self):
        return sum(cpu_seconds(p.pid) for p in self.procs if p.poll() is None)

    def rss(self):
        return sum(rss_mib(p.pid) for p in self.procs if p.poll() is None)

    def late(self):
        if self.kind == "tutti":
            return metric("tutti_engine_late_periods_total")
        if self.kind == "jacktrip":
            return sum(1 for line in (self.out / "jackd.log").read_text(errors="ignore").splitlines() if "XRun" in line)
        return float("nan")

    def wait_participants(self, clients, seconds=30):
        """Tutti only: personal mixes name their sources, so every client must have joined first."""
        deadline = time.time() + seconds
        while self.kind == "tutti" and time.time() < deadline and not metric("tutti_participants") >= clients:
            time.sleep(0.5)

    def personalise(self, clients, share=0.10, seed=1):
        """Tutti only: 10% of every listener's sources get a personal gain (the 'personal mixes' case)."""
        if self.kind != "tutti":
            return
        rnd = random.Random(seed)
        names = [f"lg{i:03d}" for i in range(clients)]
        for name in names:
            others = [n for n in names if n != name]
            picked = rnd.sample(others, max(1, int(len(others) * share))) if others else []
            body = json.dumps({"preset": "everyone-but-me",
                               "sources": {n: {"gainDb": round(rnd.uniform(-18, 0), 1)} for n in picked}}).encode()
            request = urllib.request.Request(f"http://127.0.0.1:{HTTP}/api/mixes/{name}", data=body, method="PUT",
                headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
            try:
                urllib.request.urlopen(request, timeout=5).read()
            except Exception as e:
                print(f"  personal mix for {name} failed: {e}", file=sys.stderr)

    def stop(self):
        # Newest first, one at a time: jacktrip must close its JACK clients before jackd goes.
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM if self.kind == "jacktrip" and p is self.procs[0] else signal.SIGINT)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if self.kind == "jacktrip":
            # Whatever a killed client left of this run's own JACK server (JACK 2 keeps semaphores
            # in /dev/shm; stale ones pile up over many runs).
            for stale in Path("/dev/shm").glob(f"jack_sem.*_{self.jack_name}_*"):
                stale.unlink(missing_ok=True)


def run_one(kind, n, seconds, out, ramp=40, warmup=10, make_hub=None, beside=None, loadgen_args=()):
    """One hub under N clients. make_hub(run) builds the hub (default: Hub(kind, run)); beside() returns
    figures of other processes (a JACK server, say), sampled at the measuring window's ends: the row
    gets their differences. loadgen_args go to the load generator as they are."""
    run = out / f"{kind.replace(':', '-')}-{n}"  # a colon in a path breaks the JVM's -Xlog option
    run.mkdir(parents=True, exist_ok=True)
    hub = make_hub(run) if make_hub else Hub(kind, run)
    loadgen = None
    # Also over the whole run: the load generator's own measuring window is not the one below, and a
    # drop in the ramp or the warm-up still shows in what its clients count.
    run_drops0 = udp_drops()
    try:
        expect = "loopback" if kind == "reflector" else "mix"
        # The clients stream TAIL seconds past the hub's window: the window below starts only after the
        # joins, the personal mixes and the warm-up, and once ended the clients leave (series vanish,
        # the hub's CPU falls) before the window did.
        loadgen = spawn(["java", "-jar", str(LOADGEN), "-P", str(TCP), "-n", str(n), "-d", str(seconds + TAIL),
            "--warmup", str(warmup), "--ramp", str(ramp), "-e", expect, "-o", str(run / "loadgen.json"),
            *loadgen_args],
            stdout=open(run / "loadgen.log", "w"), stderr=subprocess.STDOUT)
        time.sleep(n / ramp + 1)
        hub.wait_participants(n)
        hub.personalise(n)
        time.sleep(max(0.5, warmup - 1))
        cpu0, drops0, late0, t0 = hub.cpu(), udp_drops(), hub.late(), time.time()
        side0 = beside() if beside else {}
        time.sleep(seconds - 1)
        cpu1, drops1, late1, t1 = hub.cpu(), udp_drops(), hub.late(), time.time()
        side1 = beside() if beside else {}
        rss = hub.rss()
        streaming_at_end = metric("tutti_participants") if hub.kind == "tutti" else n
        transport = metric_label("tutti_transport", "transport") if hub.kind == "tutti" else ""
        loadgen.wait(seconds + TAIL + 120)
        result = json.loads((run / "loadgen.json").read_text()) if (run / "loadgen.json").exists() else {}
    finally:
        if loadgen:
            end(loadgen)  # still running when a hub could not take everyone (seen with jacktrip -S at 128)
        hub.stop()
    steady, clients, lg_cpu = result.get("steady", {}), result.get("clients", {}), result.get("cpu", {})
    cpu_pct = 100 * (cpu1 - cpu0) / (t1 - t0)
    connected = clients.get("streaming", 0)
    row = {
        "hub": kind, "n": n, "connected": connected, "cpu_pct": round(cpu_pct, 1),
        "cpu_per_participant_pct": round(cpu_pct / max(1, connected), 3), "rss_mib": round(rss, 1),
        # Fewer than N here: clients left (or were dropped) inside the window, whose figures then mislead.
        "streaming_at_window_end": streaming_at_end,
        "transport": transport,  # Tutti's, as its /metrics says (--transport auto picks it)
        "late_periods": late1 - late0, "kernel_drops": drops1 - drops0,
        "kernel_drops_whole_run": udp_drops() - run_drops0,
        # A dropout is a packet lost on the way back or one later than the client's 4-packet playout
        # buffer allows (loopback: a broken ramp); per second, summed over all clients.
        "gaps_per_s": steady.get("dropouts_per_s", float("nan")),
        "seq_lost_pct": steady.get("seq_lost_percent", float("nan")),
        # Reflector: own audio back (ramp). Hubs: a click one client sends, heard in the others' mixes.
        "rtt_p50_ms": steady.get("rtt_p50_ms") if steady.get("rtt_count") else steady.get("marker_p50_ms", float("nan")),
        "rtt_p99_ms": steady.get("rtt_p99_ms") if steady.get("rtt_count") else steady.get("marker_p99_ms", float("nan")),
        "loadgen_cpu_pct": lg_cpu.get("percent_of_one_core", float("nan")),
    } | {key: side1[key] - side0[key] for key in side0}
    print("  " + "  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    return row


COLUMNS = ["hub", "n", "connected", "cpu_pct", "cpu_per_participant_pct", "rss_mib", "late_periods", "kernel_drops",
           "gaps_per_s", "seq_lost_pct", "rtt_p50_ms", "rtt_p99_ms", "loadgen_cpu_pct"]


def write_results(rows, out):
    with open(out / "results.tsv", "w") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for r in rows:
            f.write("\t".join(str(r[c]) for c in COLUMNS) + "\n")
    with open(out / "results.md", "w") as f:
        f.write("| hub | N | streaming | hub CPU % of a core | per participant % | memory MiB (PSS) | late periods | kernel drops "
                "| gaps/s (all clients) | seq lost % | RTT p50 ms | RTT p99 ms |\n|" + "---|" * 12 + "\n")
        for r in rows:
            f.write(f"| {r['hub']} | {r['n']} | {r['connected']} | {r['cpu_pct']} | {r['cpu_per_participant_pct']} | "
                    f"{r['rss_mib']} | {r['late_periods']} | {r['kernel_drops']} | {r['gaps_per_s']} | "
                    f"{r['seq_lost_pct']} | {r['rtt_p50_ms']} | {r['rtt_p99_ms']} |\n")
        f.write(targets(rows))
    plot(rows, out / "cpu.svg")


def targets(rows):
    """Tutti's CPU per participant as ratios to the reflector's and to jacktrip -S's at each N both ran, and
    the 256 row's late periods, kernel drops and gaps, each against its target (issue 17's), met or not."""
    def per(kind, n):
        row = next((r for r in rows if r["hub"] == kind and r["n"] == n and r["connected"] == n), None)
        return row["cpu_per_participant_pct"] if row and row["cpu_per_participant_pct"] else None
    transports = sorted({r.get("transport") for r in rows if r["hub"] == "tutti" and r.get("transport")})
    lines = ["", f"Tutti's transport: {', '.join(transports) or 'not reported'}.", "",
             "| N | Tutti / reflector, CPU per participant (target ≤ 1.0 at 128, 256) "
             "| Tutti / jacktrip -S (target ≤ 0.2 at 16) |", "|---|---|---|"]
    for n in sorted({r["n"] for r in rows}):
        tutti, reflector, jacktrip = per("tutti", n), per("reflector", n), per("jacktrip", n)
        if tutti is None:
            continue
        to_reflector = f"{tutti / reflector:.2f}" if reflector else "–"
        to_jacktrip = f"{tutti / jacktrip:.2f}" if jacktrip else "–"
        if reflector and n in (128, 256):
            to_reflector += " (met)" if tutti / reflector <= 1.0 else " (not met)"
        if jacktrip and n == 16:
            to_jacktrip += " (met)" if tutti / jacktrip <= 0.2 else " (not met)"
        lines.append(f"| {n} | {to_reflector} | {to_jacktrip} |")
    top = next((r for r in rows if r["hub"] == "tutti" and r["n"] == 256), None)
    if top:
        met = top["late_periods"] == 0 and top["kernel_drops"] == 0 and top["gaps_per_s"] < 1
        lines += ["", f"Tutti at 256 (target: 0 late periods, 0 kernel drops, under 1 gap/s over all clients): "
                      f"{top['connected']} streaming, {top['late_periods']:g} late periods, {top['kernel_drops']:g} kernel "
                      f"drops, {top['gaps_per_s']:g} gaps/s — {'met' if met else 'not met'}."]
    return "\n".join(lines) + "\n"


def plot(rows, path):
    """CPU against N, one line per hub, as a small self-contained SVG."""
    width, height, left, bottom, top, right = 640, 400, 60, 50, 20, 130
    hubs = sorted({r["hub"] for r in rows})
    counts = sorted({r["n"] for r in rows})
    ymax = max([r["cpu_pct"] for r in rows] + [10]) * 1.1
    def x(n): return left + (width - left - right) * (counts.index(n) / max(1, len(counts) - 1))
    def y(v): return height - bottom - (height - bottom - top) * v / ymax
    colours = {"tutti": "#1f77b4", "jacktrip": "#d62728", "reflector": "#2ca02c"}
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<line x1="{left}" y1="{height-bottom}" x2="{width-right}" y2="{height-bottom}" stroke="black"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height-bottom}" stroke="black"/>',
           f'<text x="{(width-right+left)/2}" y="{height-10}" text-anchor="middle">simulated participants (N)</text>',
           f'<text x="15" y="{(height-bottom+top)/2}" transform="rotate(-90 15 {(height-bottom+top)/2})" text-anchor="middle">hub CPU, % of one core</text>']
    for n in counts:
        svg.append(f'<text x="{x(n)}" y="{height-bottom+18}" text-anchor="middle">{n}</text>')
    for i in range(6):
        v = ymax * i / 5
        svg.append(f'<text x="{left-6}" y="{y(v)+4}" text-anchor="end">{v:.0f}</text>')
        svg.append(f'<line x1="{left}" y1="{y(v)}" x2="{width-right}" y2="{y(v)}" stroke="#ddd"/>')
    for k, hub in enumerate(hubs):
        points = [(x(r["n"]), y(r["cpu_pct"])) for r in sorted(rows, key=lambda r: r["n"]) if r["hub"] == hub and r["connected"]]
        colour = colours.get(hub, "black")
        if points:
            svg.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="' +
                       " ".join(f"{px:.1f},{py:.1f}" for px, py in points) + '"/>')
            svg += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in points]
        svg.append(f'<rect x="{width-right+15}" y="{top+20*k}" width="12" height="12" fill="{colour}"/>')
        svg.append(f'<text x="{width-right+32}" y="{top+20*k+11}">{hub}</text>')
    svg.append("</svg>")
    path.write_text("\n".join(svg))


def soak(args, out):
    """10 minutes of Tutti with personal mixes: GC pauses and period start lateness."""
    run = out / "soak"
    run.mkdir(parents=True, exist_ok=True)
    hub = Hub("tutti", run)
    try:
        n = args.soak_clients
        loadgen = spawn(["java", "-jar", str(LOADGEN), "-P", str(TCP), "-n", str(n), "-d", str(args.seconds),
            "--warmup", "10", "--ramp", "40", "-e", "mix", "-i", "60", "-o", str(run / "loadgen.json")],
            stdout=open(run / "loadgen.log", "w"), stderr=subprocess.STDOUT)
        time.sleep(n / 40 + 2)
        hub.wait_participants(n)
        hub.personalise(n)
        loadgen.wait(args.seconds + 200)
        text = urllib.request.urlopen(f"http://127.0.0.1:{HTTP}/metrics", timeout=5).read().decode()
        (run / "metrics.txt").write_text(text)
    finally:
        hub.stop()
    log = (run / "tutti-gc.log").read_text()
    # Every safepoint stops the engine thread too: GC pauses and the JVM's other stop-the-world work.
    pauses = [int(ns) / 1e6 for ns in re.findall(r'Safepoint "[^"]+".*?Total: (\d+) ns', log)]
    gc_pauses = [float(m) for m in re.findall(r"Pause \w+(?: \w+)*? (\d+\.\d+)ms", log)]
    buckets = [(float(le), float(v)) for le, v in re.findall(
        r'^tutti_engine_period_start_lateness_seconds_bucket\{le="([^"]+)",?\} (\S+)$', text, re.M) if le != "+Inf"]
    total = float(re.search(r"^tutti_engine_period_start_lateness_seconds_count (\S+)$", text, re.M).group(1))
    def quantile(q):
        for le, count in buckets:
            if count >= q * total:
                return le
        return float("inf")
    result = json.loads((run / "loadgen.json").read_text())
    summary = {"clients": n, "seconds": args.seconds, "periods": total,
               "late_periods": metric_from(text, "tutti_engine_late_periods_total"),
               "lateness_p99_s_at_most": quantile(0.99), "lateness_p999_s_at_most": quantile(0.999),
               "gc_cycles": len(re.findall(r"Garbage Collection \(", log)),
               "gc_pauses": len(gc_pauses), "gc_pause_max_ms": max(gc_pauses, default=0.0),
               "safepoints": len(pauses), "safepoint_max_ms": round(max(pauses, default=0.0), 3),
               "safepoints_over_1ms": sum(1 for p in pauses if p > 1.0),
               "client_dropouts_per_s": result["steady"]["dropouts_per_s"],
               "kernel_drops": metric_from(text, "tutti_udp_kernel_receive_drops_total")}
    steady = result["steady"]
    summary |= {"client_playout_underruns": steady["playout_underruns"], "packets_lost": steady["seq_lost"],
                "sequence_gaps": steady["seq_gap_events"], "heard_p50_ms": steady["marker_p50_ms"],
                "heard_p99_ms": steady["marker_p99_ms"], "heard_max_ms": steady["marker_max_ms"],
                "loadgen_cpu_pct": result["cpu"]["percent_of_one_core"]}
    (run / "soak.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    block = soak_table(summary, out.name, args)
    (run / "results.md").write_text(block)
    if not args.no_publish:
        from pages import publish  # pages imports this module: import it only when it is loaded
        publish(block, marker="soak", script="bench/compare.py --soak")


def soak_table(s, name, args):
    """The soak's summary as the table docs/benchmarks.md shows."""
    us = lambda seconds: f"{seconds * 1e6:.0f} µs"
    per_client = s["client_playout_underruns"] / s["seconds"] / s["clients"]
    return (f"Run {name}: `bench/compare.sh --soak --soak-clients {s['clients']} --seconds {s['seconds']}`, "
            f"{s['clients']} simulated clients, `-p 2` with personal mixes (10 % of each listener's sources "
            f"re-balanced), {s['seconds']} s measured after a 10 s warm-up; hub JVM `{' '.join(JVM)}`.\n\n"
            "| measure | result |\n|---|---|\n"
            f"| engine periods | {s['periods']:.0f} |\n"
            f"| late periods (start > half a period late) | {s['late_periods']:.0f} "
            f"({100 * s['late_periods'] / max(1, s['periods']):.2f} %) |\n"
            f"| period start lateness | p99 ≤ {us(s['lateness_p99_s_at_most'])}, p99.9 ≤ "
            f"{us(s['lateness_p999_s_at_most'])} (histogram bucket bounds) |\n"
            f"| GC cycles / GC pauses | {s['gc_cycles']} / {s['gc_pauses']}, longest pause {s['gc_pause_max_ms']} ms |\n"
            f"| safepoints (every stop of all Java threads) | {s['safepoints']}; {s['safepoints_over_1ms']} over 1 ms, "
            f"longest {s['safepoint_max_ms']} ms |\n"
            f"| client-side dropouts | {s['client_playout_underruns']} playout underruns over {s['clients']} clients "
            f"= {per_client:.3f} per client per second; {s['packets_lost']} packets lost, {s['sequence_gaps']} "
            f"sequence gaps |\n"
            f"| kernel UDP drops | {s['kernel_drops']:.0f} |\n"
            f"| client to client latency (click → heard in the others' mixes) | p50 {s['heard_p50_ms']:.1f} ms, "
            f"p99 {s['heard_p99_ms']:.1f} ms, max {s['heard_max_ms']:.1f} ms |\n"
            f"| load generator | {s['loadgen_cpu_pct']:.1f} % of a core for {s['clients']} clients |\n")


def metric_sum(name, port=HTTP):
    """The sum of every series of a metric (all participants'), or nan when the hub does not answer."""
    try:
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    except Exception:
        return float("nan")
    return sum(float(v) for v in re.findall(rf"^{re.escape(name)}(?:{{[^}}]*}})? (\S+)$", text, re.M))


def metric_label(name, label, port=HTTP):
    """The value of {label} on the first series of a metric (which transport, say), or "" when absent."""
    try:
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    except Exception:
        return ""
    m = re.search(rf'^{re.escape(name)}{{[^}}]*{re.escape(label)}="([^"]*)"', text, re.M)
    return m.group(1) if m else ""


def metric_from(text, name):
    m = re.search(rf"^{re.escape(name)}(?:{{[^}}]*}})? (\S+)$", text, re.M)
    return float(m.group(1)) if m else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", default="8,16,32,64,128,256")
    parser.add_argument("--hubs", default="tutti,jacktrip,reflector")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of all rows, the hubs taking turns")
    parser.add_argument("--soak", action="store_true")
    parser.add_argument("--soak-clients", type=int, default=128)
    parser.add_argument("--no-publish", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args()
    out = ROOT / "bench/out" / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    print(f"results in {out}")
    if args.soak:
        soak(args, out)
        return
    rows = []
    # With --repeat, the hubs take turns (a, b, a, b ...), so that a slow stretch of the machine does not
    # fall on one hub's rows only; each round's rows are labelled "#1", "#2", ...
    for round_ in range(1, args.repeat + 1):
        for kind in args.hubs.split(","):
            for n in map(int, args.counts.split(",")):
                label = kind if args.repeat == 1 else f"{kind} #{round_}"
                print(f"{label} with {n} clients", flush=True)
                # "tutti:io_uring" is Tutti with --transport io_uring (rows per transport, side by side).
                base, _, transport = kind.partition(":")
                options = ["--transport", transport] if base == "tutti" and transport else []
                where = out if args.repeat == 1 else out / f"round{round_}"
                try:
                    row = run_one(kind, n, args.seconds, where,
                                  make_hub=lambda run: Hub(base, run, tutti_options=options))
                except Exception as e:
                    print(f"  failed: {e}", flush=True)
                    row = {c: float("nan") for c in COLUMNS} | {"hub": kind, "n": n, "connected": 0,
                                                                "cpu_pct": float("nan")}
                row["hub"] = label
                rows.append(row)
                write_results(rows, out)
                if kind == "jacktrip" and row["connected"] < n:
                    print(f"  jacktrip -S served {row['connected']} of {n}; not trying more", flush=True)
                    break
    write_results(rows, out)
    print((out / "results.md").read_text())
    if not args.no_publish and args.repeat == 1 and set(args.hubs.split(",")) == {"tutti", "jacktrip", "reflector"}:
        publish(out, args)


def publish(out, args):
    """The latest full comparison goes into docs: the table between the markers, and the plot."""
    doc = ROOT / "docs/benchmarks.md"
    image = ROOT / "docs/img/cpu-vs-participants.svg"
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_text((out / "cpu.svg").read_text())
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), "unknown CPU")
    block = (f"<!-- compare:begin (written by bench/compare.py; do not edit) -->\n"
             f"Run {out.name}: `bench/compare.sh --counts {args.counts} --seconds {args.seconds}` on "
             f"{os.cpu_count()} × {cpu}, load generator on the same machine.\n\n"
             + (out / "results.md").read_text()
             + "\n![hub CPU against participants](img/cpu-vs-participants.svg)\n<!-- compare:end -->")
    text = doc.read_text() if doc.exists() else ""
    if "<!-- compare:begin" in text and "<!-- compare:end -->" in text:
        text = re.sub(r"<!-- compare:begin.*?<!-- compare:end -->", lambda _: block, text, flags=re.S)
    else:
        text += "\n" + block + "\n"
    doc.write_text(text)
    print(f"published to {doc.relative_to(ROOT)} and {image.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
