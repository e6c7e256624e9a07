package org.tutti.server.jitter;

/**
 * How much a sender's packets spread out in time on the way to us, over the recent past: the depth
 * an adaptive jitter buffer needs. Each packet's offset {@code arrival − frameIndex / rate} (its rate
 * corrected for the sender's measured clock) is kept as a minimum and maximum per one-second bucket;
 * the spread is the largest maximum minus the smallest minimum over the window. The window is long
 * (30 s by default) on purpose: the target never drops below what the recent worst case needed.
 *
 * <p>Network thread writes ({@link #update}); any thread reads {@link #spreadSeconds()}. No
 * allocation after construction.
 */
public final class ArrivalSpread {
    public static final int DEFAULT_WINDOW_SECONDS = 30;

    private final double[] minimum;
    private final double[] maximum;
    private final long[] bucketSecond;
    private long currentSecond = Long.MIN_VALUE;
    private double pastLow = Double.POSITIVE_INFINITY;
    private double pastHigh = Double.NEGATIVE_INFINITY;
    private volatile double spread;

    public ArrivalSpread(int windowSeconds) {
        minimum = new double[windowSeconds];
        maximum = new double[windowSeconds];
        bucketSecond = new long[windowSeconds];
        java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE);
    }

    /**
     * @param arrivalNanos when the packet arrived ({@link System#nanoTime()})
     * @param frameIndex   the sender's frame position of the packet
     * @param senderRate   the sender's frames per second as measured (nominal × clock ratio)
     */
    public void update(long arrivalNanos, long frameIndex, double senderRate) {
        double offset = arrivalNanos / 1e9 - frameIndex / senderRate;
        long second = arrivalNanos / 1_000_000_000L;
        int bucket = (int) Math.floorMod(second, (long) minimum.length);
        if (second != currentSecond) {
            // A new bucket: fold the finished ones of the window into pastLow/pastHigh once.
            currentSecond = second;
            bucketSecond[bucket] = second;
            minimum[bucket] = offset;
            maximum[bucket] = offset;
            pastLow = Double.POSITIVE_INFINITY;
            pastHigh = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < minimum.length; i++) {
                if (i != bucket && bucketSecond[i] > second - minimum.length) {
                    pastLow = Math.min(pastLow, minimum[i]);
                    pastHigh = Math.max(pastHigh, maximum[i]);
                }
            }
        } else {
            minimum[bucket] = Math.min(minimum[bucket], offset);
            maximum[bucket] = Math.max(maximum[bucket], offset);
        }
        spread = Math.max(pastHigh, maximum[bucket]) - Math.min(pastLow, minimum[bucket]);
    }

    /** Largest minus smallest arrival offset in the window, seconds. */
    public double spreadSeconds() {
        return spread;
    }

    public void reset() {
        java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE);
        currentSecond = Long.MIN_VALUE;
        spread = 0;
    }
}
