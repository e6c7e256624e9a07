package org.tutti.protocol.captures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.handshake.AuthCode;
import org.tutti.protocol.handshake.HandshakeReply;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.handshake.ParseStatus;
import org.tutti.protocol.testing.Capture;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.Hex;
import org.tutti.protocol.testing.TcpConnection;
import org.tutti.protocol.testing.TcpSegment;
import org.tutti.protocol.testing.UdpDatagram;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.protocol.udp.DatagramValidator;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.protocol.udp.PacketHeader;

/**
 * c1_2ch16: the baseline session the spec annotates (§2.4, §3.10). JackTrip 1.7.0 client
 * {@code -n 2 -b 16 -K remA -B 14600} against a 1.7.0 hub in client-loopback mode ({@code -p 1}).
 */
class BaselineStereo16BitCaptureTest {
    private static final Capture C1 = Captures.open(Captures.C1_2CH16);
    private static final int CLIENT = Captures.CLIENT_UDP_PORT;
    private static final int HUB = Captures.HUB_UDP_BASE;

    @Test
    void handshakeRequestIs68BytesWithPort14600AndNameRemA() {
        TcpSegment frame4 = C1.tcp(4);
        assertEquals(Captures.HUB_TCP_PORT, frame4.destinationPort());
        assertEquals(68, frame4.payload().length);

        HandshakeRequest[] request = new HandshakeRequest[1];
        ParseStatus status = HandshakeRequest.parse(frame4.payloadBuffer(), 0, 68, request);

        assertEquals(ParseStatus.COMPLETE, status);
        assertEquals(new HandshakeRequest(14600, "remA", false), request[0]);
    }

    @Test
    void theWholeClientStreamIsTheOneSegment() {
        TcpConnection handshake = C1.onlyTcpConnectionTo(Captures.HUB_TCP_PORT);

        assertArrayEquals(C1.tcp(4).payload(), handshake.clientToServer());
        assertArrayEquals(C1.tcp(6).payload(), handshake.serverToClient());
    }

    @Test
    void hubRepliesWithItsUdpPort14500ThenClosesFirst() {
        TcpSegment frame6 = C1.tcp(6);
        int reply = HandshakeReply.read(frame6.payloadBuffer(), 0);

        assertEquals(HandshakeReply.LENGTH, frame6.payload().length);
        assertEquals(14500, reply);
        assertTrue(HandshakeReply.isPort(reply));
        assertNull(AuthCode.fromWire(reply));
        assertTrue(C1.tcp(8).isFin() && C1.tcp(8).sourcePort() == Captures.HUB_TCP_PORT, "the hub's FIN comes first");
        assertTrue(C1.tcp(9).isFin() && C1.tcp(9).destinationPort() == Captures.HUB_TCP_PORT);
    }

    @Test
    void theCapturedBytesAreTheSpecsDump() {
        byte[] frame750 = C1.udp(750).payload();
        assertEquals("7e 8e 43 88 00 61 06 00 10 0c 80 00 03 10 02 00", Hex.of(frame750, 0x00, 0x10));
        assertEquals("47 03 48 03 49 03 4a 03 4b 03 4c 03 4d 03 4e 03", Hex.of(frame750, 0x10, 0x20));
        assertEquals("bf 03 c0 03 c1 03 c2 03 c3 03 c4 03 c5 03 c6 03", Hex.of(frame750, 0x100, 0x110));
        assertEquals("00 c0 00 c0 00 c0 00 c0 00 c0 00 c0 00 c0 00 c0", Hex.of(frame750, 0x110, 0x120));
        assertEquals("00 c0 00 c0 00 c0 00 c0 00 c0 00 c0 00 c0 00 c0", Hex.of(frame750, 0x200, 0x210));
        assertEquals("08 39 00 00 72 65 6d 41 00", Hex.of(C1.tcp(4).payload(), 0, 9));
        assertEquals("a4 38 00 00", Hex.of(C1.tcp(6).payload()));
    }

    @Test
    void clientPacketDecodesToTheAnnotatedValues() {
        AnnotatedPackets.C1_FRAME_750_CLIENT_TO_HUB.check(WireViews.REAL, WireViews.REAL);
    }

    @Test
    void hubPacketEchoesTheClientsRamp() {
        AnnotatedPackets.C1_FRAME_749_HUB_TO_CLIENT.check(WireViews.REAL, WireViews.REAL);
    }

    @Test
    void headerTimestampIsTheSendersWallClockJustBeforeCaptureTime() {
        UdpDatagram frame750 = C1.udp(750);
        long header = new PacketHeader().wrap(frame750.payloadBuffer(), 0).timestamp();
        long lag = frame750.epochMicros() - header;

        assertTrue(lag >= 0 && lag < 1000, "header " + header + " µs, captured " + frame750.epochMicros() + " µs");
    }

    @Test
    void everyAudioDatagramIs528BytesInBothDirections() {
        for (UdpDatagram datagram : C1.udpDatagrams()) {
            if (!ExitPacket.isControlLength(datagram.payload().length)) {
                assertEquals(528, datagram.payload().length, datagram.toString());
            }
        }
        assertTrue(C1.udpDatagrams(CLIENT, HUB).size() > 400);
        assertTrue(C1.udpDatagrams(HUB, CLIENT).size() > 400);
    }

