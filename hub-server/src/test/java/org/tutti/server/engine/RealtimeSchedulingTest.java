package org.tutti.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * SCHED_FIFO for the engine thread, checked against what the kernel reports. CI runs as root, so the
 * promotion must succeed there; elsewhere the engine must still run and say it is not real-time.
 */
class RealtimeSchedulingTest {
    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void promotesTheCallingThreadOnly() throws Exception {
        AtomicReference<String> result = new AtomicReference<>();
        AtomicReference<String> policy = new AtomicReference<>();
        AtomicReference<String> child = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            result.set(RealtimeScheduling.promoteCurrentThread(5));
            policy.set(RealtimeScheduling.policyOfCurrentThread());
            // Threads it starts (Netty starts its event loops lazily) must not inherit SCHED_FIFO.
            Thread started = new Thread(() -> child.set(RealtimeScheduling.policyOfCurrentThread()));
            started.start();
            try {
                started.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        thread.start();
        thread.join();
        if (root()) {
            assertNull(result.get());
            assertEquals("fifo", policy.get());
        } else {
            assertEquals(result.get() == null ? "fifo" : "other", policy.get(), String.valueOf(result.get()));
        }
        assertEquals("other", RealtimeScheduling.policyOfCurrentThread(), "the caller's own thread is untouched");
        assertEquals("other", child.get(), "a thread started by the real-time thread");
    }

    @Test
    void rejectsPrioritiesOutsideTheKernelsRange() {
        assertThrows(IllegalArgumentException.class, () -> RealtimeScheduling.promoteCurrentThread(0));
        assertThrows(IllegalArgumentException.class, () -> RealtimeScheduling.promoteCurrentThread(100));
    }

    @Test
    void theEmbeddedClockReportsWhetherItsThreadIsRealtime() throws Exception {
        PeriodTimings timings = new PeriodTimings(1_000_000);
        EmbeddedClockServer server = new EmbeddedClockServer(new AudioFormat(48000, 128), 2, 2,
                (capture, frames) -> { }, 0, timings).realtimePriority(5);
        AtomicReference<String> policy = new AtomicReference<>();
        server.start(new AudioClient() {
            @Override
            public void configure(AudioFormat format, int captureChannels, int playbackChannels) {
            }

            @Override
            public void process(long periodStartNanos, float[][] capture, float[][] playback, int frames) {
                policy.compareAndSet(null, RealtimeScheduling.policyOfCurrentThread());
            }

            @Override
            public void shutdown() {
            }
        });
        try {
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (policy.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        } finally {
            server.stop();
        }
        assertEquals(timings.realtime() ? "fifo" : "other", policy.get(), "what the metric says is what the kernel did");
        if (root()) {
            assertTrue(timings.realtime(), "root may use SCHED_FIFO");
        }
    }
}
