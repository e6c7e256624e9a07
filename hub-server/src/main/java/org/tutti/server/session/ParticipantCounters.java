package org.tutti.server.session;

import org.tutti.protocol.udp.DatagramCheck;

/**
 * Per-participant counters written by the network thread that owns the participant's socket and
 * read by the control plane and metrics. Single writer per field; reads may be slightly stale.
 */
public final class ParticipantCounters {
    private final long[] byCheck = new long[DatagramCheck.values().length];
    volatile long datagrams;
    volatile long bytes;
    volatile long formatChanges;
    volatile long socketErrors;
    volatile long packetsSent;
    volatile long foreign;

    public void datagram(int length) {
        datagrams++;
        bytes += length;
    }

    public void check(DatagramCheck check) {
        byCheck[check.ordinal()]++;
    }

    public void formatChange() {
        formatChanges++;
    }

    /** A datagram from an address that is not this participant's: dropped unread. */
    public void foreign() {
        foreign++;
    }

    /** Datagrams from addresses other than the participant's (forged, sprayed, or stray). */
    public long foreignDatagrams() {
        return foreign;
    }

    public void socketError() {
        socketErrors++;
    }

    /** Datagrams received on the participant's port, of any kind. */
    public long datagrams() {
        return datagrams;
    }

    public long bytes() {
        return bytes;
    }

    /** Datagrams that got {@code check} (OK, EXIT, or a malformed kind). */
    public long count(DatagramCheck check) {
        return byCheck[check.ordinal()];
    }

    /** All malformed datagrams (not OK, not exit, not a fatal mismatch). */
    public long malformed() {
        long sum = 0;
        for (DatagramCheck check : DatagramCheck.values()) {
            if (check.malformed()) {
                sum += byCheck[check.ordinal()];
            }
        }
        return sum + formatChanges;
    }

    /** Valid datagrams whose format differed from the session's first one. */
    public long formatChanges() {
        return formatChanges;
    }

    public long socketErrors() {
        return socketErrors;
    }
}
