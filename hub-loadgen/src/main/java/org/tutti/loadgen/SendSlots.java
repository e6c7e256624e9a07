package org.tutti.loadgen;

import io.netty.channel.uring.IoUringIoOps;
import java.nio.ByteBuffer;
import org.tutti.protocol.udp.ExitPacket;

/**
 * One client's send slots in the batch layer: pre-allocated native buffers a datagram is copied into
 * and sent from, each with its {@code SEND} built once (plain buffers, not registered with io_uring).
 * A slot stays taken until its send completes: the kernel reads it when it runs the send, at the loop's
 * next {@code io_uring_enter} or later.
 */
final class SendSlots {
    /** Send slots a client may have in flight (one per packet; normally one, a burst after a stall more). */
    static final int MAX = 64;
    private static final int INITIAL = 2;

    private final int fd;
    private final int datagramSize;
    private final int slotSize;
    private final ByteBuffer[] buffer = new ByteBuffer[MAX];
    private final long[] address = new long[MAX];
    private final IoUringIoOps[] ops = new IoUringIoOps[MAX];
    private final int[] length = new int[MAX];
    private int slots;
    /** Bit i set: slot i is free. */
    private long free;

    /** Slots for sending from socket {@code fd}; a datagram of {@code datagramSize} bytes uses the prebuilt send. */
    SendSlots(int fd, int datagramSize) {
        this.fd = fd;
        this.datagramSize = datagramSize;
        this.slotSize = (Math.max(datagramSize, ExitPacket.LENGTH) + 63) & ~63;
        grow();
    }

    /** Copies {@code datagram[0, length)} into a free slot and returns it, or -1 if all {@link #MAX} are in flight. */
    int fill(ByteBuffer datagram, int length) {
        if (free == 0 && !grow()) {
            return -1;
        }
        int slot = Long.numberOfTrailingZeros(free);
        free &= ~(1L << slot);
        buffer[slot].put(0, datagram, 0, length);
        this.length[slot] = length;
        return slot;
    }

    /** The send of a filled slot: the prebuilt one, or one built now for a datagram of another size (an exit, say). */
    IoUringIoOps send(int slot) {
        return length[slot] == datagramSize ? ops[slot] : build(slot, length[slot]);
    }

    /** How many bytes the slot was filled with. */
    int length(int slot) {
        return length[slot];
    }

    /** The slot's send completed (or was never submitted): it may be filled again. */
    void release(int slot) {
        free |= 1L << slot;
    }

    /** More slots (a burst after a stall): allocates, but only until the most a client ever had in flight. */
    private boolean grow() {
        if (slots == MAX) {
            return false;
        }
        int more = slots == 0 ? INITIAL : Math.min(slots, MAX - slots);
        ByteBuffer slab = ByteBuffer.allocateDirect(more * slotSize);
        long base = io.netty.channel.unix.Buffer.memoryAddress(slab);
        for (int i = 0; i < more; i++) {
            int slot = slots + i;
            buffer[slot] = slab.slice(i * slotSize, slotSize);
            address[slot] = base + (long) i * slotSize;
            ops[slot] = build(slot, datagramSize);
            free |= 1L << slot;
        }
        slots += more;
        return true;
    }

    private IoUringIoOps build(int slot, int length) {
        return UringOps.send(fd, address[slot], length, slot);
    }
}
