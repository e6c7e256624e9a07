package org.tutti.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run: start the clients at the ramp-up rate (bind, TCP handshake, stream), let them warm up,
 * measure for the configured duration, stop them with exit packets, and summarise. With churn
 * ({@link Churn}), further clients join and leave during the measured phase, optionally after a first
 * window of the steady clients alone; every figure is then reported per group and per window.
 *
 * <p>Threads: this (control) thread does the handshakes and the timing; the socket layer has a fixed
 * number of I/O threads ({@link ClientIo}); an optional reporter prints a line per interval; churn has
 * a scheduler and a small handshake pool of its own.
 */
public final class LoadGenerator {
    /** Time the receivers keep listening after the exit packets went out. */
    static final long DRAIN_MILLIS = 300;
    /** Sends within this much of their deadline go out in the same pass. */
    static final long SLACK_NANOS = 50_000;
    private static final int MAX_FAILURE_MESSAGES = 5;

    private final LoadConfig config;
    private final PrintStream log;
    private final RunClock clock = new RunClock();
    private final Signal signal;
    private final SimClient[] clients;
    private final Markers markers;
    private final CpuMeter cpu = new CpuMeter();
    private final Results results = new Results();
    private final List<String> failures = new ArrayList<>();
    private int connected;
    private int failed;
    private volatile Churn churn;

    private LoadGenerator(LoadConfig config, PrintStream log) {
        this.config = config;
        this.log = log;
        this.signal = new Signal(config.sampleRate(), config.bits(), config.frames());
        this.clients = new SimClient[config.clients()];
        this.markers = config.expect() == Expectation.MIX
                ? new Markers(config.markerIntervalMillis() * 1_000_000L, clients) : null;
    }

    /** Runs the load described by {@code config}; progress and the summary go to {@code log}. */
    public static Results run(LoadConfig config, PrintStream log) throws IOException, InterruptedException {
        return new LoadGenerator(config, log).run();
    }

    float toneLevel() {
        if (!Double.isNaN(config.toneLevel())) {
            return (float) config.toneLevel();
        }
        // Mix mode: every tone at 0.5/N keeps the sum within half scale, churn clients present included.
        return config.expect() == Expectation.MIX
                ? Math.min(0.25f, 0.5f / (config.clients() + config.expectedChurners())) : 0.25f;
    }

    private ClientIo openIo(boolean ipv4) throws IOException {
        switch (config.io()) {
            case NIO:
                return new NioClientIo(config, clock, signal, markers, SLACK_NANOS, ipv4);
            case BATCH:
                return new BatchedClientIo(config, clock, signal, markers, SLACK_NANOS, ipv4);
            default:
                return new NettyClientIo(config.io().transport(), config, clock, signal, markers, SLACK_NANOS, ipv4);
        }
    }

