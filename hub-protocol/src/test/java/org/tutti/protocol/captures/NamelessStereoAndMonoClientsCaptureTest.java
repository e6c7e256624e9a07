package org.tutti.protocol.captures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tutti.protocol.captures.CapturedPackets.audioOnly;
import static org.tutti.protocol.captures.CapturedPackets.header;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.handshake.HandshakeReply;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.testing.Capture;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.TcpConnection;
import org.tutti.protocol.testing.UdpDatagram;
import org.tutti.protocol.udp.PacketHeader;

/**
 * c5_noname_p4_upmix: two clients without {@code -K}, stereo ({@code -B 14600 -n 2}) and mono
 * ({@code -B 14601 -n 1}), on a full-mix upmixing hub ({@code -p 4 -u}).
 */
class NamelessStereoAndMonoClientsCaptureTest {
    private static final Capture C5 = Captures.open(Captures.C5_NONAME_P4_UPMIX);

    @Test
    void aClientWithoutANameSends64ZeroBytesWhichDecodeToTheEmptyName() {
        List<TcpConnection> handshakes = C5.tcpConnectionsTo(Captures.HUB_TCP_PORT);
        assertEquals(2, handshakes.size());
        for (int i = 0; i < 2; i++) {
            byte[] request = handshakes.get(i).clientToServer();

            assertEquals(68, request.length);
            assertArrayEquals(new byte[64], Arrays.copyOfRange(request, 4, 68));
            assertEquals(new HandshakeRequest(14600 + i, "", false), CapturedPackets.request(request));
            assertEquals(14500 + i, HandshakeReply.read(ByteBuffer.wrap(handshakes.get(i).serverToClient()), 0),
                    "second client gets the next slot");
        }
    }

    @Test
    void theStereoClientExchanges528ByteDatagrams() {
        assertSizes(14600, 14500, 2, 528);
        assertSizes(14500, 14600, 2, 528);
    }

    @Test
    void theMonoClientExchanges272ByteDatagramsAndGetsOneChannelBack() {
        assertSizes(14601, 14501, 1, 272);
        assertSizes(14501, 14601, 1, 272);
    }

    private static void assertSizes(int from, int to, int channels, int length) {
        List<UdpDatagram> audio = audioOnly(C5.udpDatagrams(from, to));
        assertTrue(audio.size() > 400, from + " -> " + to);
        for (UdpDatagram datagram : audio) {
            PacketHeader header = header(datagram);
            assertEquals(length, datagram.payload().length, datagram.toString());
            assertEquals(channels, header.channelsWanted(), datagram.toString());
            assertEquals(0, header.channelsCarriedField(), datagram.toString());
            assertEquals(channels, header.channelsCarried(), datagram.toString());
        }
    }
}
