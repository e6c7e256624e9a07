package org.tutti.server.testing;

/** Measurements on recorded audio. */
public final class Analysis {
    private Analysis() {
    }

    /** Level of the {@code hertz} component in dBFS (a full-scale sine is 0 dBFS), by Goertzel. */
    public static double toneDbfs(float[] samples, double hertz, int sampleRate) {
        return toneDbfs(samples, 0, samples.length, hertz, sampleRate);
    }

    public static double toneDbfs(float[] samples, int from, int to, double hertz, int sampleRate) {
        int n = to - from;
        double w = 2 * Math.PI * hertz / sampleRate;
        double coefficient = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (int i = from; i < to; i++) {
            // Hann window against leakage from the other tones.
            double window = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i - from) / (n - 1));
            double s0 = samples[i] * window + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
        double amplitude = 2 * Math.sqrt(Math.max(power, 0)) / (n * 0.5);
        return amplitude <= 0 ? -300 : 20 * Math.log10(amplitude);
    }

    /**
     * The median of the tone's level over 100 ms windows: one dropout (a hiccup of the machine the
     * test runs on) moves it much less than a level taken over the whole recording.
     */
    public static double medianToneDbfs(float[] samples, double hertz, int sampleRate) {
        int window = sampleRate / 10;
        int count = samples.length / window;
        if (count == 0) {
            return toneDbfs(samples, hertz, sampleRate);
        }
        double[] levels = new double[count];
        for (int w = 0; w < count; w++) {
            levels[w] = toneDbfs(samples, w * window, (w + 1) * window, hertz, sampleRate);
        }
        java.util.Arrays.sort(levels);
        return levels[count / 2];
    }

    public static double rms(float[] samples, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += samples[i] * samples[i];
        }
        return Math.sqrt(sum / Math.max(1, to - from));
    }

    public static double peak(float[] samples, int from, int to) {
        double peak = 0;
        for (int i = from; i < to; i++) {
            peak = Math.max(peak, Math.abs(samples[i]));
        }
        return peak;
    }

    /** Index of the first sample with |x| above {@code threshold}, or -1. */
    public static int firstAbove(float[] samples, double threshold) {
        for (int i = 0; i < samples.length; i++) {
            if (Math.abs(samples[i]) > threshold) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Runs of at least {@code minLength} consecutive exact zeros after {@code from}: the gaps a
     * listener would hear as dropouts in a signal that never rests at zero.
     */
    public static int silentRuns(float[] samples, int from, int minLength) {
        int runs = 0;
        int length = 0;
        for (int i = from; i < samples.length; i++) {
            if (samples[i] == 0f) {
                length++;
                if (length == minLength) {
                    runs++;
                }
            } else {
                length = 0;
            }
        }
        return runs;
    }
}
