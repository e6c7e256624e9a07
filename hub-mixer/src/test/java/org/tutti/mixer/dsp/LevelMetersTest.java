package org.tutti.mixer.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Peak and RMS per slot, as the control plane reads them. */
class LevelMetersTest {
    private static final int RATE = 48_000;
    private static final int FRAMES = 128;

    private final LevelMeters meters = new LevelMeters(3, RATE, FRAMES);

    @Test
    void aSineReadsItsAmplitudeAsPeakAndAmplitudeOverRootTwoAsRms() {
        float amplitude = 0.5f;
        float[][] block = new float[2][FRAMES];
        long frame = 0;
        for (int period = 0; period < 2 * RATE / FRAMES; period++) { // 2 s: RMS settled to e^-6.7 of its start
            for (int n = 0; n < FRAMES; n++, frame++) {
                float x = (float) (amplitude * Math.sin(2 * Math.PI * 1000.0 * frame / RATE)); // 48 samples a cycle
                block[0][n] = x;
                block[1][n] = x;
            }
            meters.measure(1, block, 2, FRAMES);
        }

        assertEquals(amplitude, meters.peak(1), 1e-6);
        assertEquals(20 * Math.log10(amplitude), meters.peakDbfs(1), 1e-4);
        assertEquals(amplitude / Math.sqrt(2), meters.rms(1), 2e-3 * amplitude);
        assertEquals(20 * Math.log10(amplitude / Math.sqrt(2)), meters.rmsDbfs(1), 0.02);
        assertEquals(0f, meters.peak(0), "other slots untouched");
    }

    @Test
    void silenceReadsMinusInfinity() {
        assertEquals(Double.NEGATIVE_INFINITY, meters.peakDbfs(2));
        assertEquals(Double.NEGATIVE_INFINITY, meters.rmsDbfs(2));
        meters.measure(2, new float[1][FRAMES], 1, FRAMES);
        assertEquals(Double.NEGATIVE_INFINITY, meters.peakDbfs(2));
        assertEquals(Double.NEGATIVE_INFINITY, meters.rmsDbfs(2));
        assertEquals(Double.NEGATIVE_INFINITY, LevelMeters.toDbfs(0));
        assertEquals(0.0, LevelMeters.toDbfs(1), 0);
    }

    @Test
    void peakFallsBackAtTwentyDecibelsPerSecond() {
        float[][] block = new float[1][FRAMES];
        block[0][5] = -1f;
        meters.measure(0, block, 1, FRAMES);
        assertEquals(0.0, meters.peakDbfs(0), 0);

        float[][] silence = new float[1][FRAMES];
        int periodsPerSecond = RATE / FRAMES; // 375
        for (int period = 1; period <= periodsPerSecond; period++) {
            meters.measure(0, silence, 1, FRAMES);
            double expected = -LevelMeters.PEAK_FALL_DB_PER_SECOND * period * FRAMES / RATE;
            assertEquals(expected, meters.peakDbfs(0), 1e-3, "after " + period + " silent periods");
        }
        assertEquals(-20.0, meters.peakDbfs(0), 1e-3);
    }

    @Test
    void aLouderBlockRaisesThePeakAtOnce() {
        float[][] block = new float[1][FRAMES];
        block[0][0] = 0.1f;
        meters.measure(0, block, 1, FRAMES);
        block[0][0] = 0.8f;
        meters.measure(0, block, 1, FRAMES);
        assertEquals(0.8f, meters.peak(0));
    }

    @Test
    void resetReturnsASlotToSilence() {
        float[][] block = new float[1][FRAMES];
        java.util.Arrays.fill(block[0], 0.5f);
        meters.measure(1, block, 1, FRAMES);
        meters.reset(1);
        assertEquals(Double.NEGATIVE_INFINITY, meters.peakDbfs(1));
        assertEquals(0f, meters.rms(1));
        assertEquals(3, meters.slots());
    }
}