    private Results run() throws IOException, InterruptedException {
        InetAddress hub = InetAddress.getByName(config.host());
        InetSocketAddress tcp = new InetSocketAddress(hub, config.tcpPort());
        InetAddress local = config.bindAddress() == null ? null : InetAddress.getByName(config.bindAddress());
        float tone = toneLevel();
        CpuMeter.Sample runStart = cpu.sample();
        Reporter reporter = null;
        ClientIo io = openIo(hub instanceof java.net.Inet4Address);
        try {
            if (config.reportIntervalSeconds() > 0) {
                reporter = new Reporter();
                reporter.start();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < clients.length; i++) {
                if (config.rampPerSecond() > 0) {
                    sleepUntil(t0 + (long) (i * 1e9 / config.rampPerSecond()));
                }
                SimClient client = new SimClient(i, config, signal, markers, tone);
                clients[i] = client;
                startClient(io, client, hub, tcp, local);
            }
            double rampSeconds = (System.nanoTime() - t0) / 1e9;
            // Nothing to measure when no client got in: report at once.
            double warmup = connected == 0 ? 0 : config.warmupSeconds();
            double duration = connected == 0 ? 0 : config.durationSeconds();
            sleepUntil(System.nanoTime() + (long) (warmup * 1e9));

            boolean churning = config.churn() && duration > 0;
            double churnAfter = churning ? config.churnStartAfterSeconds() : duration;
            if (churning) {
                churn = new Churn(config, io, signal, markers, tone, hub, tcp, local, log, DRAIN_MILLIS);
                if (churnAfter == 0) {
                    clock.window(RunClock.CHURN);
                }
                log.printf(Locale.ROOT, "loadgen: measuring %.1f s: %.1f s steady clients alone, then %s%n",
                        duration, churnAfter, config.churnForSeconds() > 0
                                ? String.format(Locale.ROOT, "%.1f s of joins, then alone again once every churn client left",
                                        config.churnForSeconds())
                                : String.format(Locale.ROOT, "%.1f s with churn", duration - churnAfter));
                log.flush();
            }
            clock.phase(RunClock.MEASURING);
            Counters before = Counters.of(clients);
            CpuMeter.Sample cpuBefore = cpu.sample();
            Counters mid = before;
            CpuMeter.Sample cpuMid = cpuBefore;
            Counters churnBefore = new Counters();
            if (churning) {
                if (churnAfter > 0) {
                    sleepUntil(cpuBefore.wallNanos() + (long) (churnAfter * 1e9));
                    mid = Counters.of(clients);
                    cpuMid = cpu.sample();
                    clock.window(RunClock.CHURN);
                }
                churnBefore = churn.snapshot();
                churn.start();
                log.printf(Locale.ROOT, "loadgen: churn starts: %.1f joins/s, stay %.1f ± %.1f s, at most %d at once%n",
                        config.churnRate(), config.churnStaySeconds(), config.churnStaySpreadSeconds(), config.churnMax());
                log.flush();
            }
            long measureEnd = cpuBefore.wallNanos() + (long) (duration * 1e9);
            Counters churnOver = null;
            Counters churnEnd = null;
            CpuMeter.Sample cpuOver = null;
            if (churning && config.churnForSeconds() > 0) {
                sleepUntil(cpuBefore.wallNanos() + (long) ((churnAfter + config.churnForSeconds()) * 1e9));
                churn.stopJoining();
                log.println("loadgen: churn joins stop; the churn clients present leave on their own schedule");
                log.flush();
                if (churn.awaitNonePresent(measureEnd)) {
                    churnOver = Counters.of(clients);
                    churnEnd = churn.snapshot();
                    cpuOver = cpu.sample();
                    clock.window(RunClock.AFTER);
                    log.println("loadgen: churn over: steady clients alone again");
                    log.flush();
                }
            }
            sleepUntil(measureEnd);
            Counters after = Counters.of(clients);
            if (churnEnd == null) {
                churnEnd = churning ? churn.snapshot() : new Counters();
            }
            CpuMeter.Sample cpuAfter = cpu.sample();
            clock.phase(RunClock.ENDING);
            if (churning) {
                log.println("loadgen: measured; churn clients leave");
                log.flush();
                churn.finish();
            }

            if (reporter != null) {
                reporter.interrupt();
                reporter.join(2000);
            }
            io.stop(DRAIN_MILLIS);
            CpuMeter.Sample runEnd = cpu.sample();
            Counters total = Counters.of(clients);
            summarise(io, rampSeconds, after.minus(before), cpuBefore, cpuAfter, total, runStart, runEnd);
            if (churning) {
                Counters over = churnOver != null ? churnOver : after;
                summariseChurn(io, mid.minus(before), over.minus(mid), churnOver != null ? after.minus(churnOver) : null,
                        churnEnd.minus(churnBefore), cpuBefore, cpuMid, cpuOver != null ? cpuOver : cpuAfter, cpuAfter);
            }
            return results;
        } finally {
            if (reporter != null) {
                reporter.interrupt();
            }
            if (churn != null) {
                churn.shutdownNow();
            }
            io.stop(0);
        }
    }

