package org.tutti.server.testing;

/**
 * Compares what came back with what was sent: finds the round trip (the lag) window by window,
 * marks 128-frame blocks whose error is within 6 dB of the signal itself as broken (at the best lag
 * within {@value #LAG_TOLERANCE} frames of the window's, so resampling is no gap), and counts
 * each run of broken blocks as one audible gap. The lag is looked for near the last one found, then,
 * if it is not there, over the whole range (a buffer that stepped by tens of milliseconds). A window
 * in which it cannot be found at all (silence, or nothing that matches the sent signal: an outage) is
 * judged at the last lag found, so its blocks count as broken; only the windows before the first
 * match are left out.
 */
public final class GapAnalysis {
    private static final int BLOCK = 128;
    private static final int WINDOW = 4800;
    private static final int WINDOWS_PER_SECOND = 48000 / WINDOW;
    /** Frames (83 µs) a block's lag may differ from its window's: a delay moving that little is inaudible. */
    static final int LAG_TOLERANCE = 4;

    private GapAnalysis() {
    }

    /**
     * @param gaps           runs of broken blocks
     * @param brokenBlocks   blocks with SNR under 6 dB
     * @param blocks         blocks compared
     * @param medianLagFrames the round trip, in frames (median over windows)
     * @param seconds        length compared
     * @param timeline       by second of the recording, "second:gaps begun in it@lag in ms at its end" (seconds
     *                       before the first match left out), to line gaps up with what the hub and machine did
     */
    public record Result(int gaps, int brokenBlocks, int blocks, double medianLagFrames, double seconds,
                         String timeline) {
        public double gapsPerSecond() {
            return gaps / seconds;
        }

        public double brokenShare() {
            return blocks == 0 ? 0 : (double) brokenBlocks / blocks;
        }
    }

    /**
     * @param received   what was recorded
     * @param firstFrame the sender's frame number of {@code received[0]}'s time
     * @param maxLag     longest round trip to consider, in frames
     */
    public static Result analyse(float[] received, long firstFrame, Signal sent, int maxLag) {
        int windows = received.length / WINDOW;
        float[] reference = new float[received.length + maxLag];
        for (int i = 0; i < reference.length; i++) {
            reference[i] = sent.at(firstFrame - maxLag + i); // reference[i + maxLag - lag] = sent(firstFrame + i - lag)
        }
        int lag = -1;
        double[] lags = new double[windows];
        int counted = 0;
        int broken = 0;
        int gaps = 0;
        int blocks = 0;
        boolean inGap = false;
        StringBuilder timeline = new StringBuilder();
        int gapsAtLastSecond = 0;
        for (int w = 0; w < windows; w++) {
            int start = w * WINDOW;
            int from = lag < 0 ? 0 : Math.max(0, lag - 384);
            int to = lag < 0 ? maxLag : Math.min(maxLag, lag + 384);
            int best = bestLag(received, start, reference, maxLag, from, to);
            if (best < 0 && lag >= 0) {
                // Near the last lag first (cheap); a buffer that stepped by more than that (a jitter buffer
                // resetting or deepening by tens of ms) is found in the whole range, not judged at the old lag.
                best = bestLag(received, start, reference, maxLag, 0, maxLag);
            }
            if (best >= 0) {
                lag = best;
                lags[counted++] = lag;
            } else if (lag < 0) {
                continue; // nothing to align with yet
            }
            for (int b = start; b + BLOCK <= start + WINDOW; b += BLOCK) {
                // Judged at the best lag within LAG_TOLERANCE of the window's: a hub that resamples to hold
                // its depth (at most 1000 ppm) moves the lag by 5 frames in a window, which no one hears.
                double signal = 0;
                double error = Double.MAX_VALUE;
                for (int l = Math.max(0, lag - LAG_TOLERANCE); l <= Math.min(maxLag, lag + LAG_TOLERANCE); l++) {
                    double s = 0;
                    double e = 0;
                    for (int n = b; n < b + BLOCK; n++) {
                        double r = reference[n + maxLag - l];
                        double d = received[n] - r;
                        s += r * r;
                        e += d * d;
                    }
                    if (e < error) {
                        error = e;
                        signal = s;
                    }
                }
                blocks++;
                // Also a block the sender sent silence in but that came back loud; a silent block of a
                // silent signal is no gap.
                boolean bad = error * 4 > signal && error > 1e-9;
                if (bad) {
                    broken++;
                    if (!inGap) {
                        gaps++;
                    }
                }
                inGap = bad;
            }
            if ((w + 1) % WINDOWS_PER_SECOND == 0) {
                timeline.append(String.format(java.util.Locale.ROOT, "%s%d:%d@%.1f", timeline.length() == 0 ? "" : " ",
                        (w + 1) / WINDOWS_PER_SECOND, gaps - gapsAtLastSecond, lag * 1000.0 / 48000));
                gapsAtLastSecond = gaps;
            }
        }
        java.util.Arrays.sort(lags, 0, counted);
        double median = counted == 0 ? Double.NaN : lags[counted / 2];
        return new Result(gaps, broken, blocks, median, (double) blocks * BLOCK / 48000.0, timeline.toString());
    }

    /** The lag in [from, to] with the highest normalised correlation, or -1 if the window is silent. */
    private static int bestLag(float[] received, int start, float[] reference, int maxLag, int from, int to) {
        double energy = 0;
        for (int n = start; n < start + WINDOW; n++) {
            energy += received[n] * received[n];
        }
        if (energy < 1e-6) {
            return -1;
        }
        int best = -1;
        double bestScore = 0.5; // demand a clear match
        for (int lag = from; lag <= to; lag++) {
            double dot = 0;
            double refEnergy = 0;
            int offset = maxLag - lag;
            for (int n = start; n < start + WINDOW; n += 2) { // every other sample: plenty for locating
                double r = reference[n + offset];
                dot += received[n] * r;
                refEnergy += r * r;
            }
            double score = dot / Math.sqrt(refEnergy * energy / 2 + 1e-12);
            if (score > bestScore) {
                bestScore = score;
                best = lag;
            }
        }
        return best;
    }
}
