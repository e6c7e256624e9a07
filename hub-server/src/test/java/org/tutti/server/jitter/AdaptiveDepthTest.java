package org.tutti.server.jitter;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code -q auto} on simulated time: shallow on a clean line, deeper within two seconds when jitter
 * starts and nearly gap-free while it lasts, back down within a minute after it ends; a stall or a
 * client's start-up burst is no reason to deepen. The network is a function of the send time.
 */
class AdaptiveDepthTest {
    private static final int RATE = StreamInputTest.HUB_RATE;
    private static final int PACKET = 128;
    private static final DepthTarget AUTO = DepthTarget.adaptive(2.0);
    /** A clean line of a real machine: up to 0.3 ms of scheduling noise. */
    private static final double CLEAN_MS = 0.3;

    /** Jitter of {@code jitterMs} (uniform 0..2·jitter, as netem's {@code delay J J}) between two times. */
    private static StreamInputTest.Network jitterBetween(double fromSeconds, double toSeconds, double jitterMs) {
        return (sequence, sent, random) -> {
            double at = sent / 1e9;
            double extra = at >= fromSeconds && at < toSeconds ? 2 * jitterMs : CLEAN_MS;
            return sent + (long) (random.nextDouble() * extra * 1e6);
        };
    }

    /** The shallowest fixed depth (packets) with no underrun in 60 s of the clean line: a sweep of -q 2…8. */
    private static int shallowestCleanFixedDepth() {
        for (int q = 2; q <= 8; q++) {
            StreamInputTest.Run run = StreamInputTest.simulate(RATE, 0, jitterBetween(0, 0, 0), 66,
                    DepthTarget.fixedPackets(q), 3);
            if (run.underruns() == 0) {
                return q;
            }
        }
        throw new AssertionError("no fixed depth up to 8 packets is clean");
    }

    @Test
    void shallowOnACleanLineDeeperWithinTwoSecondsOfJitterAndBackWithinAMinute() {
        int fixed = shallowestCleanFixedDepth();
        StreamInputTest.Run run = StreamInputTest.simulate(RATE, 0, jitterBetween(40, 100, 10), 200, AUTO, 11);
        int[] target = run.targetAt();
        long[] underruns = run.underrunsAt();
        String trace = "fixed sweep: " + fixed + " packets; target by second " + java.util.Arrays.toString(target)
                + "; underruns by second " + java.util.Arrays.toString(underruns);
        assertTrue(target[30] <= (fixed + 1) * PACKET, "within 30 s at most a packet over the clean fixed depth: " + trace);
        assertTrue(target[42] >= target[39] + 15 * RATE / 1000, "20 ms deeper 2 s after 10 ms of jitter began: " + trace);
        double gapsPerSecond = (underruns[100] - underruns[45]) / 55.0;
        assertTrue(gapsPerSecond < 0.1, "while the jitter lasts, " + gapsPerSecond + " gaps/s: " + trace);
        assertTrue(target[160] <= target[30] + PACKET, "back down within 60 s of the jitter's end: " + trace);
        assertTrue(underruns[199] - underruns[100] <= 1, "and no gap coming down: " + trace);
    }

    @Test
    void aFortyMillisecondStallIsRiddenOutNotCoveredForHalfAMinute() {
        StreamInputTest.Network stallAt50 = (sequence, sent, random) -> {
            long clean = sent + (long) (random.nextDouble() * CLEAN_MS * 1e6);
            long from = 50_000_000_000L;
            long to = from + 40_000_000L;
            return sent >= from && sent < to ? Math.max(clean, to) : clean;
        };
        StreamInputTest.Run run = StreamInputTest.simulate(RATE, 0, stallAt50, 80, AUTO, 5);
        int[] target = run.targetAt();
        assertTrue(target[70] <= target[45] + PACKET / 2, "the target after the stall: "
                + java.util.Arrays.toString(target));
        assertTrue(run.underrunsAt()[79] - run.underrunsAt()[45] <= 16, "the stall, concealed once: "
                + java.util.Arrays.toString(run.underrunsAt()));
    }

