package org.tutti.server.jack;

import java.util.EnumSet;
import org.jaudiolibs.jnajack.Jack;
import org.jaudiolibs.jnajack.JackClient;
import org.jaudiolibs.jnajack.JackException;
import org.jaudiolibs.jnajack.JackPort;
import org.jaudiolibs.jnajack.JackPortFlags;
import org.jaudiolibs.jnajack.JackPortType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.server.engine.AudioClient;
import org.tutti.server.engine.AudioFormat;
import org.tutti.server.engine.PeriodTimings;

/**
 * One JACK client driving the engine from JACK's process callback ({@link JackCycle}: nothing allocated
 * per cycle): rate and period are JACK's. The engine runs in the callback ({@link SyncCycle}) or on a
 * thread of its own that the callback hands each cycle to ({@link AsyncCycle}). The periods a stall
 * took are run again afterwards ({@link LostCycles}).
 * The hub's own input and output are ports {@code in_N} / {@code out_N}, connected to the system
 * (physical) ports when asked, as JackTrip's hub does in modes 0 and {@code -i}.
 */
final class JackBackend {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.jack");

    private final JackClient client;
    private final AudioFormat format;
    private final JackPort[] inputs;
    private final JackPort[] outputs;
    private final long clientAddress;
    private final long[] inputAddresses;
    private final long[] outputAddresses;
    /** Held here: JNA keeps a callback only weakly, and JACK calls it for as long as the client lives. */
    private JackCycle.Process process;
    private long processFailures;
    private long lastFailureLogNanos;
    /** A cycle that keeps failing is logged again this often, with the count, not every 2.7 ms. */
    private static final long FAILURE_LOG_INTERVAL_NANOS = 10_000_000_000L;
    private volatile long processThreadId;
    private final PeriodTimings timings;
    /** With {@code --jack-engine async}, else null. */
    private volatile JackEngineThread engineThread;
    private volatile long wrongSizedPeriods;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final NotificationCallbacks notifications = new NotificationCallbacks();
    /** JACK said its server went away: the client is dead, and closing it can hang (see {@link #close}). */
    private volatile boolean serverGone;
    /** How long closing may take before the hub goes on without waiting for it. */
    static final long CLOSE_TIMEOUT_MILLIS = 2000;

    private JackBackend(JackClient client, AudioFormat format, JackPort[] inputs, JackPort[] outputs,
                        PeriodTimings timings) {
        this.client = client;
        this.format = format;
        this.inputs = inputs;
        this.outputs = outputs;
        this.clientAddress = JackConnection.address(client);
        this.inputAddresses = java.util.Arrays.stream(inputs).mapToLong(JackConnection::address).toArray();
        this.outputAddresses = java.util.Arrays.stream(outputs).mapToLong(JackConnection::address).toArray();
        this.timings = timings;
    }

    /** What JACK's process callback does each cycle of the right size, on JACK's process thread. */
    interface Cycle {
        void run(int frames);
    }

