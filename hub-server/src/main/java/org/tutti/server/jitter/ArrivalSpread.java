package org.tutti.server.jitter;

/**
 * How much later than its fastest packets a sender's packets may arrive and still be played: the depth
 * an adaptive jitter buffer needs ({@code -q auto}). Each packet's offset {@code arrival − frameIndex /
 * rate} (its rate corrected for the sender's measured clock) is taken against a baseline, the median of
 * the per-second minimum offsets over the last {@value #BASELINE_SECONDS} s (the path's own delay; one
 * second of a start-up burst does not move a median). For each candidate depth the history counts
 * <em>late events</em>: runs of consecutive packets later than that depth, each of which the buffer
 * conceals as one gap. The depth needed is the smallest candidate with at most
 * {@value #LATE_EVENTS_ALLOWED} such events in the last {@value #SHORT_WINDOW_SECONDS} s, and not more
 * than that in the last {@link #DEFAULT_WINDOW_SECONDS} s if they went on (see below).
 *
 * <p>Why events and not the spread of all arrivals: a stall of the sender's or this machine (tens of
 * milliseconds, now and then) delays one run of packets, which the buffer rides out as one gap
 * whatever its depth; covering it would add its whole length to everyone's latency for the window.
 * Network jitter delays packet after packet, each late one a gap of its own, so a depth too small for
 * it makes many events at once and the target rises within the second. The first
 * {@value #START_UP_SECONDS} s of a stream are not counted: a client starts with a burst, not with
 * jitter.
 *
 * <p>How long a depth is held depends on how long its events went on. Events of the last
 * {@value #SHORT_WINDOW_SECONDS} s raise the target at once. The whole window holds it only for a
 * depth whose events came in at least {@value #PERSISTENT_SECONDS} different seconds: jitter of the
 * path, which goes on for minutes. A shared VM also has episodes of a few seconds (its scheduler
 * starves the sender or this machine: uneven arrivals, then stalls of over 100 ms) that look like
 * jitter while they last. Held for the whole window, such episodes kept the target at 27–30 packets
 * (70–80 ms) on a loopback line where a fixed 4-packet buffer played 80 s without a gap. Once an
 * episode is over, its depth is gone within {@value #SHORT_WINDOW_SECONDS} s.
 *
 * <p>Late packets must come back. The late events of an <em>excursion</em> (packets more than
 * {@link #RETURNED_SECONDS} late) count once a packet arrives on time again. Packets late for
 * {@link #LOST_TIME_NANOS} on end are no stall and no jitter: the sender lost that time (a client whose
 * audio interface or JACK server drops cycles sends fewer packets, and the rest come later for good), so
 * its events are dropped and offsets are measured from where packets arrive now. No depth rides such a
 * step out, and covering each one held the target at 14–88 ms on a VM whose clients lost 2–30 ms every
 * few seconds; a path whose delay grew is measured from its new delay the same way.
 *
 * <p>Network thread writes ({@link #update}); any thread reads {@link #spreadSeconds()}. No
 * allocation after construction.
 */
public final class ArrivalSpread {
    public static final int DEFAULT_WINDOW_SECONDS = 30;
    /** Late events tolerated in the window: stalls, which no reasonable depth covers, stay below it. */
    static final int LATE_EVENTS_ALLOWED = 2;
    static final int BASELINE_SECONDS = 10;
    static final int START_UP_SECONDS = 3;
    /** Late events of this many last seconds raise the target whether or not they persist. */
    static final int SHORT_WINDOW_SECONDS = 5;
    /** A depth is held for the whole window once its late events came in this many different seconds. */
    static final int PERSISTENT_SECONDS = 8;
    /** Packets this close to the path's delay end an excursion: they came back. */
    static final double RETURNED_SECONDS = 1e-3;
    /** An excursion late this long on end is time the sender lost, not lateness. */
    static final long LOST_TIME_NANOS = 500_000_000L;
    /** Candidate depths beyond the baseline, seconds: fine where depths usually are, coarse beyond. */
    static final double[] CANDIDATES = candidates();

