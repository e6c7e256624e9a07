package org.tutti.mixer.dsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The per-listener clip-safe limiter: transparent when not needed, never above the ceiling when it is. */
class LimiterTest {
    private static final int FRAMES = 128;
    private static final float CEILING = Limiter.DEFAULT_CEILING;

    private final Random random = new Random(966);
    private final Limiter limiter = Limiter.standard(48_000);

    @Test
    void belowTheCeilingTheOutputIsTheInputBitForBit() {
        for (int block = 0; block < 1000; block++) {
            float[][] buffer = noise(2, CEILING);
            buffer[block % 2][block % FRAMES] = block % 3 == 0 ? CEILING : -CEILING; // touching is not exceeding
            float[][] input = copy(buffer);

            limiter.process(buffer, 2, FRAMES);

            assertArrayEquals(input[0], buffer[0], "block " + block);
            assertArrayEquals(input[1], buffer[1], "block " + block);
            assertEquals(1f, limiter.gain());
        }
        assertEquals(0, limiter.limitedSamples());
    }

    @Test
    void loudInputNeverLeavesAboveTheCeiling() {
        for (int block = 0; block < 2000; block++) {
            float amplitude = block % 10 == 0 ? 0.5f : (float) Math.pow(10, 3 * random.nextDouble() - 1); // 0.1 … 100
            float[][] buffer = noise(2, amplitude);

            limiter.process(buffer, 2, FRAMES);

            assertAllWithinCeiling(buffer, "block " + block + ", amplitude " + amplitude);
        }
        assertTrue(limiter.limitedSamples() > 0);
    }

    @Test
    void aSingleFullScaleSpikeIsCaughtOnItsOwnSample() {
        float[][] buffer = new float[2][FRAMES];
        buffer[1][40] = 4f;
        buffer[0][40] = 1f;

        limiter.process(buffer, 2, FRAMES);

        assertEquals(CEILING, buffer[1][40], 1e-6f, "instant attack");
        assertEquals(CEILING / 4f, buffer[0][40], 1e-6f, "the channels are linked: the same gain on both");
        assertEquals(0f, buffer[0][39]);
    }

    @Test
    void notANumberBecomesSilence() {
        float[][] buffer = noise(2, 0.5f);
        buffer[0][10] = Float.NaN;
        buffer[1][11] = Float.NaN;
        float[][] input = copy(buffer);

        limiter.process(buffer, 2, FRAMES);

        assertEquals(0f, buffer[0][10]);
        assertEquals(0f, buffer[1][11]);
        assertEquals(input[1][10], buffer[1][10], "the other channel of the NaN frame is untouched");
        assertEquals(1f, limiter.gain(), "a NaN is not loud");
        assertAllWithinCeiling(buffer, "NaN block");
    }

    @Test
    void infinityNeverLeavesAboveTheCeiling() {
        for (float infinity : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Limiter fresh = Limiter.standard(48_000);
            float[][] buffer = noise(2, 0.5f);
            buffer[0][20] = infinity;

            fresh.process(buffer, 2, FRAMES);

            assertAllWithinCeiling(buffer, "input " + infinity);
        }
    }

    @Test
    void afterLimitingTheGainReleasesBackToExactlyOne() {
        float[][] loud = noise(2, 10f);
        limiter.process(loud, 2, FRAMES);
        assertTrue(limiter.gain() < 0.1f);
        float previous = limiter.gain();

        int blocks = 0;
        while (limiter.gain() != 1f && blocks < 1000) {
            limiter.process(noise(2, 0.3f), 2, FRAMES);
            assertTrue(limiter.gain() >= previous, "release only rises while quiet");
            previous = limiter.gain();
            blocks++;
        }

        assertEquals(1f, limiter.gain(), "gain after " + blocks + " quiet blocks");
        assertTrue(blocks * FRAMES / 48_000.0 < 1.0, "released within a second: " + blocks + " blocks");
        float[][] quiet = noise(2, 0.5f);
        float[][] input = copy(quiet);
        limiter.process(quiet, 2, FRAMES);
        assertArrayEquals(input[0], quiet[0], "bit-transparent again");
        assertArrayEquals(input[1], quiet[1], "bit-transparent again");
    }

    @Test
    void resetForgetsAnyGainReduction() {
        limiter.process(noise(2, 10f), 2, FRAMES);
        limiter.reset();
        assertEquals(1f, limiter.gain());
    }

    private void assertAllWithinCeiling(float[][] buffer, String what) {
        for (int c = 0; c < buffer.length; c++) {
            for (int n = 0; n < FRAMES; n++) {
                float x = buffer[c][n];
                if (!(Math.abs(x) <= CEILING)) {
                    fail(what + ": channel " + c + " frame " + n + " left the limiter as " + x);
                }
            }
        }
    }

    private float[][] noise(int channels, float amplitude) {
        float[][] buffer = new float[channels][FRAMES];
        for (float[] channel : buffer) {
            for (int n = 0; n < FRAMES; n++) {
                channel[n] = amplitude * (2 * random.nextFloat() - 1);
            }
        }
        return buffer;
    }

    private static float[][] copy(float[][] buffer) {
        float[][] copy = new float[buffer.length][];
        for (int c = 0; c < buffer.length; c++) {
            copy[c] = buffer[c].clone();
        }
        return copy;
    }
}
