package org.tutti.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.testing.Captures;

class PacketLayoutTest {

    @Test
    void packetSizesAreTheSpecsExamples() {
        assertEquals(528, PacketLayout.packetSize(128, 2, 2), "2 ch, 16 bit, 128 frames");
        assertEquals(400, PacketLayout.packetSize(128, 1, 3), "1 ch, 24 bit, 128 frames");
        assertEquals(272, PacketLayout.packetSize(64, 2, 2), "2 ch, 16 bit, 64 frames");
        assertEquals(272, PacketLayout.packetSize(128, 1, 2), "1 ch, 16 bit, 128 frames");
        assertEquals(16, PacketLayout.packetSize(128, 0, 2), "header only (p1 sendonly)");
        assertEquals(784, PacketLayout.payloadSize(128, 2, 3) + 16, "p2's 24-bit probe");
    }

    @Test
    void samplesAreChannelMajor() {
        // c1: channel 1 at 0x10..0x10f, channel 2 from 0x110.
        assertEquals(0x10, PacketLayout.channelOffset(0, 128, 2));
        assertEquals(0x110, PacketLayout.channelOffset(1, 128, 2));
        assertEquals(0x10E, PacketLayout.sampleOffset(0, 127, 128, 2));
        assertEquals(0x20E, PacketLayout.sampleOffset(1, 127, 128, 2));
        assertEquals(16 + (3 * 100 + 7) * 3, PacketLayout.sampleOffset(3, 7, 100, 3));
    }

    @Test
    void declaredSizeComesFromTheHeader() {
        PacketHeader header = new PacketHeader().wrap(Captures.open(Captures.C1_2CH16).udp(750).payloadBuffer(), 0);
        assertEquals(528, PacketLayout.declaredPacketSize(header));

        PacketHeader made = new PacketHeader().wrap(ByteBuffer.allocate(16), 0).bufferSize(64).channelsWanted(1)
                .channelsCarried(3).bitResolution(32);
        assertEquals(16 + 64 * 3 * 4, PacketLayout.declaredPacketSize(made));
        assertEquals(-1, PacketLayout.declaredPacketSize(made.bitResolution(12)), "unknown resolution");
    }

    @Test
    void theLargestDatagramIsTheIpv4UdpLimit() {
        assertEquals(65535 - 20 - 8, PacketLayout.MAX_DATAGRAM);
    }
}
