package org.tutti.loadgen;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One client's socket in the batch layer ({@link BatchedClientIo}): its receive buffer with the one
 * {@code RECV} it keeps posted, its {@link SendSlots}, and its io_uring registration, whose completions
 * it hands to its loop. Built on the binding thread; from then on touched on its loop only (but for
 * closing the socket once the loop is gone).
 *
 * <p>Closing waits for the posted receive: it is cancelled first, and the socket closes when its
 * completion comes back, so no read of this socket is cut short.
 */
final class BatchedClientSocket implements IoUringIoHandle {
    final SimClient client;
    final BatchedLoop loop;
    final NativeUdpSocket udp;
    /** Where the posted receive reads to; it and the receive's submission are built once. */
    final ByteBuffer receive;
    private final IoUringIoOps receiveOps;
    private final SendSlots sendSlots;
    IoRegistration registration;
    /** The posted receive's user data (to cancel it), 0 when none is posted. */
    long receivePosted;
    int receiveErrorsInARow;
    boolean closing;
    private boolean socketClosed;

    BatchedClientSocket(SimClient client, BatchedLoop loop, NativeUdpSocket udp) {
        this.client = client;
        this.loop = loop;
        this.udp = udp;
        int fd = udp.intValue();
        receive = ByteBuffer.allocateDirect(loop.receiveBufferSize);
        receiveOps = UringOps.receive(fd, io.netty.channel.unix.Buffer.memoryAddress(receive), loop.receiveBufferSize);
        sendSlots = new SendSlots(fd, loop.datagramSize);
    }

    void postReceive() {
        if (receivePosted == 0 && !closing) {
            receivePosted = registration.submit(receiveOps);
        }
    }

    /** Queues {@code datagram[0, length)} on this socket; it goes out when the loop next enters. */
    boolean send(ByteBuffer datagram, int length) {
        if (closing) {
            return false;
        }
        int slot = sendSlots.fill(datagram, length);
        if (slot < 0) {
            return false;
        }
        if (registration.submit(sendSlots.send(slot)) == 0) {
            sendSlots.release(slot);
            return false;
        }
        return true;
    }

    /** A send completed: its slot is free again; a refused one (ICMP, say) is undone in the counts. */
    private void sent(int slot, int result) {
        sendSlots.release(slot);
        if (result < 0) {
            client.datagramsSent--;
            client.bytesSent -= sendSlots.length(slot);
            client.sendErrors++;
        }
    }

    @Override
    public void handle(IoRegistration registration, IoEvent ioEvent) {
        IoUringIoEvent event = (IoUringIoEvent) ioEvent;
        switch (event.opcode()) {
            case UringOps.OP_RECV:
                loop.received(this, event.res());
                break;
            case UringOps.OP_SEND:
                sent(event.data() & 0xFFFF, event.res());
                break;
            default:
                break; // the cancel of a receive: that receive's own completion follows
        }
    }

    /** On the loop: stop sending for this client and cancel its receive; the socket closes when it completes. */
    void startClose() {
        if (closing) {
            return;
        }
        closing = true;
        loop.stopSendingFor(client);
        if (receivePosted != 0 && registration.isValid()) {
            registration.submit(UringOps.cancel(receivePosted));
        } else {
            finishClose();
        }
    }

    /** On the loop, with no receive posted: no read of this socket is in progress, and none follows. */
    void finishClose() {
        if (socketClosed) {
            return;
        }
        registration.cancel(); // removed once its sends in flight have completed
        closeSocket();
        loop.closed(this);
        client.closed = true;
    }

    void closeSocket() {
        socketClosed = true;
        try {
            udp.close(); // sends still in flight hold their own reference to it
        } catch (IOException e) {
            // nothing left to do
        }
    }

    /** Netty closes every registered handle when the loop shuts down. */
    @Override
    public void close() {
        if (receivePosted != 0 && registration != null && registration.isValid()) {
            closing = true;
            registration.submit(UringOps.cancel(receivePosted));
        }
        closeSocket();
        client.closed = true;
    }
}
