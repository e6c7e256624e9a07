package org.tutti.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tutti.protocol.testing.TestSeed;

/**
 * Encode then decode random audio in every resolution, 1–64 channels and the usual period sizes,
 * against the exact value or bound each encoding gives (spec §3.3).
 */
class PayloadCodecRoundTripTest {
    private static final int[] FRAMES = {16, 32, 64, 100, 128, 256, 512, 1024, 2048};
    private static final int MAX_CHANNELS = 64;
    private static final byte SENTINEL = (byte) 0xA5;

    /**
     * 8 bit: decode(encode(x)) = round(127x)/128. Writing round(127x) = 127x + d with |d| ≤ 1/2,
     * x − (127x + d)/128 = (x − d)/128, so the error is at most (|x| + 1/2)/128 ≤ 3/256 for |x| ≤ 1.
     */
    static final double EIGHT_BIT_BOUND = 1.5 / 128;
    /** 24 bit: floor to a multiple of 2^-23, so 0 ≤ x − decoded < 2^-23. */
    static final double TWENTY_FOUR_BIT_STEP = Math.scalb(1.0, -23);

    @ParameterizedTest
    @EnumSource(BitResolution.class)
    void randomAudioRoundTripsWithinTheResolutionsExactBound(BitResolution resolution) {
        long seed = TestSeed.next();
        SplittableRandom random = new SplittableRandom(seed);
        long samples = 0;
        for (int channels = 1; channels <= MAX_CHANNELS; channels++) {
            for (int frames : FRAMES) {
                samples += roundTrip(resolution, channels, frames, random, seed);
            }
        }
        assertEquals(Arrays.stream(FRAMES).sum() * (MAX_CHANNELS * (MAX_CHANNELS + 1) / 2L), samples, "every shape was tried");
    }

    private static int roundTrip(BitResolution resolution, int channels, int frames, SplittableRandom random, long seed) {
        int sourceOffset = random.nextInt(4);
        int targetOffset = random.nextInt(4);
        int packetStart = random.nextInt(8);
        int size = PacketLayout.packetSize(frames, channels, resolution.bytesPerSample());
        float[][] source = new float[channels][sourceOffset + frames];
        for (float[] channel : source) {
            for (int n = 0; n < frames; n++) {
                channel[sourceOffset + n] = BitResolutionTest.randomSample(random);
            }
        }
        ByteBuffer wire = ByteBuffer.allocate(packetStart + size + 5);
        Arrays.fill(wire.array(), SENTINEL);

        PayloadCodec.encode(source, sourceOffset, channels, frames, resolution, wire, packetStart);
        float[][] target = new float[channels][targetOffset + frames];
        int decoded = PayloadCodec.decode(wire, packetStart, frames, channels, resolution, target, channels, targetOffset);

        String shape = resolution + " " + channels + " ch × " + frames + " frames, " + TestSeed.describe(seed);
        assertEquals(channels, decoded, shape);
        assertUntouchedOutside(wire, packetStart + PacketHeader.LENGTH, packetStart + size, shape);
        for (int c = 0; c < channels; c++) {
            for (int n = 0; n < frames; n++) {
                float x = source[c][sourceOffset + n];
                float y = target[c][targetOffset + n];
                if (!withinBound(resolution, x, y)) {
                    fail(shape + ": channel " + c + " frame " + n + ": " + x + " came back as " + y);
                }
            }
            // Planar layout: sample n of channel c sits at 16 + (c·N + n)·B.
            int n = random.nextInt(frames);
            float[] single = new float[1];
            resolution.decode(wire, packetStart + PacketLayout.sampleOffset(c, n, frames, resolution.bytesPerSample()), 1, single, 0);
            assertEquals(target[c][targetOffset + n], single[0], shape + ": sample " + n + " of channel " + c + " is where the spec says");
        }
        return channels * frames;
    }

    private static boolean withinBound(BitResolution resolution, float x, float y) {
        switch (resolution) {
            case BIT8:
                return y == (float) (roundHalfAway(x, 127) / 128.0) && Math.abs((double) x - y) <= EIGHT_BIT_BOUND;
            case BIT16:
                return y == (float) (roundHalfAway(x, 32767) / 32768.0);
            case BIT24: {
                double error = (double) x - y;
                return error >= 0 && error < TWENTY_FOUR_BIT_STEP;
            }
            case BIT32:
                return Float.floatToRawIntBits(x) == Float.floatToRawIntBits(y);
            default:
                throw new AssertionError(resolution);
        }
    }

