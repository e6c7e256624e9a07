package org.tutti.loadgen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.tutti.protocol.udp.ExitPacket;

/**
 * java.nio socket layer: a sender thread that sleeps until the earliest client deadline and then
 * writes every due packet ({@code sendto} each), and a receiver thread on one Selector that reads
 * one datagram per ready socket per wake-up. Sockets are connected to the hub, so reads and writes
 * carry no address and allocate nothing. With {@code --rx-batch-us} the receiver pauses that long
 * after each pass, so it wakes less often (cheaper) but dates arrivals up to that much late.
 */
final class NioClientIo implements ClientIo, PacketOut {
    private static final long MAX_SLEEP_NANOS = 10_000_000L;

    private final LoadConfig config;
    private final RunClock clock;
    private final Markers markers;
    private final long slackNanos;
    private final long receivePauseNanos;
    private final java.net.ProtocolFamily family;
    private final Selector selector;
    private final ConcurrentLinkedQueue<SimClient> toRegister = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<SimClient> toSend = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<SimClient> toLeave = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<SimClient> toClose = new ConcurrentLinkedQueue<>();
    private final List<SimClient> all = new ArrayList<>();
    private final ThreadStats sendStats;
    private final ThreadStats receiveStats;
    private final ReceiveAnalyzer analyzer;
    private final SendScratch scratch;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(65536);
    /** The sender's exit packet buffer (leaving churn clients). */
    private final ByteBuffer exitBuffer = ByteBuffer.allocateDirect(ExitPacket.LENGTH);
    private final Consumer<SelectionKey> onReady = this::onReady;
    private final Thread sender;
    private final Thread receiver;
    private volatile boolean sending = true;
    private volatile boolean receiving = true;
    private boolean stopped;

    NioClientIo(LoadConfig config, RunClock clock, Signal signal, Markers markers, long slackNanos, boolean ipv4)
            throws IOException {
        this.config = config;
        // An IPv4 socket for an IPv4 hub: a dual-stack socket sends through the IPv6 layer and looks the
        // route up for every datagram (v4-mapped destinations bypass the connected socket's cached route).
        this.family = ipv4 ? java.net.StandardProtocolFamily.INET : java.net.StandardProtocolFamily.INET6;
        this.receivePauseNanos = config.receiveBatchMicros() * 1000L;
        this.clock = clock;
        this.markers = markers;
        this.slackNanos = slackNanos;
        this.selector = Selector.open();
        this.sendStats = new ThreadStats("lg-send", clock);
        this.receiveStats = new ThreadStats("lg-receive", clock);
        this.analyzer = new ReceiveAnalyzer(config, signal, markers, receiveStats);
        this.scratch = new SendScratch(config, clock);
        this.sender = new Thread(this::sendLoop, "lg-send");
        this.receiver = new Thread(this::receiveLoop, "lg-receive");
        sender.setDaemon(true);
        receiver.setDaemon(true);
        sender.setPriority(Thread.MAX_PRIORITY);
        sender.start();
        receiver.start();
    }

