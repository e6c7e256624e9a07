package org.tutti.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The level measurement the real-client tests rely on: exact where the tone is whole, blind to broken windows. */
class CleanToneLevelTest {
    private static final int RATE = 48_000;

    private static float[] tones(int length, double... hertzAndAmplitude) {
        float[] samples = new float[length];
        for (int n = 0; n < length; n++) {
            double x = 0;
            for (int t = 0; t < hertzAndAmplitude.length; t += 2) {
                x += hertzAndAmplitude[t + 1] * Math.sin(2 * Math.PI * hertzAndAmplitude[t] * n / RATE + 0.3 * t);
            }
            samples[n] = (float) x;
        }
        return samples;
    }

    @Test
    void aWholeToneMeasuresExactlyInEveryWindow() {
        Analysis.ToneLevel level = Analysis.cleanToneLevel(tones(RATE, 1000, 0.25), RATE, 1000);
        assertEquals(-12.04, level.dbfs(), 0.01, level.toString());
        assertEquals(10, level.cleanWindows());
    }

    @Test
    void dropoutsInMostWindowsAreLeftOutNotAveragedIn() {
        float[] samples = tones(RATE, 1000, 0.25);
        for (int w = 0; w < 6; w++) {
            java.util.Arrays.fill(samples, w * 4800 + 2400, w * 4800 + 2400 + 240, 0f); // 5 ms gone
        }
        // The median of all windows reads low once more than half of them are broken.
        assertTrue(Analysis.medianToneDbfs(samples, 1000, RATE) < -12.2);
        Analysis.ToneLevel level = Analysis.cleanToneLevel(samples, RATE, 1000);
        assertEquals(-12.04, level.dbfs(), 0.01, level.toString());
        assertEquals(4, level.cleanWindows(), level.toString());
    }

    @Test
    void aGainErrorIsNotMistakenForABrokenWindow() {
        Analysis.ToneLevel level = Analysis.cleanToneLevel(tones(RATE, 1000, 0.25 * 0.7), RATE, 1000);
        assertEquals(-12.04 - 3.10, level.dbfs(), 0.01, level.toString());
        assertEquals(10, level.cleanWindows());
    }

    @Test
    void tonesThatBelongInTheMixAreFittedTogether() {
        float[] mix = tones(RATE, 440, 0.25, 1000, 0.125);
        assertEquals(0, Analysis.cleanToneLevel(mix, RATE, 1000).cleanWindows(), "440 Hz unexplained: broken");
        Analysis.ToneLevel level = Analysis.cleanToneLevel(mix, RATE, 1000, 440);
        assertEquals(-18.06, level.dbfs(), 0.01, level.toString());
        assertTrue(Analysis.cleanToneLevel(mix, RATE, 550, 440, 1000).dbfs() < -100, "an absent tone");
    }

    @Test
    void silenceIsSilentNotBroken() {
        Analysis.ToneLevel level = Analysis.cleanToneLevel(new float[RATE], RATE, 1000);
        assertTrue(level.dbfs() < -100, level.toString());
    }
}
