package org.tutti.protocol.captures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tutti.protocol.captures.CapturedPackets.audioOnly;
import static org.tutti.protocol.captures.CapturedPackets.exitsOnly;
import static org.tutti.protocol.captures.CapturedPackets.header;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.testing.Capture;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.UdpDatagram;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.protocol.udp.DatagramValidator;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;

/**
 * c9_hubfirst_asym: client {@code --receivechannels 1 --sendchannels 2 -K asymK}; the hub is stopped
 * first. Header bytes 14/15 are {@code 01 02} from the client and {@code 02 01} from the hub
 * (UDP lengths 536 and 280, i.e. 528- and 272-byte payloads).
 */
class AsymmetricChannelsCaptureTest {
    private static final Capture C9 = Captures.open(Captures.C9_HUBFIRST_ASYM);

    @Test
    void headerBytesMatchTheSpecsExample() {
        AnnotatedPackets.C9_ASYMMETRIC_CHANNEL_BYTES.check(WireViews.REAL, WireViews.REAL);
    }

    @Test
    void theClientSendsTwoChannelsAndWantsOneIn528ByteDatagrams() {
        List<UdpDatagram> client = audioOnly(C9.udpDatagrams(Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE));
        assertTrue(client.size() > 400);
        for (UdpDatagram datagram : client) {
            PacketHeader header = header(datagram);
            assertEquals(1, header.channelsWanted(), datagram.toString());
            assertEquals(2, header.channelsCarriedField(), datagram.toString());
            assertEquals(2, header.channelsCarried(), datagram.toString());
            assertEquals(528, datagram.payload().length, datagram.toString());
            assertEquals(528, PacketLayout.declaredPacketSize(header));
        }
    }

    @Test
    void theHubSendsOneChannelAndWantsTwoIn272ByteDatagrams() {
        List<UdpDatagram> hub = audioOnly(C9.udpDatagrams(Captures.HUB_UDP_BASE, Captures.CLIENT_UDP_PORT));
        assertTrue(hub.size() > 400);
        for (UdpDatagram datagram : hub) {
            PacketHeader header = header(datagram);
            assertEquals(2, header.channelsWanted(), datagram.toString());
            assertEquals(1, header.channelsCarriedField(), datagram.toString());
            assertEquals(1, header.channelsCarried(), datagram.toString());
            assertEquals(272, datagram.payload().length, datagram.toString());
            assertEquals(272, PacketLayout.declaredPacketSize(header));
        }
    }

    @Test
    void bothDirectionsAreValidForA48kHub() {
        DatagramValidator validator = DatagramValidator.forHubRate(48000);
        for (UdpDatagram datagram : audioOnly(C9.udpDatagrams())) {
            assertEquals(DatagramCheck.OK, CapturedPackets.check(validator, datagram), datagram.toString());
        }
    }

    @Test
    void theHubStoppedFirstAndTheClientFollowedItsExitPackets() {
        List<UdpDatagram> hubExits = exitsOnly(C9.udpDatagrams(Captures.HUB_UDP_BASE, Captures.CLIENT_UDP_PORT));
        List<UdpDatagram> clientExits = exitsOnly(C9.udpDatagrams(Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE));

        assertEquals(2, hubExits.size());
        assertEquals(2, clientExits.size());
        assertTrue(hubExits.get(1).frameNumber() < clientExits.get(0).frameNumber());
    }

    @Test
    void handshakeIsThePlainOneWithNameAsymK() {
        assertEquals(new HandshakeRequest(14600, "asymK", false),
                CapturedPackets.request(C9.onlyTcpConnectionTo(Captures.HUB_TCP_PORT).clientToServer()));
    }
}
