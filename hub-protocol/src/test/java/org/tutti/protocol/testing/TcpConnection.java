package org.tutti.protocol.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One TCP connection seen in a capture, with each direction's payload reassembled.
 *
 * <p>Segments are grouped by their pair of endpoints, in frame order. A SYN without ACK that
 * carries a new initial sequence number starts a new connection on the same endpoints (port reuse);
 * a repeated SYN with the same number is a retransmission. The client is the side that sent the
 * first SYN, or, if the capture starts mid-connection, the sender of the first segment.
 *
 * <p>Reassembly ({@link #payloadFrom}) orders a direction's segments by sequence number (modulo
 * 2³², relative to the SYN or else to the first segment) and keeps the first copy of every byte, so
 * retransmissions and overlaps are dropped. A hole in the stream is an error, because guessing
 * would hide a capture problem. This is enough for JackTrip's small handshakes; it is not a
 * general TCP stack (no window or timestamp checks).
 */
public final class TcpConnection {
    private final InetSocketAddress client;
    private final InetSocketAddress server;
    private final List<TcpSegment> segments = new ArrayList<>();
    private Long clientInitialSequence;
    private Long serverInitialSequence;

    private TcpConnection(InetSocketAddress client, InetSocketAddress server) {
        this.client = client;
        this.server = server;
    }

    /** Groups segments (in any order) into connections, ordered by their first frame. */
    public static List<TcpConnection> assemble(List<TcpSegment> segments) {
        List<TcpSegment> inFrameOrder = new ArrayList<>(segments);
        inFrameOrder.sort(Comparator.comparingInt(TcpSegment::frameNumber));
        Map<Set<InetSocketAddress>, TcpConnection> open = new LinkedHashMap<>();
        List<TcpConnection> all = new ArrayList<>();
        for (TcpSegment segment : inFrameOrder) {
            Set<InetSocketAddress> key = Set.of(segment.source(), segment.destination());
            TcpConnection connection = open.get(key);
            boolean opening = segment.isSyn() && !segment.isAck();
            if (connection == null || (opening && connection.isNewOpening(segment))) {
                connection = opening || !segment.isSyn()
                        ? new TcpConnection(segment.source(), segment.destination())
                        : new TcpConnection(segment.destination(), segment.source()); // SYN-ACK first
                open.put(key, connection);
                all.add(connection);
            }
            connection.add(segment);
        }
        return all;
    }

    private boolean isNewOpening(TcpSegment syn) {
        return clientInitialSequence == null || syn.sequence() != clientInitialSequence
                || !syn.source().equals(client);
    }

    private void add(TcpSegment segment) {
        segments.add(segment);
        if (segment.isSyn()) {
            if (segment.source().equals(client) && clientInitialSequence == null) {
                clientInitialSequence = segment.sequence();
            } else if (segment.source().equals(server) && serverInitialSequence == null) {
                serverInitialSequence = segment.sequence();
            }
        }
    }

    /** The side that opened the connection. */
    public InetSocketAddress client() {
        return client;
    }

    public InetSocketAddress server() {
        return server;
    }

    /** Every segment of this connection, both directions, in frame order. */
    public List<TcpSegment> segments() {
        return List.copyOf(segments);
    }

    /** Segments sent by {@code sender} that carry payload, in frame order. */
    public List<TcpSegment> dataSegmentsFrom(InetSocketAddress sender) {
        return segments.stream().filter(s -> s.source().equals(sender) && s.payload().length > 0).toList();
    }

    public int firstFrame() {
        return segments.get(0).frameNumber();
    }

    /** Whether either side sent a reset. */
    public boolean wasReset() {
        return segments.stream().anyMatch(TcpSegment::isRst);
    }

    /** The client's byte stream as the server received it. */
    public byte[] clientToServer() {
        return payloadFrom(client);
    }

    /** The server's byte stream as the client received it. */
    public byte[] serverToClient() {
        return payloadFrom(server);
    }

    /**
     * Reassembles the bytes {@code sender} sent on this connection.
     *
     * @throws IllegalStateException if the capture misses bytes in the middle of the stream
     */
    public byte[] payloadFrom(InetSocketAddress sender) {
        if (!sender.equals(client) && !sender.equals(server)) {
            throw new IllegalArgumentException(sender + " is not an endpoint of " + this);
        }
        List<TcpSegment> data = dataSegmentsFrom(sender);
        Long initial = sender.equals(client) ? clientInitialSequence : serverInitialSequence;
        if (data.isEmpty()) {
            return new byte[0];
        }
        long base = initial != null ? (initial + 1) & 0xFFFF_FFFFL : data.get(0).payloadSequence();
        List<TcpSegment> ordered = new ArrayList<>(data);
        ordered.sort(Comparator.comparingLong((TcpSegment s) -> relative(s, base))
                .thenComparingInt(TcpSegment::frameNumber));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long end = 0;
        for (TcpSegment segment : ordered) {
            long start = relative(segment, base);
            if (start > end) {
                throw new IllegalStateException("capture misses " + (start - end) + " bytes from " + sender
                        + " before frame " + segment.frameNumber());
            }
            int skip = (int) (end - start);
            if (skip < segment.payload().length) {
                out.write(segment.payload(), skip, segment.payload().length - skip);
                end = start + segment.payload().length;
            }
        }
        return out.toByteArray();
    }

    private static long relative(TcpSegment segment, long base) {
        return (segment.payloadSequence() - base) & 0xFFFF_FFFFL;
    }

    @Override
    public String toString() {
        return "TcpConnection[" + client + " -> " + server + ", from frame " + firstFrame() + ", "
                + segments.size() + " segments]";
    }
}
