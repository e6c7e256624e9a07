package org.tutti.loadgen;

/**
 * Receive-side accounting of one stream's 16-bit sequence numbers, extended to 64 bits so wrap-around
 * needs no special case (the JackTrip rule: the signed 16-bit difference to the newest seen). A
 * window of the last {@value #WINDOW} indexes tells duplicates from late (reordered) packets.
 * All counters only grow, so a report can subtract two snapshots. Single-threaded.
 */
final class SequenceTracker {
    static final int WINDOW = 1024;
    /** Returned by {@link #accept} for a duplicate or a packet older than the window. */
    static final long REJECTED = Long.MIN_VALUE;

    private final long[] seen = new long[WINDOW / 64];
    private boolean started;
    private long newest;
    private long oldest;

    /** Distinct packets received. */
    long unique;
    /** Times the stream jumped forward by more than one. */
    long gapEvents;
    /** Packets that arrived after a newer one (late, but not duplicates). */
    long outOfOrder;
    long duplicates;
    /** Packets older than the window (counted neither as received nor as duplicates). */
    long tooLate;
    /**
     * {@code span() − unique}, kept as one field: another thread's report reads it in one go, where reading
     * {@code unique} and then {@code newest} could fall on either side of a packet and report one lost.
     */
    long lost;

    /**
     * Records {@code sequence} and returns its extended index, or {@link #REJECTED} for a duplicate or
     * a packet too old to tell. {@code redundant} copies (slots 1.. of a datagram) that were already
     * seen are rejected without counting as duplicates.
     */
    long accept(int sequence, boolean redundant) {
        sequence &= 0xFFFF;
        if (!started) {
            started = true;
            newest = sequence;
            oldest = sequence;
            mark(sequence);
            unique++;
            return sequence;
        }
        int delta = (short) (sequence - (int) (newest & 0xFFFF));
        long index = newest + delta;
        if (delta > 0) {
            if (delta > 1 && !redundant) {
                gapEvents++;
            }
            lost += delta - 1;
            for (long i = newest + 1, end = Math.min(index, newest + WINDOW); i < end; i++) {
                clear(i);
            }
            newest = index;
            mark(index);
            unique++;
            return index;
        }
        if (newest - index >= WINDOW) {
            if (!redundant) {
                tooLate++;
            }
            return REJECTED;
        }
        if (isMarked(index)) {
            if (!redundant) {
                duplicates++;
            }
            return REJECTED;
        }
        mark(index);
        unique++;
        if (index < oldest) {
            lost += oldest - index - 1; // the span grows back to it
            oldest = index;
        } else {
            lost--; // a gap filled late
        }
        if (!redundant) {
            outOfOrder++;
        }
        return index;
    }

    /** Indexes from the first to the newest packet seen; {@code span − unique} were never received. */
    long span() {
        return started ? newest - oldest + 1 : 0;
    }

    long lost() {
        return lost;
    }

    private void mark(long index) {
        int bit = (int) (index & (WINDOW - 1));
        seen[bit >>> 6] |= 1L << bit;
    }

    private void clear(long index) {
        int bit = (int) (index & (WINDOW - 1));
        seen[bit >>> 6] &= ~(1L << bit);
    }

    private boolean isMarked(long index) {
        int bit = (int) (index & (WINDOW - 1));
        return (seen[bit >>> 6] & (1L << bit)) != 0;
    }
}
