package org.tutti.mixer.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RampTest {
    @Test
    void crossfadeRisesLinearlyToTheNewSignal() {
        float[] from = new float[64];
        float[] to = new float[64];
        java.util.Arrays.fill(from, 0.8f);
        java.util.Arrays.fill(to, -0.4f);

        Ramp.crossfade(from, to, 64);

        for (int n = 0; n < 64; n++) {
            double t = (n + 1) / 64.0;
            assertEquals((1 - t) * 0.8 + t * -0.4, to[n], 1e-6, "frame " + n);
        }
        assertEquals(-0.4f, to[63], 1e-7f, "ends on the new signal (to rounding)");
    }

    @Test
    void fadeInAndFadeOutAreMirrorImages() {
        float[] in = new float[16];
        float[] out = new float[20];
        java.util.Arrays.fill(in, 1f);
        java.util.Arrays.fill(out, 1f);

        Ramp.fadeIn(in, 16);
        Ramp.fadeOut(out, 4, 16);

        assertEquals(1f / 16, in[0]);
        assertEquals(1f, in[15]);
        assertEquals(1f, out[3], "before the offset: untouched");
        assertEquals(15f / 16, out[4]);
        assertEquals(0f, out[19]);
    }
}
