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
        // Four independent lanes break the add/max dependency chains (the JIT will not reorder float
        // reductions itself); a float sum of a few hundred squares is plenty for a meter.
        float p0 = 0f, p1 = 0f, p2 = 0f, p3 = 0f;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int whole = frames & ~3;
        for (int c = 0; c < channels; c++) {
            float[] x = buffer[c];
            int n = 0;
            for (; n < whole; n += 4) {
                float a = x[n], b = x[n + 1], d = x[n + 2], e = x[n + 3];
                p0 = Math.max(p0, Math.abs(a));
                p1 = Math.max(p1, Math.abs(b));
                p2 = Math.max(p2, Math.abs(d));
                p3 = Math.max(p3, Math.abs(e));
                s0 += a * a;
                s1 += b * b;
                s2 += d * d;
                s3 += e * e;
            }
            for (; n < frames; n++) {
                float a = x[n];
                p0 = Math.max(p0, Math.abs(a));
                s0 += a * a;
            }
        }
        float blockPeak = Math.max(Math.max(p0, p1), Math.max(p2, p3));
        float sum = (s0 + s1) + (s2 + s3);
        int samples = Math.max(1, channels * frames);
        peak[slot] = Math.max(blockPeak, peak[slot] * peakFall);
        meanSquare[slot] += rmsAlpha * (sum / samples - meanSquare[slot]);
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