    private void startClient(ClientIo io, SimClient client, InetAddress hub, InetSocketAddress tcp,
                             InetAddress local) {
        int port = config.localPortBase() == 0 ? 0 : config.localPortBase() + client.index;
        try {
            client.localPort = io.bind(client, new InetSocketAddress(local, port));
            int hubPort = HandshakeClient.handshake(tcp, client.localPort, client.name,
                    config.handshakeTimeoutMillis());
            io.start(client, new InetSocketAddress(hub, hubPort));
            connected++;
        } catch (IOException | RuntimeException e) {
            client.state = SimClient.FAILED;
            failed++;
            String message = client.name + ": " + e;
            if (failures.size() < MAX_FAILURE_MESSAGES) {
                failures.add(message);
                log.println("loadgen: " + message);
            }
        }
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            Thread.sleep(left / 1_000_000L, (int) (left % 1_000_000L));
        }
    }

    // ---- reporting -------------------------------------------------------------------------------

    /** Prints one line per interval and records it in the timeline. */
    private final class Reporter extends Thread {
        Reporter() {
            super("lg-report");
            setDaemon(true);
        }

        @Override
        public void run() {
            long interval = (long) (config.reportIntervalSeconds() * 1e9);
            Counters last = Counters.of(clients);
            CpuMeter.Sample lastCpu = cpu.sample();
            long next = lastCpu.wallNanos() + interval;
            try {
                while (!isInterrupted()) {
                    sleepUntil(next);
                    next += interval;
                    Counters now = Counters.of(clients);
                    CpuMeter.Sample cpuNow = cpu.sample();
                    line(now.minus(last), lastCpu, cpuNow);
                    last = now;
                    lastCpu = cpuNow;
                }
            } catch (InterruptedException e) {
                // run over
            }
        }

        private void line(Counters d, CpuMeter.Sample from, CpuMeter.Sample to) {
            double seconds = (to.wallNanos() - from.wallNanos()) / 1e9;
            double cpuPercent = 100.0 * (to.processCpuNanos() - from.processCpuNanos()) / 1e9 / seconds;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("t", round((to.wallNanos() - clock.startNanos) / 1e9));
            entry.put("streaming", streamingClients());
            entry.put("sent_per_s", round(d.datagramsSent / seconds));
            entry.put("received_per_s", round(d.datagramsReceived / seconds));
            entry.put("seq_lost", d.seqLost());
            entry.put("out_of_order", d.outOfOrder);
            entry.put("audible_gaps", d.audibleGaps);
            entry.put("playout_underruns", d.underruns);
            entry.put("cpu_percent", round(cpuPercent));
            Churn c = churn;
            if (config.churn()) {
                entry.put("churn_active", c == null ? 0 : c.active());
                entry.put("churn_joined", c == null ? 0 : c.joined());
                entry.put("churn_left", c == null ? 0 : c.left());
            }
            results.addTimeline(entry);
            log.printf(Locale.ROOT, "t=%6.1fs clients %d/%d  sent %.0f/s  recv %.0f/s  lost %d  ooo %d  gaps %d  underruns %d  cpu %.1f%%%s%n",
                    (double) entry.get("t"), streamingClients(), config.clients(), d.datagramsSent / seconds,
                    d.datagramsReceived / seconds, d.seqLost(), d.outOfOrder, d.audibleGaps, d.underruns, cpuPercent,
                    config.churn() ? String.format(Locale.ROOT, "  churn %d present, %d joined, %d left",
                            entry.get("churn_active"), entry.get("churn_joined"), entry.get("churn_left")) : "");
            log.flush();
        }
    }

    private int streamingClients() {
        int n = 0;
        for (SimClient c : clients) {
            if (c != null && c.firstReceiveNanos != 0 && c.state != SimClient.FAILED) {
                n++;
            }
        }
        return n;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    // ---- summary ---------------------------------------------------------------------------------

    private void summarise(ClientIo io, double rampSeconds, Counters steady, CpuMeter.Sample cpuBefore,
                           CpuMeter.Sample cpuAfter, Counters total, CpuMeter.Sample runStart,
                           CpuMeter.Sample runEnd) {
        Map<String, Object> cfg = results.section("config");
        cfg.put("host", config.host());
        cfg.put("tcp_port", config.tcpPort());
        cfg.put("clients", config.clients());
        cfg.put("io", config.io().label());
        cfg.put("io_threads", config.io() == ClientIoKind.NIO ? 2 : config.ioThreads());
        cfg.put("sample_rate", config.sampleRate());
        cfg.put("frames", config.frames());
        cfg.put("channels", config.channels());
        cfg.put("bits", config.bits().bits());
        cfg.put("redundancy", config.redundancy());
        cfg.put("expect", config.expect().label());
        cfg.put("duration_s", config.durationSeconds());
        cfg.put("warmup_s", config.warmupSeconds());
        cfg.put("ramp_per_s", config.rampPerSecond());
        cfg.put("loss_percent", config.lossPercent());
        cfg.put("jitter_ms", config.jitterMillis());
        cfg.put("reorder_percent", config.reorderPercent());
        cfg.put("drift_ppm", config.driftPpm());
        cfg.put("drift_spread_ppm", config.driftSpreadPpm());
        cfg.put("drift_clients", config.driftClients());
        cfg.put("phases", config.phases());
        cfg.put("rx_batch_us", config.io() == ClientIoKind.NIO || config.io() == ClientIoKind.BATCH
                ? config.receiveBatchMicros() : 0);
        cfg.put("packet_bytes", config.packetSize());
        cfg.put("datagram_bytes", config.datagramSize());

        int hubExits = 0;
        for (SimClient c : clients) {
            if (c == null) {
                continue;
            }
            if (c.endedByHub) {
                hubExits++;
            }
        }
        Map<String, Object> cl = results.section("clients");
        cl.put("requested", config.clients());
        cl.put("connected", connected);
        cl.put("failed", failed);
        cl.put("streaming", streamingClients());
        cl.put("hub_exits", hubExits);
        cl.put("ramp_s", round(rampSeconds));
        cl.put("first_error", failures.isEmpty() ? "" : failures.get(0));

        double seconds = Math.max(1e-3, (cpuAfter.wallNanos() - cpuBefore.wallNanos()) / 1e9);
        // The steady clients over the whole measured phase (with churn: both windows).
        Histogram rtt = merged(io, ThreadStats::rtt, ThreadStats.STEADY, RunClock.ALONE, RunClock.CHURN);
        Histogram marker = merged(io, ThreadStats::marker, ThreadStats.STEADY, RunClock.ALONE, RunClock.CHURN);
        Histogram late = merged(io, ThreadStats::sendLate, ThreadStats.STEADY, RunClock.ALONE, RunClock.CHURN);
        clientSection(results.section("steady"), steady, seconds, rtt, marker, late);

        Map<String, Object> cpuSection = results.section("cpu");
        double cpuSeconds = (cpuAfter.processCpuNanos() - cpuBefore.processCpuNanos()) / 1e9;
        cpuSection.put("process_seconds", round(cpuSeconds));
        cpuSection.put("percent_of_one_core", round(100 * cpuSeconds / seconds));
        if (cpuBefore.userSeconds() >= 0) {
            cpuSection.put("user_seconds", round(cpuAfter.userSeconds() - cpuBefore.userSeconds()));
            cpuSection.put("system_seconds", round(cpuAfter.systemSeconds() - cpuBefore.systemSeconds()));
        }
        cpuSection.put("gc_count", cpuAfter.gcCount() - cpuBefore.gcCount());
        cpuSection.put("gc_ms", cpuAfter.gcMillis() - cpuBefore.gcMillis());
        long ioNanos = 0;
        for (String name : io.threadNames()) {
            long t = cpuAfter.threadCpuNanos().getOrDefault(name, 0L) - cpuBefore.threadCpuNanos().getOrDefault(name, 0L);
            cpuSection.put("thread_" + name + "_percent", round(100 * t / 1e9 / seconds));
            ioNanos += t;
        }
        cpuSection.put("io_threads_percent", round(100 * ioNanos / 1e9 / seconds));
        double runSeconds = (runEnd.wallNanos() - runStart.wallNanos()) / 1e9;
        cpuSection.put("run_process_seconds", round((runEnd.processCpuNanos() - runStart.processCpuNanos()) / 1e9));
        cpuSection.put("run_wall_seconds", round(runSeconds));

        Map<String, Object> tot = results.section("total");
        counters(tot, total, runSeconds);
        printSummary(steady, seconds, rtt, marker, late, cpuSection);
    }

    /** One group's histogram of one kind, summed over the I/O threads and the given windows. */
    private static Histogram merged(ClientIo io, HistogramOf kind, int group, int... windows) {
        Histogram sum = new Histogram();
        for (ThreadStats t : io.threadStats()) {
            for (int window : windows) {
                sum.addAll(kind.of(t, group, window));
            }
        }
        return sum;
    }

    /** Picks one of {@link ThreadStats}'s histograms. */
    private interface HistogramOf {
        Histogram of(ThreadStats stats, int group, int window);
    }

    /** {@link #clientSection} with the group's histograms merged over {@code windows}. */
    private void windowSection(ClientIo io, Map<String, Object> st, Counters c, double seconds, int group, int... windows) {
        clientSection(st, c, seconds, merged(io, ThreadStats::rtt, group, windows),
                merged(io, ThreadStats::marker, group, windows), merged(io, ThreadStats::sendLate, group, windows));
    }

    /** What a group of clients saw in a window: counters, round trip, markers, send lateness. */
    private void clientSection(Map<String, Object> st, Counters c, double seconds, Histogram rtt, Histogram marker,
                               Histogram late) {
        st.put("seconds", round(seconds));
        counters(st, c, seconds);
        st.put("rtt_count", rtt.count());
        st.put("rtt_p50_ms", rtt.percentile(0.50) / 1000.0);
        st.put("rtt_p90_ms", rtt.percentile(0.90) / 1000.0);
        st.put("rtt_p99_ms", rtt.percentile(0.99) / 1000.0);
        st.put("rtt_p999_ms", rtt.percentile(0.999) / 1000.0);
        st.put("rtt_max_ms", rtt.max() / 1000.0);
        st.put("rtt_mean_ms", round(rtt.mean() / 1000.0));
        if (config.expect() == Expectation.MIX) {
            st.put("marker_count", marker.count());
            st.put("marker_p50_ms", marker.percentile(0.50) / 1000.0);
            st.put("marker_p99_ms", marker.percentile(0.99) / 1000.0);
            st.put("marker_max_ms", marker.max() / 1000.0);
        }
        st.put("send_late_p50_ms", late.percentile(0.50) / 1000.0);
        st.put("send_late_p99_ms", late.percentile(0.99) / 1000.0);
        st.put("send_late_max_ms", late.max() / 1000.0);
    }

    /**
     * With churn: the steady clients before churn ({@code steady_alone}, if that window is not empty),
     * with it ({@code steady_churn}) and after it ({@code steady_after}, with {@code --churn-for}), the
     * churn clients in the churn window ({@code churners}), and the churn counts ({@code churn}).
     */
    private void summariseChurn(ClientIo io, Counters alone, Counters withChurn, Counters afterChurn, Counters churners,
                                CpuMeter.Sample cpuBefore, CpuMeter.Sample cpuMid, CpuMeter.Sample cpuOver,
                                CpuMeter.Sample cpuAfter) {
        int steadyGroup = ThreadStats.STEADY;
        double aloneSeconds = (cpuMid.wallNanos() - cpuBefore.wallNanos()) / 1e9;
        double churnSeconds = Math.max(1e-3, (cpuOver.wallNanos() - cpuMid.wallNanos()) / 1e9);
        Map<String, Object> aloneSection = null;
        if (aloneSeconds > 0) {
            aloneSection = results.section("steady_alone");
            windowSection(io, aloneSection, alone, aloneSeconds, steadyGroup, RunClock.ALONE);
            loadgenWindow(aloneSection, cpuBefore, cpuMid);
        }
        Map<String, Object> withSection = results.section("steady_churn");
        windowSection(io, withSection, withChurn, churnSeconds, steadyGroup, RunClock.CHURN);
        loadgenWindow(withSection, cpuMid, cpuOver);
        Map<String, Object> afterSection = null;
        if (afterChurn != null) {
            afterSection = results.section("steady_after");
            windowSection(io, afterSection, afterChurn, (cpuAfter.wallNanos() - cpuOver.wallNanos()) / 1e9,
                    steadyGroup, RunClock.AFTER);
            loadgenWindow(afterSection, cpuOver, cpuAfter);
        }
        Map<String, Object> churnerSection = results.section("churners");
        windowSection(io, churnerSection, churners, churnSeconds, ThreadStats.CHURNER, RunClock.CHURN);
        Map<String, Object> counts = results.section("churn");
        churn.report(counts, churn.snapshot());

        PrintStream o = log;
        o.printf(Locale.ROOT, "  churn     %s joins/s, stay %s ± %s s, at most %d: %d attempted, %d joined, %d failed, %d skipped at max; "
                        + "%d left (%d at the end), %d ended by the hub, %d still in; up to %d at once; handshake p50 %.2f ms p99 %.2f ms max %.2f ms%n",
                config.churnRate(), config.churnStaySeconds(), config.churnStaySpreadSeconds(), config.churnMax(),
                counts.get("joins_attempted"), counts.get("joined"), counts.get("failed"), counts.get("skipped_at_max"),
                counts.get("left"), counts.get("left_at_end"), counts.get("ended_by_hub"), counts.get("active_at_end"),
                counts.get("active_max"), counts.get("handshake_p50_ms"), counts.get("handshake_p99_ms"),
                counts.get("handshake_max_ms"));
        if (aloneSection != null) {
            printWindow("steady, alone", aloneSection);
        }
        printWindow("steady, churn", withSection);
        if (afterSection != null) {
            printWindow("steady, after", afterSection);
        }
        printWindow("churners", churnerSection);
        o.flush();
    }

    private void printWindow(String label, Map<String, Object> m) {
        boolean mix = config.expect() == Expectation.MIX;
        log.printf(Locale.ROOT, "  %-14s %5.1f s  dropouts %s/s (%s %s, %s underruns)  seq lost %s  %s p50 %s p99 %s ms%s  send late p99 %s ms%n",
                label + ":", ((Number) m.get("seconds")).doubleValue(), m.get("dropouts_per_s"),
                config.expect() == Expectation.LOOPBACK ? m.get("audible_gaps") : m.get("seq_gap_events"),
                config.expect() == Expectation.LOOPBACK ? "audible gaps" : "gap events", m.get("playout_underruns"),
                m.get("seq_lost"), mix ? "marker" : "rtt", m.get(mix ? "marker_p50_ms" : "rtt_p50_ms"),
                m.get(mix ? "marker_p99_ms" : "rtt_p99_ms"),
                mix ? "  next client's tone " + m.get("peer_tone_present_ratio") : "", m.get("send_late_p99_ms"));
    }

    /** The load generator's own CPU and GC in a window: its stalls are not the hub's. */
    private static void loadgenWindow(Map<String, Object> m, CpuMeter.Sample from, CpuMeter.Sample to) {
        m.put("loadgen_cpu_percent", cpuPercent(from, to));
        m.put("loadgen_gc_count", to.gcCount() - from.gcCount());
        m.put("loadgen_gc_ms", to.gcMillis() - from.gcMillis());
    }

    private static double cpuPercent(CpuMeter.Sample from, CpuMeter.Sample to) {
        double seconds = Math.max(1e-3, (to.wallNanos() - from.wallNanos()) / 1e9);
        return round(100.0 * (to.processCpuNanos() - from.processCpuNanos()) / 1e9 / seconds);
    }

    private void counters(Map<String, Object> m, Counters c, double seconds) {
        m.put("packets_sent", c.packetsBuilt);
        m.put("datagrams_sent", c.datagramsSent);
        m.put("sent_per_s", round(c.datagramsSent / seconds));
        m.put("bytes_sent", c.bytesSent);
        m.put("impairment_dropped", c.impairmentDropped);
        m.put("impairment_reordered", c.impairmentReordered);
        m.put("send_errors", c.sendErrors);
        m.put("datagrams_received", c.datagramsReceived);
        m.put("received_per_s", round(c.datagramsReceived / seconds));
        m.put("bytes_received", c.bytesReceived);
        m.put("packets_received", c.packetsUnique);
        m.put("packets_played", c.packetsPlayed);
        m.put("seq_lost", c.seqLost());
        m.put("seq_lost_percent", c.packetsSpan == 0 ? 0.0 : round(100.0 * c.seqLost() / c.packetsSpan));
        m.put("seq_gap_events", c.gapEvents);
        m.put("seq_out_of_order", c.outOfOrder);
        m.put("seq_duplicates", c.duplicates);
        m.put("seq_too_late", c.tooLate);
        m.put("revived", c.revived);
        m.put("malformed", c.malformed);
        m.put("receive_errors", c.receiveErrors);
        m.put("exits_received", c.exitsReceived);
        m.put("playout_underruns", c.underruns);
        m.put("playout_underruns_per_s", round(c.underruns / seconds));
        // What a listener hears as a dropout: a lost packet or a late one (loopback: a broken ramp).
        long dropouts = (config.expect() == Expectation.LOOPBACK ? c.audibleGaps : c.gapEvents) + c.underruns;
        m.put("dropouts_per_s", round(dropouts / seconds));
        if (config.expect() == Expectation.LOOPBACK) {
            m.put("audible_gaps", c.audibleGaps);
            m.put("audible_gaps_per_s", round(c.audibleGaps / seconds));
            m.put("bad_frames", c.badFrames);
            m.put("ramp_slips", c.rampSlips);
            m.put("frames_checked", c.framesChecked);
        }
        if (config.expect() == Expectation.MIX) {
            m.put("tone_windows", c.toneWindows);
            m.put("peer_tone_present_ratio", c.toneWindows == 0 ? 0.0 : round((double) c.peerTonePresent / c.toneWindows));
            m.put("own_tone_present_ratio", c.toneWindows == 0 ? 0.0 : round((double) c.ownTonePresent / c.toneWindows));
            m.put("markers_sent", c.markersSent);
            m.put("markers_heard", c.markersHeard);
        }
    }

    private void printSummary(Counters s, double seconds, Histogram rtt, Histogram marker, Histogram late,
                              Map<String, Object> cpuSection) {
        PrintStream o = log;
        o.printf(Locale.ROOT, "loadgen: %d/%d clients connected, %d streaming, %d failed, io %s, %.1f s measured%n",
                connected, config.clients(), streamingClients(), failed, config.io().label(), seconds);
        o.printf(Locale.ROOT, "  sent      %9.1f datagrams/s  (impairments: dropped %d, reordered %d; send errors %d)%n",
                s.datagramsSent / seconds, s.impairmentDropped, s.impairmentReordered, s.sendErrors);
        o.printf(Locale.ROOT, "  send late p50 %.3f ms  p99 %.3f ms  max %.3f ms%n", late.percentile(0.5) / 1000.0,
                late.percentile(0.99) / 1000.0, late.max() / 1000.0);
        o.printf(Locale.ROOT, "  received  %9.1f datagrams/s  seq lost %d (%d gap events), out of order %d, duplicates %d, revived %d, malformed %d%n",
                s.datagramsReceived / seconds, s.seqLost(), s.gapEvents, s.outOfOrder, s.duplicates, s.revived,
                s.malformed);
        o.printf(Locale.ROOT, "  playout   %d underruns (%.2f/s) with a %d-packet buffer%n", s.underruns,
                s.underruns / seconds, config.playoutPackets());
        if (config.expect() == Expectation.LOOPBACK) {
            o.printf(Locale.ROOT, "  audio     audible gaps %d (%.2f/s), bad frames %d of %d checked%s%n", s.audibleGaps,
                    s.audibleGaps / seconds, s.badFrames, s.framesChecked,
                    config.rampTolerance() > 0 ? ", slips within tolerance " + s.rampSlips : "");
            for (SimClient c : clients) {
                if (c != null) {
                    c.gapRecords.print(o, c.name, clock.startNanos, config.frames());
                }
            }
            o.printf(Locale.ROOT, "  rtt       p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  (n=%d)%n",
                    rtt.percentile(0.5) / 1000.0, rtt.percentile(0.9) / 1000.0, rtt.percentile(0.99) / 1000.0,
                    rtt.max() / 1000.0, rtt.count());
        } else if (config.expect() == Expectation.MIX) {
            o.printf(Locale.ROOT, "  mix       next client's tone in %.1f%% of windows, own tone in %.1f%%; %d markers sent, heard %d times (%.1f listeners each)%n",
                    s.toneWindows == 0 ? 0 : 100.0 * s.peerTonePresent / s.toneWindows,
                    s.toneWindows == 0 ? 0 : 100.0 * s.ownTonePresent / s.toneWindows, s.markersSent, s.markersHeard,
                    s.markersSent == 0 ? 0 : (double) s.markersHeard / s.markersSent);
            o.printf(Locale.ROOT, "  marker    p50 %.3f ms  p99 %.3f ms  max %.3f ms  (n=%d)%n",
                    marker.percentile(0.5) / 1000.0, marker.percentile(0.99) / 1000.0, marker.max() / 1000.0,
                    marker.count());
        }
        o.printf(Locale.ROOT, "  cpu       %.1f%% of one core (io threads %.1f%%), gc %s in %s ms%n",
                cpuSection.get("percent_of_one_core"), cpuSection.get("io_threads_percent"),
                cpuSection.get("gc_count"), cpuSection.get("gc_ms"));
        o.flush();
    }
}
