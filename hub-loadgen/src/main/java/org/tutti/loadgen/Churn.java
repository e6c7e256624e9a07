package org.tutti.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Churn clients: while the measured phase runs, new clients join at a fixed rate ({@code --churn-rate}),
 * stream for a while ({@code --churn-stay} ± {@code --churn-stay-spread}, drawn from the run's seed) and
 * leave as a quitting JackTrip client does (exit packets ×2, then the socket closes). They live in this
 * process, on the same I/O threads as the steady clients, with names of their own ({@code ch0001}, …) so
 * a hub sees a new participant each time.
 *
 * <p>Threads: {@code lg-churn} schedules joins, leaves and socket closes (each a queue hand-off to the
 * I/O threads); {@code lg-join-k} ({@value #HANDSHAKE_THREADS} of them) bind and do the blocking TCP
 * handshake, so a join never stalls the threads that send and receive, and one slow handshake does not
 * hold up the next join.
 *
 * <p>Accounting: a churn client is kept from its join until its socket is closed; then its counters are
 * added to {@link #retired} and it is dropped, so a long run holds only the clients present.
 */
final class Churn {
    static final int HANDSHAKE_THREADS = 4;
    private static final long RETIRE_POLL_MILLIS = 50;
    private static final int MAX_FAILURE_MESSAGES = 5;

    private final LoadConfig config;
    private final ClientIo io;
    private final Signal signal;
    private final Markers markers;
    private final float toneLevel;
    private final InetAddress hub;
    private final InetSocketAddress tcp;
    private final InetAddress local;
    private final PrintStream log;
    private final long drainMillis;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor handshakes;
    private final SplittableRandom random;
    private volatile boolean joining;
    private long startNanos;
    /** When joins stopped: joins (and leaves) per second are counted over start..stop. */
    private long stopNanos;
    private int scheduled;

    private final Object lock = new Object();
    private final List<SimClient> live = new ArrayList<>();
    private final Counters retired = new Counters();
    private final Histogram handshakeMicros = new Histogram();
    /** Stays served by the clients that left on their own schedule (not cut short by the run's end). */
    private final Histogram stayMillis = new Histogram();
    private final List<String> failures = new ArrayList<>();
    private long attempted;
    private long joined;
    private long failed;
    private long skipped;
    private long left;
    private long leftAtEnd;
    private long endedByHub;
    /** Joining (handshake under way) or streaming, not yet left: what {@code --churn-max} caps. */
    private int present;
    private int maxActive;

    Churn(LoadConfig config, ClientIo io, Signal signal, Markers markers, float toneLevel, InetAddress hub,
          InetSocketAddress tcp, InetAddress local, PrintStream log, long drainMillis) {
        this.config = config;
        this.io = io;
        this.signal = signal;
        this.markers = markers;
        this.toneLevel = toneLevel;
        this.hub = hub;
        this.tcp = tcp;
        this.local = local;
        this.log = log;
        this.drainMillis = drainMillis;
        this.random = new SplittableRandom(config.seed() * 7_777_777L + 99);
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemons("lg-churn"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.handshakes = new ThreadPoolExecutor(HANDSHAKE_THREADS, HANDSHAKE_THREADS, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), daemons("lg-join"));
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix.equals("lg-churn") ? prefix : prefix + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts joining now, at {@code --churn-rate} per second. */
    void start() {
        startNanos = System.nanoTime();
        joining = true;
        scheduler.execute(this::tick);
    }

    /** Due joins: each goes to the handshake pool unless {@code --churn-max} clients are already present. */
    private void tick() {
        long now = System.nanoTime();
        while (joining) {
            long due = startNanos + (long) (scheduled * 1e9 / config.churnRate());
            if (due - now > 0) {
                scheduler.schedule(this::tick, due - now, TimeUnit.NANOSECONDS);
                return;
            }
            int number = ++scheduled;
            double stay = config.churnStaySeconds()
                    + (random.nextDouble() * 2 - 1) * config.churnStaySpreadSeconds();
            synchronized (lock) {
                if (present >= config.churnMax()) {
                    skipped++;
                    continue;
                }
                present++;
                attempted++;
            }
            handshakes.execute(() -> join(number, stay));
        }
    }

    /** On a handshake thread: bind, handshake, start streaming (on the I/O threads), schedule the leave. */
    private void join(int number, double staySeconds) {
        SimClient client = new SimClient(config.clients() + number - 1,
                String.format(Locale.ROOT, "%s%04d", config.churnPrefix(), number), ThreadStats.CHURNER, config,
                signal, markers, toneLevel);
        synchronized (lock) {
            live.add(client);
        }
        long begin = System.nanoTime();
        try {
            client.localPort = io.bind(client, new InetSocketAddress(local, 0));
            int hubPort = HandshakeClient.handshake(tcp, client.localPort, client.name,
                    config.handshakeTimeoutMillis());
            long shaken = System.nanoTime();
            io.start(client, new InetSocketAddress(hub, hubPort));
            client.joinedNanos = shaken;
            synchronized (lock) {
                joined++;
                handshakeMicros.record((shaken - begin) / 1000);
                maxActive = Math.max(maxActive, (int) (joined - left - endedByHub));
            }
            try {
                scheduler.schedule(() -> leave(client, false), (long) (staySeconds * 1e9), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // finishing: finish() makes everyone still present leave
            }
        } catch (IOException | RuntimeException e) {
            client.state = SimClient.FAILED;
            synchronized (lock) {
                failed++;
                present--;
                if (failures.size() < MAX_FAILURE_MESSAGES) {
                    failures.add(client.name + ": " + e);
                    log.println("loadgen: churn " + client.name + ": " + e);
                }
            }
            io.close(client);
            retireWhenClosed(client);
        }
    }

    /** The client leaves (exit packets from the I/O thread), and its socket closes after the drain. */
    private void leave(SimClient client, boolean atEnd) {
        synchronized (lock) {
            if (client.leaving || client.state == SimClient.FAILED) {
                return;
            }
            client.leaving = true;
            present--;
            if (client.endedByHub) {
                endedByHub++;
            } else {
                left++;
                if (atEnd) {
                    leftAtEnd++;
                }
            }
            if (!atEnd) {
                stayMillis.record((System.nanoTime() - client.joinedNanos) / 1_000_000);
            }
        }
        io.leave(client);
        if (!atEnd) {
            try {
                scheduler.schedule(() -> {
                    io.close(client);
                    retireWhenClosed(client);
                }, drainMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // finishing: finish() closes it
            }
        }
    }

    /** Once no I/O thread touches the client any more, its counters join {@link #retired} and it is dropped. */
    private void retireWhenClosed(SimClient client) {
        if (client.closed) {
            synchronized (lock) {
                if (live.remove(client)) {
                    retired.add(client);
                }
            }
            return;
        }
        try {
            scheduler.schedule(() -> retireWhenClosed(client), RETIRE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // finishing: it stays in live, which snapshots count too
        }
    }

    /** Stops joining; the churn clients present stay until their own leave (see {@link #awaitNonePresent}). */
    void stopJoining() {
        joining = false;
        synchronized (lock) {
            stopNanos = System.nanoTime();
        }
    }

    /** Waits until every churn client has left (or failed) on its own schedule, or until {@code deadline}. */
    boolean awaitNonePresent(long deadline) throws InterruptedException {
        while (System.nanoTime() - deadline < 0) {
            synchronized (lock) {
                if (present == 0 && handshakes.getActiveCount() == 0 && handshakes.getQueue().isEmpty()) {
                    return true;
                }
            }
            Thread.sleep(5);
        }
        return false;
    }

    /**
     * Stops joining, waits for handshakes under way, makes every churn client still present leave (exit
     * packets), lets the hub answer for {@code drainMillis}, and closes their sockets.
     */
    void finish() throws InterruptedException {
        if (joining) {
            joining = false;
            synchronized (lock) {
                stopNanos = System.nanoTime();
            }
        }
        handshakes.shutdown();
        long handshakeBound = (long) config.handshakeTimeoutMillis() * 2 * HandshakeClient.CONNECT_ATTEMPTS + 2000;
        if (!handshakes.awaitTermination(handshakeBound, TimeUnit.MILLISECONDS)) {
            handshakes.shutdownNow();
        }
        List<SimClient> remaining;
        synchronized (lock) {
            remaining = new ArrayList<>(live);
        }
        for (SimClient client : remaining) {
            leave(client, true);
        }
        NioClientIo.sleep(drainMillis);
        scheduler.shutdownNow();
        scheduler.awaitTermination(2, TimeUnit.SECONDS);
        for (SimClient client : remaining) {
            if (!client.closed) {
                io.close(client);
            }
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (SimClient client : remaining) {
            while (!client.closed && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            synchronized (lock) {
                if (client.closed && live.remove(client)) {
                    retired.add(client);
                }
            }
        }
    }

    /** Stops every churn thread at once (the run failed). */
    void shutdownNow() {
        joining = false;
        handshakes.shutdownNow();
        scheduler.shutdownNow();
    }

    /** Sums of every churn client's counters so far (those present and those gone). */
    Counters snapshot() {
        synchronized (lock) {
            return Counters.of(live).plus(retired);
        }
    }

    /** Churn clients joined and not yet left. */
    int active() {
        synchronized (lock) {
            return (int) (joined - left - endedByHub);
        }
    }

    long joined() {
        synchronized (lock) {
            return joined;
        }
    }

    long left() {
        synchronized (lock) {
            return left;
        }
    }

    /** The churn counts, for the results' {@code churn} section (call after {@link #finish}). */
    void report(java.util.Map<String, Object> m, Counters total) {
        synchronized (lock) {
            double seconds = Math.max(1e-3, (stopNanos - startNanos) / 1e9);
            m.put("rate_per_s", config.churnRate());
            m.put("stay_s", config.churnStaySeconds());
            m.put("stay_spread_s", config.churnStaySpreadSeconds());
            m.put("max", config.churnMax());
            m.put("start_after_s", config.churnStartAfterSeconds());
            m.put("seconds", round(seconds));
            m.put("joins_attempted", attempted);
            m.put("joined", joined);
            m.put("failed", failed);
            m.put("skipped_at_max", skipped);
            m.put("left", left);
            m.put("left_at_end", leftAtEnd);
            m.put("ended_by_hub", endedByHub);
            m.put("active_at_end", joined - left - endedByHub);
            m.put("active_max", maxActive);
            m.put("joins_per_s", round(joined / seconds));
            m.put("leaves_per_s", round((left + endedByHub - leftAtEnd) / seconds));
            m.put("stay_mean_s", round(stayMillis.mean() / 1000.0));
            m.put("handshake_p50_ms", handshakeMicros.percentile(0.50) / 1000.0);
            m.put("handshake_p99_ms", handshakeMicros.percentile(0.99) / 1000.0);
            m.put("handshake_max_ms", handshakeMicros.max() / 1000.0);
            m.put("exits_received", total.exitsReceived);
            m.put("first_error", failures.isEmpty() ? "" : failures.get(0));
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
