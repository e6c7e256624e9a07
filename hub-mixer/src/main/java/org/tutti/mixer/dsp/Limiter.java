package org.tutti.mixer.dsp;

/**
 * A clip-safe, channel-linked peak limiter for one mix. Attack is instant (no sample leaves above
 * the ceiling), release is exponential. While nothing is near the ceiling the gain is exactly 1,
 * so a mix that does not need limiting passes bit for bit.
 */
public final class Limiter {
    /** −0.3 dBFS: leaves room for the 16-bit encoder's 32767/32768 asymmetry and inter-sample peaks. */
    public static final float DEFAULT_CEILING = 0.966f;

    private final float ceiling;
    private final float releasePerSample;
    private float gain = 1f;
    private long limitedSamples;

    /**
     * @param ceiling      largest absolute output value
     * @param sampleRate   Hz, for the release time
     * @param releaseSeconds time constant of the gain's return to 1
     */
    public Limiter(float ceiling, int sampleRate, double releaseSeconds) {
        this.ceiling = ceiling;
        this.releasePerSample = (float) (1.0 - Math.exp(-1.0 / (releaseSeconds * sampleRate)));
    }

    public static Limiter standard(int sampleRate) {
        return new Limiter(DEFAULT_CEILING, sampleRate, 0.05);
    }

    public void reset() {
        gain = 1f;
    }

    /** Current gain (1 = not limiting). */
    public float gain() {
        return gain;
    }

    /** Samples that left with a gain below 1 since creation. */
    public long limitedSamples() {
        return limitedSamples;
    }

    public void process(float[][] buffer, int channels, int frames) {
        if (gain == 1f && blockPeak(buffer, channels, frames) <= ceiling) {
            return;
        }
        for (int n = 0; n < frames; n++) {
            float peak = 0f;
            for (int c = 0; c < channels; c++) {
                float x = buffer[c][n];
                if (!Float.isFinite(x)) {
                    buffer[c][n] = 0f; // NaN or ±∞ from a broken source must not reach the encoder
                    continue;
                }
                peak = Math.max(peak, Math.abs(x));
            }
            float needed = peak > ceiling ? ceiling / peak : 1f;
            if (needed < gain) {
                gain = needed;
            } else if (gain < 1f) {
                gain += (1f - gain) * releasePerSample;
                // Near 1 the step falls below float precision and the gain would stall just short of
                // it; snap while the step is still representable so the limiter goes fully transparent.
                if (1f - gain < 1e-4f) {
                    gain = 1f;
                }
                gain = Math.min(gain, needed);
            }
            if (gain != 1f) {
                limitedSamples++;
                for (int c = 0; c < channels; c++) {
                    // ceiling / peak · x can round one step above the ceiling: clamp the last bit.
                    buffer[c][n] = Math.max(-ceiling, Math.min(ceiling, buffer[c][n] * gain));
                }
            }
        }
    }

    private static float blockPeak(float[][] buffer, int channels, int frames) {
        float peak = 0f;
        for (int c = 0; c < channels; c++) {
            float[] x = buffer[c];
            for (int n = 0; n < frames; n++) {
                float a = Math.abs(x[n]);
                // NaN compares false and ∞ is above any ceiling: both take the slow path, which scrubs them.
                if (!(a <= peak)) {
                    peak = a != a ? Float.POSITIVE_INFINITY : a;
                }
            }
        }
        return peak;
    }
}
