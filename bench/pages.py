#!/usr/bin/env python3
"""What the web pages cost the audio engine, and how smooth a singer's page is on a phone.

1. Engine: a hub (copied from hub-server/target/tutti.jar) with --clients simulated participants
   streaming (the load generator, everyone hears everyone but themselves). Windows of --window s
   alternate --rounds times: none open, --pages live pages open (bench/PageLoad.java: WebSocket
   clients reading everything, as the phones of --pages participants would, each signed in with
   its own participant token), ..., and none again at the end. The pages' cost is each pages
   window against the mean of the windows just before and after it, so that a drift of the machine
   over the run does not count as the pages' cost. Per window: the engine's mean and p99 period
   cost, late periods, kernel drops, the hub's CPU.
2. Phone: the same hub with --choir participants; one singer's page in Debian's Chromium at
   360x740 with the CPU slowed 4x, and again unslowed (--throttles; PhoneFrameTimeBench through
   Selenium): frame intervals, main-thread busy share, long tasks.
   With --browser-cpu N the browser (and the Maven run that drives it) has CPU N to itself and the
   hub and load generator share the others, as a phone has its own CPU: the phone's figures are
   then the page's, not those of a machine the hub and 200 simulated clients also load. With
   --phone-only, part 1 is left out and the table goes between the "phone" markers instead.
Writes bench/out/pages-<time>/results.md and puts it into docs/benchmarks.md between its markers
(--no-publish: don't). Loopback only; the load generator and the pages run on the same machine.

  bench/pages.py [--clients 128] [--pages 50] [--window 30] [--rounds 2] [--choir 200] [--throttles 4,1]
                 [--browser-cpu N] [--phone-only] [--no-publish]
"""
import argparse, json, os, re, shutil, subprocess, sys, time, urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.dont_write_bytecode = True
import compare  # noqa: E402  (ports, JVM options, jar paths, CPU and listening helpers)
from churn import metrics_text, metric_sum, loadavg  # noqa: E402

ROOT = compare.ROOT
TCP, UDP, HTTP = compare.TCP, compare.UDP, compare.HTTP
# With --browser-cpu: taskset prefixes for the hub side and for the browser side; empty otherwise.
HUB_SIDE, BROWSER_SIDE = [], []


def pin(browser_cpu):
    """Gives the browser CPU `browser_cpu` and the hub and load generator every other one."""
    others = sorted(os.sched_getaffinity(0) - {browser_cpu})
    if browser_cpu not in os.sched_getaffinity(0) or not others:
        sys.exit(f"--browser-cpu {browser_cpu}: this machine has CPUs {sorted(os.sched_getaffinity(0))}; the browser"
                 " needs one of them and the hub at least one other")
    HUB_SIDE[:] = ["taskset", "-c", ",".join(map(str, others))]
    BROWSER_SIDE[:] = ["taskset", "-c", str(browser_cpu)]


def sample(hub):
    text = metrics_text()
    buckets = {float(le): float(v) for le, v in re.findall(
        r'^tutti_engine_period_processing_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\} (\S+)$', text, re.M)
        if le != "+Inf"}
    return {"t": time.time(), "cpu": compare.cpu_seconds(hub.pid),
            "sum": metric_sum(text, "tutti_engine_period_processing_seconds_sum"),
            "count": metric_sum(text, "tutti_engine_period_processing_seconds_count"),
            "buckets": buckets, "late": metric_sum(text, "tutti_engine_late_periods_total"),
            "drops": metric_sum(text, "tutti_udp_kernel_receive_drops_total"),
            "participants": metric_sum(text, "tutti_participants"),
            "pages": metric_sum(text, "tutti_web_pages"),
            "skipped": metric_sum(text, "tutti_web_messages_total", "outcome", "skipped_slow_page")}


def window(a, b, name, pages, page_line=""):
    periods = b["count"] - a["count"]
    mean_us = (b["sum"] - a["sum"]) / periods * 1e6 if periods else float("nan")
    p99 = float("nan")
    for le in sorted(b["buckets"]):
        if b["buckets"][le] - a["buckets"].get(le, 0) >= 0.99 * periods:
            p99 = le * 1e6
            break
    seconds = b["t"] - a["t"]
    return {"window": name, "pages": pages, "participants": int(b["participants"]),
            "mean_us": mean_us, "p99_us": p99, "late": int(b["late"] - a["late"]), "periods": int(periods),
            "drops": int(b["drops"] - a["drops"]), "cpu_pct": 100 * (b["cpu"] - a["cpu"]) / seconds,
            "skipped": int(b["skipped"] - a["skipped"]), "page_line": page_line}


