package org.tutti.mixer.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PitchSearchTest {
    private static final int RATE = 48_000;
    private static final int N = 2048;

    private final PitchSearch search = new PitchSearch(RATE);
    private final double[] decimated = new double[N + 1];
    private final double[] correlation = new double[N + 2];

    @Test
    void findsThePeriodOfAHarmonicTone() {
        // 200 Hz with its 2nd and 3rd harmonics: one period is 240 samples.
        double[] x = signal(n -> Math.sin(2 * Math.PI * 200 * n / RATE) + 0.5 * Math.sin(2 * Math.PI * 400 * n / RATE)
                + 0.3 * Math.sin(2 * Math.PI * 600 * n / RATE));
        assertTrue(search.search(x, N, decimated, correlation));
        assertEquals(240, search.lag(), 1);
        assertEquals(1.0, search.gain(), 0.02);
    }

    @Test
    void prefersThePeriodToAMultipleOfIt() {
        // 500 Hz: 96, 192, 288 … all match; the shortest wins.
        double[] x = signal(n -> Math.sin(2 * Math.PI * 500 * n / RATE));
        assertTrue(search.search(x, N, decimated, correlation));
        assertEquals(96, search.lag(), 1);
    }

    @Test
    void findsNothingInNoiseOrSilenceOrTooShortAHistory() {
        java.util.Random random = new java.util.Random(7);
        assertFalse(search.search(signal(n -> random.nextGaussian()), N, decimated, correlation));
        assertEquals(0, search.lag());
        assertFalse(search.search(new double[N], N, decimated, correlation));
        double[] tone = signal(n -> Math.sin(2 * Math.PI * 200 * n / RATE));
        assertFalse(search.search(tone, 300, decimated, correlation), "too short a history to match the last 8 ms against");
    }

    @Test
    void aDecayingToneGetsAGainBelowOne() {
        double[] x = signal(n -> Math.exp(-n / 2000.0) * Math.sin(2 * Math.PI * 200 * n / RATE));
        assertTrue(search.search(x, N, decimated, correlation));
        assertEquals(Math.exp(-240 / 2000.0), search.gain(), 0.01);
    }

    private static double[] signal(java.util.function.IntToDoubleFunction f) {
        double[] x = new double[N];
        for (int n = 0; n < N; n++) {
            x[n] = f.applyAsDouble(n);
        }
        return x;
    }
}
