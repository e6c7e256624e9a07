package org.tutti.protocol.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpConnectionTest {
    private static final InetSocketAddress CLIENT = endpoint(40000);
    private static final InetSocketAddress HUB = endpoint(Captures.HUB_TCP_PORT);

    private final List<TcpSegment> segments = new ArrayList<>();

    @Test
    void theRealHandshakeReassemblesTo68BytesUpAnd4BytesDown() {
        TcpConnection handshake = Captures.open(Captures.C1_2CH16).onlyTcpConnectionTo(Captures.HUB_TCP_PORT);

        assertEquals(Captures.HUB_TCP_PORT, handshake.server().getPort());
        assertEquals(68, handshake.clientToServer().length);
        assertEquals("a4 38 00 00", Hex.of(handshake.serverToClient()));
        assertEquals(1, handshake.firstFrame());
        assertFalse(handshake.wasReset());
    }

    @Test
    void aRequestSplitOverTwoSegmentsIsJoinedInOrder() {
        TcpConnection split = Captures.open(Captures.P1_HANDSHAKE_VARIANTS).tcpConnectionsTo(Captures.HUB_TCP_PORT).get(1);

        assertEquals(List.of(4, 64), split.dataSegmentsFrom(split.client()).stream().map(s -> s.payload().length).toList());
        assertEquals(68, split.clientToServer().length);
        assertTrue(split.wasReset(), "the 1.7.0 hub resets the connection when the late name arrives");
    }

    @Test
    void segmentsAreOrderedBySequenceAndRetransmissionsDropped() {
        syn(CLIENT, HUB, 1000);
        synAck(HUB, CLIENT, 5000);
        data(CLIENT, HUB, 1005, "ef");     // arrives first, belongs last
        data(CLIENT, HUB, 1001, "abcd");
        data(CLIENT, HUB, 1001, "abcd");   // plain retransmission
        data(CLIENT, HUB, 1003, "cdef");   // overlapping retransmission
        data(HUB, CLIENT, 5001, "xy");

        TcpConnection connection = only();

        assertEquals(CLIENT, connection.client());
        assertArrayEquals("abcdef".getBytes(), connection.clientToServer());
        assertArrayEquals("xy".getBytes(), connection.serverToClient());
    }

    @Test
    void sequenceNumbersWrapAt2To32() {
        syn(CLIENT, HUB, 0xFFFF_FFFEL);
        data(CLIENT, HUB, 0xFFFF_FFFFL, "ab");
        data(CLIENT, HUB, 1, "cd");

        assertArrayEquals("abcd".getBytes(), only().clientToServer());
    }

    @Test
    void aHoleInTheStreamIsReportedNotPapered() {
        syn(CLIENT, HUB, 1000);
        data(CLIENT, HUB, 1001, "ab");
        data(CLIENT, HUB, 1010, "cd");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> only().clientToServer());
        assertTrue(e.getMessage().contains("misses 7 bytes"), e.getMessage());
    }

    @Test
    void aNewSynOnTheSameEndpointsStartsANewConnection() {
        syn(CLIENT, HUB, 1000);
        syn(CLIENT, HUB, 1000);            // retransmitted SYN: same connection
        data(CLIENT, HUB, 1001, "one");
        syn(CLIENT, HUB, 777000);          // port reused
        data(CLIENT, HUB, 777001, "two");

        List<TcpConnection> connections = TcpConnection.assemble(segments);

        assertEquals(2, connections.size());
        assertArrayEquals("one".getBytes(), connections.get(0).clientToServer());
        assertArrayEquals("two".getBytes(), connections.get(1).clientToServer());
    }

    @Test
    void withoutASynTheFirstSenderIsTheClient() {
        data(HUB, CLIENT, 9, "late");
        data(HUB, CLIENT, 13, "r");

        TcpConnection connection = only();

        assertEquals(HUB, connection.client());
        assertArrayEquals("later".getBytes(), connection.clientToServer());
        assertEquals(0, connection.serverToClient().length);
    }

    private TcpConnection only() {
        List<TcpConnection> connections = TcpConnection.assemble(segments);
        assertEquals(1, connections.size());
        return connections.get(0);
    }

    private void syn(InetSocketAddress from, InetSocketAddress to, long sequence) {
        add(from, to, sequence, TcpSegment.SYN, "");
    }

    private void synAck(InetSocketAddress from, InetSocketAddress to, long sequence) {
        add(from, to, sequence, TcpSegment.SYN | TcpSegment.ACK, "");
    }

    private void data(InetSocketAddress from, InetSocketAddress to, long sequence, String payload) {
        add(from, to, sequence, TcpSegment.ACK | TcpSegment.PSH, payload);
    }

    private void add(InetSocketAddress from, InetSocketAddress to, long sequence, int flags, String payload) {
        segments.add(new TcpSegment(segments.size() + 1, Instant.EPOCH, from, to, sequence & 0xFFFF_FFFFL, 0, flags,
                payload.getBytes()));
    }

    private static InetSocketAddress endpoint(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
}
