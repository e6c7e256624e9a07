package org.tutti.protocol.udp;

import java.nio.ByteBuffer;

/**
 * Redundancy (spec §3.4): a datagram holds R whole packets back to back, newest first. R is not
 * signalled; a receiver infers it from the datagram length and the size slot 0's header declares.
 * Slots not yet filled at start-up are all zero bytes.
 */
public final class Redundancy {
    private Redundancy() {
    }

    /** How many whole packets of {@code packetSize} the datagram holds, or 0 if it is not a multiple. */
    public static int slotCount(int datagramLength, int packetSize) {
        if (packetSize <= 0 || datagramLength < packetSize || datagramLength % packetSize != 0) {
            return 0;
        }
        return datagramLength / packetSize;
    }

    public static int slotOffset(int slot, int packetSize) {
        return slot * packetSize;
    }

    /**
     * JackTrip's receive rule ({@code UdpDataProtocol::receivePacketRedundancy}): if slot 0 follows
     * {@code lastSequence} directly, play slot 0 only; otherwise look in slots 1..R−1 for
     * {@code lastSequence + 1} and play from there down to slot 0. When no slot continues the
     * sequence (R or more packets lost), every slot is played, oldest first. One difference: slots
     * the sender has not filled yet (all zeros at start-up) are never played, even when their
     * sequence number 0 happens to follow 65535.
     *
     * @return the oldest slot to play (play it first, then each lower slot)
     */
    public static int oldestSlotToPlay(ByteBuffer buffer, int datagramOffset, int slots, int packetSize,
                                       int lastSequence, PacketHeader scratch) {
        int wanted = (lastSequence + 1) & 0xFFFF;
        int oldestFilled = 0;
        for (int slot = 0; slot < slots; slot++) {
            scratch.wrap(buffer, datagramOffset + slotOffset(slot, packetSize));
            if (isEmptySlot(scratch)) {
                continue;
            }
            if (scratch.sequenceNumber() == wanted) {
                return slot;
            }
            oldestFilled = slot;
        }
        return oldestFilled;
    }

    /** A slot the sender has not filled yet: header all zeros (no real packet has 0 frames). */
    public static boolean isEmptySlot(PacketHeader header) {
        return header.bufferSize() == 0 && header.bitResolution() == 0;
    }

    /**
     * Sender side: keeps the last R−1 packets and writes datagrams newest first, as a JackTrip
     * client with {@code -r R} does. Used by the load generator and tests; pre-sized, no allocation
     * per packet.
     */
    public static final class Window {
        private final int slots;
        private final int packetSize;
        private final byte[] history;
        private int newest = -1;
        private int filled;

        public Window(int slots, int packetSize) {
            if (slots < 1) {
                throw new IllegalArgumentException("redundancy must be at least 1: " + slots);
            }
            this.slots = slots;
            this.packetSize = packetSize;
            this.history = new byte[slots * packetSize];
        }

        public int datagramLength() {
            return slots * packetSize;
        }

        /**
         * Adds the packet at {@code packet[packetOffset ..]} and writes the datagram (that packet,
         * then the previous ones, then zeros) to {@code target} at {@code targetOffset}.
         *
         * @return the datagram length
         */
        public int push(ByteBuffer packet, int packetOffset, ByteBuffer target, int targetOffset) {
            newest = (newest + 1) % slots;
            for (int i = 0; i < packetSize; i++) {
                history[newest * packetSize + i] = packet.get(packetOffset + i);
            }
            filled = Math.min(slots, filled + 1);
            for (int slot = 0; slot < slots; slot++) {
                int at = targetOffset + slot * packetSize;
                if (slot < filled) {
                    int from = Math.floorMod(newest - slot, slots) * packetSize;
                    for (int i = 0; i < packetSize; i++) {
                        target.put(at + i, history[from + i]);
                    }
                } else {
                    for (int i = 0; i < packetSize; i++) {
                        target.put(at + i, (byte) 0);
                    }
                }
            }
            return datagramLength();
        }
    }
}