    /**
     * round(x · scale) with halves away from zero (C's round()). The product of a float and a 15-bit
     * integer is exact in a double; Math.round rounds halves up, so negative halves are corrected.
     */
    static long roundHalfAway(float x, int scale) {
        double product = (double) x * scale;
        long rounded = Math.round(product);
        return product < 0 && rounded - product == 0.5 ? rounded - 1 : rounded;
    }

    @Test
    void twentyFourBitIsExactForMultiplesOfTwoToTheMinus23() {
        long seed = TestSeed.next();
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer wire = ByteBuffer.allocate(3);
        for (int i = 0; i < 200_000; i++) {
            int k = i < 2 ? (i == 0 ? -(1 << 23) : (1 << 23) - 1) : random.nextInt(-(1 << 23), 1 << 23);
            float x = (float) Math.scalb((double) k, -23);
            BitResolution.put24(wire, 0, x);
            assertEquals(x, BitResolution.get24(wire, 0), "k = " + k + ", " + TestSeed.describe(seed));
        }
    }

    @Test
    void sixteenBitRoundTripIsRoundOfX32767Over32768() {
        long seed = TestSeed.next();
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer wire = ByteBuffer.allocate(2);
        float[] out = new float[1];
        for (int i = 0; i < 200_000; i++) {
            float x = BitResolutionTest.randomSample(random);
            BitResolution.BIT16.encode(new float[] {x}, 0, 1, wire, 0);
            BitResolution.BIT16.decode(wire, 0, 1, out, 0);
            assertEquals((float) (roundHalfAway(x, 32767) / 32768.0), out[0], "x = " + x + ", " + TestSeed.describe(seed));
        }
    }

    @Test
    void decodingIntoMoreChannelsThanThePacketCarriesZeroesTheRest() {
        ByteBuffer wire = ByteBuffer.allocate(PacketLayout.packetSize(4, 1, 2));
        PayloadCodec.encode(new float[][] {{0.5f, 0.5f, 0.5f, 0.5f}}, 0, 1, 4, BitResolution.BIT16, wire, 0);
        float[][] target = {{9, 9, 9, 9}, {9, 9, 9, 9}, {9, 9, 9, 9}};

        int decoded = PayloadCodec.decode(wire, 0, 4, 1, BitResolution.BIT16, target, 3, 0);

        assertEquals(1, decoded);
        assertEquals(0.5f, target[0][3]);
        assertTrue(Arrays.equals(new float[4], target[1]) && Arrays.equals(new float[4], target[2]));
    }

    @Test
    void decodingIntoFewerChannelsUsesTheFirstOnes() {
        ByteBuffer wire = ByteBuffer.allocate(PacketLayout.packetSize(2, 3, 4));
        PayloadCodec.encode(new float[][] {{1, 2}, {3, 4}, {5, 6}}, 0, 3, 2, BitResolution.BIT32, wire, 0);
        float[][] target = new float[2][2];

        assertEquals(2, PayloadCodec.decode(wire, 0, 2, 3, BitResolution.BIT32, target, 2, 0));
        assertEquals(3f, target[1][0]);
        assertEquals(4f, target[1][1]);
    }

    @Test
    void channelsBeyondTheSourceAreSentAsSilence() {
        ByteBuffer wire = ByteBuffer.allocate(PacketLayout.packetSize(3, 2, 3));
        Arrays.fill(wire.array(), SENTINEL);

        PayloadCodec.encode(new float[][] {{0.25f, 0.25f, 0.25f}}, 0, 2, 3, BitResolution.BIT24, wire, 0);

        for (int i = PacketLayout.channelOffset(1, 3, 3); i < wire.capacity(); i++) {
            assertEquals(0, wire.get(i), "byte " + i + " of the silent second channel");
        }
    }

    private static void assertUntouchedOutside(ByteBuffer wire, int from, int to, String shape) {
        byte[] bytes = wire.array();
        for (int i = 0; i < bytes.length; i++) {
            if ((i < from || i >= to) && bytes[i] != SENTINEL) {
                fail(shape + ": the encoder wrote byte " + i + " outside the payload [" + from + ", " + to + ")");
            }
        }
    }
}
