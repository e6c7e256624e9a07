package org.tutti.protocol.testing;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;

/** A UDP datagram or TCP segment taken out of a captured frame by {@link PacketDissector}. */
public sealed interface TransportPacket permits UdpDatagram, TcpSegment {
    /** The frame it came from (1-based, as tshark's {@code frame.number}). */
    int frameNumber();

    /** Capture time of that frame ({@code null} only for pcapng Simple Packet Blocks). */
    Instant timestamp();

    InetSocketAddress source();

    InetSocketAddress destination();

    /** The transport payload. Shared, not copied: do not modify. */
    byte[] payload();

    default int sourcePort() {
        return source().getPort();
    }

    default int destinationPort() {
        return destination().getPort();
    }

    /** A new heap buffer over {@link #payload()}: position 0, limit = length, default (big-endian) order. */
    default ByteBuffer payloadBuffer() {
        return ByteBuffer.wrap(payload());
    }

    /** Microseconds since the epoch of {@link #timestamp()}. */
    default long epochMicros() {
        Instant time = timestamp();
        return time.getEpochSecond() * 1_000_000L + time.getNano() / 1_000;
    }
}
