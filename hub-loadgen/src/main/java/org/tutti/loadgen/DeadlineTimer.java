package org.tutti.loadgen;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The send timer of one batch loop ({@link BatchedLoop}): an absolute io_uring timeout at the earliest
 * client deadline, instead of a Netty scheduled task (which would allocate one per arming). Used on
 * that loop only.
 */
final class DeadlineTimer implements IoUringIoHandle {
    /**
     * Deadlines (timespecs) in native memory: the kernel reads one when it takes the timeout's entry,
     * at the loop's next {@code io_uring_enter}, so a slot must not be rewritten before then. A pass
     * arms one timer, and a client start at most one more; this is far more than an iteration uses.
     */
    private static final int SLOTS = 64;

    private final ByteBuffer timespecs = ByteBuffer.allocateDirect(16 * SLOTS).order(ByteOrder.nativeOrder());
    private final IoUringIoOps[] ops = new IoUringIoOps[SLOTS];
    private final Runnable onDeadline;
    private IoRegistration registration;
    /** The slot of the timeout that counts; any other one that fires was replaced by an earlier deadline. */
    private int slot;
    private boolean armed;
    private long at;

    /** {@code onDeadline} runs on the loop when the armed deadline is reached. */
    DeadlineTimer(Runnable onDeadline) {
        this.onDeadline = onDeadline;
        long base = io.netty.channel.unix.Buffer.memoryAddress(timespecs);
        for (int i = 0; i < SLOTS; i++) {
            ops[i] = UringOps.absoluteTimeout(base + 16L * i, i);
        }
    }

    /** Its registration with the loop, once (the loop registers it). */
    void registered(IoRegistration registration) {
        this.registration = registration;
    }

    boolean armed() {
        return armed;
    }

    /** The armed deadline (System.nanoTime), when {@link #armed()}. */
    long at() {
        return at;
    }

    /** Arms the timer for {@code deadline} unless it is armed for that or earlier already. */
    void scheduleBy(long deadline) {
        if (armed && deadline - at >= 0) {
            return;
        }
        int next = (slot + 1) & (SLOTS - 1);
        timespecs.putLong(16 * next, Math.max(0, deadline) / 1_000_000_000L);
        timespecs.putLong(16 * next + 8, Math.max(0, deadline) % 1_000_000_000L);
        if (registration.submit(ops[next]) != 0) {
            // An earlier timer still armed fires later as a stale slot and is ignored.
            slot = next;
            at = deadline;
            armed = true;
        }
    }

    /** Timer completions. */
    @Override
    public void handle(IoRegistration registration, IoEvent ioEvent) {
        IoUringIoEvent event = (IoUringIoEvent) ioEvent;
        if (event.opcode() != UringOps.OP_TIMEOUT || event.data() != slot || !armed) {
            return; // a timer that an earlier deadline replaced
        }
        armed = false;
        onDeadline.run();
    }

    @Override
    public void close() {
        // the timer has nothing to release
    }
}
