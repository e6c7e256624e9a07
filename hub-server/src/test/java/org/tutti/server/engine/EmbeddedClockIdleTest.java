package org.tutti.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.tutti.server.testing.StallWitness;

/**
 * An idle client (a hub with nobody connected) lets the embedded clock sleep instead of ticking, and
 * its wake-up starts the clock again at once, from that moment: the sleep is neither late nor skipped
 * periods, and nothing is run to catch up on it.
 */
class EmbeddedClockIdleTest {
    private static final AudioFormat FORMAT = new AudioFormat(48000, 128);

    /** Idle after its first {@code busyPeriods} periods until {@link #work}; notes each period's times. */
    private static class IdleClient implements AudioClient {
        final AtomicLong periods = new AtomicLong();
        final CountDownLatch wentIdle = new CountDownLatch(1);
        final CountDownLatch periodsAfterWake = new CountDownLatch(20);
        volatile boolean idle;
        volatile long wokenAt;
        /** When the engine thread, back from its sleep, first asked and heard the client works again. */
        volatile long resumedAt;
        volatile long firstDeadlineAfterWake;
        volatile long firstCallAfterWake;
        final long[] deadlinesAfterWake = new long[20];
        private final int busyPeriods;
        private Runnable wake = () -> { };
        private int afterWake;

        IdleClient(int busyPeriods) {
            this.busyPeriods = busyPeriods;
        }

        @Override
        public void configure(AudioFormat format, int captureChannels, int playbackChannels) {
        }

        @Override
        public void process(long periodStartNanos, float[][] capture, float[][] playback, int frames) {
            long now = System.nanoTime();
            if (periods.incrementAndGet() == busyPeriods) {
                idle = true;
                wentIdle.countDown();
            }
            if (wokenAt != 0 && afterWake < deadlinesAfterWake.length) {
                if (afterWake == 0) {
                    firstDeadlineAfterWake = periodStartNanos;
                    firstCallAfterWake = now;
                }
                deadlinesAfterWake[afterWake++] = periodStartNanos;
                periodsAfterWake.countDown();
            }
        }

        @Override
        public boolean idle() {
            boolean answer = idle;
            if (!answer && wokenAt != 0 && resumedAt == 0) {
                resumedAt = System.nanoTime();
            }
            return answer;
        }

        @Override
        public void onWork(Runnable wakeUp) {
            this.wake = wakeUp;
        }

        /** Work again, as a join publishes a snapshot with a participant in it (control plane). */
        void work() {
            idle = false;
            wokenAt = System.nanoTime();
            wake.run();
        }

        @Override
        public void shutdown() {
        }
    }

    @Test
    void anIdleClientIsNotCalledAndItsWakeUpRunsAPeriodAtOnceOnANewClock() throws Exception {
        PeriodTimings timings = new PeriodTimings(FORMAT.periodNanos() / 2);
        EmbeddedClockServer server = new EmbeddedClockServer(FORMAT, 0, 0, (capture, frames) -> { }, 0, timings);
        IdleClient client = new IdleClient(10);
        try (StallWitness witness = StallWitness.start()) {
            server.start(client);
            try {
                assertTrue(client.wentIdle.await(5, TimeUnit.SECONDS), "ran its first periods");
                Thread.sleep(50);
                long periodsAsleep = client.periods.get();
                assertEquals(10, periodsAsleep, "no period after the client went idle");
                Thread.sleep(250); // 94 periods' worth
                assertEquals(periodsAsleep, client.periods.get(), "still none while it is idle");
                assertTrue(timings.idle(), "the clock says it sleeps");
                assertTrue(timings.idleSeconds() >= 0.29, "slept " + timings.idleSeconds() + " s");

                client.work();
                assertTrue(client.periodsAfterWake.await(5, TimeUnit.SECONDS), "ticks again after the wake-up");
                assertFalse(timings.idle());
                // The clock starts from the moment its thread runs again: the first period is due then, not on
                // the old grid, and runs at once. How soon a parked thread runs after its unpark is the
                // scheduler's (2.7 ms, more than a period, was seen on a busy 2-vCPU VM): reported, not judged.
                long due = client.firstDeadlineAfterWake - client.wokenAt;
                long resumed = client.resumedAt - client.wokenAt;
                long dueAfterResume = client.firstDeadlineAfterWake - client.resumedAt;
                long calledAfterDue = client.firstCallAfterWake - client.firstDeadlineAfterWake;
                List<StallWitness.Event> stalls = witness.near(client.wokenAt, 10_000_000L,
                        client.firstCallAfterWake - client.wokenAt + 10_000_000L);
                String times = String.format(Locale.ROOT, "the thread ran %d µs after the wake-up, the"
                        + " first period was due %d µs after that and ran %d µs after it was due; this JVM saw %s",
                        resumed / 1000, dueAfterResume / 1000, calledAfterDue / 1000, stalls);
                assertTrue(due >= 0, "a period due before the wake-up (" + due + " ns): the old clock; " + times);
                assertTrue(client.resumedAt != 0 && dueAfterResume >= 0, "the clock restarted before its thread"
                        + " ran again: " + times);
                assertTrue(dueAfterResume < FORMAT.periodNanos() / 2 || !stalls.isEmpty(),
                        "the first period was not due at once: " + times);
                assertTrue(calledAfterDue < FORMAT.periodNanos() || !stalls.isEmpty(),
                        "the first period did not run when due: " + times);
                for (int i = 1; i < client.deadlinesAfterWake.length; i++) {
                    assertEquals(FORMAT.periodNanos(), client.deadlinesAfterWake[i] - client.deadlinesAfterWake[i - 1],
                            1, "period " + i + " after the wake-up follows the one before");
                }
                // Without the new clock the 300 ms asleep would come back as ~110 periods run late.
                assertEquals(0, timings.skippedPeriods(), "nothing skipped");
                assertTrue(timings.recoveredPeriods() < 10, "the sleep is not caught up on: "
                        + timings.recoveredPeriods() + " periods run late (stalls seen: " + witness.events() + ")");
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void aWakeUpThatComesBeforeTheClockParksIsNotLost() throws Exception {
        PeriodTimings timings = new PeriodTimings(FORMAT.periodNanos() / 2);
        EmbeddedClockServer server = new EmbeddedClockServer(FORMAT, 0, 0, (capture, frames) -> { }, 0, timings);
        IdleClient client = new IdleClient(1) {
            @Override
            public boolean idle() {
                boolean answer = super.idle();
                if (answer && wokenAt == 0) {
                    work(); // the control plane publishes between the clock's question and its park
                }
                return answer;
            }
        };
        server.start(client);
        try {
            assertTrue(client.periodsAfterWake.await(5, TimeUnit.SECONDS), "the unpark before the park woke it");
        } finally {
            server.stop();
        }
    }

    @Test
    void stopEndsASleepingClock() throws Exception {
        PeriodTimings timings = new PeriodTimings(FORMAT.periodNanos() / 2);
        EmbeddedClockServer server = new EmbeddedClockServer(FORMAT, 0, 0, (capture, frames) -> { }, 0, timings);
        CountDownLatch shutdown = new CountDownLatch(1);
        IdleClient client = new IdleClient(1) {
            @Override
            public void shutdown() {
                shutdown.countDown();
            }
        };
        server.start(client);
        assertTrue(client.wentIdle.await(5, TimeUnit.SECONDS));
        server.stop();
        assertTrue(shutdown.await(1, TimeUnit.SECONDS), "the client was told the server stopped");
    }
}
