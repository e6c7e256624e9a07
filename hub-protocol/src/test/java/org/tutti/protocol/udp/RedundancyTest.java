package org.tutti.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Redundancy (spec §3.4): R whole packets per datagram, newest first, zeros until filled. */
class RedundancyTest {
    private static final int PACKET = PacketLayout.packetSize(4, 1, 2); // 24 bytes: small, easy to read

    @Test
    void slotCountIsTheNumberOfWholePackets() {
        assertEquals(2, Redundancy.slotCount(1056, 528));
        assertEquals(1, Redundancy.slotCount(528, 528));
        assertEquals(4, Redundancy.slotCount(4 * 272, 272));
        assertEquals(0, Redundancy.slotCount(1000, 528), "not a multiple");
        assertEquals(0, Redundancy.slotCount(527, 528), "shorter than one packet");
        assertEquals(0, Redundancy.slotCount(0, 528));
        assertEquals(0, Redundancy.slotCount(-528, 528));
        assertEquals(0, Redundancy.slotCount(528, 0));
        assertEquals(0, Redundancy.slotCount(528, -1));
        assertEquals(528, Redundancy.slotOffset(1, 528));
    }

    @Test
    void aWindowWritesNewestFirstWithZeroSlotsAtStartUp() {
        Redundancy.Window window = new Redundancy.Window(3, PACKET);
        ByteBuffer datagram = ByteBuffer.allocate(window.datagramLength() + 10);
        assertEquals(3 * PACKET, window.datagramLength());

        assertEquals(3 * PACKET, window.push(packet(0), 0, datagram, 10));
        assertSlots(datagram, 10, 0, -1, -1);
        window.push(packet(1), 0, datagram, 10);
        assertSlots(datagram, 10, 1, 0, -1);
        window.push(packet(2), 0, datagram, 10);
        assertSlots(datagram, 10, 2, 1, 0);
        window.push(packet(3), 0, datagram, 10);
        assertSlots(datagram, 10, 3, 2, 1);
        for (int seq = 4; seq < 70_000; seq++) {
            window.push(packet(seq & 0xFFFF), 0, datagram, 10);
        }
        assertSlots(datagram, 10, 69_999 & 0xFFFF, 69_998 & 0xFFFF, 69_997 & 0xFFFF);
    }

    @Test
    void aWindowOfOneIsThePacketItself() {
        Redundancy.Window window = new Redundancy.Window(1, PACKET);
        ByteBuffer datagram = ByteBuffer.allocate(PACKET);
        ByteBuffer packet = packet(42);

        window.push(packet, 0, datagram, 0);

        assertArrayEquals(packet.array(), datagram.array());
    }

    @Test
    void aWindowReadsThePacketAtItsOffset() {
        ByteBuffer source = ByteBuffer.allocate(PACKET + 7);
        source.put(7, packet(9).array());
        Redundancy.Window window = new Redundancy.Window(2, PACKET);
        ByteBuffer datagram = ByteBuffer.allocate(2 * PACKET);

        window.push(source, 7, datagram, 0);

        assertArrayEquals(packet(9).array(), Arrays.copyOf(datagram.array(), PACKET));
    }

    @Test
    void redundancyBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Redundancy.Window(0, PACKET));
    }

    @Test
    void anEmptySlotIsOneWhoseHeaderIsZero() {
        PacketHeader header = new PacketHeader().wrap(ByteBuffer.allocate(16), 0);
        assertTrue(Redundancy.isEmptySlot(header));
        assertFalse(Redundancy.isEmptySlot(new PacketHeader().wrap(packet(0), 0)), "sequence 0 is a real packet");
    }

    @Test
    void theReceiverPlaysSlotZeroWhenItFollowsTheLastPacket() {
        ByteBuffer datagram = datagram(12, 11, 10);
        assertEquals(0, Redundancy.oldestSlotToPlay(datagram, 0, 3, PACKET, 11, new PacketHeader()));
    }

    @Test
    void theReceiverRevivesLostPacketsFromOlderSlotsOldestFirst() {
        ByteBuffer datagram = datagram(12, 11, 10);
        PacketHeader scratch = new PacketHeader();

        assertEquals(1, Redundancy.oldestSlotToPlay(datagram, 0, 3, PACKET, 10, scratch), "11 lost: play 11, 12");
        assertEquals(2, Redundancy.oldestSlotToPlay(datagram, 0, 3, PACKET, 9, scratch), "10, 11 lost: play 10, 11, 12");
    }

    @Test
    void whenNoSlotContinuesTheSequenceEverySlotIsPlayedOldestFirstAsJackTripDoes() {
        // last = 10, datagram [13][12]: 11 is gone for good, but 12 arrived and must not be thrown away.
        assertEquals(1, Redundancy.oldestSlotToPlay(datagram(13, 12), 0, 2, PACKET, 10, new PacketHeader()));
        assertEquals(0, Redundancy.oldestSlotToPlay(datagram(13, -1), 0, 2, PACKET, 10, new PacketHeader()),
                "but never an unfilled slot");
    }

    @Test
    void revivalWorksAcrossTheSequenceWrap() {
        ByteBuffer datagram = datagram(1, 0, 65535);
        PacketHeader scratch = new PacketHeader();

        assertEquals(2, Redundancy.oldestSlotToPlay(datagram, 0, 3, PACKET, 65534, scratch));
        assertEquals(1, Redundancy.oldestSlotToPlay(datagram, 0, 3, PACKET, 65535, scratch));
    }

    @Test
    void anUnfilledSlotIsNeverPlayedEvenIfItsZeroSequenceMatches() {
        // After 65535 the next sequence is 0, which is also what an all-zero start-up slot reads as.
        ByteBuffer datagram = datagram(1, -1, -1);
        assertEquals(0, Redundancy.oldestSlotToPlay(datagram, 0, 3, PACKET, 65535, new PacketHeader()));
    }

    @Test
    void slotsAreFoundRelativeToTheDatagramOffset() {
        ByteBuffer inner = datagram(12, 11);
        ByteBuffer outer = ByteBuffer.allocate(5 + 2 * PACKET);
        outer.put(5, inner.array());

        assertEquals(1, Redundancy.oldestSlotToPlay(outer, 5, 2, PACKET, 10, new PacketHeader()));
    }

    /** A small packet with sequence {@code seq}, or all zeros for {@code seq < 0}. */
    private static ByteBuffer packet(int seq) {
        ByteBuffer packet = ByteBuffer.allocate(PACKET);
        if (seq >= 0) {
            new PacketHeader().wrap(packet, 0).timestamp(1000L + seq).sequenceNumber(seq).bufferSize(4)
                    .samplingRateCode(3).bitResolution(16).channelsWanted(1).channelsCarried(1);
            for (int i = PacketHeader.LENGTH; i < PACKET; i++) {
                packet.put(i, (byte) (seq + i));
            }
        }
        return packet;
    }

    private static ByteBuffer datagram(int... sequences) {
        ByteBuffer datagram = ByteBuffer.allocate(sequences.length * PACKET);
        for (int slot = 0; slot < sequences.length; slot++) {
            datagram.put(slot * PACKET, packet(sequences[slot]).array());
        }
        return datagram;
    }

    private static void assertSlots(ByteBuffer datagram, int offset, int... sequences) {
        for (int slot = 0; slot < sequences.length; slot++) {
            byte[] actual = Arrays.copyOfRange(datagram.array(), offset + slot * PACKET, offset + (slot + 1) * PACKET);
            assertArrayEquals(packet(sequences[slot]).array(), actual, "slot " + slot);
        }
    }
}
