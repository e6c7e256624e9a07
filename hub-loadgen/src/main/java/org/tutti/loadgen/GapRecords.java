package org.tutti.loadgen;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The first {@value #MAX} audible gaps of one client's loopback ramp, each with the packet, the frame
 * in it and how far the returned ramp was off: what a report needs to tell a lost packet (off by
 * whole packets forwards) from a packet whose content changed on the way (off by anything else, or
 * backwards). Pre-allocated; written by the receiving thread, read after the run.
 */
final class GapRecords {
    static final int MAX = 4;

    private final long[] atNanos = new long[MAX];
    private final long[] packet = new long[MAX];
    private final int[] frame = new int[MAX];
    private final int[] offBy = new int[MAX];
    private final long[] sincePreviousNanos = new long[MAX];
    private int count;

    /**
     * A gap started at {@code frame} of the packet with extended index {@code packet}: the ramp was
     * {@code offBy} samples from the expected value; the datagram before arrived {@code sincePreviousNanos}
     * earlier (-1: none).
     */
    void add(long nowNanos, long packet, int frame, int offBy, long sincePreviousNanos) {
        if (count == MAX) {
            return;
        }
        atNanos[count] = nowNanos;
        this.packet[count] = packet;
        this.frame[count] = frame;
        this.offBy[count] = offBy;
        this.sincePreviousNanos[count] = sincePreviousNanos;
        count++;
    }

    int count() {
        return count;
    }

    /** One line per recorded gap, times from {@code startNanos} (the run's start). */
    void print(PrintStream out, String client, long startNanos, int framesPerPacket) {
        for (int i = 0; i < count; i++) {
            out.printf(Locale.ROOT,
                    "  gap       %s at %.3f s: packet %d, frame %d, ramp off by %d samples (%.2f packets), %.3f ms after the datagram before%n",
                    client, (atNanos[i] - startNanos) / 1e9, packet[i], frame[i], offBy[i],
                    (double) offBy[i] / framesPerPacket, sincePreviousNanos[i] < 0 ? -1 : sincePreviousNanos[i] / 1e6);
        }
    }
}
