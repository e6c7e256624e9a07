package org.tutti.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tutti.protocol.udp.BitResolution;

class ToneProbeTest {
    private final Signal signal = new Signal(48000, BitResolution.BIT16, 128);

    /** One second of the sum of clients' tones (level each), in packet-sized pieces. */
    private void feed(ToneProbe probe, float level, int... clients) {
        float[] block = new float[128];
        for (long s = 0; s < 48000; s += 128) {
            for (int i = 0; i < 128; i++) {
                float sum = 0;
                for (int c : clients) {
                    sum += level * signal.sine[(int) (signal.toneBin(c) * (s + i) % signal.window)];
                }
                block[i] = sum;
            }
            probe.accept(block, 128);
        }
    }

    @Test
    void oneClientsToneIsHeardInAMixOfManyAndAnAbsentOneIsNot() {
        int[] mix = new int[200];
        for (int c = 0; c < mix.length; c++) {
            mix[c] = c + 1; // clients 1..200; client 0 is not in the mix
        }
        float level = 0.5f / 201;
        ToneProbe present = new ToneProbe(signal, signal.toneBin(57), level * signal.window / 2f);
        ToneProbe absent = new ToneProbe(signal, signal.toneBin(0), level * signal.window / 2f);
        feed(present, level, mix);
        feed(absent, level, mix);
        assertEquals(10, present.windows);
        assertEquals(10, present.present);
        assertEquals(0, absent.present);
    }
}
