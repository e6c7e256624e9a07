package org.tutti.server.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The arrival spread on a fake clock: packets of 128 frames at 48 kHz whose extra delay is a function
 * of their send time. Late packets that come back are lateness; packets late for good are time the
 * sender lost.
 */
class ArrivalSpreadTest {
    private static final int RATE = 48000;
    private static final int FRAMES = 128;

    /** Feeds {@code seconds} of packets; {@code delayMs} gives each one's extra delay from its send time. */
    private static ArrivalSpread run(double seconds, DoubleUnaryOperator delayMs) {
        ArrivalSpread spread = new ArrivalSpread(ArrivalSpread.DEFAULT_WINDOW_SECONDS);
        long origin = 1_000_000_000_000L;
        int packets = (int) (seconds * RATE / FRAMES);
        long lastArrival = 0;
        for (int i = 0; i < packets; i++) {
            double sent = (double) i * FRAMES / RATE;
            long arrival = origin + (long) ((sent + delayMs.applyAsDouble(sent) / 1000) * 1e9);
            arrival = Math.max(arrival, lastArrival); // one path: packets stay in order
            lastArrival = arrival;
            spread.update(arrival, (long) i * FRAMES, RATE);
        }
        return spread;
    }

    @Test
    void aSenderThatLostTimeIsNotLate() {
        // 20 ms later for good from 10 s on, then 15 ms more from 14 s.
        ArrivalSpread spread = run(20, t -> (t >= 10 ? 20 : 0) + (t >= 14 ? 15 : 0));
        assertEquals(0, spread.spreadSeconds(), 1e-9);
        assertEquals(0.035, spread.timeLostSeconds(), 0.002);
    }

    @Test
    void stallsThatComeBackAreLateness() {
        // Three stalls of 20 ms within 5 s: each run of packets held back, then a burst back to the path's delay.
        double[] stalls = {10, 11.5, 13};
        ArrivalSpread spread = run(14, t -> {
            for (double s : stalls) {
                if (t >= s && t < s + 0.02) {
                    return (s + 0.02 - t) * 1000;
                }
            }
            return 0;
        });
        assertTrue(spread.spreadSeconds() >= 0.019, "spread " + spread.spreadSeconds());
        assertEquals(0, spread.timeLostSeconds(), 1e-9);
    }

    @Test
    void jitterAfterTheDelayGrewIsMeasuredFromTheNewDelay() {
        // From 8 s the path is 30 ms longer and jitters by up to 10 ms: the depth is the jitter, not the 30 ms.
        Random random = new Random(3);
        ArrivalSpread spread = run(16, t -> t >= 8 ? 30 + random.nextDouble() * 10 : 0);
        assertTrue(spread.spreadSeconds() >= 0.008 && spread.spreadSeconds() <= 0.013, "spread " + spread.spreadSeconds());
    }
}
