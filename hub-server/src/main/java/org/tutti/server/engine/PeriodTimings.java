package org.tutti.server.engine;

/**
 * Period start lateness and processing time, recorded by the audio thread without locks or
 * allocation into fixed log-spaced buckets, read by metrics. Each bucket counter has one writer.
 */
public final class PeriodTimings {
    /** Bucket upper bounds in nanoseconds: 10 µs … ~10 s, three per decade. */
    private static final long[] BOUNDS = bounds();

    private final long[] startLateness = new long[BOUNDS.length + 1];
    private final long[] processing = new long[BOUNDS.length + 1];
    private volatile long periods;
    private volatile long latePeriods;
    private volatile long skippedPeriods;
    private volatile long recoveredPeriods;
    private volatile long owedPeriods;
    private volatile long lateJackCycles;
    private volatile long lastProcessingNanos;
    private volatile long maxLatenessNanos;
    private volatile boolean realtime;
    private volatile boolean idle;
    private volatile long idleSince;
    private volatile long idleNanos;
    /** Odd while the engine changes the three fields above, so that a reader never mixes two states. */
    private volatile long idleVersion;
    private double latenessSumSeconds;
    private double processingSumSeconds;
    private final long lateThresholdNanos;

    public PeriodTimings(long lateThresholdNanos) {
        this.lateThresholdNanos = lateThresholdNanos;
    }

    private static long[] bounds() {
        long[] b = new long[19];
        double value = 10_000;
        for (int i = 0; i < b.length; i++) {
            b[i] = Math.round(value);
            value *= Math.cbrt(10.0);
        }
        return b;
    }

    /** Upper bounds of the buckets, in seconds (the last bucket is +Inf). */
    public static double[] boundsSeconds() {
        double[] seconds = new double[BOUNDS.length];
        for (int i = 0; i < BOUNDS.length; i++) {
            seconds[i] = BOUNDS[i] / 1e9;
        }
        return seconds;
    }

    /** The engine stopped ticking because nobody is connected, or started again (audio thread only). */
    public void idle(boolean sleeping) {
        idleVersion++;
        long now = System.nanoTime();
        if (sleeping) {
            idleSince = now;
        } else if (idle) {
            idleNanos += now - idleSince;
        }
        idle = sleeping;
        idleVersion++;
    }

    /** Whether the engine sleeps now for want of anyone to mix for. */
    public boolean idle() {
        return idle;
    }

    /** Seconds the engine has slept for want of anyone to mix for, the current sleep included (any thread). */
    public double idleSeconds() {
        while (true) {
            long version = idleVersion;
            if ((version & 1) == 0) {
                boolean sleeping = idle;
                long since = idleSince;
                long total = idleNanos;
                if (version == idleVersion) {
                    return (total + (sleeping ? System.nanoTime() - since : 0)) / 1e9;
                }
            }
            Thread.onSpinWait(); // the engine is between two writes: a few nanoseconds
        }
    }

    public void record(long latenessNanos, long processingNanos) {
        long lateness = Math.max(0, latenessNanos);
        startLateness[bucket(lateness)]++;
        processing[bucket(processingNanos)]++;
        latenessSumSeconds += lateness / 1e9;
        processingSumSeconds += processingNanos / 1e9;
        lastProcessingNanos = processingNanos;
        if (lateness > maxLatenessNanos) {
            maxLatenessNanos = lateness;
        }
        if (lateness > lateThresholdNanos) {
            latePeriods++;
        }
        periods++;
    }

    /** Periods dropped entirely because the clock fell too far behind. */
    public void skipped(long count) {
        skippedPeriods += count;
    }

    /** Missed periods run after the fact (back to back, or one extra per JACK cycle). */
    public void recovered(long count) {
        recoveredPeriods += count;
    }

    public long recoveredPeriods() {
        return recoveredPeriods;
    }

    /** Lost periods known but not run again yet: JACK runs them one extra per cycle, after the stall. */
    public void owed(long count) {
        owedPeriods = count;
    }

    public long owedPeriods() {
        return owedPeriods;
    }

    /**
     * A JACK cycle whose outputs the engine thread had not finished ({@code --jack-engine async}): the
     * hub's ports carried silence in it. JACK's process thread only.
     */
    public void lateJackCycle() {
        lateJackCycles++;
    }

    public long lateJackCycles() {
        return lateJackCycles;
    }

    private static int bucket(long nanos) {
        for (int i = 0; i < BOUNDS.length; i++) {
            if (nanos <= BOUNDS[i]) {
                return i;
            }
        }
        return BOUNDS.length;
    }

    public long periods() {
        return periods;
    }

    /** Whether the thread that records these periods runs under real-time scheduling. */
    public boolean realtime() {
        return realtime;
    }

    public void realtime(boolean value) {
        realtime = value;
    }

    public long latePeriods() {
        return latePeriods;
    }

    public long skippedPeriods() {
        return skippedPeriods;
    }

    public long lastProcessingNanos() {
        return lastProcessingNanos;
    }

    public long maxLatenessNanos() {
        return maxLatenessNanos;
    }

    public double latenessSumSeconds() {
        return latenessSumSeconds;
    }

    public double processingSumSeconds() {
        return processingSumSeconds;
    }

    /** Copies the lateness bucket counts (non-cumulative) into {@code target}. */
    public void latenessBuckets(long[] target) {
        System.arraycopy(startLateness, 0, target, 0, startLateness.length);
    }

    public void processingBuckets(long[] target) {
        System.arraycopy(processing, 0, target, 0, processing.length);
    }

    public static int bucketCount() {
        return BOUNDS.length + 1;
    }

    /** Approximate quantile of start lateness from the buckets (upper bound of the bucket). */
    public double latenessQuantileSeconds(double q) {
        return quantile(startLateness, q);
    }

    public double processingQuantileSeconds(double q) {
        return quantile(processing, q);
    }

    private static double quantile(long[] counts, double q) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return i < BOUNDS.length ? BOUNDS[i] / 1e9 : Double.POSITIVE_INFINITY;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
