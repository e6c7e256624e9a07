package org.tutti.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tutti.protocol.udp.BitResolution;

class SignalTest {
    @ParameterizedTest
    @EnumSource(BitResolution.class)
    void everyRampValueSurvivesDecodingAndReEncodingAtTheSameResolution(BitResolution bits) {
        // What a hub does to loopback audio: decode to float, (mix with gain 1), encode again.
        Signal signal = new Signal(48000, bits, 128);
        ByteBuffer table = signal.rampTable;
        int bytes = bits.bytesPerSample();
        float[] decoded = new float[signal.rampPeriod];
        bits.decode(table, 0, signal.rampPeriod, decoded, 0);
        ByteBuffer hop = ByteBuffer.allocate(signal.rampPeriod * bytes);
        bits.encode(decoded, 0, signal.rampPeriod, hop, 0);
        float[] again = new float[signal.rampPeriod];
        bits.decode(hop, 0, signal.rampPeriod, again, 0);
        for (int j = 0; j < signal.rampPeriod; j++) {
            int expected = j - signal.rampHalf;
            assertEquals(expected, signal.valueOf(decoded[j]), "sent value " + j);
            assertEquals(expected, signal.valueOf(again[j]), "after a hop " + j);
        }
    }

    @Test
    void aRampValueDatesItsSample() {
        Signal signal = new Signal(48000, BitResolution.BIT16, 128);
        int phase = signal.rampPhase(5);
        long sent = 1_000_000;
        for (long sample : new long[] {sent - 1, sent - 128, sent - 30_000}) {
            int value = signal.ramp(sample, phase);
            assertEquals(sample, signal.sampleOf(value, phase, sent));
        }
    }

    @Test
    void rampTableHoldsTheRampAtEveryPhase() {
        Signal signal = new Signal(48000, BitResolution.BIT16, 128);
        int phase = signal.rampPhase(3);
        long sample = 123_456;
        int at = signal.rampTableOffset(sample, phase);
        float[] one = new float[1];
        BitResolution.BIT16.decode(signal.rampTable, at, 1, one, 0);
        assertEquals(signal.ramp(sample, phase), signal.valueOf(one[0]));
    }

    @Test
    void clientsGetDistinctToneBinsBelowFortyPercentOfTheRate() {
        Signal signal = new Signal(48000, BitResolution.BIT16, 128);
        java.util.Set<Integer> bins = new java.util.HashSet<>();
        for (int c = 0; c < 1024; c++) {
            bins.add(signal.toneBin(c));
            double hz = signal.toneHz(c, 48000);
            assertEquals(true, hz >= Signal.LOWEST_TONE_HZ && hz <= 0.4 * 48000, "client " + c + ": " + hz);
        }
        assertEquals(1024, bins.size());
    }
}
