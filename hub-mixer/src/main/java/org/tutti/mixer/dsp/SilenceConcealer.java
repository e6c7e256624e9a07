package org.tutti.mixer.dsp;

/**
 * The baseline: missing audio is silence and real audio resumes as it is, without a blend. What a
 * hub without concealment does (JackTrip's zero-underrun mode); kept to measure the others against.
 */
public final class SilenceConcealer implements Concealer {
    @Override
    public void reset() {
    }

    @Override
    public void observe(float[][] block, int offset, int channels, int frames) {
    }

    @Override
    public void conceal(float[][] out, int offset, int channels, int frames) {
        for (int ch = 0; ch < channels; ch++) {
            java.util.Arrays.fill(out[ch], offset, offset + frames, 0f);
        }
    }

    @Override
    public void resume(float[][] block, int offset, int channels, int frames) {
    }
}
