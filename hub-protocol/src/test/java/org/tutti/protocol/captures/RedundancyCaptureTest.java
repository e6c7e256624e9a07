package org.tutti.protocol.captures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tutti.protocol.captures.CapturedPackets.audioOnly;
import static org.tutti.protocol.captures.CapturedPackets.header;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.UdpDatagram;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.protocol.udp.DatagramValidator;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.Redundancy;

/**
 * Redundancy 2 (spec §3.4): c3_r2 (1.7.0 client {@code -r 2} against a 1.7.0 hub {@code -r 2}) and
 * x2_hub170_c272 (2.7.2 client {@code -r 2} against a 1.7.0 hub).
 */
class RedundancyCaptureTest {
    private static final int PACKET = 528;

    @Test
    void frame753HoldsTwoPacketsNewestFirst() {
        AnnotatedPackets.C3_FRAME_753_TWO_SLOTS_NEWEST_FIRST.check(WireViews.REAL, WireViews.REAL);
        UdpDatagram frame753 = Captures.open(Captures.C3_R2).udp(753);
        assertEquals(2, Redundancy.slotCount(1056, PacketLayout.declaredPacketSize(header(frame753))));
    }

    @ParameterizedTest
    @ValueSource(strings = {Captures.C3_R2, Captures.X2_HUB170_C272})
    void everyClientDatagramIsTwoWhole528BytePackets(String name) {
        List<UdpDatagram> client = audioOnly(Captures.open(name).udpDatagrams(Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE));
        assertTrue(client.size() > 400);
        for (UdpDatagram datagram : client) {
            assertEquals(1056, datagram.payload().length, datagram.toString());
            assertEquals(2, Redundancy.slotCount(1056, PacketLayout.declaredPacketSize(header(datagram))), datagram.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Captures.C3_R2, Captures.X2_HUB170_C272})
    void theHubIgnoresRedundancyAndSendsSinglePackets(String name) {
        for (UdpDatagram datagram : audioOnly(Captures.open(name).udpDatagrams(Captures.HUB_UDP_BASE, Captures.CLIENT_UDP_PORT))) {
            assertEquals(PACKET, datagram.payload().length, datagram.toString());
            assertEquals(1, Redundancy.slotCount(PACKET, PacketLayout.declaredPacketSize(header(datagram))));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Captures.C3_R2, Captures.X2_HUB170_C272})
    void atStartUpTheOlderSlotIsAllZeros(String name) {
        UdpDatagram first = Captures.open(name).udpDatagrams(Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE).get(0);
        ByteBuffer payload = first.payloadBuffer();
        PacketHeader slot0 = new PacketHeader().wrap(payload, 0);
        PacketHeader slot1 = new PacketHeader().wrap(payload, PACKET);

        assertEquals(0, slot0.sequenceNumber());
        assertFalse(Redundancy.isEmptySlot(slot0));
        assertTrue(Redundancy.isEmptySlot(slot1));
        assertArrayEquals(new byte[PACKET], Arrays.copyOfRange(first.payload(), PACKET, 2 * PACKET));
        assertEquals(DatagramCheck.OK, CapturedPackets.check(DatagramValidator.forHubRate(48000), first),
                "a datagram whose older slot is still empty is valid");
    }

    @Test
    void c3Frame11IsTheStartUpDatagramTheSpecDescribes() {
        assertEquals(Captures.open(Captures.C3_R2).udp(11),
                Captures.open(Captures.C3_R2).udpDatagrams(Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE).get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {Captures.C3_R2, Captures.X2_HUB170_C272})
    void theOlderSlotRepeatsThePreviousDatagramsNewestSlotByteForByte(String name) {
        List<UdpDatagram> client = audioOnly(Captures.open(name).udpDatagrams(Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE));
        int compared = 0;
        for (int i = 1; i < client.size(); i++) {
            byte[] previous = client.get(i - 1).payload();
            byte[] current = client.get(i).payload();
            if (header(client.get(i)).sequenceNumber() == ((header(client.get(i - 1)).sequenceNumber() + 1) & 0xFFFF)) {
                assertArrayEquals(Arrays.copyOf(previous, PACKET), Arrays.copyOfRange(current, PACKET, 2 * PACKET),
                        "frame " + client.get(i).frameNumber());
                compared++;
            }
        }
        assertTrue(compared > 400, "pairs compared: " + compared);
    }

    @ParameterizedTest
    @ValueSource(strings = {Captures.C3_R2, Captures.X2_HUB170_C272})
    void aSenderWindowReproducesTheRealClientsDatagrams(String name) {
        List<UdpDatagram> client = audioOnly(Captures.open(name).udpDatagrams(Captures.CLIENT_UDP_PORT, Captures.HUB_UDP_BASE));
        Redundancy.Window window = new Redundancy.Window(2, PACKET);
        ByteBuffer out = ByteBuffer.allocate(window.datagramLength());
        int reproduced = 0;
        for (int i = 0; i < client.size(); i++) {
            if (i > 0 && header(client.get(i)).sequenceNumber() != header(client.get(i - 1)).sequenceNumber() + 1) {
                break; // the stored capture is trimmed here; the window would need the missing packets
            }
            assertEquals(1056, window.push(client.get(i).payloadBuffer(), 0, out, 0));
            assertArrayEquals(client.get(i).payload(), out.array(), "frame " + client.get(i).frameNumber());
            reproduced++;
        }
        assertTrue(reproduced > 300, "datagrams reproduced: " + reproduced);
    }

    @Test
    void aReceiverPlaysTheOlderSlotFirstOnlyWhenThePreviousPacketWasLost() {
        ByteBuffer frame753 = Captures.open(Captures.C3_R2).udp(753).payloadBuffer();
        PacketHeader scratch = new PacketHeader();

        assertEquals(0, Redundancy.oldestSlotToPlay(frame753, 0, 2, PACKET, 3075, scratch), "3075 was received: play 3076 only");
        assertEquals(1, Redundancy.oldestSlotToPlay(frame753, 0, 2, PACKET, 3074, scratch), "3075 was lost: play 3075, then 3076");
    }
}