    @Override
    public int bind(SimClient client, InetSocketAddress local) throws IOException {
        DatagramChannel channel = DatagramChannel.open(family);
        try {
            channel.bind(local);
            channel.configureBlocking(false);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        client.socket = channel;
        synchronized (all) {
            all.add(client);
        }
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    @Override
    public void start(SimClient client, InetSocketAddress hubUdp) throws IOException {
        DatagramChannel channel = (DatagramChannel) client.socket;
        channel.connect(hubUdp);
        client.hubUdp = hubUdp;
        client.startStreaming(clock, System.nanoTime(), START_LEAD_NANOS);
        toRegister.add(client);
        selector.wakeup();
        toSend.add(client);
        LockSupport.unpark(sender);
    }

    @Override
    public void leave(SimClient client) {
        toLeave.add(client);
        LockSupport.unpark(sender);
    }

    @Override
    public void close(SimClient client) {
        toClose.add(client);
        selector.wakeup();
    }

    private void sendLoop() {
        List<SimClient> active = new ArrayList<>();
        while (sending) {
            for (SimClient c = toSend.poll(); c != null; c = toSend.poll()) {
                active.add(c);
            }
            for (SimClient c = toLeave.poll(); c != null; c = toLeave.poll()) {
                c.sendExit(this, exitBuffer);
                active.remove(c);
            }
            long now = System.nanoTime();
            long horizon = now + slackNanos;
            long next = now + MAX_SLEEP_NANOS;
            sendStats.sync();
            for (int i = 0, n = active.size(); i < n; i++) {
                long deadline = active.get(i).sendDue(now, horizon, MAX_BURST, this, scratch, sendStats);
                if (deadline < next) {
                    next = deadline;
                }
            }
            if (markers != null) {
                markers.maintain(now);
            }
            long sleep = next - System.nanoTime();
            if (sleep > 0 && toSend.isEmpty() && toLeave.isEmpty()) {
                LockSupport.parkNanos(sleep);
            }
        }
    }

    @Override
    public boolean send(SimClient client, ByteBuffer datagram, int length) {
        datagram.limit(length).position(0);
        try {
            return ((DatagramChannel) client.socket).write(datagram) == length;
        } catch (IOException e) {
            // ICMP port unreachable from an earlier packet, or a full socket buffer.
            return false;
        } finally {
            datagram.clear();
        }
    }

    private void receiveLoop() {
        while (receiving) {
            for (SimClient c = toRegister.poll(); c != null; c = toRegister.poll()) {
                try {
                    ((DatagramChannel) c.socket).register(selector, SelectionKey.OP_READ, c);
                } catch (ClosedChannelException e) {
                    // stopped meanwhile
                }
            }
            for (SimClient c = toClose.poll(); c != null; c = toClose.poll()) {
                closeNow(c);
            }
            try {
                selector.select(onReady, 100);
            } catch (IOException | RuntimeException e) {
                if (!receiving) {
                    break;
                }
            }
            if (receivePauseNanos > 0) {
                LockSupport.parkNanos(receivePauseNanos);
            }
        }
    }

    /** On the receiver thread: no read of this socket is in progress, and none follows. */
    private void closeNow(SimClient client) {
        DatagramChannel channel = (DatagramChannel) client.socket;
        if (channel != null) {
            SelectionKey key = channel.keyFor(selector);
            if (key != null) {
                key.cancel();
            }
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
        synchronized (all) {
            all.remove(client);
        }
        client.closed = true;
    }

    private void onReady(SelectionKey key) {
        SimClient client = (SimClient) key.attachment();
        ByteBuffer buffer = receiveBuffer;
        buffer.clear();
        int length;
        try {
            length = ((DatagramChannel) key.channel()).read(buffer);
        } catch (IOException e) {
            client.receiveErrors++;
            return;
        }
        if (length > 0) {
            analyzer.onDatagram(client, buffer, 0, length, System.nanoTime());
        }
    }

    @Override
    public synchronized void stop(long drainMillis) {
        if (stopped) {
            return;
        }
        stopped = true;
        sending = false;
        LockSupport.unpark(sender);
        join(sender);
        List<SimClient> clients;
        synchronized (all) {
            clients = new ArrayList<>(all);
        }
        for (SimClient client : clients) {
            client.sendExit(this, exitBuffer);
        }
        sleep(drainMillis);
        receiving = false;
        selector.wakeup();
        join(receiver);
        for (SimClient client : clients) {
            try {
                ((DatagramChannel) client.socket).close();
            } catch (IOException e) {
                // nothing left to do
            }
            client.closed = true;
        }
        try {
            selector.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<ThreadStats> threadStats() {
        return List.of(sendStats, receiveStats);
    }

    @Override
    public List<String> threadNames() {
        return List.of(sender.getName(), receiver.getName());
    }
}
