package org.tutti.mixer.dsp;

/**
 * Peak and RMS meters for a fixed set of slots, written once per period by the audio thread and
 * read at any time by the control plane (plain float fields: a slightly stale or torn read of a
 * meter is harmless, a lock on the audio thread is not).
 *
 * <p>Peak falls back at {@link #PEAK_FALL_DB_PER_SECOND}; RMS is smoothed over about 300 ms.
 */
public final class LevelMeters {
    public static final double PEAK_FALL_DB_PER_SECOND = 20.0;
    private static final double RMS_TIME_CONSTANT_SECONDS = 0.3;

    private final float[] peak;
    private final float[] meanSquare;
    private final float peakFall;
    private final float rmsAlpha;

    public LevelMeters(int slots, int sampleRate, int periodFrames) {
        peak = new float[slots];
        meanSquare = new float[slots];
        double periodSeconds = (double) periodFrames / sampleRate;
        peakFall = (float) Math.pow(10.0, -PEAK_FALL_DB_PER_SECOND * periodSeconds / 20.0);
        rmsAlpha = (float) (1.0 - Math.exp(-periodSeconds / RMS_TIME_CONSTANT_SECONDS));
    }

    public int slots() {
        return peak.length;
    }

    /** Measures one period of {@code channels} channels for {@code slot}. */
    public void measure(int slot, float[][] buffer, int channels, int frames) {
        float blockPeak = 0f;
        double sum = 0.0;
        for (int c = 0; c < channels; c++) {
            float[] x = buffer[c];
            for (int n = 0; n < frames; n++) {
                float v = x[n];
                blockPeak = Math.max(blockPeak, Math.abs(v));
                sum += v * v;
            }
        }
        int samples = Math.max(1, channels * frames);
        peak[slot] = Math.max(blockPeak, peak[slot] * peakFall);
        meanSquare[slot] += rmsAlpha * ((float) (sum / samples) - meanSquare[slot]);
    }

    public void reset(int slot) {
        peak[slot] = 0f;
        meanSquare[slot] = 0f;
    }

    /** Linear peak, 0..1 (more if the source clips). */
    public float peak(int slot) {
        return peak[slot];
    }

    public float rms(int slot) {
        return (float) Math.sqrt(meanSquare[slot]);
    }

    /** Peak in dBFS; −∞ for silence. */
    public double peakDbfs(int slot) {
        return toDbfs(peak[slot]);
    }

    public double rmsDbfs(int slot) {
        return toDbfs(rms(slot));
    }

    public static double toDbfs(double linear) {
        return linear <= 0 ? Double.NEGATIVE_INFINITY : 20.0 * Math.log10(linear);
    }
}
