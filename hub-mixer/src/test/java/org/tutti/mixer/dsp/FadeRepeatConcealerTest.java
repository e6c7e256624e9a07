package org.tutti.mixer.dsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Missing audio becomes the last history frames again, fading to silence; real audio blends back in. */
class FadeRepeatConcealerTest {
    private static final int HISTORY = 64;

    private final FadeRepeatConcealer concealer = new FadeRepeatConcealer(2, HISTORY);

    @Test
    void concealmentRepeatsTheLastHistoryFramesFadingLinearlyToSilence() {
        float[][] played = signal(200, 0);
        concealer.observe(played, 0, 2, 100);
        concealer.observe(played, 100, 2, 100);
        float[][] out = new float[2][3 * HISTORY];

        concealer.conceal(out, 0, 2, 3 * HISTORY);

        for (int c = 0; c < 2; c++) {
            for (int n = 0; n < HISTORY; n++) {
                float gain = 1f - (n + 1f) / HISTORY;
                assertEquals(gain * played[c][200 - HISTORY + n], out[c][n], 1e-7, "channel " + c + " frame " + n);
            }
            for (int n = HISTORY; n < 3 * HISTORY; n++) {
                assertEquals(0f, out[c][n], 0f, "silent after the fade (either zero), frame " + n);
            }
        }
    }

    @Test
    void concealingInPiecesContinuesTheSameFade() {
        float[][] played = signal(HISTORY, 0);
        concealer.observe(played, 0, 2, HISTORY);
        float[][] whole = new float[2][90];
        concealer.conceal(whole, 0, 2, 90);

        FadeRepeatConcealer pieces = new FadeRepeatConcealer(2, HISTORY);
        pieces.observe(played, 0, 2, HISTORY);
        float[][] out = new float[2][90];
        pieces.conceal(out, 0, 2, 30);
        pieces.conceal(out, 30, 2, 25);
        pieces.conceal(out, 55, 2, 35);

        assertArrayEquals(whole[0], out[0]);
        assertArrayEquals(whole[1], out[1]);
    }

    @Test
    void realAudioResumesWithoutAStep() {
        float[][] played = signal(128, 0);
        concealer.observe(played, 0, 2, 128);
        float[][] concealed = new float[2][20];
        concealer.conceal(concealed, 0, 2, 20);
        float[][] block = new float[2][128];
        for (int n = 0; n < 128; n++) {
            block[0][n] = -0.6f; // far from where the concealment was heading
            block[1][n] = 0.6f;
        }
        float[][] original = new float[][] {block[0].clone(), block[1].clone()};

        concealer.resume(block, 0, 2, 128);

        for (int c = 0; c < 2; c++) {
            float unblendedStep = Math.abs(original[c][0] - concealed[c][19]);
            assertTrue(unblendedStep > 0.4f, "the test needs a jump to hide: " + unblendedStep);
            // No step larger than the signal's own slope plus 1/33 of the largest gap (0.6 + 0.5) to bridge.
            double bound = naturalStep(played[c]) + 1.1 / (FadeRepeatConcealer.RESUME_FRAMES + 1) + 1e-3;
            assertTrue(bound < unblendedStep / 2, "bound " + bound);
            float last = concealed[c][19];
            for (int n = 0; n < FadeRepeatConcealer.RESUME_FRAMES + 1; n++) {
                assertTrue(Math.abs(block[c][n] - last) <= bound,
                        "channel " + c + " frame " + n + ": step " + Math.abs(block[c][n] - last) + " > " + bound);
                last = block[c][n];
            }
            for (int n = FadeRepeatConcealer.RESUME_FRAMES; n < 128; n++) {
                assertEquals(original[c][n], block[c][n], "after the blend the real audio is untouched");
            }
        }
    }

    @Test
    void theResumeBlendIsALinearCrossfadeFromTheContinuedConcealment() {
        float[][] played = signal(HISTORY, 0);
        concealer.observe(played, 0, 2, HISTORY);
        concealer.conceal(new float[2][10], 0, 2, 10);
        float[][] wouldContinue = new float[2][FadeRepeatConcealer.RESUME_FRAMES];
        FadeRepeatConcealer twin = new FadeRepeatConcealer(2, HISTORY);
        twin.observe(played, 0, 2, HISTORY);
        twin.conceal(new float[2][10], 0, 2, 10);
        twin.conceal(wouldContinue, 0, 2, FadeRepeatConcealer.RESUME_FRAMES);
        float[][] block = signal(64, 7);
        float[][] real = new float[][] {block[0].clone(), block[1].clone()};

        concealer.resume(block, 0, 2, 64);

        int blend = FadeRepeatConcealer.RESUME_FRAMES;
        for (int c = 0; c < 2; c++) {
            for (int n = 0; n < blend; n++) {
                float t = (n + 1f) / (blend + 1);
                assertEquals((1 - t) * wouldContinue[c][n] + t * real[c][n], block[c][n], 1e-6, "frame " + n);
            }
        }
    }

    @Test
    void resetForgetsTheHistory() {
        concealer.observe(signal(HISTORY, 0), 0, 2, HISTORY);
        concealer.reset();
        float[][] out = signal(HISTORY, 3);
        concealer.conceal(out, 0, 2, HISTORY);
        for (float[] channel : out) {
            for (float x : channel) {
                assertEquals(0f, x, 0f);
            }
        }
    }

    @Test
    void observingRealAudioRestartsTheFade() {
        float[][] played = signal(HISTORY, 0);
        concealer.observe(played, 0, 2, HISTORY);
        concealer.conceal(new float[2][HISTORY], 0, 2, HISTORY);
        concealer.observe(played, 0, 2, HISTORY);
        float[][] out = new float[2][1];
        concealer.conceal(out, 0, 2, 1);
        assertEquals((1f - 1f / HISTORY) * played[0][0], out[0][0], 1e-7);
    }

    private static double naturalStep(float[] x) {
        double step = 0;
        for (int n = 1; n < x.length; n++) {
            step = Math.max(step, Math.abs(x[n] - x[n - 1]));
        }
        return step;
    }

    /** Two distinct sines, so repeats and their order are visible. */
    private static float[][] signal(int frames, int phase) {
        float[][] x = new float[2][frames];
        for (int n = 0; n < frames; n++) {
            x[0][n] = (float) (0.5 * Math.sin(2 * Math.PI * (n + phase) / 37.0));
            x[1][n] = (float) (0.4 * Math.cos(2 * Math.PI * (n + phase) / 23.0));
        }
        return x;
    }
}
