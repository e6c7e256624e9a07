package org.tutti.mixer.dsp;

/**
 * Burg's method: an all-pole (linear prediction) model of a stretch of signal, stable by
 * construction. About 4 × order × length multiply-adds; no allocation.
 */
final class BurgFit {
    /** Largest reflection coefficient magnitude accepted: keeps every pole strictly inside the unit circle. */
    private static final double MAX_REFLECTION = 1 - 1e-9;

    /** What {@link #fit} returns for an unusable (non-finite) fit. */
    static final int FAILED = -1;

    private BurgFit() {
    }

    /**
     * Fits {@code forward[0, m)} (a copy of it must be in {@code backward}; both are overwritten with
     * the prediction errors): up to order {@code p} coefficients into {@code a[0..p]} with
     * {@code a[0] = 1}, so that the prediction is {@code r[t] = -Σ a[i]·r[t-i]}. Each stage's
     * reflection coefficient is {@code -2·Σ f·b / Σ (f² + b²)} computed directly (not by the usual
     * recursion for the denominator, whose rounding error stops smooth, low-pitched signals at a
     * too-low order); it is at most 1 in magnitude term by term, so the predictor is stable.
     *
     * @param a at least {@code p + 1} long; entries past the order reached are 0
     * @return the order reached (fewer than {@code p} when the signal is predicted almost exactly
     *         sooner), or {@link #FAILED}
     */
    static int fit(double[] forward, double[] backward, int m, int p, double[] a) {
        double[] f = forward;
        double[] b = backward;
        java.util.Arrays.fill(a, 0.0);
        a[0] = 1.0;
        double floor = -1;
        int reached = 0;
        for (int k = 0; k < p; k++) {
            int len = m - k - 1;
            // Forward errors f[k+1 .. m), backward errors b[0 .. m-k-1). Four partial sums each break
            // the floating-point add chains (about 3× faster).
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            double d0 = 0;
            double d1 = 0;
            double d2 = 0;
            double d3 = 0;
            int i = 0;
            for (; i + 3 < len; i += 4) {
                double f0 = f[i + k + 1];
                double f1 = f[i + k + 2];
                double f2 = f[i + k + 3];
                double f3 = f[i + k + 4];
                double b0 = b[i];
                double b1 = b[i + 1];
                double b2 = b[i + 2];
                double b3 = b[i + 3];
                s0 += f0 * b0;
                s1 += f1 * b1;
                s2 += f2 * b2;
                s3 += f3 * b3;
                d0 += f0 * f0 + b0 * b0;
                d1 += f1 * f1 + b1 * b1;
                d2 += f2 * f2 + b2 * b2;
                d3 += f3 * f3 + b3 * b3;
            }
            for (; i < len; i++) {
                double f0 = f[i + k + 1];
                double b0 = b[i];
                s0 += f0 * b0;
                d0 += f0 * f0 + b0 * b0;
            }
            double num = (s0 + s1) + (s2 + s3);
            double den = (d0 + d1) + (d2 + d3);
            if (floor < 0) {
                floor = den * 1e-24;
            }
            if (!(den > floor)) {
                break; // predicted (almost) exactly at this order: more poles would only fit rounding
            }
            double mu = -2.0 * num / den;
            if (mu != mu) {
                return FAILED;
            }
            if (mu > MAX_REFLECTION) {
                mu = MAX_REFLECTION;
            } else if (mu < -MAX_REFLECTION) {
                mu = -MAX_REFLECTION;
            }
            for (int j = 0; j <= (k + 1) / 2; j++) {
                double t1 = a[j] + mu * a[k + 1 - j];
                double t2 = a[k + 1 - j] + mu * a[j];
                a[j] = t1;
                a[k + 1 - j] = t2;
            }
            for (int j = 0; j < len; j++) {
                double fj = f[j + k + 1];
                double bj = b[j];
                f[j + k + 1] = fj + mu * bj;
                b[j] = bj + mu * fj;
            }
            reached = k + 1;
        }
        for (int j = 1; j <= reached; j++) {
            if (!Double.isFinite(a[j])) {
                return FAILED;
            }
        }
        return reached;
    }
}
