package org.tutti.protocol.captures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tutti.protocol.captures.CapturedPackets.audioOnly;
import static org.tutti.protocol.captures.CapturedPackets.header;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.handshake.HandshakeReply;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.testing.Capture;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.Hex;
import org.tutti.protocol.testing.TcpConnection;
import org.tutti.protocol.testing.UdpDatagram;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;

/** c2_1ch24: a mono 24-bit client ({@code -n 1 -b 24 -K monoM}) against a 24-bit hub. */
class Mono24BitCaptureTest {
    private static final Capture C2 = Captures.open(Captures.C2_1CH24);

    @Test
    void handshakeCarriesTheNameMonoM() {
        TcpConnection handshake = C2.onlyTcpConnectionTo(Captures.HUB_TCP_PORT);

        assertEquals(new HandshakeRequest(14600, "monoM", false), CapturedPackets.request(handshake.clientToServer()));
        assertEquals(14500, HandshakeReply.read(ByteBuffer.wrap(handshake.serverToClient()), 0));
    }

    @Test
    void frame748MatchesTheAnnotatedDump() {
        AnnotatedPackets.C2_FRAME_748_MONO_24_BIT.check(WireViews.REAL, WireViews.REAL);
    }

    @Test
    void theCapturedHeaderIsTheSpecsDump() {
        assertEquals("03 37 a7 8b 00 61 06 00 fc 0b 80 00 03 18 01 00", Hex.of(C2.udp(748).payload(), 0, 16));
    }

    @Test
    void twentyFourBitSamplesUseJackTripsOddByteOrder() {
        byte[] packet = C2.udp(748).payload();
        for (int n = 0; n < 128; n++) {
            int k = 0x247 + n;
            int at = PacketLayout.sampleOffset(0, n, 128, 3);
            // int16 little-endian k, then the fraction 0.25 as 0x40: [bits 8-15, bits 16-23, bits 0-7] of k·2^8 + 0x40.
            assertArrayEquals(new byte[] {(byte) k, (byte) (k >> 8), 0x40}, new byte[] {packet[at], packet[at + 1], packet[at + 2]},
                    "sample " + n);
            // And Tutti's encoder writes exactly those bytes for the decoded value.
            ByteBuffer encoded = ByteBuffer.allocate(3);
            BitResolution.put24(encoded, 0, BitResolution.get24(ByteBuffer.wrap(packet), at));
            assertArrayEquals(new byte[] {packet[at], packet[at + 1], packet[at + 2]}, encoded.array(), "sample " + n);
        }
    }

    @Test
    void everyAudioDatagramIs400BytesInBothDirections() {
        List<UdpDatagram> audio = audioOnly(C2.udpDatagrams());
        assertTrue(audio.size() > 900);
        for (UdpDatagram datagram : audio) {
            PacketHeader header = header(datagram);
            assertEquals(400, datagram.payload().length, datagram.toString());
            assertEquals(24, header.bitResolution(), datagram.toString());
            assertEquals(1, header.channelsCarried(), datagram.toString());
            assertEquals(400, PacketLayout.declaredPacketSize(header));
        }
    }

    @Test
    void theRampContinuesFromSampleToSampleAndPacketToPacket() {
        int checked = 0;
        int previousSequence = -1;
        double previous = Double.NaN; // previous sample's int16 part, NaN across a gap or silence
        for (UdpDatagram datagram : audioOnly(C2.udpDatagrams(Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE))) {
            int sequence = header(datagram).sequenceNumber();
            if (sequence != ((previousSequence + 1) & 0xFFFF)) {
                previous = Double.NaN;
            }
            float[] samples = WireViews.REAL.decode(datagram.payloadBuffer(), 0, 128, 1, 24)[0];
            for (int n = 0; n < 128; n++) {
                double k = samples[n] == 0 ? Double.NaN : samples[n] * 32768.0 - 0.25;
                if (!Double.isNaN(k) && !Double.isNaN(previous)) {
                    assertEquals((previous + 1) % 1000, k, "frame " + datagram.frameNumber() + " sample " + n);
                    checked++;
                }
                previous = k;
            }
            previousSequence = sequence;
        }
        assertTrue(checked > 10_000, "samples checked: " + checked);
    }
}
