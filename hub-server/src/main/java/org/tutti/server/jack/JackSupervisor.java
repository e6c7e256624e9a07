package org.tutti.server.jack;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jaudiolibs.jnajack.JackException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.server.engine.AudioClient;
import org.tutti.server.engine.AudioFormat;
import org.tutti.server.engine.AudioServer;
import org.tutti.server.engine.EmbeddedClockServer;
import org.tutti.server.engine.HubEngine;
import org.tutti.server.engine.PeriodTimings;

/**
 * The audio server for {@code --jack}: the engine runs once per JACK cycle, on a thread of its own that
 * JACK's process callback hands the cycle to ({@code --jack-engine async}, the default) or in the
 * callback itself ({@code sync}). If the JACK server
 * dies (or changes its period), the hub logs it, switches to its embedded clock so participants keep
 * hearing each other, and rejoins JACK as soon as a server with the same rate and period is back.
 */
public final class JackSupervisor implements AudioServer {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.jack");
    static final long RETRY_MILLIS = 2000;

    /**
     * JACK's settings plus the hub's.
     *
     * @param asyncEngine whether the engine runs on a thread of its own ({@code --jack-engine async})
     */
    public record Settings(String server, String clientName, int hubChannels, boolean connectSystemPorts,
                           long spinNanos, int realtimePriority, boolean asyncEngine) {
    }

    private final Settings settings;
    private final PeriodTimings timings;
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "tutti-jack-watch");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean onJack = new AtomicBoolean();
    private final AudioFormat format;
    private ParticipantPorts ports;
    private JackBackend backend;
    private EmbeddedClockServer fallback;
    private HubEngine engine;
    private volatile boolean stopped;
    private volatile long fallbacks;
    private volatile long rejoins;

    private JackSupervisor(Settings settings, JackBackend first, PeriodTimings timings) {
        this.settings = settings;
        this.backend = first;
        this.format = first.format();
        this.timings = timings;
    }

    /**
     * Joins the JACK server now, to learn its rate and period before the hub is built.
     *
     * @throws JackException with a message for the operator if no server is running
     */
    public static JackSupervisor connect(Settings settings, PeriodTimings timings) throws JackException {
        return new JackSupervisor(settings, JackBackend.open(settings.server(), settings.clientName(),
                settings.hubChannels(), timings), timings);
    }

    /** The participant ports to maintain; set before {@link #start}. */
    public void ports(ParticipantPorts participantPorts) {
        if (settings.asyncEngine() != (participantPorts.staged() != null)) {
            throw new IllegalArgumentException("participant ports staged for the other JACK engine mode");
        }
        this.ports = participantPorts;
    }

    @Override
    public AudioFormat format() {
        return format;
    }

    @Override
    public String describe() {
        return "JACK server '" + (settings.server() == null ? "default" : settings.server()) + "' as client '"
                + backend.client().getName() + "', " + format;
    }

    public boolean onJack() {
        return onJack.get();
    }

    /** The thread JACK runs the current client's process callback on (0 before its first cycle). */
    public long processThreadId() {
        return backend.processThreadId();
    }

    /** The engine's own thread with {@code --jack-engine async} (0 with sync). */
    public long engineThreadId() {
        return backend.engineThreadId();
    }

    public long fallbacks() {
        return fallbacks;
    }

    public long rejoins() {
        return rejoins;
    }

    @Override
    public synchronized void start(AudioClient client) throws JackException {
        this.engine = (HubEngine) client;
        startOnJack();
    }

    private void startOnJack() throws JackException {
        JackBackend current = backend;
        ports.attachFromAnyThread(current.client());
        boolean async = settings.asyncEngine();
        engine.bridge(async ? ports.staged() : ports.direct());
        current.start(engine, settings.connectSystemPorts(), () -> lost(current), ports::connectionChanged, async,
                ports.staged(), settings.realtimePriority());
        onJack.set(true);
    }

    /** From a JACK thread: the server went away. Switch over on our own thread. */
    private void lost(JackBackend which) {
        watcher.execute(() -> fallBack(which));
    }

    private synchronized void fallBack(JackBackend which) {
        if (stopped || which != backend || !onJack.getAndSet(false)) {
            return;
        }
        fallbacks++;
        LOG.error("lost the JACK server; participants keep hearing each other on the hub's own clock. Rejoining"
                + " JACK when it is back (every {} s)", RETRY_MILLIS / 1000);
        leave(which);
        runOnOwnClock();
    }

    /** Takes the engine and the participants' ports away from {@code which} and closes it. */
    private void leave(JackBackend which) {
        engine.bridge(org.tutti.server.engine.PortBridge.NONE);
        ports.detachFromAnyThread();
        which.close();
        timings.owed(0); // what a JACK stall took is run by that client's cycles only: gone with it
    }

    /** The embedded clock runs the engine until {@link #tryRejoin} finds JACK again. */
    private void runOnOwnClock() {
        fallback = new EmbeddedClockServer(format, settings.hubChannels(), settings.hubChannels(),
                (capture, frames) -> {
                    for (float[] channel : capture) {
                        java.util.Arrays.fill(channel, 0, frames, 0f);
                    }
                }, settings.spinNanos(), timings).realtimePriority(settings.realtimePriority());
        try {
            fallback.start(engine);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watcher.schedule(this::tryRejoin, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private synchronized void tryRejoin() {
        if (stopped || onJack.get()) {
            return;
        }
        JackBackend candidate;
        try {
            candidate = JackBackend.open(settings.server(), settings.clientName(), settings.hubChannels(), timings);
        } catch (JackException | RuntimeException e) {
            watcher.schedule(this::tryRejoin, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        if (!candidate.format().equals(format)) {
            LOG.warn("a JACK server is back but runs at {}; the hub runs at {}. Staying on the embedded clock",
                    candidate.format(), format);
            candidate.close();
            watcher.schedule(this::tryRejoin, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        fallback.stop();
        fallback = null;
        backend = candidate;
        try {
            startOnJack();
            rejoins++;
            LOG.info("rejoined the JACK server; the engine follows JACK's clock again");
        } catch (JackException | RuntimeException e) {
            // Not lost(candidate): the hub was not on JACK yet, so that would find nothing to fall back
            // from, and nothing would run the engine.
            LOG.error("rejoining JACK failed ({}); staying on the hub's own clock", e.toString());
            onJack.set(false);
            leave(candidate);
            runOnOwnClock();
        }
    }

    @Override
    public synchronized void stop() {
        stopped = true;
        watcher.shutdownNow();
        if (fallback != null) {
            fallback.stop();
        }
        boolean wasRunning = onJack.getAndSet(false);
        if (ports != null) {
            // On the conductor, so port updates still queued there find no client rather than a closed one.
            ports.detachFromAnyThread();
        }
        if (engine != null) {
            engine.bridge(org.tutti.server.engine.PortBridge.NONE);
        }
        backend.close();
        if (wasRunning && engine != null) {
            engine.shutdown();
        }
    }
}
