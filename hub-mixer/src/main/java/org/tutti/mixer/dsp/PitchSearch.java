package org.tutti.mixer.dsp;

/**
 * Finds the long-term (pitch) predictor {@code x[n] ≈ g·x[n−T]} of a stretch of audio: the lag T
 * (0.7–25 ms, down to a 40 Hz common period, the low E of a bass) where the last 8 ms best match an
 * earlier stretch. The lag is searched on a block-averaged (decimated, about 12 kHz) copy, the
 * shortest lag near the best winning (less phase drift than a multiple of it), then refined at full
 * rate. About 35 k multiply-adds per search; no allocation (the caller lends the scratch arrays).
 */
final class PitchSearch {
    /** The search compares this much recent audio with earlier stretches. */
    private static final double WINDOW_MILLIS = 8;
    private static final double MIN_LAG_MILLIS = 32 / 48.0;
    private static final double MAX_LAG_MILLIS = 25;
    /** Normalised correlation a lag needs to be used at all. */
    private static final double MIN_CORRELATION = 0.5;
    /** The shortest lag within this fraction of the best correlation wins (less phase drift than a multiple). */
    private static final double NEAR_BEST = 0.9;

    private final int window;
    private final int minLag;
    private final int maxLag;
    private final int decimation;

    /** The last search's lag (0: none found) and gain. */
    private int lag;
    private double gain;

    PitchSearch(int sampleRate) {
        this.window = Math.max(8, frames(WINDOW_MILLIS, sampleRate));
        this.minLag = Math.max(2, frames(MIN_LAG_MILLIS, sampleRate));
        this.maxLag = Math.max(minLag, frames(MAX_LAG_MILLIS, sampleRate));
        this.decimation = Math.max(1, (int) Math.round(sampleRate / 12_000.0));
    }

    static int frames(double millis, int sampleRate) {
        return (int) Math.round(millis * sampleRate / 1000.0);
    }

    /** The longest lag a search can return: how much history a continuation must carry before its start. */
    int maxLag() {
        return maxLag;
    }

    /** The lag the last {@link #search} found, 0 when nothing correlated well enough. */
    int lag() {
        return lag;
    }

    /** The gain (in (0, 1]) that goes with {@link #lag()}. */
    double gain() {
        return gain;
    }

    /**
     * Searches {@code x[0, n)}: the lag in [minLag, maxLag] with the best normalised correlation
     * between the last {@code window} samples and the stretch that far back.
     *
     * @param decimated   scratch of at least {@code n + 1}
     * @param correlation scratch of at least {@code n + 2}
     * @return whether a lag was found ({@link #lag()} and {@link #gain()} hold it)
     */
    boolean search(double[] x, int n, double[] decimated, double[] correlation) {
        lag = 0;
        gain = 0;
        int top = Math.min(maxLag, n - window - decimation);
        if (top < minLag + 2 * decimation) {
            return false;
        }
        int d = decimation;
        int total = (window + top) / d;
        int base = n - total * d;
        double[] xd = decimated;
        for (int j = 0; j < total; j++) {
            double s = 0;
            int at = base + j * d;
            for (int k = 0; k < d; k++) {
                s += x[at + k];
            }
            xd[j] = s;
        }
        int wd = window / d;
        int lo = Math.max(1, (minLag + d - 1) / d);
        int hi = Math.min(top / d, total - wd);
        if (hi <= lo) {
            return false;
        }
        int from = total - wd;
        double e1 = 0;
        for (int i = from; i < total; i++) {
            e1 += xd[i] * xd[i];
        }
        if (!(e1 > 0)) {
            return false;
        }
        double[] nc = correlation;
        double e2 = 0;
        for (int i = from - lo; i < total - lo; i++) {
            e2 += xd[i] * xd[i];
        }
        double best = -1;
        for (int l = lo; l <= hi; l++) {
            if (l > lo) {
                // Slide the earlier stretch back by one: gains one sample at the front, loses one at the end.
                double in = xd[from - l];
                double out = xd[total - l];
                e2 += in * in - out * out;
            }
            double c0 = 0;
            double c1 = 0;
            int i = from;
            for (; i + 1 < total; i += 2) {
                c0 += xd[i] * xd[i - l];
                c1 += xd[i + 1] * xd[i + 1 - l];
            }
            for (; i < total; i++) {
                c0 += xd[i] * xd[i - l];
            }
            double v = e2 > 0 ? (c0 + c1) / Math.sqrt(e1 * e2) : 0;
            nc[l] = v;
            best = Math.max(best, v);
        }
        if (best < MIN_CORRELATION) {
            return false;
        }
        int coarse = -1;
        for (int l = lo; l <= hi; l++) {
            boolean peak = (l == lo || nc[l] >= nc[l - 1]) && (l == hi || nc[l] >= nc[l + 1]);
            if (peak && nc[l] >= NEAR_BEST * best) {
                coarse = l;
                break;
            }
        }
        if (coarse < 0) {
            return false;
        }
        return refine(x, n, top, coarse * d);
    }

    /** Refines a coarse lag at full rate, within one decimation step either side. */
    private boolean refine(double[] x, int n, int top, int coarse) {
        int d = decimation;
        int first = Math.max(minLag, coarse - d);
        int last = Math.min(top, coarse + d);
        double t1 = 0;
        for (int i = n - window; i < n; i++) {
            t1 += x[i] * x[i];
        }
        double bestFull = -2;
        int bestLag = 0;
        double bestGain = 0;
        for (int l = first; l <= last; l++) {
            double c = 0;
            double e = 0;
            for (int i = n - window; i < n; i++) {
                double y = x[i - l];
                c += x[i] * y;
                e += y * y;
            }
            double v = e > 0 ? c / Math.sqrt(t1 * e) : 0;
            if (v > bestFull) {
                bestFull = v;
                bestLag = l;
                bestGain = e > 0 ? c / e : 0;
            }
        }
        if (bestFull < MIN_CORRELATION || !(bestGain > 0)) {
            return false;
        }
        lag = bestLag;
        gain = Math.min(1.0, bestGain);
        return true;
    }
}