    @Test
    void exitPacketIsExactly63BytesOfFFSentTwiceEachWayAsTheLastDatagrams() {
        DatagramValidator validator = DatagramValidator.forHubRate(48000);
        PacketHeader header = new PacketHeader();
        for (int[] direction : new int[][] {{CLIENT, HUB}, {HUB, CLIENT}}) {
            List<UdpDatagram> all = C1.udpDatagrams(direction[0], direction[1]);
            List<UdpDatagram> exits = all.stream().filter(d -> d.payload().length == 63).toList();

            assertTrue(exits.size() >= ExitPacket.REPEAT, "exit packets from " + direction[0]);
            for (UdpDatagram exit : exits) {
                assertArrayEquals(ExitPacket.bytes(), exit.payload());
                assertTrue(ExitPacket.isExit(exit.payloadBuffer(), 0, 63));
                assertEquals(DatagramCheck.EXIT, validator.check(exit.payloadBuffer(), 0, 63, header));
            }
            assertEquals(exits, all.subList(all.size() - exits.size(), all.size()), "nothing follows the exit packets");
        }
        // The client stopped (SIGINT) and the hub answered.
        assertTrue(C1.udpDatagrams(CLIENT, HUB).get(C1.udpDatagrams(CLIENT, HUB).size() - 1).frameNumber()
                < C1.udpDatagrams(HUB, CLIENT).get(C1.udpDatagrams(HUB, CLIENT).size() - 1).frameNumber());
    }

    @Test
    void clientSendsEightPacketsBeforeTheHubsFirstWhichHasSequenceZero() {
        List<UdpDatagram> first = C1.udpDatagrams().subList(0, 9);
        PacketHeader header = new PacketHeader();
        for (int i = 0; i < 8; i++) {
            assertEquals(CLIENT, first.get(i).sourcePort());
            assertEquals(i, header.wrap(first.get(i).payloadBuffer(), 0).sequenceNumber());
        }
        assertEquals(HUB, first.get(8).sourcePort());
        assertEquals(0, header.wrap(first.get(8).payloadBuffer(), 0).sequenceNumber());
    }

    @Test
    void rampContinuesAcrossConsecutiveClientPackets() {
        SampleView samples = WireViews.REAL;
        PacketHeader header = new PacketHeader();
        int checked = 0;
        UdpDatagram previous = null;
        for (UdpDatagram datagram : C1.udpDatagrams(d -> d.sourcePort() == CLIENT && d.payload().length == 528)) {
            if (previous != null && sequence(header, datagram) == ((sequence(header, previous) + 1) & 0xFFFF)) {
                float last = samples.decode(previous.payloadBuffer(), 0, 128, 2, 16)[0][127] * 32768f;
                float[][] next = samples.decode(datagram.payloadBuffer(), 0, 128, 2, 16);
                if (next[1][0] == -0.5f && last != 0) { // the signal is playing in both packets
                    assertEquals((last + 1) % 1000, next[0][0] * 32768f, "frame " + datagram.frameNumber());
                    checked++;
                }
            }
            previous = datagram;
        }
        // The signal plays only in the capture's second window (frames 749..972, about 110 packets).
        assertTrue(checked > 100, "consecutive packet pairs checked: " + checked);
    }

    @Test
    void bothSidesCountSequenceNumbersUpByOne() {
        PacketHeader header = new PacketHeader();
        for (int port : new int[] {CLIENT, HUB}) {
            List<UdpDatagram> audio = C1.udpDatagrams(d -> d.sourcePort() == port && d.payload().length == 528);
            int steps = 0;
            int jumps = 0;
            for (int i = 1; i < audio.size(); i++) {
                int delta = (sequence(header, audio.get(i)) - sequence(header, audio.get(i - 1))) & 0xFFFF;
                if (delta == 1) {
                    steps++;
                } else {
                    // Forward in 16-bit arithmetic: a gap where the stored capture was trimmed (spec §5).
                    assertTrue(delta > 1 && delta < 0x8000, "sequence went back at frame " + audio.get(i).frameNumber());
                    jumps++;
                }
            }
            assertTrue(steps > 400 && jumps <= 2, port + ": " + steps + " steps, " + jumps + " jumps");
        }
    }

    @Test
    void theClientNeverSendsDatagramsTheValidatorRejects() {
        DatagramValidator validator = DatagramValidator.forHubRate(48000);
        PacketHeader header = new PacketHeader();
        for (UdpDatagram datagram : C1.udpDatagrams()) {
            DatagramCheck check = validator.check(datagram.payloadBuffer(), 0, datagram.payload().length, header);
            assertTrue(check == DatagramCheck.OK || check == DatagramCheck.EXIT, datagram + ": " + check);
            assertFalse(check.malformed());
        }
    }

    private static int sequence(PacketHeader header, UdpDatagram datagram) {
        ByteBuffer payload = datagram.payloadBuffer();
        return header.wrap(payload, 0).sequenceNumber();
    }
}