def start_hub(run, jar, tag):
    state = run / f"state-{tag}"
    cmd = [*HUB_SIDE, "java", *compare.JVM, "-jar", str(jar), "-B", str(TCP), "-U", str(UDP), "-p", "2",
           "--http-port", str(HTTP), "--state-dir", str(state), "--max-participants", "300"]
    hub = compare.spawn(cmd, stdout=open(run / f"tutti-{tag}.log", "w"), stderr=subprocess.STDOUT)
    compare.wait_listening(TCP, hub)
    (run / "commands.txt").open("a").write(" ".join(cmd) + "\n")
    return hub, (state / "operator.token").read_text().strip()


def start_loadgen(run, clients, seconds, tag):
    """Starts the load generator and returns once the hub has every client streaming, plus 5 s."""
    # With --browser-cpu the hub and the load generator share fewer CPUs: joins come slower there.
    ramp = 10 if HUB_SIDE else 40
    cmd = [*HUB_SIDE, "java", "-jar", str(compare.LOADGEN), "-P", str(TCP), "-n", str(clients), "-d", str(seconds),
           "--warmup", "5", "--ramp", str(ramp), "-e", "mix", "-o", str(run / f"loadgen-{tag}.json")]
    (run / "commands.txt").open("a").write(" ".join(cmd) + "\n")
    proc = compare.spawn(cmd, stdout=open(run / f"loadgen-{tag}.log", "w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 30 + clients / ramp
    while metric_sum(metrics_text(), "tutti_participants") != clients:
        if time.time() > deadline or proc.poll() is not None:
            raise RuntimeError(f"{clients} participants did not join; see loadgen-{tag}.log")
        time.sleep(0.5)
    time.sleep(5)
    return proc


def stop(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def participant_tokens(run, token, count):
    """Issues a participant token for the first `count` participants, as the operator would hand out links."""
    def call(method, path):
        request = urllib.request.Request(f"http://127.0.0.1:{HTTP}{path}", method=method,
                                         headers={"Authorization": f"Bearer {token}"})
        return json.loads(urllib.request.urlopen(request, timeout=10).read())
    names = sorted(view["name"] for view in call("GET", "/api/participants"))[:count]
    tokens = [call("POST", f"/api/participants/{name}/token")["token"] for name in names]
    path = run / "participant-tokens.txt"
    path.write_text("\n".join(tokens) + "\n")
    path.chmod(0o600)
    return path


def measure(hub, seconds):
    a = sample(hub)
    time.sleep(seconds)
    return a, sample(hub)


def engine_part(args, run, jar):
    hub, token = start_hub(run, jar, "engine")
    loadgen = None
    try:
        loadgen = start_loadgen(run, args.clients, (2 * args.rounds + 1) * (args.window + 8) + 30, "engine")
        tokens = participant_tokens(run, token, args.pages)
        rows = [window(*measure(hub, args.window), "no page open", 0)]
        for round_ in range(1, args.rounds + 1):
            pages_cmd = ["java", str(ROOT / "bench/PageLoad.java"), f"ws://127.0.0.1:{HTTP}/api/live", f"@{tokens}",
                         str(args.pages), str(args.window + 4)]
            if round_ == 1:
                (run / "commands.txt").open("a").write(" ".join(pages_cmd) + "\n")
            pages = compare.spawn(pages_cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            first = pages.stdout.readline()  # "pageload: N pages open"
            time.sleep(2)
            a, b = measure(hub, args.window)
            out = pages.communicate(timeout=60)[0]
            line = next((l for l in (first + out).splitlines() if "meters_per_page_per_second" in l), "")
            rows.append(window(a, b, f"{args.pages} pages open ({round_})", int(b["pages"]), line))
            time.sleep(3)
            a, b = measure(hub, args.window)
            rows.append(window(a, b, f"no page open ({round_})", int(b["pages"])))
        return rows
    finally:
        stop(loadgen)
        stop(hub)


def pages_cost(rows):
    """Each pages window's mean period cost minus the mean of its neighbours (windows without pages)."""
    return [rows[i]["mean_us"] - (rows[i - 1]["mean_us"] + rows[i + 1]["mean_us"]) / 2
            for i in range(1, len(rows) - 1, 2)]


def phone_part(args, run, jar):
    """The singer's page at each CPU slowdown of --throttles; one table, a row per slowdown."""
    hub, token = start_hub(run, jar, "phone")
    loadgen = None
    try:
        throttles = [int(t) for t in args.throttles.split(",")]
        loadgen = start_loadgen(run, args.choir, len(throttles) * (args.phone_seconds + 90) + 30, "phone")
        table = []
        for throttle in throttles:
            cmd = [*BROWSER_SIDE, "mvn", "-B", "-q", "-pl", "hub-server", "-am", "verify", "-Ppages",
                   "-Dtest=PhoneFrameTimeBench",
                   "-Dsurefire.failIfNoSpecifiedTests=false", f"-Dtutti.bench.url=http://127.0.0.1:{HTTP}",
                   f"-Dtutti.bench.token={token}", "-Dtutti.bench.participant=lg000",
                   f"-Dtutti.bench.seconds={args.phone_seconds}", f"-Dtutti.bench.throttle={throttle}"]
            (run / "commands.txt").open("a").write(" ".join(c if "token=" not in c else "-Dtutti.bench.token=…"
                                                             for c in cmd) + "\n")
            subprocess.run(cmd, cwd=ROOT, check=True, stdout=open(run / f"phone-mvn-{throttle}.log", "w"),
                           stderr=subprocess.STDOUT)
            lines = (ROOT / "hub-server/target/phone-frames.md").read_text().strip().splitlines()
            table += lines if not table else lines[2:]
        return "\n".join(table)
    finally:
        stop(loadgen)
        stop(hub)


def report(rows, phone, args, started):
    head = ("| window | pages open | participants | engine period cost, mean / p99 | late periods | kernel drops"
            " | hub CPU | page messages skipped |\n|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in rows:
        lines.append(f"| {r['window']} | {r['pages']} | {r['participants']} | {r['mean_us']:.1f} / "
                     f"{'≤ %.0f' % r['p99_us']} µs | {r['late']} of {r['periods']} | {r['drops']} | "
                     f"{r['cpu_pct']:.0f} % | {r['skipped']} |")
    page_line = next((r["page_line"] for r in rows if r["page_line"]), "")
    costs = pages_cost(rows)
    return (f"Run of {started}, `bench/pages.sh --clients {args.clients} --pages {args.pages} --window {args.window}"
            f" --rounds {args.rounds} --choir {args.choir} --throttles {args.throttles}`, {os.cpu_count()} CPUs,"
            f" load generator, pages and browser on the same machine (1-minute load average after: {loadavg()[0]}).\n\n" + "\n".join(lines)
            + "\n\nThe pages' cost, each pages window against the mean of the windows before and after it: "
            + ", ".join(f"{c:+.1f} µs" for c in costs) + " per period"
            + f" (of {1e6 * 128 / 48000:.0f} µs).\n\n"
            + f"The pages' side (bench/PageLoad.java, one window): `{page_line.replace('pageload: ', '')}`.\n\n"
            + "A singer's page (`PhoneFrameTimeBench`), every other participant's meter moving:\n\n" + phone)


def publish(block, marker="pages", script="bench/pages.py", heading=""):
    """Puts `block` into docs/benchmarks.md between the `marker` markers (at the end, under `heading`, the first time)."""
    doc = ROOT / "docs/benchmarks.md"
    text = doc.read_text()
    block = f"<!-- {marker}:begin (written by {script}; do not edit) -->\n{block}\n<!-- {marker}:end -->"
    if f"<!-- {marker}:begin" in text:
        text = re.sub(rf"<!-- {marker}:begin.*?<!-- {marker}:end -->", lambda _: block, text, flags=re.S)
    else:
        text += "\n" + (heading + "\n\n" if heading else "") + block + "\n"
    doc.write_text(text)
    print("published to docs/benchmarks.md")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=128)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--window", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2, help="pages windows, each between two windows without")
    parser.add_argument("--throttles", default="4,1", help="the phone's CPU slowdowns to measure the page at")
    parser.add_argument("--choir", type=int, default=200)
    parser.add_argument("--phone-seconds", type=int, default=20)
    parser.add_argument("--browser-cpu", type=int, help="the CPU the browser has to itself (the hub gets the others)")
    parser.add_argument("--phone-only", action="store_true", help="the phone part only")
    parser.add_argument("--no-publish", action="store_true")
    args = parser.parse_args()
    if args.browser_cpu is not None:
        pin(args.browser_cpu)
    started = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime())
    run = ROOT / "bench/out" / time.strftime("pages-%Y%m%d-%H%M%S")
    run.mkdir(parents=True)
    jar = run / "tutti.jar"  # a copy: the phone part rebuilds target/ while a hub runs
    shutil.copy(compare.TUTTI, jar)
    if args.phone_only:
        phone = phone_part(args, run, jar)
        block = phone_report(phone, args, started)
    else:
        rows = engine_part(args, run, jar)
        phone = phone_part(args, run, jar)
        block = report(rows, phone, args, started)
    (run / "results.md").write_text(block + "\n")
    print(block)
    if not args.no_publish:
        if args.phone_only:
            publish(block, marker="phone", heading="")
        else:
            publish(block)


def phone_report(phone, args, started):
    where = (f"the browser on CPU {args.browser_cpu} by itself, the hub and the load generator on the others"
             if args.browser_cpu is not None else "hub, load generator and browser on the same machine")
    return (f"Run of {started}, `bench/pages.sh --phone-only --choir {args.choir} --throttles {args.throttles}"
            + (f" --browser-cpu {args.browser_cpu}" if args.browser_cpu is not None else "")
            + f"`, {os.cpu_count()} CPUs, {where} (1-minute load average after: {loadavg()[0]}).\n\n"
            + "A singer's page (`PhoneFrameTimeBench`), every other participant's meter moving:\n\n" + phone)


if __name__ == "__main__":
    main()
