package org.tutti.mixer.dsp;

/** Measures a sine in a signal: least-squares level and THD+N, Goertzel frequency. */
final class SineFit {
    private SineFit() {
    }

    /**
     * Fits {@code a·sin + b·cos + dc} at {@code cycles} per sample over {@code y[from, to)}.
     *
     * @return {amplitude, THD+N in dB (everything but the fitted sine, relative to it)}
     */
    static double[] fit(float[] y, int from, int to, double cycles) {
        double w = 2 * Math.PI * cycles;
        double[][] a = new double[3][3];
        double[] b = new double[3];
        for (int n = from; n < to; n++) {
            double[] v = {Math.sin(w * n), Math.cos(w * n), 1};
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    a[i][j] += v[i] * v[j];
                }
                b[i] += v[i] * y[n];
            }
        }
        double[] x = solve(a, b);
        double residual = 0;
        double signal = 0;
        for (int n = from; n < to; n++) {
            double s = x[0] * Math.sin(w * n) + x[1] * Math.cos(w * n);
            double e = y[n] - s - x[2];
            residual += e * e;
            signal += s * s;
        }
        return new double[] {Math.hypot(x[0], x[1]), 10 * Math.log10(residual / signal)};
    }

    /**
     * The frequency near {@code hz}: the Goertzel phase at {@code hz} over two stretches of
     * {@code length} samples, one {@code length} after the other.
     */
    static double frequency(float[] y, int from, int length, double hz, double rate) {
        double first = phase(y, from, length, hz / rate);
        double second = phase(y, from + length, length, hz / rate);
        double expected = 2 * Math.PI * hz / rate * length;
        double drift = second - first - expected;
        drift -= 2 * Math.PI * Math.rint(drift / (2 * Math.PI));
        return hz + drift / (2 * Math.PI) * rate / length;
    }

    /** Goertzel: the phase of the DFT of {@code y[from, from + length)} at {@code cycles} per sample, referred to n = 0. */
    private static double phase(float[] y, int from, int length, double cycles) {
        double w = 2 * Math.PI * cycles;
        double coefficient = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (int n = 0; n < length; n++) {
            double s0 = y[from + n] + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double re = s1 - s2 * Math.cos(w);
        double im = s2 * Math.sin(w);
        // X = Σ y[from+n]·e^{-jwn}·e^{jw(length-1)}: undo the end-referencing, then refer to sample 0.
        double angle = Math.atan2(im, re) - w * (length - 1) + w * from;
        return angle;
    }

    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double m = a[j][i] / a[i][i];
                for (int k = i; k < n; k++) {
                    a[j][k] -= m * a[i][k];
                }
                b[j] -= m * b[i];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = b[i];
            for (int k = i + 1; k < n; k++) {
                s -= a[i][k] * x[k];
            }
            x[i] = s / a[i][i];
        }
        return x;
    }
}
