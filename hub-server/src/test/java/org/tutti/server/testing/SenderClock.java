package org.tutti.server.testing;

import java.nio.ByteBuffer;
import org.tutti.protocol.udp.PacketHeader;

/**
 * When a JackTrip datagram was sent, on this machine's {@code System.nanoTime}: from the timestamp its
 * sender wrote into the header (µs on the sender's clock, taken as it built the packet), put on our clock
 * by the smallest offset between reading and stamp seen over the last one or two seconds (the datagrams
 * that waited least). A relay that delays datagrams counts each delay from this, not from when it got to
 * read the datagram: a network does not stall when the machine the relay shares with the hub does, and
 * what piled up in the relay's socket meanwhile is due at once, not a stall plus a delay later.
 *
 * <p>The offset's window is short so that two clocks that run at slightly different rates (a wall clock
 * being slewed against the monotonic one) do not drift apart under it. A datagram without a header, or
 * whose stamp is no later than the one before, or would put it more than {@link #MAX_WAIT_NANOS} before its
 * reading (a sender whose stamps do not keep time), counts as sent when read.
 */
public final class SenderClock {
    static final long WINDOW_NANOS = 1_000_000_000L;
    /** Longer than any stall of the relay seen on these machines (tens of milliseconds). */
    static final long MAX_WAIT_NANOS = 200_000_000L;

    private final PacketHeader header = new PacketHeader();
    private long windowStart = Long.MIN_VALUE;
    private long windowMinimum = Long.MAX_VALUE;
    private long previousMinimum = Long.MAX_VALUE;
    private long lastStamp = Long.MIN_VALUE;

    /** When {@code datagram} (position at its first byte) was sent, given that it was read at {@code readNanos}. */
    public long sentNanos(ByteBuffer datagram, long readNanos) {
        if (datagram.remaining() < PacketHeader.LENGTH) {
            return readNanos;
        }
        header.wrap(datagram, datagram.position());
        long stamp = header.timestamp();
        if (stamp <= lastStamp) {
            return readNanos; // a stamp that does not advance (JackTrip's senders stamp every packet anew)
        }
        lastStamp = stamp;
        long stampNanos = stamp * 1000;
        long offset = readNanos - stampNanos;
        if (windowStart == Long.MIN_VALUE || readNanos - windowStart >= WINDOW_NANOS) {
            previousMinimum = windowMinimum;
            windowMinimum = Long.MAX_VALUE;
            windowStart = readNanos;
        }
        windowMinimum = Math.min(windowMinimum, offset);
        long sent = stampNanos + Math.min(windowMinimum, previousMinimum);
        long waited = readNanos - sent;
        if (waited < 0 || waited > MAX_WAIT_NANOS) {
            return readNanos;
        }
        return sent;
    }
}
