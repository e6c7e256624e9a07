package org.tutti.server.jack;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.server.engine.AudioClient;
import org.tutti.server.engine.PeriodTimings;
import org.tutti.server.engine.RealtimeScheduling;

/**
 * Tutti's engine thread with {@code --jack-engine async}: runs each cycle JACK's callback handed over
 * ({@link CycleHandoff}), and the owed periods that come with it, against the staging sets, so that
 * the engine's work never runs on JACK's process thread. Parks while there is nothing to run; the
 * callback unparks it. Nothing allocated per cycle.
 */
final class JackEngineThread {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.jack");
    static final String NAME = "tutti-jack-engine";
    /** A cycle that keeps failing is logged again this often, with the count. */
    private static final long FAILURE_LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final long STOP_TIMEOUT_MILLIS = 2000;

    /** Told which set and cycle the engine runs next, before it does (the staged participant ports). */
    interface CycleStart {
        void cycle(int set, long cycle);

        CycleStart NONE = (set, cycle) -> { };
        /** The cycle of an owed period: none, so no staged JACK audio matches it (cycles count from 1). */
        long NO_CYCLE = -1;
    }

    private final CycleHandoff handoff;
    private final AudioClient engine;
    private final PeriodTimings timings;
    private final CycleStart cycleStart;
    private final int frames;
    private final int realtimePriority;
    /** What an owed period reads as the hub's input, and where its output goes (no JACK cycle is its). */
    private final float[][] silence;
    private final float[][] discarded;
    private final Runnable died;
    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile boolean running = true;
    private long failures;
    private long lastFailureLogNanos;

    /**
     * @param realtimePriority SCHED_FIFO priority to ask for (0: normal scheduling)
     * @param died             called on this thread if it ends other than by {@link #stop} (a bug)
     */
    JackEngineThread(CycleHandoff handoff, AudioClient engine, PeriodTimings timings, CycleStart cycleStart,
                     int captureChannels, int playbackChannels, int frames, int realtimePriority, Runnable died) {
        this.handoff = handoff;
        this.engine = engine;
        this.timings = timings;
        this.cycleStart = cycleStart;
        this.frames = frames;
        this.realtimePriority = realtimePriority;
        this.silence = new float[captureChannels][frames];
        this.discarded = new float[playbackChannels][frames];
        this.died = died;
        this.thread = new Thread(this::run, NAME);
        thread.setDaemon(true);
    }

    /** Starts the thread and returns once it waits for cycles. */
    void start() {
        thread.start();
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long threadId() {
        return thread.getId();
    }

    private void run() {
        try {
            try {
                promote();
            } finally {
                handoff.engine(thread);
                started.countDown(); // also when promote failed: start() must not wait for ever
            }
            while (running) {
                long cycle = handoff.next();
                if (cycle == 0) {
                    Thread.interrupted(); // a set flag would make park return at once, for ever
                    LockSupport.park(this); // an unpark that came first makes this return at once
                    continue;
                }
                runCycle(cycle);
                handoff.finish(cycle);
            }
        } catch (Throwable e) {
            // runCycle contains a period's failure; this is a bug (or the JVM out of memory). Without
            // this thread nobody hears a mix, so the hub gives JACK up as when the server goes away.
            handoff.stop();
            LOG.error("the JACK engine thread failed; the hub falls back to its own clock", e);
            died.run();
        }
    }

    private void runCycle(long cycle) {
        int set = CycleHandoff.set(cycle);
        long periodStart = handoff.startNanos(set);
        long begin = System.nanoTime();
        try {
            // An owed period had no JACK cycle: it mixes no audio from JACK ports (as its hub input is
            // silence), and what it puts out for them is overwritten by the cycle's own period.
            cycleStart.cycle(set, CycleStart.NO_CYCLE);
            for (int i = 0; i < handoff.extraPeriods(set); i++) {
                engine.process(periodStart, silence, discarded, frames); // a period owed, run late
                timings.recovered(1);
            }
            cycleStart.cycle(set, cycle);
            engine.process(periodStart, handoff.capture(set), handoff.playback(set), frames);
        } catch (Throwable e) {
            failures++;
            long now = System.nanoTime();
            if (failures == 1 || now - lastFailureLogNanos > FAILURE_LOG_INTERVAL_NANOS) {
                lastFailureLogNanos = now;
                LOG.error("a period of the JACK engine thread failed ({} so far); the hub goes on with the next",
                        failures, e);
            }
        }
        // Late by what the callback was, plus the time the cycle waited for this thread (its wake-up, or
        // the cycle before still running): the engine's own start is what decides whether it finishes in time.
        timings.record(handoff.latenessNanos(set) + (begin - periodStart), System.nanoTime() - begin);
    }

    private void promote() {
        RealtimeScheduling.promoteAndReport(realtimePriority, timings, LOG, "JACK engine thread",
                "late JACK cycles (tutti_jack_engine_late_cycles_total)");
    }

    /** Stops the thread after the cycle it runs, if any, and waits for it (at most 2 s). */
    void stop() {
        handoff.stop();
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(STOP_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("the JACK engine thread did not stop within {} ms", STOP_TIMEOUT_MILLIS);
        }
    }
}
