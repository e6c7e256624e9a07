package org.tutti.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HistogramTest {
    @Test
    void percentilesAreWithinTwoPercent() {
        Histogram h = new Histogram();
        for (int v = 1; v <= 100_000; v++) {
            h.record(v);
        }
        assertEquals(50_000, h.percentile(0.5), 50_000 * 0.02);
        assertEquals(99_000, h.percentile(0.99), 99_000 * 0.02);
        assertEquals(100_000, h.max());
        assertEquals(1, h.min());
        assertEquals(50_000.5, h.mean(), 1e-9);
    }

    @Test
    void smallValuesAreExact() {
        Histogram h = new Histogram();
        h.record(3);
        h.record(7);
        assertEquals(3, h.percentile(0.5));
        assertEquals(7, h.percentile(1.0));
    }

    @Test
    void bucketsAreContiguous() {
        for (int i = 0; i < 2000; i++) {
            assertEquals(i, Histogram.index(Histogram.lowerBound(i)));
        }
    }
}
