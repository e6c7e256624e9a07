package org.tutti.mixer.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BurgFitTest {
    @Test
    void recoversTheCoefficientsOfAnAutoregressiveProcess() {
        // x[t] = 1.6 x[t-1] - 0.8 x[t-2] + e[t]: a = {1, -1.6, 0.8}.
        int m = 4096;
        double[] f = new double[m];
        Random random = new Random(3);
        for (int t = 0; t < m; t++) {
            f[t] = (t > 1 ? 1.6 * f[t - 1] - 0.8 * f[t - 2] : 0) + random.nextGaussian();
        }
        double[] a = new double[3];
        assertEquals(2, BurgFit.fit(f, f.clone(), m, 2, a));
        assertEquals(1.0, a[0]);
        assertEquals(-1.6, a[1], 0.03);
        assertEquals(0.8, a[2], 0.03);
    }

    @Test
    void stopsAtTheOrderThatPredictsExactly() {
        // A pure sine is an order-2 process: further stages would fit rounding.
        int m = 512;
        double[] f = new double[m];
        for (int t = 0; t < m; t++) {
            f[t] = Math.sin(0.1 * t);
        }
        double[] a = new double[17];
        int reached = BurgFit.fit(f, f.clone(), m, 16, a);
        assertTrue(reached >= 2 && reached < 16, "order " + reached);
    }

    @Test
    void everyReflectionStaysInsideTheUnitCircle() {
        // An alternating ±1 sequence pulls the first reflection coefficient to the limit.
        int m = 64;
        double[] f = new double[m];
        for (int t = 0; t < m; t++) {
            f[t] = t % 2 == 0 ? 1 : -1;
        }
        double[] a = new double[2];
        assertEquals(1, BurgFit.fit(f, f.clone(), m, 1, a));
        assertTrue(Math.abs(a[1]) < 1, "a[1] = " + a[1]);
    }

    @Test
    void aNonFiniteSignalGivesNoModel() {
        double[] f = new double[64];
        f[10] = Double.NaN;
        assertTrue(BurgFit.fit(f, f.clone(), 64, 4, new double[5]) <= 0, "no stage fitted to NaN");
        f[10] = Double.POSITIVE_INFINITY;
        assertTrue(BurgFit.fit(f, f.clone(), 64, 4, new double[5]) <= 0, "no stage fitted to infinity");
    }
}
