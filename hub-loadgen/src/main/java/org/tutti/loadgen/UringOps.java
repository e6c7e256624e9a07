package org.tutti.loadgen;

import io.netty.channel.uring.IoUringIoOps;

/**
 * The io_uring submissions of the batch layer ({@link BatchedClientIo}), as Netty's {@link IoUringIoOps}.
 * Callers build a timeout, a receive or a full-size send once and submit it again and again, so that
 * nothing is allocated per packet; only a cancel (once per close) and a send of another length are
 * built when used.
 */
final class UringOps {
    // linux/io_uring.h, and errno numbers as on every Linux architecture Netty ships io_uring for.
    static final byte OP_TIMEOUT = 11;
    static final byte OP_ASYNC_CANCEL = 14;
    static final byte OP_SEND = 26;
    static final byte OP_RECV = 27;
    private static final int TIMEOUT_ABS = 1;
    private static final int MSG_TRUNC = 0x20;
    static final int ECANCELED = 125;

    private UringOps() {
    }

    /**
     * Fires at the absolute CLOCK_MONOTONIC deadline (System.nanoTime's clock) in the timespec at
     * {@code timespecAddress}, no completion count; {@code slot} comes back as the completion's data.
     */
    static IoUringIoOps absoluteTimeout(long timespecAddress, int slot) {
        return new IoUringIoOps(OP_TIMEOUT, (byte) 0, (short) 0, -1, 0L, timespecAddress, 1, TIMEOUT_ABS,
                (short) slot, (short) 0, (short) 0, 0, 0L);
    }

    /** One datagram into {@code [address, address + length)}; {@code MSG_TRUNC} reports a longer one's real length. */
    static IoUringIoOps receive(int fd, long address, int length) {
        return new IoUringIoOps(OP_RECV, (byte) 0, (short) 0, fd, 0L, address, length, MSG_TRUNC, (short) 0,
                (short) 0, (short) 0, 0, 0L);
    }

    /** Sends {@code [address, address + length)}; {@code slot} comes back as the completion's data. */
    static IoUringIoOps send(int fd, long address, int length, int slot) {
        return new IoUringIoOps(OP_SEND, (byte) 0, (short) 0, fd, 0L, address, length, 0, (short) slot,
                (short) 0, (short) 0, 0, 0L);
    }

    /** Cancels the operation submitted with user data {@code userData}: unless done already, it completes with -ECANCELED. */
    static IoUringIoOps cancel(long userData) {
        return new IoUringIoOps(OP_ASYNC_CANCEL, (byte) 0, (short) 0, -1, 0L, userData, 0, 0, (short) 0,
                (short) 0, (short) 0, 0, 0L);
    }
}