    @Test
    void anEpisodeOfTheMachineRaisesTheTargetOnlyWhileItLasts() {
        // As traced on a shared VM: for 3 s the sender's packets come unevenly (up to 8 ms late), then
        // two stalls of 170 ms; clean before and after.
        StreamInputTest.Network episode = (sequence, sent, random) -> {
            long clean = sent + (long) (random.nextDouble() * CLEAN_MS * 1e6);
            double at = sent / 1e9;
            if (at >= 50 && at < 53) {
                return sent + (long) (random.nextDouble() * 8e6);
            }
            for (double stall : new double[] {53.0, 54.5}) {
                if (at >= stall && at < stall + 0.17) {
                    return Math.max(clean, (long) ((stall + 0.17) * 1e9));
                }
            }
            return clean;
        };
        StreamInputTest.Run run = StreamInputTest.simulate(RATE, 0, episode, 90, AUTO, 13);
        int[] target = run.targetAt();
        String trace = "target by second " + java.util.Arrays.toString(target);
        assertTrue(target[52] > target[45] + PACKET, "deeper while the episode lasts: " + trace);
        assertTrue(target[62] <= target[45] + PACKET / 2, "back within 5 s of its end, not held for 30 s: " + trace);
    }

    @Test
    void jitterThatGoesOnIsHeldAfterAPause() {
        // 10 ms of jitter for 20 s, 6 s of quiet, then again: the depth must not drop in the pause.
        StreamInputTest.Network onOff = (sequence, sent, random) -> {
            double at = sent / 1e9;
            boolean jitter = (at >= 30 && at < 50) || (at >= 56 && at < 80);
            return sent + (long) (random.nextDouble() * (jitter ? 20 : CLEAN_MS) * 1e6);
        };
        StreamInputTest.Run run = StreamInputTest.simulate(RATE, 0, onOff, 80, AUTO, 17);
        int[] target = run.targetAt();
        assertTrue(target[55] >= target[49] - PACKET / 2, "held through the pause: " + java.util.Arrays.toString(target));
        long gaps = run.underrunsAt()[79] - run.underrunsAt()[56];
        assertTrue(gaps <= 1, gaps + " gaps when the jitter came back: " + java.util.Arrays.toString(run.underrunsAt()));
    }

    @Test
    void aClientsStartUpBurstIsNoJitter() {
        // JackTrip clients start with a burst: the first 40 packets all arrive at 0.2 s.
        StreamInputTest.Network burst = (sequence, sent, random) -> {
            long clean = sent + (long) (random.nextDouble() * CLEAN_MS * 1e6);
            return sequence < 40 ? Math.max(200_000_000L, clean) : clean;
        };
        StreamInputTest.Run withBurst = StreamInputTest.simulate(RATE, 0, burst, 40, AUTO, 9);
        StreamInputTest.Run without = StreamInputTest.simulate(RATE, 0, jitterBetween(0, 0, 0), 40, AUTO, 9);
        assertTrue(withBurst.targetAt()[20] <= without.targetAt()[20] + PACKET / 2, "with a burst "
                + java.util.Arrays.toString(withBurst.targetAt()) + ", without " + java.util.Arrays.toString(without.targetAt()));
    }

    @Test
    void aSenderThatLosesTimeInStepsIsNoJitter() {
        // As traced from a JackTrip client whose dummy JACK server re-anchors its clock at every xrun:
        // every 3 s its packets come later for good, by 2 to 30 ms (320 ms in a minute), and the arrivals
        // between the steps are as even as on a clean line. No depth rides that out: each step is time
        // the sender never sent. Covering it put the target at 14-88 ms.
        double[] stepsMs = {4, 12, 25, 7, 30, 2};
        StreamInputTest.Network losingTime = (sequence, sent, random) -> {
            long clean = sent + (long) (random.nextDouble() * CLEAN_MS * 1e6);
            double at = sent / 1e9;
            double lost = 0;
            for (int i = 0; 10 + 3 * i <= at; i++) {
                lost += stepsMs[i % stepsMs.length];
            }
            return clean + (long) (lost * 1e6);
        };
        StreamInputTest.Run run = StreamInputTest.simulate(RATE, 0, losingTime, 70, AUTO, 19);
        StreamInputTest.Run clean = StreamInputTest.simulate(RATE, 0, jitterBetween(0, 0, 0), 70, AUTO, 19);
        int deepest = java.util.Arrays.stream(run.targetAt(), 10, 70).max().orElseThrow();
        assertTrue(deepest <= clean.targetAt()[69] + PACKET / 2, "target by second "
                + java.util.Arrays.toString(run.targetAt()) + ", on a clean line " + clean.targetAt()[69]);
    }
}
