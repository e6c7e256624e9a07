package org.tutti.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.testing.Hex;
import org.tutti.protocol.testing.TestSeed;

/** The sample encodings one value at a time (spec §3.3, JackTrip's AudioInterface conversions). */
class BitResolutionTest {

    @Test
    void resolutionsMapToHeaderByte13() {
        assertSame(BitResolution.BIT8, BitResolution.fromBits(8));
        assertSame(BitResolution.BIT16, BitResolution.fromBits(16));
        assertSame(BitResolution.BIT24, BitResolution.fromBits(24));
        assertSame(BitResolution.BIT32, BitResolution.fromBits(32));
        for (int bits : new int[] {0, 1, 7, 12, 15, 17, 31, 33, 64, 255, -16}) {
            assertNull(BitResolution.fromBits(bits), "bits " + bits);
        }
        assertEquals(3, BitResolution.BIT24.bytesPerSample());
    }

    @Test
    void sixteenBitFullScaleIs32767AndMinus32768IsNeverProduced() {
        assertEquals(32767, BitResolution.encode16(1.0f));
        assertEquals(-32767, BitResolution.encode16(-1.0f));
        assertEquals(32767, BitResolution.encode16(1.5f));
        assertEquals(-32767, BitResolution.encode16(-1.5f));
        assertEquals(32767, BitResolution.encode16(Float.POSITIVE_INFINITY));
        assertEquals(-32767, BitResolution.encode16(Float.NEGATIVE_INFINITY));
        assertEquals(0, BitResolution.encode16(0.0f));
        assertEquals(0, BitResolution.encode16(-0.0f));
    }

    @Test
    void sixteenBitMinusHalfIsC000BecauseHalvesRoundAwayFromZero() {
        // -0.5 · 32767 = -16383.5 → -16384 = 00 c0 on the wire, as in every c1 packet's channel 2.
        assertEquals(-16384, BitResolution.encode16(-0.5f));
        assertEquals(16384, BitResolution.encode16(0.5f));
        ByteBuffer wire = ByteBuffer.allocate(2);
        BitResolution.BIT16.encode(new float[] {-0.5f}, 0, 1, wire, 0);
        assertEquals("00 c0", Hex.of(wire.array()));
    }

    @Test
    void sixteenBitRoundingMatchesCsRoundOnTheExactProductNearEveryHalf() {
        // Floats next to (k ± 0.5)/32767 put x·32767 within a hair of a half: the product is exact in a
        // double, so the result must equal C's round() of the exact value, for every k.
        for (int k = -32767; k <= 32767; k++) {
            float nearHalf = (float) ((k + 0.5) / 32767.0);
            for (float x : new float[] {Math.nextDown(nearHalf), nearHalf, Math.nextUp(nearHalf), (float) (-0.5 / 32767) * k}) {
                assertEquals(reference16(x), BitResolution.encode16(x), "x = " + x + " (" + Float.floatToRawIntBits(x) + ")");
            }
        }
        assertEquals(0, BitResolution.encode16((float) (0.5 / 32767)), "0.49999... rounds down");
        assertEquals(-1, BitResolution.encode16(Math.nextDown((float) (-0.5 / 32767))), "-0.5000... rounds away");
    }

    @Test
    void eightBitClampsToPlusMinus127AndRoundsHalvesAway() {
        assertEquals(127, BitResolution.encode8(1.0f));
        assertEquals(-127, BitResolution.encode8(-1.0f));
        assertEquals(127, BitResolution.encode8(3.0f));
        assertEquals(-127, BitResolution.encode8(-3.0f));
        assertEquals(64, BitResolution.encode8(0.5f), "63.5 → 64");
        assertEquals(-64, BitResolution.encode8(-0.5f), "-63.5 → -64");
        assertEquals(127, BitResolution.encode8(Float.POSITIVE_INFINITY));
        assertEquals(-127, BitResolution.encode8(Float.NEGATIVE_INFINITY));
    }

    @Test
    void notANumberEncodesAsSilence() {
        assertEquals(0, BitResolution.encode8(Float.NaN));
        assertEquals(0, BitResolution.encode16(Float.NaN));
        assertEquals(0, BitResolution.encode16(Float.intBitsToFloat(0xFFC0_0001)));
        ByteBuffer wire = ByteBuffer.allocate(3);
        BitResolution.put24(wire, 0, Float.NaN);
        assertEquals("00 00 00", Hex.of(wire.array()));
    }

    @Test
    void eightAndSixteenBitDecodeDivideBy128And32768() {
        ByteBuffer wire = ByteBuffer.wrap(new byte[] {(byte) 0x80, 0x7F, 0x00, (byte) 0x80, (byte) 0xFF, 0x7F});
        float[] out = new float[3];

        BitResolution.BIT8.decode(wire, 0, 2, out, 0);
        assertEquals(-1.0f, out[0]);
        assertEquals(127 / 128f, out[1]);
        BitResolution.BIT16.decode(wire, 2, 2, out, 1);
        assertEquals(-1.0f, out[1], "0x8000");
        assertEquals(32767 / 32768f, out[2], "0x7fff");
    }

    @Test
    void eachSixteenBitHopScalesBy32767Over32768() {
        // decode(32767) = 32767/32768, re-encoded: 32767²/32768 = 32766.0000305 → 32766.
        assertEquals(32766, BitResolution.encode16(32767 / 32768f));
        // Below half scale the hop is lossless: k·32767/32768 = k − k/32768 rounds back to k.
        for (int k = -16384; k <= 16384; k++) {
            assertEquals(k, BitResolution.encode16(k / 32768f), "k = " + k);
        }
    }

