package org.tutti.mixer.dsp;

/**
 * Estimates how fast a sender's sample clock runs against ours from when its packets arrive: a
 * weighted least-squares line through the packets' arrival offsets over a sliding window (default
 * 60 one-second buckets). Each packet gives the offset {@code d = arrival − frameIndex / nominalRate};
 * with a sender running {@code ratio} times its nominal rate, {@code d} falls with slope
 * {@code 1 − ratio} plus network jitter. A line over tens of seconds averages the jitter away (the slope
 * error shrinks with window^1.5), which a loop filter tight enough to do the same would take far longer
 * to settle.
 *
 * <p>Robust to the network: each packet's residual against the current line is clipped at three times
 * a running mean absolute residual, so late packets (one-sided, heavy-tailed delay) only move their
 * bucket a little; lost packets are simply absent; reordered ones carry their own frame index. An
 * offset step that persists over two seconds of arrivals (the sender restarted its stream) starts the
 * estimate afresh; so does {@link #reset}, which the caller should also use when the jitter buffer
 * rebases the sequence.
 *
 * <p>{@link #update} runs on the network thread: O(1) per packet, O(buckets) once per bucket, no
 * allocation, no locks. The estimate is published through a volatile field, so the audio thread may read
 * {@link #ratio()} at any time. Until the slope's standard error is below the threshold (and at least
 * {@value #MIN_BUCKETS} buckets have data), {@link #ratio()} stays at 1.0.
 */
public final class DriftEstimator {
    public static final double DEFAULT_BUCKET_SECONDS = 1.0;
    public static final int DEFAULT_BUCKETS = 60;
    public static final double DEFAULT_MAX_STDERR_PPM = 5;
    /** An estimate beyond this is not drift but a wrong nominal rate: the published ratio is clamped. */
    public static final double MAX_PPM = 2000;
    static final int MIN_BUCKETS = 10;

    private static final double CLIP = 3.0;
    private static final double SCALE_GAIN = 1.0 / 64;
    private static final double MIN_SCALE = 50e-6;
    private static final double INITIAL_SCALE = 2e-3;
    private static final double JUMP_SECONDS = 0.25;
    private static final double JUMP_PERSISTS_SECONDS = 2.0;

    private final double nominalRate;
    private final double bucketSeconds;
    private final int buckets;
    private final double maxStdErr;

    private final long[] slotIndex;
    private final double[] slotCount;
    private final double[] slotSumT;
    private final double[] slotSumD;
    private final double[] slotRefD;

    private boolean started;
    private long originNanos;
    private long originFrame;
    private long currentBucket;

    private boolean haveLine;
    private double lineT;
    private double lineD;
    private double slope;
    private double scale;
    private double jumpSince;
    private boolean jumping;

    private double estimate;
    private double stdErr;
    private int bucketsUsed;
    private volatile double published = 1.0;
    private volatile boolean converged;

    /** An estimator with the defaults (1 s buckets, 60 s window, publish below 5 ppm standard error). */
    public DriftEstimator(double nominalRate) {
        this(nominalRate, DEFAULT_BUCKET_SECONDS, DEFAULT_BUCKETS, DEFAULT_MAX_STDERR_PPM);
    }

    /**
     * @param nominalRate   the sender's nominal frames per second
     * @param bucketSeconds arrivals are averaged per bucket of this length
     * @param buckets       the window, in buckets: longer is more precise, shorter follows changes faster
     * @param maxStdErrPpm  publish an estimate only when its standard error is below this
     */
    public DriftEstimator(double nominalRate, double bucketSeconds, int buckets, double maxStdErrPpm) {
        if (!(nominalRate > 0) || !(bucketSeconds > 0) || buckets < MIN_BUCKETS || !(maxStdErrPpm > 0)) {
            throw new IllegalArgumentException("bad drift estimator shape");
        }
        this.nominalRate = nominalRate;
        this.bucketSeconds = bucketSeconds;
        this.buckets = buckets;
        this.maxStdErr = maxStdErrPpm * 1e-6;
        this.slotIndex = new long[buckets];
        this.slotCount = new double[buckets];
        this.slotSumT = new double[buckets];
        this.slotSumD = new double[buckets];
        this.slotRefD = new double[buckets];
        reset();
    }

    /** Forgets everything (a new stream, or its sequence was rebased); the published ratio returns to 1.0. */
    public void reset() {
        started = false;
        haveLine = false;
        slope = 0;
        scale = INITIAL_SCALE;
        jumping = false;
        estimate = 1.0;
        stdErr = Double.POSITIVE_INFINITY;
        bucketsUsed = 0;
        java.util.Arrays.fill(slotIndex, Long.MIN_VALUE);
        java.util.Arrays.fill(slotCount, 0.0);
        published = 1.0;
        converged = false;
    }

