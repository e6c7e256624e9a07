package org.tutti.server.jitter;

import org.tutti.mixer.dsp.DriftEstimator;

/**
 * What a participant's packet arrivals say about their path and clock (network thread): RFC 3550
 * interarrival jitter, stalls (gaps of 15 ms and several packets), the sender's clock against ours
 * ({@link DriftEstimator}) and the recent spread of arrival times ({@link ArrivalSpread}). Media
 * time comes from the packet index, not from the sender's 16-bit sequence. Writes its figures into
 * the stream's {@link JitterStats}; allocation-free.
 */
final class ArrivalStatistics {
    private static final long NONE = Long.MIN_VALUE;
    /** An arrival gap at least this long (and of several packets) is counted as a stall of the sender or path. */
    static final long STALL_NANOS = 15_000_000L;

    private final int frames;
    private final int sampleRate;
    private final JitterStats stats;
    private final DriftEstimator drift;
    private final ArrivalSpread spread = new ArrivalSpread(ArrivalSpread.DEFAULT_WINDOW_SECONDS);
    private long firstIndex = NONE;
    private long lastArrivalNanos;
    private long lastArrivalIndex;
    private double jitter;

    ArrivalStatistics(int frames, int sampleRate, JitterStats stats) {
        this.frames = frames;
        this.sampleRate = sampleRate;
        this.stats = stats;
        this.drift = new DriftEstimator(sampleRate);
    }

    DriftEstimator drift() {
        return drift;
    }

    double spreadSeconds() {
        return spread.spreadSeconds();
    }

    /** A packet (not a redundant copy) with extended index {@code index} arrived at {@code arrivalNanos}. */
    void arrived(long index, long arrivalNanos) {
        if (firstIndex == NONE) {
            firstIndex = index;
        }
        // Frames since the stream began: small numbers, so a change of the clock estimate does not
        // swing the offsets (the extended index itself starts at 2^32).
        long frameIndex = (index - firstIndex) * frames;
        drift.update(arrivalNanos, frameIndex);
        if (spread.update(arrivalNanos, frameIndex, sampleRate * drift.ratio())) {
            stats.senderTimeLosses++;
        }
        if (lastArrivalNanos != 0 && index > lastArrivalIndex) {
            long gap = arrivalNanos - lastArrivalNanos;
            if (gap >= STALL_NANOS && gap >= 4L * frames * 1_000_000_000L / sampleRate) {
                stats.arrivalStalls++;
                stats.longestArrivalGapNanos = Math.max(stats.longestArrivalGapNanos, gap);
            }
            double mediaSeconds = (double) (index - lastArrivalIndex) * frames / sampleRate;
            double arrivalSeconds = (arrivalNanos - lastArrivalNanos) / 1e9;
            double d = Math.abs(arrivalSeconds - mediaSeconds);
            jitter += (d - jitter) / 16.0;
            stats.jitterSeconds = jitter;
        }
        if (index > lastArrivalIndex || lastArrivalNanos == 0) {
            lastArrivalNanos = arrivalNanos;
            lastArrivalIndex = index;
        }
    }

    /** The sender restarted its sequence: its clock and spread are measured afresh. */
    void restart() {
        drift.reset();
        spread.reset();
        firstIndex = NONE;
    }
}
