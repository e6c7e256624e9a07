package org.tutti.mixer.dsp;

/** Linear ramps across one block: how gain changes reach the output without zipper noise or clicks. */
public final class Ramp {
    private Ramp() {
    }

    /** {@code to[n] = from[n]·(1−t) + to[n]·t} with t rising linearly from 1/frames to 1 across the block. */
    public static void crossfade(float[] from, float[] to, int frames) {
        float step = 1f / frames;
        for (int n = 0; n < frames; n++) {
            float t = (n + 1) * step;
            to[n] = from[n] + (to[n] - from[n]) * t;
        }
    }

    /** Fades {@code buffer} in from silence across the block. */
    public static void fadeIn(float[] buffer, int frames) {
        float step = 1f / frames;
        for (int n = 0; n < frames; n++) {
            buffer[n] *= (n + 1) * step;
        }
    }

    /** Fades {@code buffer} out to silence across the block. */
    public static void fadeOut(float[] buffer, int offset, int frames) {
        float step = 1f / frames;
        for (int n = 0; n < frames; n++) {
            buffer[offset + n] *= 1f - (n + 1) * step;
        }
    }
}
