package org.tutti.protocol.captures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tutti.protocol.captures.CapturedPackets.audioOnly;
import static org.tutti.protocol.captures.CapturedPackets.exitsOnly;
import static org.tutti.protocol.captures.CapturedPackets.header;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.handshake.HandshakeReply;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.testing.Capture;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.TcpConnection;
import org.tutti.protocol.testing.UdpDatagram;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.protocol.udp.DatagramValidator;
import org.tutti.protocol.udp.PacketHeader;

/** c13_ipv6: a mono client ({@code -n 1}, no name) reaching the hub over {@code ::1}: the bytes are the same. */
class Ipv6CaptureTest {
    private static final Capture C13 = Captures.open(Captures.C13_IPV6);

    @Test
    void everythingTravelsOverIpv6Loopback() throws Exception {
        InetAddress loopback = InetAddress.getByName("::1");
        for (UdpDatagram datagram : C13.udpDatagrams()) {
            assertInstanceOf(Inet6Address.class, datagram.source().getAddress());
            assertEquals(loopback, datagram.source().getAddress());
            assertEquals(loopback, datagram.destination().getAddress());
        }
        assertInstanceOf(Inet6Address.class, C13.onlyTcpConnectionTo(Captures.HUB_TCP_PORT).client().getAddress());
    }

    @Test
    void theHandshakeIsTheSameAsOverIpv4() {
        TcpConnection handshake = C13.onlyTcpConnectionTo(Captures.HUB_TCP_PORT);

        assertEquals(new HandshakeRequest(14600, "", false), CapturedPackets.request(handshake.clientToServer()));
        assertEquals(14500, HandshakeReply.read(ByteBuffer.wrap(handshake.serverToClient()), 0));
    }

    @Test
    void datagramsDecodeAsMono16BitAt48k() {
        DatagramValidator validator = DatagramValidator.forHubRate(48000);
        List<UdpDatagram> audio = audioOnly(C13.udpDatagrams());
        assertTrue(audio.size() > 900);
        for (UdpDatagram datagram : audio) {
            PacketHeader header = header(datagram);
            assertEquals(272, datagram.payload().length);
            assertEquals(128, header.bufferSize());
            assertEquals(16, header.bitResolution());
            assertEquals(1, header.channelsCarried());
            assertEquals(DatagramCheck.OK, CapturedPackets.check(validator, datagram), datagram.toString());
        }
    }

    @Test
    void exitPacketsAreExchangedBothWays() {
        assertEquals(2, exitsOnly(C13.udpDatagrams(Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE)).size());
        assertEquals(2, exitsOnly(C13.udpDatagrams(Captures.HUB_UDP_BASE, Captures.CLIENT_UDP_PORT)).size());
    }
}