    @Test
    void twentyFourBitSamplesUseJackTripsOddByteOrder() {
        // x = (k + 0.25)/32768 → int16 k little-endian, then the fraction 0.25·256 = 0x40 (spec: c2 = 47 02 40).
        ByteBuffer wire = ByteBuffer.allocate(3);
        for (int k = -32768; k <= 32767; k++) {
            float x = (float) ((k + 0.25) / 32768.0);
            BitResolution.put24(wire, 0, x);
            assertEquals((byte) k, wire.get(0), "low byte of k = " + k);
            assertEquals((byte) (k >> 8), wire.get(1), "high byte of k = " + k);
            assertEquals((byte) 0x40, wire.get(2), "fraction byte for k = " + k);
            assertEquals(x, BitResolution.get24(wire, 0), "k = " + k);
        }
        BitResolution.put24(wire, 0, (float) ((0x247 + 0.25) / 32768.0));
        assertEquals("47 02 40", Hex.of(wire.array()));
    }

    @Test
    void twentyFourBitBytesAreBits8To15Then16To23Then0To7OfTheTwosComplementValue() {
        long seed = TestSeed.next();
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer wire = ByteBuffer.allocate(3);
        for (int i = 0; i < 100_000; i++) {
            float x = randomSample(random);
            int w = (int) Math.floor(x * 8_388_608.0); // x · 2^23
            BitResolution.put24(wire, 0, x);
            String where = "x = " + x + ", " + TestSeed.describe(seed);
            assertEquals((byte) (w >> 8), wire.get(0), where);
            assertEquals((byte) (w >> 16), wire.get(1), where);
            assertEquals((byte) w, wire.get(2), where);
        }
    }

    @Test
    void twentyFourBitClampsAtFullScaleInsteadOfWrappingAsJackTripWould() {
        ByteBuffer wire = ByteBuffer.allocate(3);
        float largest = (float) (1 - Math.scalb(1.0, -23)); // int16 32767 + fraction 255/256
        for (float loud : new float[] {1.0f, 1.0001f, 2.0f, 1e30f, Float.POSITIVE_INFINITY}) {
            BitResolution.put24(wire, 0, loud);
            assertEquals("ff 7f ff", Hex.of(wire.array()), "x = " + loud);
            assertEquals(largest, BitResolution.get24(wire, 0), "x = " + loud + " stays positive");
        }
        for (float loud : new float[] {-1.0f, -1.0001f, -2.0f, Float.NEGATIVE_INFINITY}) {
            BitResolution.put24(wire, 0, loud);
            assertEquals("00 80 00", Hex.of(wire.array()), "x = " + loud);
            assertEquals(-1.0f, BitResolution.get24(wire, 0));
        }
        // What JackTrip itself would send for 1.0: (int16) 32768 = -32768, i.e. full-scale negative.
        assertEquals(-32768, (short) Math.floor(1.0 * 32768));
    }

    @Test
    void thirtyTwoBitIsTheRawLittleEndianFloatWithoutClamping() {
        ByteBuffer wire = ByteBuffer.allocate(4);
        float[] out = new float[1];
        for (float x : new float[] {1.5f, -7.25f, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY}) {
            BitResolution.BIT32.encode(new float[] {x}, 0, 1, wire, 0);
            assertEquals(Integer.reverseBytes(Float.floatToRawIntBits(x)), wire.getInt(0), "little-endian bits of " + x);
            BitResolution.BIT32.decode(wire, 0, 1, out, 0);
            assertEquals(Float.floatToRawIntBits(x), Float.floatToRawIntBits(out[0]));
        }
    }

    @Test
    void silenceIsAllZeroBytesInEveryResolution() {
        for (BitResolution resolution : BitResolution.values()) {
            ByteBuffer silence = ByteBuffer.allocate(40);
            ByteBuffer zeros = ByteBuffer.allocate(40);
            for (int i = 0; i < 40; i++) {
                silence.put(i, (byte) 0x5A);
            }
            resolution.encodeSilence(5, silence, 2);
            resolution.encode(new float[5], 0, 5, zeros, 2);
            for (int i = 0; i < 40; i++) {
                boolean inside = i >= 2 && i < 2 + 5 * resolution.bytesPerSample();
                assertEquals(inside ? 0 : 0x5A, silence.get(i), resolution + " byte " + i);
                assertEquals(0, zeros.get(i), resolution + " encodes 0.0f as zero bytes");
            }
        }
    }

    /** JackTrip: clamp(std::round(x · 32767.0)) with the product exact in double; round() = halves away from zero. */
    static int reference16(float x) {
        if (Float.isNaN(x)) {
            return 0;
        }
        if (Float.isInfinite(x)) {
            return x > 0 ? 32767 : -32767;
        }
        long rounded = new BigDecimal(x).multiply(BigDecimal.valueOf(32767)).setScale(0, RoundingMode.HALF_UP).longValueExact();
        return (int) Math.max(-32767, Math.min(32767, rounded));
    }

    /** A float in [-1, 1), now and then one of the edge values. */
    static float randomSample(SplittableRandom random) {
        switch (random.nextInt(50)) {
            case 0:
                return -1.0f;
            case 1:
                return Math.nextDown(1.0f);
            case 2:
                return 0.0f;
            case 3:
                return -0.0f;
            case 4:
                return (float) random.nextDouble(-1e-6, 1e-6);
            default:
                float x = (float) random.nextDouble(-1.0, 1.0);
                return x >= 1.0f ? Math.nextDown(1.0f) : x;
        }
    }
}
