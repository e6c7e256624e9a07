package org.tutti.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The embedded clock, descheduled for 40 ms (here: its client blocks that long once), runs every period
 * it missed, back to back, instead of skipping them: each participant's buffer drains what piled up
 * and each client gets every period.
 */
class EmbeddedClockCatchUpTest {

    @Test
    void periodsMissedDuringA40MsStallAreAllRunAfterIt() throws Exception {
        AudioFormat format = new AudioFormat(48000, 128);
        int total = 200;
        int stallAt = 50;
        long[] deadlines = new long[total];
        CountDownLatch done = new CountDownLatch(1);
        PeriodTimings timings = new PeriodTimings(format.periodNanos());
        EmbeddedClockServer server = new EmbeddedClockServer(format, 0, 0, (capture, frames) -> { }, 0, timings);
        server.start(new AudioClient() {
            int n;

            @Override
            public void configure(AudioFormat f, int captureChannels, int playbackChannels) {
            }

            @Override
            public void process(long periodStartNanos, float[][] capture, float[][] playback, int frames) {
                if (n < total) {
                    deadlines[n] = periodStartNanos;
                    if (n == stallAt) {
                        java.util.concurrent.locks.LockSupport.parkNanos(40_000_000L);
                    }
                    if (++n == total) {
                        done.countDown();
                    }
                }
            }

            @Override
            public void shutdown() {
            }
        });
        try {
            assertTrue(done.await(10, TimeUnit.SECONDS), "ran " + total + " periods");
        } finally {
            server.stop();
        }
        // The 15 periods due during the stall, and the ones after, each ran once, at their own deadline.
        for (int n = stallAt + 1; n <= stallAt + 30; n++) {
            assertEquals(format.periodNanos(), deadlines[n] - deadlines[n - 1], 1, "period " + n + " follows " + (n - 1));
        }
        assertTrue(timings.latePeriods() >= 14, "the caught-up periods were late: " + timings.latePeriods());
    }
}