    /**
     * One packet arrived (network thread).
     *
     * @param arrivalNanos {@link System#nanoTime()} (or the same clock) when it arrived
     * @param frameIndex   the sender's position of the packet's first frame: packet index × frames per
     *                     packet, counting lost packets too (the jitter buffer's extended index)
     */
    public void update(long arrivalNanos, long frameIndex) {
        if (!started) {
            started = true;
            originNanos = arrivalNanos;
            originFrame = frameIndex;
            currentBucket = 0;
            clearSlot(0);
        }
        double t = (arrivalNanos - originNanos) * 1e-9;
        double d = t - (frameIndex - originFrame) / nominalRate;
        long bucket = (long) Math.floor(t / bucketSeconds);
        if (bucket > currentBucket) {
            close();
            long first = Math.max(currentBucket + 1, bucket - buckets + 1);
            for (long b = first; b <= bucket; b++) {
                clearSlot(b);
            }
            currentBucket = bucket;
        } else if (bucket < currentBucket) {
            bucket = currentBucket; // the clock went backwards: count it in the current bucket
        }

        double r = d - (haveLine ? lineD + slope * (t - lineT) : 0.0);
        if (haveLine && Math.abs(r) > JUMP_SECONDS) {
            if (!jumping) {
                jumping = true;
                jumpSince = t;
            } else if (t - jumpSince > JUMP_PERSISTS_SECONDS) {
                // Not jitter: the stream's timeline moved. Start over from this packet.
                reset();
                update(arrivalNanos, frameIndex);
                return;
            }
        } else {
            jumping = false;
        }
        double clipped = r;
        if (haveLine) {
            double bound = CLIP * scale;
            clipped = Math.max(-bound, Math.min(bound, r));
            scale += SCALE_GAIN * (Math.abs(clipped) - scale);
            scale = Math.max(scale, MIN_SCALE);
        }
        int slot = slot(bucket);
        if (slotCount[slot] == 0) {
            slotRefD[slot] = d;
        }
        slotCount[slot] += 1;
        slotSumT[slot] += t - bucket * bucketSeconds;
        slotSumD[slot] += (d - r + clipped) - slotRefD[slot];
    }

    /** Sender clock / our clock, as published (1.0 until the estimate is good enough). Any thread. */
    public double ratio() {
        return published;
    }

    /** {@link #ratio()} as parts per million off 1. Any thread. */
    public double ppm() {
        return (published - 1.0) * 1e6;
    }

    /** True once an estimate has been published. Any thread. */
    public boolean converged() {
        return converged;
    }

    /** The latest fit, published or not (network thread). */
    public double estimatePpm() {
        return (estimate - 1.0) * 1e6;
    }

    /** Standard error of the latest fit in ppm (infinite before there is one; network thread). */
    public double standardErrorPpm() {
        return stdErr * 1e6;
    }

    /** Buckets with data in the latest fit (network thread). */
    public int bucketsUsed() {
        return bucketsUsed;
    }

    private int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) buckets);
    }

    private void clearSlot(long bucket) {
        int s = slot(bucket);
        slotIndex[s] = bucket;
        slotCount[s] = 0;
        slotSumT[s] = 0;
        slotSumD[s] = 0;
        slotRefD[s] = 0;
    }

    /** The current bucket is complete: refit the line over the window. */
    private void close() {
        double w = 0;
        double tMean = 0;
        double dMean = 0;
        int used = 0;
        long oldest = currentBucket - buckets + 1;
        double tBase = currentBucket * bucketSeconds;
        double dBase = Double.NaN;
        for (int s = 0; s < buckets; s++) {
            double n = slotCount[s];
            if (n <= 0 || slotIndex[s] < oldest || slotIndex[s] > currentBucket) {
                continue;
            }
            double tj = slotIndex[s] * bucketSeconds + slotSumT[s] / n - tBase;
            double dj = slotRefD[s] + slotSumD[s] / n;
            if (dBase != dBase) {
                dBase = dj;
            }
            w += n;
            tMean += n * tj;
            dMean += n * (dj - dBase);
            used++;
        }
        if (used == 0) {
            return;
        }
        tMean /= w;
        dMean /= w;
        if (used < 2) {
            // One bucket: a level but no slope yet.
            lineT = tBase + tMean;
            lineD = dBase + dMean;
            haveLine = true;
            return;
        }
        double sxx = 0;
        double sxy = 0;
        for (int s = 0; s < buckets; s++) {
            double n = slotCount[s];
            if (n <= 0 || slotIndex[s] < oldest || slotIndex[s] > currentBucket) {
                continue;
            }
            double tj = slotIndex[s] * bucketSeconds + slotSumT[s] / n - tBase - tMean;
            double dj = slotRefD[s] + slotSumD[s] / n - dBase - dMean;
            sxx += n * tj * tj;
            sxy += n * tj * dj;
        }
        if (!(sxx > 0)) {
            return;
        }
        double b = sxy / sxx;
        double rss = 0;
        for (int s = 0; s < buckets; s++) {
            double n = slotCount[s];
            if (n <= 0 || slotIndex[s] < oldest || slotIndex[s] > currentBucket) {
                continue;
            }
            double tj = slotIndex[s] * bucketSeconds + slotSumT[s] / n - tBase - tMean;
            double dj = slotRefD[s] + slotSumD[s] / n - dBase - dMean;
            double e = dj - b * tj;
            rss += n * e * e;
        }
        slope = b;
        lineT = tBase + tMean;
        lineD = dBase + dMean;
        haveLine = true;
        bucketsUsed = used;
        estimate = 1.0 - b;
        // Per-packet residual variance from the bucket means (each has variance σ²/n), over the line's spread.
        stdErr = used > 2 ? Math.sqrt(rss / (used - 2) / sxx) : Double.POSITIVE_INFINITY;
        if (used >= MIN_BUCKETS && stdErr <= maxStdErr) {
            double limit = MAX_PPM * 1e-6;
            published = Math.max(1.0 - limit, Math.min(1.0 + limit, estimate));
            converged = true;
        }
    }
}
