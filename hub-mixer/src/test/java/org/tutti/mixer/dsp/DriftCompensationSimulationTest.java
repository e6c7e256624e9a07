package org.tutti.mixer.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The core evidence for "a client whose clock runs 200 ppm fast or slow plays for 10 minutes with no
 * periodic dropouts": ten simulated minutes, sample by sample, with network jitter and loss, through
 * a jitter-buffer model, the {@link AdaptiveResampler}, the {@link DriftEstimator} and the
 * {@link DepthController}. The same run without correction shows the dropouts it prevents.
 */
class DriftCompensationSimulationTest {
    private static final double TEN_MINUTES = 600;
    private static final double JITTER = 0.002;
    private static final double LOSS = 0.005;
    private static final int TARGET = 6;
    /** Trimmed beyond twice the target, as the hub's jitter buffer does. */
    private static final int SLACK = TARGET;

    @Test
    void aClientTwoHundredPpmFastOrSlowPlaysTenMinutesWithoutADropout() {
        for (double ppm : new double[] {200, -200}) {
            DriftSimulation.Result r = DriftSimulation.run(48_000, 128, ppm, TEN_MINUTES, JITTER, LOSS, TARGET, SLACK, true, 5, 1);
            System.out.printf("48 kHz client %+.0f ppm, 128-frame packets, 10 min, corrected: %s%n", ppm, r);
            assertClean(r, 128, ppm);
        }
    }

    @Test
    void aFortyFourKilohertzClientDriftingTooPlaysTenMinutesWithoutADropout() {
        for (double ppm : new double[] {200, -200}) {
            DriftSimulation.Result r = DriftSimulation.run(44_100, 128, ppm, TEN_MINUTES, JITTER, LOSS, TARGET, SLACK, true, 5, 2);
            System.out.printf("44.1 kHz client %+.0f ppm into 48 kHz, 128-frame packets, 10 min, corrected: %s%n", ppm, r);
            assertClean(r, 128, ppm);
        }
    }

    @Test
    void otherPacketSizesAndAThousandPpm() {
        Object[][] cases = {{48_000, 64, 200.0}, {48_000, 256, -200.0}, {48_000, 128, 1000.0}, {44_100, 441, -200.0}};
        for (Object[] c : cases) {
            int rate = (int) c[0];
            int frames = (int) c[1];
            double ppm = (double) c[2];
            // The same 16 ms of margin for the jitter as 6 × 128 frames, plus one packet: with big packets the
            // buffer saws down by a whole packet between arrivals.
            int target = (int) Math.ceil((0.016 * rate + frames) / frames);
            DriftSimulation.Result r = DriftSimulation.run(rate, frames, ppm, 300, JITTER, LOSS, target, target, true, 5, 3);
            System.out.printf("%d Hz client %+.0f ppm, %d-frame packets, 5 min, corrected: %s%n", rate, ppm, frames, r);
            // 1000 ppm outruns the slow loop until the estimator publishes (~15 s): the depth strays
            // further (by ~0.4 ms per 100 ppm), but still nothing drops out.
            assertClean(r, Math.abs(ppm) > 500 ? 3 * 128 : frames, ppm);
        }
    }

    @Test
    void withoutCorrectionTheSameClientDropsOutPeriodically() {
        for (double ppm : new double[] {200, -200}) {
            DriftSimulation.Result r = DriftSimulation.run(48_000, 128, ppm, TEN_MINUTES, JITTER, LOSS, TARGET, SLACK, false, 5, 1);
            System.out.printf("48 kHz client %+.0f ppm, 10 min, NOT corrected: %s%n", ppm, r);
            // The depth walks 9.6 frames a second: from the target (6 packets) to the trim (12) or to empty
            // takes about 80 s, so a dropout every minute or so.
            assertTrue(r.underruns + r.overruns >= 5, "the simulation must be able to show the problem: " + r);
            assertTrue(r.glitchPeriods >= 5, r.toString());
        }
    }

    private static void assertClean(DriftSimulation.Result r, int tolerance, double ppm) {
        assertEquals(0, r.underruns, "underruns: " + r);
        assertEquals(0, r.overruns, "overruns: " + r);
        assertEquals(0, r.glitchPeriods, "glitches in the audio: " + r);
        assertTrue(r.minSmoothedDepth >= r.targetFrames - tolerance && r.maxSmoothedDepth <= r.targetFrames + tolerance,
                "smoothed depth within " + tolerance + " frames of the target: " + r);
        assertEquals(ppm, r.estimatorPpm, 5, "estimator at the end: " + r);
        assertTrue(Math.abs(r.controllerPpm) < 20, "the estimator carries the drift, the controller only the rest: " + r);
    }
}
