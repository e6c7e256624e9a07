package org.tutti.protocol.testing;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A captured UDP datagram.
 *
 * @param udpLength the UDP header's length field (8 + payload on the wire)
 * @param payload   the captured payload; shorter than {@code udpLength - 8} only if the snap length
 *                  cut the frame (see {@link #isComplete()})
 */
public record UdpDatagram(int frameNumber, Instant timestamp, InetSocketAddress source,
                          InetSocketAddress destination, int udpLength, byte[] payload) implements TransportPacket {

    public static final int HEADER_LENGTH = 8;

    /** Whether the whole payload was captured. */
    public boolean isComplete() {
        return payload.length == udpLength - HEADER_LENGTH;
    }

    @Override
    public String toString() {
        return "UDP[frame " + frameNumber + " " + source + " -> " + destination + " " + payload.length + " bytes]";
    }
}
