package org.tutti.server.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.Redundancy;
import org.tutti.protocol.udp.SampleRate;
import org.tutti.server.engine.EmbeddedClockServer;
import org.tutti.server.engine.StreamFormat;

/** The datagrams the hub sends a client: one packet, or the newest and the ones before it (spec §3.4). */
class PacketSenderTest {
    private static final int FRAMES = 32;
    private static final StreamFormat FORMAT = new StreamFormat(BitResolution.BIT16, SampleRate.SR48.code(), FRAMES, 2, 2);
    private static final int PACKET = FORMAT.packetSize();
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 4464);

    /** A mix whose samples say which packet they are in. */
    private static float[][] mix(int packet) {
        float[][] mix = new float[2][FRAMES];
        for (float[] channel : mix) {
            Arrays.fill(channel, ((packet % 200) - 100) / 128f);
        }
        return mix;
    }

    /** Stages one packet and takes the datagram, as the network thread would send it. */
    private static byte[] send(PacketSender sender, int packet) {
        sender.stage(mix(packet), 1_000_000L * packet);
        DatagramPacket envelope = sender.take();
        assertEquals(CLIENT, envelope.recipient(), "addressed to the client");
        ByteBuf datagram = envelope.content();
        byte[] bytes = new byte[datagram.readableBytes()];
        datagram.getBytes(datagram.readerIndex(), bytes);
        datagram.release();
        assertNull(sender.take());
        return bytes;
    }

    private static int sequence(byte[] datagram, int slot) {
        return new PacketHeader().wrap(ByteBuffer.wrap(datagram), slot * PACKET).sequenceNumber();
    }

    private static byte[] slot(byte[] datagram, int slot) {
        return Arrays.copyOfRange(datagram, slot * PACKET, (slot + 1) * PACKET);
    }

    @Test
    void oneByDefaultAsJackTripsHub() {
        PacketSender sender = new PacketSender(FORMAT, FRAMES, 1, 1, null, CLIENT);
        sender.clientSends(2);
        for (int i = 0; i < 3; i++) {
            byte[] datagram = send(sender, i);
            assertEquals(PACKET, datagram.length);
            assertEquals(i, sequence(datagram, 0));
        }
        assertEquals(1, sender.redundancy());
    }

    @Test
    void autoSendsWhatTheClientSendsNewestFirstWithEmptySlotsAtTheStart() {
        PacketSender single = new PacketSender(FORMAT, FRAMES, 1, 1, null, CLIENT);
        PacketSender sender = new PacketSender(FORMAT, FRAMES, 0, 1, null, CLIENT);
        sender.clientSends(3);
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            packets.add(send(single, i));
            byte[] datagram = send(sender, i);
            assertEquals(3 * PACKET, datagram.length);
            assertEquals(3, sender.redundancy());
            for (int slot = 0; slot < 3; slot++) {
                if (i - slot >= 0) {
                    assertArrayEquals(packets.get(i - slot), slot(datagram, slot), "datagram " + i + ", slot " + slot);
                } else {
                    assertArrayEquals(new byte[PACKET], slot(datagram, slot), "not sent yet: all zeros");
                    assertTrue(Redundancy.isEmptySlot(new PacketHeader().wrap(ByteBuffer.wrap(datagram), slot * PACKET)));
                }
            }
        }
    }

    @Test
    void autoSendsTheRedundancyOfTheClientsFirstDatagramFromItsVeryFirstPacket() {
        // A JackTrip client reads every datagram with the length of the first: that one must be full length.
        PacketSender sender = new PacketSender(FORMAT, FRAMES, 0, 2, null, CLIENT);
        byte[] first = send(sender, 0);
        assertEquals(2 * PACKET, first.length);
        assertArrayEquals(new byte[PACKET], slot(first, 1), "nothing older yet: an empty slot");
        assertEquals(2, sender.redundancy());
    }

    @Test
    void sequenceNumbersWrapInEverySlot() {
        PacketSender sender = new PacketSender(FORMAT, FRAMES, 3, 1, null, CLIENT);
        byte[] datagram = null;
        for (int i = 0; i <= 65_537; i++) {
            datagram = send(sender, i);
            if (i == 65_536) {
                assertEquals(0, sequence(datagram, 0));
                assertEquals(65_535, sequence(datagram, 1));
                assertEquals(65_534, sequence(datagram, 2));
            }
        }
        assertEquals(1, sequence(datagram, 0));
        assertEquals(0, sequence(datagram, 1));
        assertEquals(65_535, sequence(datagram, 2));
    }

    @Test
    void whenTheClientChangesItsRedundancyTheNextDatagramFollowsWithNoStaleSlot() {
        PacketSender sender = new PacketSender(FORMAT, FRAMES, 0, 1, null, CLIENT);
        sender.clientSends(2);
        for (int i = 0; i < 10; i++) {
            send(sender, i);
        }
        sender.clientSends(4);
        byte[] datagram = send(sender, 10);
        assertEquals(4 * PACKET, datagram.length);
        for (int slot = 0; slot < 4; slot++) {
            assertEquals(10 - slot, sequence(datagram, slot), "slot " + slot + " is the packet before the one above it");
        }
        sender.clientSends(1);
        assertEquals(PACKET, send(sender, 11).length);
        sender.clientSends(9); // more than a hub sends: capped
        assertEquals(PacketSender.MAX_REDUNDANCY * PACKET, send(sender, 12).length);
    }

    @Test
    void aFixedRedundancyIgnoresTheClients() {
        PacketSender sender = new PacketSender(FORMAT, FRAMES, 2, 1, null, CLIENT);
        sender.clientSends(1);
        assertEquals(2 * PACKET, send(sender, 0).length);
    }

    /**
     * The engine, back from a stall, stages the periods it missed back to back while the network thread
     * takes nothing: the ring holds the longest catch-up, so every period goes out, in order.
     */
    @Test
    void theLongestCatchUpIsSentWhole() {
        PacketSender sender = new PacketSender(FORMAT, FRAMES, 2, 1, null, CLIENT);
        int catchUp = (int) Math.ceil(EmbeddedClockServer.MAX_CATCH_UP_SECONDS * 48000 / FRAMES);
        for (int i = 0; i < catchUp; i++) {
            sender.stage(mix(i), i);
        }
        assertEquals(0, sender.skipped(), "nothing dropped from a burst of " + catchUp + " periods");
        assertEquals(catchUp, takeAll(sender).size());
    }

    @Test
    void aNetworkThreadAWholeRingLateLeavesNoGapInTheSlots() {
        PacketSender sender = new PacketSender(FORMAT, FRAMES, 2, 1, null, CLIENT);
        int ring = PacketSender.ringLength(48000, FRAMES);
        for (int i = 0; i < ring + 2; i++) {
            sender.stage(mix(i), i); // the network thread takes nothing: the ring fills, then periods are skipped
        }
        assertEquals(2, sender.skipped());
        List<Integer> seen = takeAll(sender);
        assertEquals(ring, seen.size());
        for (int i = 0; i < ring; i++) {
            assertEquals(i, seen.get(i));
        }
        byte[] next = send(sender, ring + 2);
        assertEquals(ring, sequence(next, 0), "no sequence number spent on a skipped period");
        assertEquals(ring - 1, sequence(next, 1));
    }

    /** What the network thread takes now: each datagram's newest sequence number, its older slot checked. */
    private static List<Integer> takeAll(PacketSender sender) {
        List<Integer> seen = new ArrayList<>();
        for (DatagramPacket envelope; (envelope = sender.take()) != null; ) {
            ByteBuf datagram = envelope.content();
            byte[] bytes = new byte[datagram.readableBytes()];
            datagram.getBytes(0, bytes);
            datagram.release();
            seen.add(sequence(bytes, 0));
            if (sequence(bytes, 0) > 0) {
                assertEquals(sequence(bytes, 0) - 1, sequence(bytes, 1));
            }
        }
        return seen;
    }

    @Test
    void aJackTripClientReadingWithItsOwnRedundancyRecoversEveryLostDatagram() {
        PacketSender sender = new PacketSender(FORMAT, FRAMES, 0, 1, null, CLIENT);
        sender.clientSends(2);
        PacketHeader scratch = new PacketHeader();
        int last = -1;
        int played = 0;
        for (int i = 0; i < 1000; i++) {
            byte[] datagram = send(sender, i);
            if (i % 7 == 3) {
                continue; // lost on the way (never two in a row)
            }
            ByteBuffer buffer = ByteBuffer.wrap(datagram);
            int oldest = last < 0 ? 0 : Redundancy.oldestSlotToPlay(buffer, 0, 2, PACKET, last, scratch);
            for (int slot = oldest; slot >= 0; slot--) {
                int sequence = sequence(datagram, slot);
                assertEquals((last + 1) & 0xFFFF, sequence, "played in order, none missing");
                last = sequence;
                played++;
            }
        }
        assertEquals(1000, played);
    }

    @Test
    void closingFreesWhatTheRingOwnsAndLeavesADatagramInFlightToItsWriter() {
        PacketSender sender = new PacketSender(FORMAT, FRAMES, 1, 1, null, CLIENT);
        sender.stage(mix(0), 0);
        sender.stage(mix(1), 1);
        sender.stage(mix(2), 2);
        DatagramPacket inFlight = sender.take(); // handed to Netty, not yet written
        sender.close();
        assertEquals(1, inFlight.content().refCnt(), "still the writer's");
        inFlight.release(); // Netty, after the write
        assertEquals(0, inFlight.content().refCnt(), "freed by its last owner");
        assertNull(sender.take(), "the untaken ones were dropped with the ring");
    }
}
