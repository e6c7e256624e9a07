package org.tutti.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The gap count of the impairment comparison, on returns made up here: each fault counts once, outages too. */
class GapAnalysisTest {
    private static final int RATE = 48000;
    private static final int LAG = 1000;
    private static final int MAX_LAG = 24000;
    private final Signal sent = new MusicSignal(RATE, 0.3);

    /** Ten seconds of the sent signal, come back {@code LAG} frames later. */
    private float[] returned() {
        float[] received = new float[10 * RATE];
        for (int n = 0; n < received.length; n++) {
            received[n] = sent.at(MAX_LAG + n - LAG);
        }
        return received;
    }

    private GapAnalysis.Result analyse(float[] received) {
        return GapAnalysis.analyse(received, MAX_LAG, sent, MAX_LAG);
    }

    @Test
    void aCleanReturnHasNoGapAndItsRoundTrip() {
        GapAnalysis.Result result = analyse(returned());
        assertEquals(0, result.gaps());
        assertEquals(LAG, result.medianLagFrames(), 0);
    }

    @Test
    void aShortDropoutIsOneGap() {
        float[] received = returned();
        java.util.Arrays.fill(received, 3 * RATE + 100, 3 * RATE + 100 + 960, 0f); // 20 ms
        GapAnalysis.Result result = analyse(received);
        assertEquals(1, result.gaps());
        assertEquals(9, result.brokenBlocks(), 2);
    }

    @Test
    void anOutageLongerThanAWindowCountsWholeNotAsNothing() {
        float[] received = returned();
        java.util.Arrays.fill(received, 4 * RATE, 4 * RATE + RATE / 2, 0f); // 500 ms of silence
        GapAnalysis.Result result = analyse(received);
        assertEquals(1, result.gaps(), "one outage, one gap");
        assertEquals(RATE / 2 / 128, result.brokenBlocks(), 3, "all of it broken");
        assertEquals(10.0, result.seconds(), 0.15, "and counted in the time compared");
    }

    @Test
    void aStepOfTheRoundTripIsOneGapAndTheNewLagIsFollowed() {
        float[] received = returned();
        // The hub's buffer a packet deeper from 5.04 s on (inside a 100 ms window: a step exactly at a window's
        // edge is seen by nothing but the lag, as the analysis compares window by window).
        for (int n = 5 * RATE + 2000; n < received.length; n++) {
            received[n] = sent.at(MAX_LAG + n - LAG - 128);
        }
        GapAnalysis.Result result = analyse(received);
        assertEquals(1, result.gaps());
    }

    @Test
    void aStepOfTheRoundTripBeyondTheNearSearchIsFoundAgainNotCountedAsBrokenFromThenOn() {
        float[] received = returned();
        // 20 ms deeper from 5.04 s on: farther than the search near the last lag (8 ms) reaches.
        for (int n = 5 * RATE + 2000; n < received.length; n++) {
            received[n] = sent.at(MAX_LAG + n - LAG - 960);
        }
        GapAnalysis.Result result = analyse(received);
        assertEquals(1, result.gaps(), "the step is one gap");
        // The step's window is judged at the new lag: its 2000 frames before the step (16 blocks) are broken,
        // and nothing of the 5 s after it.
        assertEquals(16, result.brokenBlocks(), 2);
    }

    @Test
    void aReturnResampledAt1000PpmIsNoGapButAStepOfAPacketStillIs() {
        // A hub holding its depth by resampling: the lag grows by a frame every 1000 frames.
        float[] received = new float[10 * RATE];
        for (int n = 0; n < received.length; n++) {
            double lag = LAG + n / 1000.0;
            int whole = (int) Math.floor(lag);
            double fraction = lag - whole;
            received[n] = (float) ((1 - fraction) * sent.at(MAX_LAG + n - whole) + fraction * sent.at(MAX_LAG + n - whole - 1));
        }
        GapAnalysis.Result resampled = analyse(received);
        // Judged at whole-frame lags, blocks of high notes half-way between two frames can still fail: a few,
        // where a single lag per window found 95.
        org.junit.jupiter.api.Assertions.assertTrue(resampled.gaps() <= 5, "resampled: " + resampled);
        for (int n = 5 * RATE + 2000; n < received.length; n++) { // mid-window
            received[n] = sent.at(MAX_LAG + n - LAG - 128 - 5 * RATE / 1000);
        }
        assertEquals(1, analyse(received).gaps(), "stepped by a packet");
    }
}
