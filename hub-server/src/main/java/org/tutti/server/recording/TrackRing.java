package org.tutti.server.recording;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One track's hand-off from the audio thread to the writer: a single-producer, single-consumer ring of
 * period blocks, each stamped with the engine's period number. The audio thread copies a period in
 * and never waits: when the writer has fallen a whole ring behind (a slow or stalled disk), the period
 * is dropped and counted, and the writer later fills its place with silence so the track stays in
 * time. Allocated once, when the track starts.
 */
final class TrackRing {
    private final float[][][] blocks;
    private final long[] periods;
    private final int mask;
    private final int channels;
    private final int frames;
    /** Next slot the writer reads; written by the writer only. */
    private final AtomicLong head = new AtomicLong();
    /** Next slot the audio thread fills; written by the audio thread only. */
    private final AtomicLong tail = new AtomicLong();
    private volatile long droppedPeriods;

    /**
     * @param minimumPeriods rounded up to a power of two
     */
    TrackRing(int channels, int frames, int minimumPeriods) {
        int capacity = Integer.highestOneBit(Math.max(2, minimumPeriods - 1)) << 1;
        this.blocks = new float[capacity][channels][frames];
        this.periods = new long[capacity];
        this.mask = capacity - 1;
        this.channels = channels;
        this.frames = frames;
    }

    int channels() {
        return channels;
    }

    int capacity() {
        return mask + 1;
    }

    /** Audio thread: copies {@code frames} frames of {@code source} as period {@code period}. */
    void offer(long period, float[][] source, int count) {
        long t = tail.get();
        if (t - head.get() > mask) {
            droppedPeriods = droppedPeriods + 1; // single writer: the audio thread
            return;
        }
        int index = (int) (t & mask);
        float[][] block = blocks[index];
        int n = Math.min(count, frames);
        for (int c = 0; c < channels; c++) {
            System.arraycopy(source[c], 0, block[c], 0, n);
        }
        periods[index] = period;
        tail.lazySet(t + 1);
    }

    /** Writer: the period of the oldest block waiting, or -1 if none is. */
    long nextPeriod() {
        long h = head.get();
        return h == tail.get() ? -1 : periods[(int) (h & mask)];
    }

    /** Writer: the oldest block waiting; valid until {@link #release()}. Only after {@link #nextPeriod()} said one is. */
    float[][] next() {
        return blocks[(int) (head.get() & mask)];
    }

    /** Writer: done with the block {@link #next()} returned. */
    void release() {
        head.lazySet(head.get() + 1);
    }

    /** Periods the audio thread could not hand over because the ring was full. */
    long droppedPeriods() {
        return droppedPeriods;
    }
}
