package org.tutti.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.dsp.Limiter;
import org.tutti.mixer.plan.MixPlan;

/** Every listener's output passes its own limiter: loud mixes stay under the ceiling, broken input is scrubbed. */
class MixerLimiterTest {
    private static final int FRAMES = 128;
    private static final int PARTICIPANTS = 16;

    private final Random random = new Random(0x966);

    @Test
    void whenTheLimiterEngagesNoOutputExceedsTheCeiling() {
        MixPlan plan = new MixCompiler(false, FRAMES).compile(MixCostTest.sources(PARTICIPANTS),
                MixCostTest.mixMinus(PARTICIPANTS), null);
        Mixer mixer = new Mixer(PARTICIPANTS, 2, FRAMES, 48_000);
        float[][][] outputs = new float[PARTICIPANTS][2][FRAMES];

        for (int period = 1; period <= 200; period++) {
            mixer.process(plan, noise(0.4f), outputs, FRAMES); // 15 sources of up to 0.4: far over full scale
            for (int slot = 0; slot < PARTICIPANTS; slot++) {
                assertTrue(mixer.limiterGain(slot) < 1f, "limiting");
                assertWithinCeiling(outputs[slot], "period " + period + ", listener " + slot);
            }
        }
    }

    @Test
    void aNotANumberFromOneSourceNeverReachesAnyOutput() {
        MixPlan plan = new MixCompiler(false, FRAMES).compile(MixCostTest.sources(PARTICIPANTS),
                MixCostTest.mixMinus(PARTICIPANTS), null);
        Mixer mixer = new Mixer(PARTICIPANTS, 2, FRAMES, 48_000);
        float[][][] outputs = new float[PARTICIPANTS][2][FRAMES];
        float[][][] input = noise(0.01f);
        input[3][0][17] = Float.NaN;

        mixer.process(plan, input, outputs, FRAMES);
        mixer.process(plan, input, outputs, FRAMES);

        for (int slot = 0; slot < PARTICIPANTS; slot++) {
            assertWithinCeiling(outputs[slot], "listener " + slot);
            if (slot != 3) {
                assertEquals(0f, outputs[slot][0][17], "the NaN sample is silenced for listener " + slot);
            }
        }
    }

    private static void assertWithinCeiling(float[][] output, String where) {
        for (int c = 0; c < output.length; c++) {
            for (int n = 0; n < FRAMES; n++) {
                if (!(Math.abs(output[c][n]) <= Limiter.DEFAULT_CEILING)) {
                    fail(where + ", channel " + c + ", frame " + n + ": " + output[c][n] + " above the ceiling "
                            + Limiter.DEFAULT_CEILING);
                }
            }
        }
    }

    private float[][][] noise(float amplitude) {
        float[][][] input = new float[PARTICIPANTS][2][FRAMES];
        for (float[][] slot : input) {
            for (float[] channel : slot) {
                for (int n = 0; n < FRAMES; n++) {
                    channel[n] = amplitude * (2 * random.nextFloat() - 1);
                }
            }
        }
        return input;
    }
}