    /** Opens the client and registers the hub's own ports; nothing runs until {@link #start}. */
    static JackBackend open(String server, String name, int hubChannels, PeriodTimings timings) throws JackException {
        JackClient client = JackConnection.open(server, name);
        try {
            AudioFormat format = new AudioFormat(client.getSampleRate(), client.getBufferSize());
            JackPort[] in = new JackPort[hubChannels];
            JackPort[] out = new JackPort[hubChannels];
            for (int c = 0; c < hubChannels; c++) {
                in[c] = client.registerPort(PortNames.hubInput(c + 1), JackPortType.AUDIO, JackPortFlags.JackPortIsInput);
                out[c] = client.registerPort(PortNames.hubOutput(c + 1), JackPortType.AUDIO,
                        JackPortFlags.JackPortIsOutput);
            }
            return new JackBackend(client, format, in, out, timings);
        } catch (JackException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    JackClient client() {
        return client;
    }

    AudioFormat format() {
        return format;
    }

    /** What is told of every connection made or broken anywhere in JACK's graph (on JACK's notification thread). */
    interface ConnectionListener {
        void changed(String source, String destination, boolean connected);
    }

    /**
     * Starts running {@code engine} once per JACK cycle: in JACK's process callback, or with
     * {@code async} on a thread of its own.
     *
     * @param lost              called (from a JACK thread) if the server goes away or changes its period
     * @param connectionChanged called (from JACK's notification thread) with the two ports of every
     *                          connection made or broken in the graph
     * @param async             whether the engine runs on its own thread ({@code --jack-engine async})
     * @param ports             with {@code async}: participants' ports, exchanged by the callback (null: none)
     * @param realtimePriority  with {@code async}: the highest SCHED_FIFO priority the engine thread may
     *                          have (0: normal scheduling); it stays below JACK's client threads
     */
    void start(AudioClient engine, boolean connectSystemPorts, Runnable lost,
               ConnectionListener connectionChanged, boolean async, StagedPorts ports,
               int realtimePriority) throws JackException {
        engine.configure(format, inputs.length, outputs.length);
        timings.realtime(false); // until a thread of the engine's own is promoted (async); JACK's is not the engine's
        Cycle cycle;
        if (async) {
            CycleHandoff handoff = new CycleHandoff(inputs.length, outputs.length, format.periodFrames(), timings);
            int priority = engineThreadPriority(realtimePriority, JackCycle.clientRealtimePriority(clientAddress));
            engineThread = new JackEngineThread(handoff, engine, timings,
                    ports == null ? JackEngineThread.CycleStart.NONE : ports, inputs.length, outputs.length,
                    format.periodFrames(), priority, lost);
            cycle = new AsyncCycle(clientAddress, inputAddresses, outputAddresses, format, timings, handoff, ports);
        } else {
            cycle = new SyncCycle(engine, clientAddress, inputAddresses, outputAddresses, format, timings);
        }
        client.setPortConnectCallback(new org.jaudiolibs.jnajack.JackPortConnectCallback() {
            @Override
            public void portsConnected(JackClient c, String source, String destination) {
                notifications.run(() -> connectionChanged.changed(source, destination, true));
            }

            @Override
            public void portsDisconnected(JackClient c, String source, String destination) {
                notifications.run(() -> connectionChanged.changed(source, destination, false));
            }
        });
        process = (frames, argument) -> {
            try {
                if (processThreadId == 0) {
                    processThreadId = Thread.currentThread().getId();
                }
                if (frames != format.periodFrames()) {
                    wrongSizedPeriods++;
                } else {
                    cycle.run(frames);
                }
            } catch (Throwable e) {
                processFailures++;
                long now = System.nanoTime();
                if (processFailures == 1 || now - lastFailureLogNanos > FAILURE_LOG_INTERVAL_NANOS) {
                    lastFailureLogNanos = now;
                    LOG.error("the JACK process cycle failed ({} cycles so far); the hub goes on with the next cycle",
                            processFailures, e);
                }
            }
            return 0;
        };
        JackCycle.setProcessCallback(clientAddress, process, "tutti-jack-process");
        client.setBuffersizeCallback((c, size) -> notifications.run(() -> {
            if (size != format.periodFrames()) {
                LOG.error("JACK's period changed to {} frames; the hub runs at {} and cannot follow", size,
                        format.periodFrames());
                lost.run();
            }
        }));
        client.onShutdown(c -> notifications.run(() -> {
            serverGone = true;
            lost.run();
        }));
        if (engineThread != null) {
            engineThread.start(); // last before activate: a set-up call above that throws leaves no thread behind
        }
        try {
            client.activate();
        } catch (JackException | RuntimeException e) {
            JackEngineThread thread = engineThread;
            if (thread != null) {
                thread.stop(); // no cycle will come for it
            }
            throw e;
        }
        if (connectSystemPorts) {
            connectPhysical();
        }
    }

    /**
     * The engine thread's SCHED_FIFO priority: {@code allowed} ({@code --realtime-priority}), but below
     * JACK's client threads ({@code jackClients}, -1 when JACK runs without real-time scheduling), so
     * that on a machine with fewer cores than busy threads the engine never takes a core from a JACK
     * client's callback, Tutti's or another's: that would make JACK's graph late, the xrun this thread
     * is there to prevent. Without real-time JACK it stays at normal scheduling, as JACK's threads do.
     */
    static int engineThreadPriority(int allowed, int jackClients) {
        if (allowed <= 0 || jackClients <= 1) {
            return 0;
        }
        return Math.min(allowed, jackClients - 1);
    }

    /** The thread JACK calls the process callback on (0 before the first cycle): for measuring it. */
    long processThreadId() {
        return processThreadId;
    }

    /** The engine's own thread with {@code --jack-engine async}, else 0. */
    long engineThreadId() {
        JackEngineThread thread = engineThread;
        return thread == null ? 0 : thread.threadId();
    }

    /** system:capture_k → in_k and out_k → system:playback_k, up to the physical ports there are. */
    private void connectPhysical() {
        try {
            Jack jack = Jack.getInstance();
            String[] capturePorts = jack.getPorts(client, null, JackPortType.AUDIO,
                    EnumSet.of(JackPortFlags.JackPortIsPhysical, JackPortFlags.JackPortIsOutput));
            String[] playbackPorts = jack.getPorts(client, null, JackPortType.AUDIO,
                    EnumSet.of(JackPortFlags.JackPortIsPhysical, JackPortFlags.JackPortIsInput));
            for (int c = 0; c < Math.min(inputs.length, capturePorts.length); c++) {
                jack.connect(client, capturePorts[c], inputs[c].getName());
            }
            for (int c = 0; c < Math.min(outputs.length, playbackPorts.length); c++) {
                jack.connect(client, outputs[c].getName(), playbackPorts[c]);
            }
        } catch (JackException e) {
            LOG.warn("could not connect the hub's ports to the system ports: {}", e.getMessage());
        }
    }

    long wrongSizedPeriods() {
        return wrongSizedPeriods;
    }

    /**
     * Deactivates and closes the JACK client, waiting at most {@link #CLOSE_TIMEOUT_MILLIS}: libjack's
     * close can block for ever once the server has died (seen with jackd2 killed under a running
     * client), and neither a fall-back to the embedded clock nor the hub's shutdown may hang on it. A
     * client whose server JACK reported gone is not closed at all.
     * Closing again, or while a close is under way, returns at once.
     *
     * @return whether the client was closed in time (false: a daemon thread is still at it)
     */
    boolean close() {
        if (!closed.compareAndSet(false, true)) {
            return true;
        }
        JackEngineThread thread = engineThread;
        if (thread != null) {
            // First, and whatever becomes of the client: the embedded clock, when it takes over, must be
            // the engine's only caller. A callback that still comes hands cycles nobody runs: silence.
            thread.stop();
        }
        if (serverGone) {
            // Its server is gone, so the client is dead already. libjack's close of such a client hung in a
            // test run, and a hung close holds libjack's lock: every later jack_client_open in this process
            // (the hub's own rejoin) then hangs too. A dead client's memory is the cheaper loss.
            LOG.debug("not closing the JACK client of a server that went away");
            return true;
        }
        Thread closer = new Thread(() -> {
            try {
                notifications.close(client); // never while a notification callback runs Java: see there
            } catch (RuntimeException e) {
                LOG.debug("closing the JACK client: {}", e.toString()); // the server may already be gone
            }
        }, "tutti-jack-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(CLOSE_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            LOG.warn("closing the JACK client did not finish within {} ms (the JACK server is gone?); going on"
                    + " without it", CLOSE_TIMEOUT_MILLIS);
            return false;
        }
        return true;
    }
}