    private final int window;
    private final short[][] events;
    private final int[] totals;
    /** Per candidate: seconds of the window with at least one late event for it. */
    private final int[] eventfulSeconds;
    private final double[] minimum;
    private final long[] bucketSecond;
    private final double[] baselineScratch = new double[BASELINE_SECONDS];
    private long currentSecond = Long.MIN_VALUE;
    private long firstSecond = Long.MIN_VALUE;
    private double baseline = Double.NaN;
    private double previousExcess;
    private volatile double needed;
    private static final long NONE = Long.MIN_VALUE;
    /** Late events of the excursion under way: they count once its packets come back. */
    private final short[] pending = new short[CANDIDATES.length];
    /** When the first late packet of the excursion under way arrived ({@link #NONE}: none under way). */
    private long excursionStart = NONE;
    /** The smallest offsets of the excursion's last two half-seconds: where its packets arrive now. */
    private long halfStart;
    private double halfMinimum;
    private double olderHalfMinimum;
    /** The sender's time lost so far, taken out of every offset. */
    private double timeLost;

    public ArrivalSpread(int windowSeconds) {
        this.window = Math.max(windowSeconds, BASELINE_SECONDS + 1);
        this.events = new short[window][CANDIDATES.length];
        this.totals = new int[CANDIDATES.length];
        this.eventfulSeconds = new int[CANDIDATES.length];
        this.minimum = new double[window];
        this.bucketSecond = new long[window];
        java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE);
    }

    private static double[] candidates() {
        double[] c = new double[96];
        for (int i = 0; i < 32; i++) {
            c[i] = (i + 1) * 0.25e-3; // 0.25 … 8 ms
            c[32 + i] = 8e-3 + (i + 1) * 1e-3; // 9 … 40 ms
            c[64 + i] = 40e-3 + (i + 1) * 4e-3; // 44 … 168 ms
        }
        return c;
    }

    /**
     * @param arrivalNanos when the packet arrived ({@link System#nanoTime()})
     * @param frameIndex   the sender's frame position of the packet
     * @param senderRate   the sender's frames per second as measured (nominal × clock ratio)
     * @return whether this packet showed that the sender lost time (half a second after it did)
     */
    public boolean update(long arrivalNanos, long frameIndex, double senderRate) {
        double offset = arrivalNanos / 1e9 - frameIndex / senderRate - timeLost;
        long second = Math.floorDiv(arrivalNanos, 1_000_000_000L);
        if (firstSecond == Long.MIN_VALUE) {
            firstSecond = second;
        }
        if (second != currentSecond) {
            roll(second);
        }
        int bucket = bucket(second);
        minimum[bucket] = Math.min(minimum[bucket], offset);
        if (Double.isNaN(baseline)) {
            return false; // no finished second yet to take the path's delay from
        }
        double excess = Math.max(0, offset - baseline);
        boolean lostTime = false;
        if (second - firstSecond >= START_UP_SECONDS) {
            if (excess <= RETURNED_SECONDS) {
                endExcursion(bucket, true);
            } else {
                if (excursionStart == NONE) {
                    excursionStart = arrivalNanos;
                    halfStart = arrivalNanos;
                    olderHalfMinimum = Double.POSITIVE_INFINITY;
                    halfMinimum = Double.POSITIVE_INFINITY;
                }
                if (arrivalNanos - halfStart >= LOST_TIME_NANOS / 2) {
                    olderHalfMinimum = halfMinimum;
                    halfMinimum = Double.POSITIVE_INFINITY;
                    halfStart = arrivalNanos;
                }
                halfMinimum = Math.min(halfMinimum, offset);
                // A late event for every candidate this packet is late for and the one before was not.
                for (int k = firstAtLeast(previousExcess); k < CANDIDATES.length && CANDIDATES[k] < excess; k++) {
                    if (pending[k] < Short.MAX_VALUE) {
                        pending[k]++;
                    }
                }
                if (arrivalNanos - excursionStart >= LOST_TIME_NANOS) {
                    // Late for half a second on end: no stall or jitter (their packets come back to the path's
                    // delay), the sender lost time. Its packets are measured from where they arrive now.
                    double level = Math.min(olderHalfMinimum, halfMinimum);
                    timeLost += level - baseline;
                    lostTime = true;
                    endExcursion(bucket, false);
                    excess = Math.max(0, offset - level);
                }
            }
        }
        previousExcess = excess;
        return lostTime;
    }

    /** Packets came back to the path's delay ({@code counted}: its late events stand) or the sender lost time. */
    private void endExcursion(int bucket, boolean counted) {
        if (excursionStart == NONE) {
            return;
        }
        excursionStart = NONE;
        boolean any = false;
        for (int k = 0; k < CANDIDATES.length; k++) {
            int n = pending[k];
            if (n == 0) {
                continue;
            }
            pending[k] = 0;
            if (!counted) {
                continue;
            }
            int room = Short.MAX_VALUE - events[bucket][k];
            n = Math.min(n, room);
            if (n > 0) {
                if (events[bucket][k] == 0) {
                    eventfulSeconds[k]++;
                }
                events[bucket][k] += (short) n;
                totals[k] += n;
                any = true;
            }
        }
        if (any) {
            recompute();
        }
    }

    /** Time the sender lost so far (stalls of its own it did not catch up on), seconds. */
    double timeLostSeconds() {
        return timeLost;
    }

    /** The depth beyond the path's own delay that late packets need, seconds. */
    public double spreadSeconds() {
        return needed;
    }

    public void reset() {
        java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE);
        for (short[] bucket : events) {
            java.util.Arrays.fill(bucket, (short) 0);
        }
        java.util.Arrays.fill(totals, 0);
        java.util.Arrays.fill(eventfulSeconds, 0);
        currentSecond = Long.MIN_VALUE;
        firstSecond = Long.MIN_VALUE;
        baseline = Double.NaN;
        previousExcess = 0;
        needed = 0;
        timeLost = 0;
        excursionStart = NONE;
        java.util.Arrays.fill(pending, (short) 0);
    }

    private int bucket(long second) {
        return (int) Math.floorMod(second, (long) window);
    }

    /** A new second: forget the buckets that left the window, and take the baseline from the last ones. */
    private void roll(long second) {
        currentSecond = second;
        for (int i = 0; i < window; i++) {
            if (bucketSecond[i] != Long.MIN_VALUE && bucketSecond[i] <= second - window) {
                forget(i);
            }
        }
        int bucket = bucket(second);
        if (bucketSecond[bucket] != Long.MIN_VALUE) {
            forget(bucket);
        }
        bucketSecond[bucket] = second;
        minimum[bucket] = Double.POSITIVE_INFINITY;
        int n = 0;
        for (int i = 0; i < window; i++) {
            if (bucketSecond[i] != Long.MIN_VALUE && bucketSecond[i] < second && bucketSecond[i] >= second - BASELINE_SECONDS
                    && minimum[i] != Double.POSITIVE_INFINITY) {
                baselineScratch[n++] = minimum[i];
            }
        }
        if (n > 0) {
            java.util.Arrays.sort(baselineScratch, 0, n);
            baseline = baselineScratch[(n - 1) / 2];
        }
        recompute();
    }

    private void forget(int bucket) {
        for (int k = 0; k < CANDIDATES.length; k++) {
            totals[k] -= events[bucket][k];
            if (events[bucket][k] > 0) {
                eventfulSeconds[k]--;
            }
            events[bucket][k] = 0;
        }
        bucketSecond[bucket] = Long.MIN_VALUE;
    }

    /**
     * The smallest candidate such that it and every one above it is needed by neither rule: at most
     * {@link #LATE_EVENTS_ALLOWED} late events in the last {@link #SHORT_WINDOW_SECONDS} s, and not
     * more than that in the window in {@link #PERSISTENT_SECONDS} or more different seconds.
     */
    private void recompute() {
        int k = CANDIDATES.length - 1;
        while (k >= 0 && !needed(k)) {
            k--;
        }
        needed = k < 0 ? 0 : CANDIDATES[Math.min(k + 1, CANDIDATES.length - 1)];
    }

    private boolean needed(int k) {
        if (totals[k] <= LATE_EVENTS_ALLOWED) {
            return false;
        }
        if (eventfulSeconds[k] >= PERSISTENT_SECONDS) {
            return true;
        }
        int recent = 0;
        for (long second = currentSecond - SHORT_WINDOW_SECONDS + 1; second <= currentSecond; second++) {
            int i = bucket(second);
            if (bucketSecond[i] == second) {
                recent += events[i][k];
            }
        }
        return recent > LATE_EVENTS_ALLOWED;
    }

    private static int firstAtLeast(double excess) {
        int low = 0;
        int high = CANDIDATES.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (CANDIDATES[mid] < excess) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
