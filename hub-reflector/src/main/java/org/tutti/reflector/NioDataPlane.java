package org.tutti.reflector;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.tutti.protocol.udp.ExitPacket;

/**
 * Plain java.nio data plane: one thread, one Selector, non-blocking sockets. Each readiness event
 * reads exactly one datagram (level-triggered epoll reports the socket again if more are queued),
 * so the cost is one {@code recvfrom} and one {@code sendto} per datagram plus a share of
 * {@code epoll_wait}. The receive buffer is reused; nothing is allocated per datagram by this code.
 * With a batch pause the thread sleeps that long after each pass, so one wake-up serves more datagrams.
 */
final class NioDataPlane implements DataPlane, Runnable {
    private static final long SWEEP_INTERVAL_NANOS = 200_000_000L;

    private final InetAddress bindAddress;
    private final java.net.ProtocolFamily family;
    private final SlotTable slots;
    private final ReflectorStats stats;
    private final long timeoutNanos;
    private final long batchNanos;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Slot> pending = new ConcurrentLinkedQueue<>();
    private final List<Slot> active = new ArrayList<>();
    private final ByteBuffer buffer;
    private final ByteBuffer exit = ByteBuffer.allocateDirect(ExitPacket.LENGTH);
    private final Consumer<SelectionKey> onReady = this::onReady;
    private volatile boolean running = true;
    private long datagrams;
    private long bytes;
    private long dropped;
    private long nextSweep;

    NioDataPlane(InetAddress bindAddress, boolean ipv4, SlotTable slots, ReflectorStats stats, long timeoutNanos,
                 int maxDatagram, long batchNanos) throws IOException {
        this.batchNanos = batchNanos;
        this.bindAddress = bindAddress;
        this.family = ipv4 ? java.net.StandardProtocolFamily.INET : java.net.StandardProtocolFamily.INET6;
        this.slots = slots;
        this.stats = stats;
        this.timeoutNanos = timeoutNanos;
        this.buffer = ByteBuffer.allocateDirect(maxDatagram);
        ExitPacket.write(exit, 0);
        this.selector = Selector.open();
        this.thread = new Thread(this, "reflector-nio");
        thread.setDaemon(true);
        thread.start();
    }

    private static final class Slot {
        final int index;
        final DatagramChannel channel;
        final long openedNanos;
        long lastReceiveNanos;
        SocketAddress peer;

        Slot(int index, DatagramChannel channel, long openedNanos) {
            this.index = index;
            this.channel = channel;
            this.openedNanos = openedNanos;
        }
    }

    @Override
    public void open(int slot, int port) throws IOException {
        DatagramChannel channel = DatagramChannel.open(family);
        try {
            channel.configureBlocking(false);
            channel.bind(new InetSocketAddress(bindAddress, port));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        pending.add(new Slot(slot, channel, System.nanoTime()));
        selector.wakeup();
    }

    @Override
    public void run() {
        nextSweep = System.nanoTime() + SWEEP_INTERVAL_NANOS;
        while (running) {
            try {
                selector.select(onReady, SWEEP_INTERVAL_NANOS / 1_000_000L);
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    break;
                }
                continue;
            }
            if (batchNanos > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(batchNanos);
            }
            for (Slot slot = pending.poll(); slot != null; slot = pending.poll()) {
                try {
                    slot.channel.register(selector, SelectionKey.OP_READ, slot);
                    active.add(slot);
                } catch (ClosedChannelException e) {
                    slots.release(slot.index);
                }
            }
            long now = System.nanoTime();
            if (now - nextSweep >= 0) {
                nextSweep = now + SWEEP_INTERVAL_NANOS;
                sweep(now);
            }
        }
        shutdown();
    }

    private void onReady(SelectionKey key) {
        Slot slot = (Slot) key.attachment();
        DatagramChannel channel = slot.channel;
        ByteBuffer buf = buffer;
        buf.clear();
        SocketAddress source;
        try {
            source = channel.receive(buf);
        } catch (IOException e) {
            return;
        }
        if (source == null) {
            return;
        }
        buf.flip();
        int length = buf.remaining();
        slot.lastReceiveNanos = System.nanoTime();
        slot.peer = source;
        if (ExitPacket.isExit(buf, 0, length)) {
            stats.endedByExit.incrementAndGet(); // before the slot is freed: whoever sees it free sees the count
            end(slot, true);
            return;
        }
        try {
            if (channel.send(buf, source) > 0) {
                datagrams++;
                bytes += length;
            } else {
                dropped++; // the send buffer is full: drop, as UDP would
            }
        } catch (IOException e) {
            dropped++; // the client went away (ICMP port unreachable)
        }
    }

    private void sweep(long now) {
        for (int i = active.size() - 1; i >= 0; i--) {
            Slot slot = active.get(i);
            long last = slot.peer == null ? slot.openedNanos : slot.lastReceiveNanos;
            if (now - last > timeoutNanos) {
                end(slot, slot.peer != null);
                stats.endedByTimeout.incrementAndGet();
            }
        }
    }

    /** Sends exit ×2 if asked, closes the socket, then frees the slot (in that order: the port is free first). */
    private void end(Slot slot, boolean sendExit) {
        if (sendExit && slot.peer != null) {
            for (int i = 0; i < ExitPacket.REPEAT; i++) {
                exit.clear();
                try {
                    slot.channel.send(exit, slot.peer);
                } catch (IOException e) {
                    break;
                }
            }
        }
        try {
            slot.channel.close();
        } catch (IOException e) {
            // closing a datagram socket does not fail in practice
        }
        active.remove(slot);
        slots.release(slot.index);
    }

    private void shutdown() {
        for (int i = active.size() - 1; i >= 0; i--) {
            end(active.get(i), true);
        }
        for (Slot slot = pending.poll(); slot != null; slot = pending.poll()) {
            end(slot, false);
        }
        try {
            selector.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public long datagramsEchoed() {
        return datagrams;
    }

    @Override
    public long bytesEchoed() {
        return bytes;
    }

    @Override
    public long echoesDropped() {
        return dropped;
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
