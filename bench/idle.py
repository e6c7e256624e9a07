#!/usr/bin/env python3
"""What a hub costs with nobody connected, and how soon a first joiner is answered.

1. CPU with nobody connected: Tutti started as the README starts it (`java -jar`, default JVM flags,
   `--hubpatch 4`), and `jacktrip -S` with the `jackd -R -d dummy` it needs; after a settling time,
   utime + stime from /proc over the window, as % of one core.
2. How soon a joiner is answered: a client (this script, speaking the JackTrip protocol on loopback)
   does the TCP handshake, then sends 128-frame packets at the period's pace; the time from its first
   datagram to the hub's first datagram back. Against a sleeping hub (nobody else connected) and
   against a ticking one (another client streaming all along), `--trials` joins each.

Writes bench/out/idle-<time>/results.md and, with --publish, the block between the "idle" markers in
docs/benchmarks.md. Loopback only.

  bench/idle.py [--settle 20] [--seconds 20] [--trials 30] [--publish]
"""
import argparse, os, select, socket, statistics, struct, subprocess, sys, threading, time
from pathlib import Path

import compare

ROOT = compare.ROOT
TCP, UDP, HTTP = 24464, 24500, 24480
PERIOD = 128 / 48000
EXIT = b"\xff" * 63


def packet(seq, level=0):
    header = struct.pack("<QHHBBBB", int(time.time() * 1e6), seq & 0xFFFF, 128, 3, 16, 2, 0)
    sample = struct.pack("<h", level)
    return header + sample * (128 * 2)


def handshake(name):
    """Returns (a UDP socket bound on loopback, the hub's UDP port for it)."""
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    request = struct.pack("<i", udp.getsockname()[1]) + name.encode().ljust(64, b"\0")
    with socket.create_connection(("127.0.0.1", TCP), timeout=5) as tcp:
        tcp.sendall(request)
        reply = b""
        while len(reply) < 4:
            chunk = tcp.recv(4 - len(reply))
            if not chunk:
                raise RuntimeError("the hub closed the handshake")
            reply += chunk
    port = struct.unpack("<i", reply)[0]
    if not 0 < port < 65536:
        raise RuntimeError(f"the hub answered {port}, not a port")
    return udp, port


def first_answer(name, seconds=2.0):
    """Seconds from this client's first datagram to the hub's first one back (waits in select, never spins)."""
    udp, port = handshake(name)
    udp.setblocking(False)
    hub = ("127.0.0.1", port)
    start = time.perf_counter()
    answered = None
    seq = 0
    while answered is None and time.perf_counter() - start < seconds:
        udp.sendto(packet(seq), hub)
        seq += 1
        wait = start + seq * PERIOD - time.perf_counter()
        if select.select([udp], [], [], max(0.0, wait))[0]:
            answered = time.perf_counter()
        else:
            time.sleep(max(0.0, start + seq * PERIOD - time.perf_counter()))
    udp.sendto(EXIT, hub)
    udp.sendto(EXIT, hub)
    udp.close()
    if answered is None:
        raise RuntimeError(f"{name}: no answer in {seconds} s")
    return answered - start


class Streamer(threading.Thread):
    """A client streaming silence all along, so that the hub ticks."""

    def __init__(self):
        super().__init__(daemon=True)
        self.udp, port = handshake("awake")
        self.udp.setblocking(False)
        self.hub = ("127.0.0.1", port)
        self.running = True

    def run(self):
        start, seq = time.perf_counter(), 0
        while self.running:
            self.udp.sendto(packet(seq), self.hub)
            seq += 1
            time.sleep(max(0.0, start + seq * PERIOD - time.perf_counter()))
            try:
                while True:
                    self.udp.recv(2048)
            except BlockingIOError:
                pass

    def stop(self):
        self.running = False
        self.join()
        self.udp.sendto(EXIT, self.hub)
        self.udp.sendto(EXIT, self.hub)
        self.udp.close()


