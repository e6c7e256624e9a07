package org.tutti.protocol.captures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tutti.protocol.captures.CapturedPackets.audioOnly;
import static org.tutti.protocol.captures.CapturedPackets.exitsOnly;
import static org.tutti.protocol.captures.CapturedPackets.header;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.handshake.HandshakeReply;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.handshake.ParseStatus;
import org.tutti.protocol.testing.Capture;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.TcpConnection;
import org.tutti.protocol.testing.TcpSegment;
import org.tutti.protocol.testing.UdpDatagram;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.protocol.udp.DatagramValidator;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;

/**
 * p1_handshake_variants: the probe ({@code fakeclient.py}, see probe.log.txt) against a real 1.7.0
 * hub, in this order: legacy4, split, nat, sendonly, asym.
 */
class HandshakeVariantsCaptureTest {
    private static final Capture P1 = Captures.open(Captures.P1_HANDSHAKE_VARIANTS);
    private static final List<TcpConnection> SESSIONS = P1.tcpConnectionsTo(Captures.HUB_TCP_PORT);
    private static final DatagramValidator VALIDATOR = DatagramValidator.forHubRate(48000);

    @Test
    void fiveHandshakesWereCaptured() {
        assertEquals(5, SESSIONS.size());
    }

    @Test
    void aLegacyFourByteRequestIsPortOnlyAndTheHubAcceptsIt() {
        TcpConnection legacy = SESSIONS.get(0);
        HandshakeRequest[] request = new HandshakeRequest[1];

        assertEquals(ParseStatus.PORT_ONLY, parse(legacy.clientToServer(), request));
        assertEquals(new HandshakeRequest(14700, "", true), request[0]);
        assertEquals(14500, reply(legacy));
        assertFalse(audioOnly(P1.udpDatagrams(Captures.HUB_UDP_BASE, 14700)).isEmpty(), "and streams audio to it");
    }

    @Test
    void aSplitRequestIsPortOnlyAtFirstAndTheHubRepliesBeforeTheNameArrives() {
        TcpConnection split = SESSIONS.get(1);
        List<TcpSegment> up = split.dataSegmentsFrom(split.client());
        TcpSegment hubReply = split.dataSegmentsFrom(split.server()).get(0);
        HandshakeRequest[] request = new HandshakeRequest[1];

        assertEquals(ParseStatus.PORT_ONLY, parse(up.get(0).payload(), request), "what the hub saw first");
        assertEquals(14701, request[0].clientUdpPort());
        assertTrue(hubReply.frameNumber() < up.get(1).frameNumber(), "1.7.0 replied after the first 4 bytes");
        assertTrue(split.wasReset(), "and reset the connection when the name came");

        assertEquals(ParseStatus.COMPLETE, parse(split.clientToServer(), request), "the whole stream, as a tolerant hub sees it");
        assertEquals(new HandshakeRequest(14701, "splitname", false), request[0]);
    }

    @Test
    void theHubAnswersTheUdpSourcePortNotThePortReportedOverTcp() {
        TcpConnection nat = SESSIONS.get(2);

        assertEquals(new HandshakeRequest(14702, "natclient", false), CapturedPackets.request(nat.clientToServer()));
        assertTrue(P1.udpDatagrams(d -> d.sourcePort() == 14702 || d.destinationPort() == 14702).isEmpty());
        assertFalse(P1.udpDatagrams(Captures.HUB_UDP_BASE, 14703).isEmpty());
    }

    @Test
    void aHeaderWith255CarriesNoChannelsAndIsAcceptedFromAClientThatWantsSome() {
        TcpConnection sendOnly = SESSIONS.get(3);
        assertEquals(new HandshakeRequest(14704, "sendonly", false), CapturedPackets.request(sendOnly.clientToServer()));

        List<UdpDatagram> up = audioOnly(P1.udpDatagrams(14704, Captures.HUB_UDP_BASE));
        assertEquals(150, up.size());
        for (UdpDatagram datagram : up) {
            PacketHeader header = header(datagram);
            assertEquals(16, datagram.payload().length, "header only");
            assertEquals(2, header.channelsWanted());
            assertEquals(PacketHeader.CARRIED_NONE, header.channelsCarriedField());
            assertEquals(0, header.channelsCarried());
            assertEquals(16, PacketLayout.declaredPacketSize(header));
            // JackTrip's hub served this client (see the next test); so does Tutti.
            assertEquals(DatagramCheck.OK, CapturedPackets.check(VALIDATOR, datagram));
        }
    }

    @Test
    void theHubAnswersASendOnlyClientWithTwoChannelsAndWantsNone() {
        for (UdpDatagram datagram : audioOnly(P1.udpDatagrams(Captures.HUB_UDP_BASE, 14704))) {
            PacketHeader header = header(datagram);
            assertEquals(528, datagram.payload().length);
            assertEquals(0, header.channelsWanted());
            assertEquals(2, header.channelsCarriedField());
            assertEquals(2, header.channelsCarried());
            assertEquals(DatagramCheck.OK, CapturedPackets.check(VALIDATOR, datagram));
        }
    }

    @Test
    void aWorkerWithNoReceiveChannelsIgnoresTheClientsExitUntilTheHubShutsDown() {
        List<UdpDatagram> clientExits = exitsOnly(P1.udpDatagrams(14704, Captures.HUB_UDP_BASE));
        List<UdpDatagram> hubExits = exitsOnly(P1.udpDatagrams(Captures.HUB_UDP_BASE, 14704));
        assertEquals(2, clientExits.size());
        assertEquals(2, hubExits.size());

        // Spec §3.6: no receiver thread, so the exit goes unseen; audio keeps flowing ...
        assertTrue(P1.udpDatagrams(Captures.HUB_UDP_BASE, 14704).stream()
                .anyMatch(d -> d.frameNumber() > clientExits.get(1).frameNumber() && d.payload().length == 528));
        // ... and the hub's own exit packets only come at its shutdown, as the capture's last frames.
        assertEquals(P1.frames().size(), hubExits.get(1).frameNumber());
        assertTrue(hubExits.get(0).timestamp().getEpochSecond() - clientExits.get(1).timestamp().getEpochSecond() >= 4);
    }

    @Test
    void anAsymmetricProbeGetsTheNextSlotAndOneChannelBack() {
        TcpConnection asym = SESSIONS.get(4);
        assertEquals(14501, reply(asym), "slot 0 is still held by the send-only worker");

        for (UdpDatagram datagram : audioOnly(P1.udpDatagrams(14705, 14501))) {
            PacketHeader header = header(datagram);
            assertEquals(1, header.channelsWanted());
            assertEquals(3, header.channelsCarried());
            assertEquals(784, datagram.payload().length);
            assertEquals(DatagramCheck.OK, CapturedPackets.check(VALIDATOR, datagram));
        }
        for (UdpDatagram datagram : audioOnly(P1.udpDatagrams(14501, 14705))) {
            PacketHeader header = header(datagram);
            assertEquals(3, header.channelsWanted());
            assertEquals(1, header.channelsCarriedField());
            assertEquals(272, datagram.payload().length);
        }
    }

    private static ParseStatus parse(byte[] bytes, HandshakeRequest[] out) {
        return HandshakeRequest.parse(ByteBuffer.wrap(bytes), 0, bytes.length, out);
    }

    private static int reply(TcpConnection session) {
        return HandshakeReply.read(ByteBuffer.wrap(session.serverToClient()), 0);
    }
}
