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

    /**
     * A tone's level over the 100 ms windows where the recording is exactly the tones it should
     * carry ({@code hertz} and {@code alsoPresent}), unbroken, with how many such windows there were.
     * The tones are fitted to each window together (least squares); the window is clean when the fit
     * leaves less than 1 % (-40 dB) of their RMS. Any dropout, repeat or click (the client's buffer on
     * a stalled machine, say) breaks that, so the level of the clean windows is the gain the hub
     * applied, to a hundredth of a dB, however many windows the machine broke. A recording that is
     * silent throughout (every window under -80 dBFS) reports the median level of its windows.
     */
    public static ToneLevel cleanToneLevel(float[] samples, int sampleRate, double hertz, double... alsoPresent) {
        double[] tones = new double[alsoPresent.length + 1];
        tones[0] = hertz;
        System.arraycopy(alsoPresent, 0, tones, 1, alsoPresent.length);
        int window = sampleRate / 10;
        int count = samples.length / window;
        int unknowns = 2 * tones.length;
        double[] all = new double[count];
        double[] clean = new double[count];
        int cleanCount = 0;
        int silent = 0;
        StringBuilder perWindow = new StringBuilder();
        double[][] basis = new double[unknowns][window];
        for (int t = 0; t < tones.length; t++) {
            double w = 2 * Math.PI * tones[t] / sampleRate;
            for (int n = 0; n < window; n++) {
                basis[2 * t][n] = Math.cos(w * n);
                basis[2 * t + 1][n] = Math.sin(w * n);
            }
        }
        for (int k = 0; k < count; k++) {
            int from = k * window;
            double[][] normal = new double[unknowns][unknowns + 1];
            for (int i = 0; i < unknowns; i++) {
                for (int j = 0; j < unknowns; j++) {
                    double sum = 0;
                    for (int n = 0; n < window; n++) {
                        sum += basis[i][n] * basis[j][n];
                    }
                    normal[i][j] = sum;
                }
                double sum = 0;
                for (int n = 0; n < window; n++) {
                    sum += basis[i][n] * samples[from + n];
                }
                normal[i][unknowns] = sum;
            }
            double[] fit = solve(normal);
            double residual = 0;
            double fitted = 0;
            for (int n = 0; n < window; n++) {
                double model = 0;
                for (int i = 0; i < unknowns; i++) {
                    model += fit[i] * basis[i][n];
                }
                double r = samples[from + n] - model;
                residual += r * r;
                fitted += model * model;
            }
            double amplitude = Math.hypot(fit[0], fit[1]);
            double dbfs = amplitude <= 0 ? -300 : 20 * Math.log10(amplitude);
            all[k] = dbfs;
            double fittedRms = Math.sqrt(fitted / window);
            boolean quiet = fittedRms < 1e-4 && Math.sqrt(residual / window) < 1e-4;
            boolean isClean = !quiet && residual < 1e-4 * fitted;
            if (quiet) {
                silent++;
            } else if (isClean) {
                clean[cleanCount++] = dbfs;
            }
            perWindow.append(String.format(java.util.Locale.ROOT, "%s%.2f%s", k == 0 ? "" : " ", dbfs,
                    isClean || quiet ? "" : "*"));
        }
        if (count > 0 && silent == count) {
            java.util.Arrays.sort(all);
            return new ToneLevel(all[count / 2], 0, count, perWindow.toString());
        }
        double[] levels = java.util.Arrays.copyOf(clean, cleanCount);
        java.util.Arrays.sort(levels);
        double median = cleanCount == 0 ? Double.NaN : levels[cleanCount / 2];
        return new ToneLevel(median, cleanCount, count, perWindow.toString());
    }

    /** Gaussian elimination with partial pivoting on an augmented n × (n+1) matrix. */
    private static double[] solve(double[][] m) {
        int n = m.length;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int row = col + 1; row < n; row++) {
                if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) {
                    pivot = row;
                }
            }
            double[] swap = m[col];
            m[col] = m[pivot];
            m[pivot] = swap;
            for (int row = col + 1; row < n; row++) {
                double factor = m[row][col] / m[col][col];
                for (int j = col; j <= n; j++) {
                    m[row][j] -= factor * m[col][j];
                }
            }
        }
        double[] x = new double[n];
        for (int row = n - 1; row >= 0; row--) {
            double sum = m[row][n];
            for (int j = row + 1; j < n; j++) {
                sum -= m[row][j] * x[j];
            }
            x[row] = sum / m[row][row];
        }
        return x;
    }

    /** What {@link #cleanToneLevel} measured; {@code perWindow} marks broken windows with '*'. */
    public record ToneLevel(double dbfs, int cleanWindows, int windows, String perWindow) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.2f dBFS from %d of %d clean windows [%s]", dbfs,
                    cleanWindows, windows, perWindow);
        }
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