def wait_for(predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out: {what}")


def tutti(out):
    state = out / "tutti-state"
    return compare.spawn(["java", "-jar", str(compare.TUTTI), "--hubpatch", "4", "-B", str(TCP), "-U", str(UDP),
                          "--http-port", str(HTTP), "--state-dir", str(state)],
                         stdout=open(out / "tutti.log", "w"), stderr=subprocess.STDOUT)


def idle_cpu(procs, settle, seconds):
    time.sleep(settle)
    before = sum(compare.cpu_seconds(p.pid) for p in procs)
    time.sleep(seconds)
    return 100 * (sum(compare.cpu_seconds(p.pid) for p in procs) - before) / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--settle", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--publish", action="store_true")
    args = parser.parse_args()
    out = ROOT / "bench/out" / time.strftime("idle-%Y%m%d-%H%M%S")
    out.mkdir(parents=True)
    stamp = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime())

    hub = tutti(out)
    compare.wait_listening(TCP, hub)
    tutti_cpu = idle_cpu([hub], args.settle, args.seconds)
    print(f"Tutti, nobody connected: {tutti_cpu:.2f} % of a core", flush=True)
    sleeping = []
    for i in range(args.trials):
        wait_for(lambda: compare.metric("tutti_engine_idle", HTTP) == 1, 5, "the hub sleeps")
        sleeping.append(first_answer(f"s{i}"))
        wait_for(lambda: compare.metric("tutti_participants", HTTP) == 0, 5, "the joiner left")
    streamer = Streamer()
    streamer.start()
    wait_for(lambda: compare.metric("tutti_engine_idle", HTTP) == 0, 5, "the hub ticks")
    ticking = []
    for i in range(args.trials):
        ticking.append(first_answer(f"t{i}"))
        wait_for(lambda: compare.metric("tutti_participants", HTTP) == 1, 5, "the joiner left")
    streamer.stop()
    compare.end(hub)

    env = dict(os.environ, JACK_NO_AUDIO_RESERVATION="1", JACK_DEFAULT_SERVER=f"idle{os.getpid()}")
    jackd = compare.spawn(["jackd", "-R", "-n", env["JACK_DEFAULT_SERVER"], "-d", "dummy", "-r", "48000", "-p", "128"],
                          stdout=open(out / "jackd.log", "w"), stderr=subprocess.STDOUT, env=env)
    time.sleep(2)
    jacktrip = compare.spawn(["jacktrip", "-S", "-B", str(TCP), "-U", str(UDP)], stdout=open(out / "jacktrip.log", "w"),
                             stderr=subprocess.STDOUT, env=env)
    compare.wait_listening(TCP, jacktrip)
    jacktrip_cpu = idle_cpu([jackd, jacktrip], args.settle, args.seconds)
    print(f"jacktrip -S with jackd, nobody connected: {jacktrip_cpu:.2f} % of a core", flush=True)
    compare.end(jacktrip)
    compare.end(jackd)

    ms = lambda xs, f: f"{1000 * f(xs):.2f}"
    p90 = lambda xs: sorted(xs)[int(0.9 * (len(xs) - 1))]
    load = os.getloadavg()[0]
    lines = [
        f"Run of {stamp}, `bench/idle.sh`, {os.cpu_count()} CPUs (1-minute load average after: {load:.2f}).",
        "",
        f"| hub, nobody connected ({args.seconds:.0f} s after {args.settle:.0f} s settling) | CPU, % of one core |",
        "|---|---|",
        f"| Tutti (`java -jar tutti.jar --hubpatch 4`, default JVM flags) | {tutti_cpu:.2f} |",
        f"| `jacktrip -S` and its `jackd -R -d dummy` | {jacktrip_cpu:.2f} |",
        "",
        f"| a client joins ({args.trials} joins each) | first datagram back after its first, ms: median | 90th percentile | max |",
        "|---|---|---|---|",
        f"| Tutti asleep (nobody else connected) | {ms(sleeping, statistics.median)} | {ms(sleeping, p90)} | {ms(sleeping, max)} |",
        f"| Tutti ticking (another client streaming) | {ms(ticking, statistics.median)} | {ms(ticking, p90)} | {ms(ticking, max)} |",
        "",
        f"The first joiner of the freshly started hub (the first of the asleep joins, code not yet warm) was"
        f" answered after {1000 * sleeping[0]:.2f} ms; each answer in order, ms: "
        + " ".join(f"{1000 * x:.1f}" for x in sleeping) + ".",
        "",
        f"A period is {1000 * PERIOD:.2f} ms.",
    ]
    text = "\n".join(lines) + "\n"
    (out / "results.md").write_text(text)
    print(text)
    if args.publish:
        doc = ROOT / "docs/benchmarks.md"
        begin, end = "<!-- idle:begin (written by bench/idle.sh; do not edit) -->", "<!-- idle:end -->"
        content = doc.read_text()
        if begin not in content:
            sys.exit(f"{doc} has no {begin} marker")
        head, rest = content.split(begin, 1)
        tail = rest.split(end, 1)[1]
        doc.write_text(head + begin + "\n" + text + end + tail)
        print(f"written into {doc}")


if __name__ == "__main__":
    main()
