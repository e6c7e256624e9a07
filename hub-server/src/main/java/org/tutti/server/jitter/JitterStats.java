package org.tutti.server.jitter;

/**
 * Counters of one jitter buffer. Each field has exactly one writer thread (noted per field) and is
 * read by the control plane and metrics without locks; a read may be one period stale.
 */
public final class JitterStats {
    // Written by the network (receive) thread.
    volatile long received;
    volatile long duplicates;
    volatile long late;
    volatile long outOfOrder;
    volatile long recovered;
    volatile long recoveredLate;
    volatile long resyncs;
    volatile long droppedAhead;
    volatile long arrivalStalls;
    volatile long longestArrivalGapNanos;
    volatile long senderTimeLosses;
    /** RFC 3550 interarrival jitter estimate, seconds. */
    volatile double jitterSeconds;

    // Written by the audio thread.
    volatile long played;
    volatile long lost;
    volatile long underruns;
    volatile long overruns;
    volatile long concealedFrames;
    volatile long gaps;
    volatile long reprimes;
    volatile long realignments;
    volatile int depthFrames;

    public long received() {
        return received;
    }

    public long duplicates() {
        return duplicates;
    }

    /** Packets that arrived after their time had passed. */
    public long late() {
        return late;
    }

    /** Packets that arrived after a newer one but still in time. */
    public long outOfOrder() {
        return outOfOrder;
    }

    /** Packets taken from redundancy slots that had not arrived on their own. */
    public long recovered() {
        return recovered;
    }

    /**
     * Redundant copies of a packet that never arrived on its own, come after its time had passed: it
     * was concealed, though a buffer deeper by about a packet would have played it.
     */
    public long recoveredLate() {
        return recoveredLate;
    }

    /** Times the sequence jumped so far that the buffer re-based itself. */
    public long resyncs() {
        return resyncs;
    }

    /** Packets too far ahead of the play position to store. */
    public long droppedAhead() {
        return droppedAhead;
    }

    /**
     * Times the sender's packets stopped for 15 ms or more (and at least four packets' time) and then
     * came again: a stall of the sender's machine, of the path, or of this machine's network thread.
     */
    public long arrivalStalls() {
        return arrivalStalls;
    }

    /**
     * Times the sender's packets came later for good, found half a second after: it lost that time (its
     * machine, audio interface or JACK server dropped cycles and sent fewer packets), or its path got
     * longer. Each leaves the buffer short by that much until it re-primes or resampling makes it up.
     */
    public long senderTimeLosses() {
        return senderTimeLosses;
    }

    /** The longest gap between two packets in sequence, nanoseconds. */
    public long longestArrivalGapNanos() {
        return longestArrivalGapNanos;
    }

    public double jitterSeconds() {
        return jitterSeconds;
    }

    /** Packets played from the buffer. */
    public long played() {
        return played;
    }

    /** Packets missing when their turn came (concealed). */
    public long lost() {
        return lost;
    }

    /** Periods in which the buffer ran dry. */
    public long underruns() {
        return underruns;
    }

    /** Packets dropped because the buffer held too much. */
    public long overruns() {
        return overruns;
    }

    public long concealedFrames() {
        return concealedFrames;
    }

    /**
     * Runs of concealed audio, each counted once however long it lasted (a lost packet, a dry spell, a
     * re-prime, or several of them back to back): the dropouts a listener hears. The packet and period
     * counters above count a 30 ms stall two dozen times; this counts it once.
     */
    public long gaps() {
        return gaps;
    }

    /** Times the play position was moved in whole packets to the target after a stream settled. */
    public long realignments() {
        return realignments;
    }

    /** Times playback went back to filling up: it ran dry right after starting, or for longer than a coast. */
    public long reprimes() {
        return reprimes;
    }

    /** Buffered audio ahead of the play position at the last read, in frames. */
    public int depthFrames() {
        return depthFrames;
    }

    /** lost / (played + lost), 0 when nothing was due yet. */
    public double lossRatio() {
        long due = played + lost;
        return due == 0 ? 0.0 : (double) lost / due;
    }

    @Override
    public String toString() {
        return "received " + received + ", played " + played + ", lost " + lost + ", late " + late + ", recovered "
                + recovered + ", duplicates " + duplicates + ", out of order " + outOfOrder + ", underruns " + underruns
                + ", overruns " + overruns + ", concealed frames " + concealedFrames + " in " + gaps + " gaps"
                + ", reprimes " + reprimes + ", realignments " + realignments + ", resyncs " + resyncs
                + ", arrival stalls " + arrivalStalls + " (longest gap " + longestArrivalGapNanos / 1_000_000 + " ms)"
                + ", time losses " + senderTimeLosses;
    }
}
