package org.tutti.mixer.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The drift estimator finds a ±200 ppm clock offset through network jitter, loss and late packets
 * within well under a minute, follows a change, and starts over when the stream's timeline jumps.
 */
class DriftEstimatorTest {
    private static final double RATE = 48_000;
    private static final int FRAMES = 128;

    @Test
    void convergesWithinFivePpmInThirtySecondsThroughTwoMillisecondsOfJitter() {
        for (double ppm : new double[] {200, -200, 0, 1000}) {
            for (long seed = 1; seed <= 3; seed++) {
                SimulatedSender sender = new SimulatedSender(RATE, FRAMES, ppm, ppm, 1e9, 60, SimulatedSender.gaussian(0.002),
                        0.01, 0, 0, seed);
                DriftEstimator estimator = new DriftEstimator(RATE);
                StringBuilder line = new StringBuilder(String.format("%+.0f ppm, 2 ms jitter, seed %d:", ppm, seed));
                double at30 = Double.NaN;
                int next = 10;
                for (int i = 0; i < sender.count; i++) {
                    estimator.update(sender.arrivalNanos[i], sender.packetIndex[i] * FRAMES);
                    double t = (sender.arrivalNanos[i] - sender.arrivalNanos[0]) / 1e9;
                    if (t >= next) {
                        line.append(String.format(" %ds %s%.2f", next, estimator.converged() ? "" : "(unpublished) ",
                                estimator.estimatePpm() - ppm));
                        if (next == 30) {
                            at30 = estimator.ppm() - ppm;
                            assertTrue(estimator.converged());
                        }
                        next += 10;
                    }
                }
                System.out.println(line);
                assertEquals(0, at30, 5, "error at 30 s");
                assertEquals(ppm, estimator.ppm(), 2, "at 60 s");
                assertEquals(1 + ppm * 1e-6, estimator.ratio(), 2e-6);
            }
        }
    }

    @Test
    void shrugsOffTenMillisecondsOfJitterLossAndLatePackets() {
        // ±10 ms uniform jitter, 2 % loss, and 1 % of packets 80 ms late.
        for (double ppm : new double[] {200, -200}) {
            SimulatedSender sender = new SimulatedSender(RATE, FRAMES, ppm, ppm, 1e9, 90, SimulatedSender.uniform(0.010),
                    0.02, 0.01, 0.080, 21);
            DriftEstimator estimator = new DriftEstimator(RATE);
            double worstAfter60 = 0;
            double worstAfter75 = 0;
            double published = Double.NaN;
            for (int i = 0; i < sender.count; i++) {
                estimator.update(sender.arrivalNanos[i], sender.packetIndex[i] * FRAMES);
                double t = (sender.arrivalNanos[i] - sender.arrivalNanos[0]) / 1e9;
                if (estimator.converged() && published != published) {
                    published = t;
                }
                if (t > 60) {
                    worstAfter60 = Math.max(worstAfter60, Math.abs(estimator.ppm() - ppm));
                }
                if (t > 75) {
                    worstAfter75 = Math.max(worstAfter75, Math.abs(estimator.ppm() - ppm));
                }
            }
            System.out.printf("%+.0f ppm, ±10 ms jitter, 2 %% loss, 1 %% 80 ms late: published after %.0f s,"
                    + " worst error after 60 s %.2f ppm, after 75 s %.2f ppm, final %.2f ppm (standard error %.2f)%n",
                    ppm, published, worstAfter60, worstAfter75, estimator.ppm() - ppm, estimator.standardErrorPpm());
            // Uniform ±10 ms is σ = 5.8 ms, three times the 2 ms case: the same precision takes about twice as
            // long, and a full 60 s window has a standard error of about 2.2 ppm.
            assertTrue(worstAfter60 < 8, "worst after 60 s " + worstAfter60);
            assertEquals(ppm, estimator.ppm(), 5, "final");
        }
    }

    @Test
    void followsAStepChangeWithinTheWindow() {
        SimulatedSender sender = new SimulatedSender(RATE, FRAMES, 200, -150, 120, 240, SimulatedSender.gaussian(0.002),
                0.01, 0, 0, 5);
        DriftEstimator estimator = new DriftEstimator(RATE);
        double worstLate = 0;
        for (int i = 0; i < sender.count; i++) {
            estimator.update(sender.arrivalNanos[i], sender.packetIndex[i] * FRAMES);
            double t = (sender.arrivalNanos[i] - sender.arrivalNanos[0]) / 1e9;
            if (t > 118 && t < 120) {
                assertEquals(200, estimator.ppm(), 3, "before the step");
            }
            if (t > 120 + DriftEstimator.DEFAULT_BUCKETS + 5) {
                worstLate = Math.max(worstLate, Math.abs(estimator.ppm() + 150));
            }
        }
        System.out.printf("step +200 → -150 ppm: worst error from one window after the step on %.2f ppm%n", worstLate);
        assertTrue(worstLate < 5, "worst " + worstLate);
    }

    @Test
    void publishesNothingUntilTheEstimateIsGood() {
        SimulatedSender sender = new SimulatedSender(RATE, FRAMES, 300, 300, 1e9, 4, SimulatedSender.gaussian(0.002), 0, 0, 0, 2);
        DriftEstimator estimator = new DriftEstimator(RATE);
        for (int i = 0; i < sender.count; i++) {
            estimator.update(sender.arrivalNanos[i], sender.packetIndex[i] * FRAMES);
        }
        assertFalse(estimator.converged());
        assertEquals(1.0, estimator.ratio());
    }

    @Test
    void aJumpInTheStreamTimelineStartsOver() {
        SimulatedSender sender = new SimulatedSender(RATE, FRAMES, -200, -200, 1e9, 120, SimulatedSender.gaussian(0.002),
                0, 0, 0, 3);
        DriftEstimator estimator = new DriftEstimator(RATE);
        boolean sawReset = false;
        for (int i = 0; i < sender.count; i++) {
            double t = (sender.arrivalNanos[i] - sender.arrivalNanos[0]) / 1e9;
            // At 50 s the client restarts: its frame count starts again from zero.
            long frame = t < 50 ? sender.packetIndex[i] * FRAMES : (sender.packetIndex[i] - 50 * 375) * FRAMES;
            estimator.update(sender.arrivalNanos[i], frame);
            if (t > 49 && t < 50) {
                assertEquals(-200, estimator.ppm(), 5);
            }
            if (t > 50 && t < 60 && !estimator.converged()) {
                sawReset = true;
            }
        }
        assertTrue(sawReset, "the estimate started over");
        assertEquals(-200, estimator.ppm(), 5, "and converged again");
    }
}
