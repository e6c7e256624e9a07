package org.tutti.server.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network between JackTrip clients and a hub that loses, delays, jitters and reorders packets —
 * in userspace, because this machine's kernel has no {@code sch_netem}. It sits in the path like a
 * NAT: it relays the TCP handshake to the hub, swaps the hub's UDP port in the reply for a port of
 * its own, and forwards datagrams both ways (the hub learns the relay's address, as behind any NAT).
 * Each direction has its own impairment: the uplink (client → hub) measures the hub's handling of a
 * bad line, the downlink (hub → client) what the hub sends to protect its clients (redundancy).
 * Exit packets (63 bytes) are never dropped. All on loopback.
 */
public final class ImpairmentRelay implements AutoCloseable {
    /**
     * What a direction does to packets: random loss, or bursty loss (Gilbert–Elliott: lossPercent of
     * packets lost in bursts of {@code meanBurst} on average), or every {@code dropEvery}-th packet lost
     * (never two in a row); delay with uniform jitter; reordering.
     */
    public record Impairment(String name, double lossPercent, double delayMillis, double jitterMillis,
                             double reorderPercent, double meanBurst, int dropEvery) {
        public static final Impairment CLEAN = new Impairment("clean", 0, 0, 0, 0, 0, 0);

        public static Impairment loss(double percent) {
            return new Impairment(percent + "% loss", percent, 0, 0, 0, 0, 0);
        }

        /** Gilbert–Elliott: {@code percent} of packets lost, in bursts of {@code meanBurst} on average. */
        public static Impairment burstyLoss(double percent, double meanBurst) {
            return new Impairment(percent + "% loss in bursts of " + meanBurst, percent, 0, 0, 0, meanBurst, 0);
        }

        /** Every n-th packet lost, exactly: isolated losses a redundancy of 2 recovers in full. */
        public static Impairment everyNth(int n) {
            return new Impairment("every " + n + "th lost", 0, 0, 0, 0, 0, n);
        }

        /** As netem's {@code delay 10ms 10ms}: mean delay plus uniform jitter of ± that much. */
        public static Impairment jitter(double millis) {
            return new Impairment(millis + " ms jitter", 0, millis, millis, 0, 0, 0);
        }

        /** A packet now and then held back behind the next one. */
        public static Impairment reorder(double percent) {
            return new Impairment(percent + "% reordering", 0, 0, 0, percent, 0, 0);
        }
    }

    /** One direction's impairment and state (forwarder thread only, except the counters). */
    private final class Direction {
        volatile Impairment impairment;
        /** Sees every datagram this direction lets through (forwarder thread), or null. */
        volatile java.util.function.Consumer<ByteBuffer> observer;
        final Random random;
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong reordered = new AtomicLong();
        long seen;
        boolean inBurst;
        Pending heldBack;

        Direction(Impairment impairment, long seed) {
            this.impairment = impairment;
            this.random = new Random(seed);
        }

        boolean drop(ByteBuffer datagram) {
            if (datagram.remaining() == 63) {
                return false; // exit packets get through: the test is about audio
            }
            seen++;
            Impairment impairment = this.impairment;
            boolean lost;
            if (impairment.dropEvery() > 0) {
                lost = seen % impairment.dropEvery() == 0;
            } else if (impairment.meanBurst() > 0) {
                double leave = 1 / impairment.meanBurst();
                double loss = impairment.lossPercent() / 100;
                double enter = loss * leave / (1 - loss);
                inBurst = inBurst ? random.nextDouble() >= leave : random.nextDouble() < enter;
                lost = inBurst;
            } else {
                lost = random.nextDouble() * 100 < impairment.lossPercent();
            }
            if (lost) {
                dropped.incrementAndGet();
            }
            return lost;
        }
    }

    /** A datagram held back until {@code due} (System.nanoTime); {@code order} keeps equal dues in order. */
    private record Pending(long due, long order, DatagramChannel via, ByteBuffer data, InetSocketAddress to)
            implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Pending that = (Pending) other;
            return due != that.due ? Long.compare(due, that.due) : Long.compare(order, that.order);
        }
    }

    private final class Flow {
        final DatagramChannel front;
        final DatagramChannel back;
        final InetSocketAddress hub;
        volatile InetSocketAddress client;
        /** When each direction's datagrams were sent (forwarder thread only). */
        final SenderClock clientClock = new SenderClock();
        final SenderClock hubClock = new SenderClock();

        Flow(int hubPort) throws IOException {
            front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            back = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            front.configureBlocking(false);
            back.configureBlocking(false);
            hub = new InetSocketAddress("127.0.0.1", hubPort);
        }

        int frontPort() throws IOException {
            return ((InetSocketAddress) front.getLocalAddress()).getPort();
        }
    }

    /** A delayed datagram sent (or any read) this much after it was due (or sent) counts as late. */
    public static final long LATE_NANOS = 1_000_000L;

    private final ServerSocket tcp;
    private final int hubTcpPort;
    private final Direction up;
    private final Direction down;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Flow> newFlows = new ConcurrentLinkedQueue<>();
    private final List<Flow> flows = new ArrayList<>();
    /**
     * Delayed datagrams, sent by their own thread, which sleeps until each is due (to within the timer's
     * tens of microseconds). The selector's millisecond timeouts woke a millisecond late or more, so
     * every delayed datagram was, and jitter of 10 ms arrived 1–21 ms late instead of netem's 0–20 ms.
     */
    private final DelayQueue<Pending> delayed = new DelayQueue<>();
    private final Thread sender;
    private final Thread acceptor;
    private final Thread forwarder;
    private final AtomicLong forwarded = new AtomicLong();
    /** {System.nanoTime sent, nanoseconds past due} of each delayed datagram sent a millisecond late or more. */
    private final ConcurrentLinkedQueue<long[]> lateSends = new ConcurrentLinkedQueue<>();
    /** {System.nanoTime read, nanoseconds since sent} of each datagram read a millisecond or more after it was sent. */
    private final ConcurrentLinkedQueue<long[]> lateReads = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private long order;

    /** The uplink impaired, the way back clean. */
    public ImpairmentRelay(int hubTcpPort, Impairment impairment, long seed) throws IOException {
        this(hubTcpPort, impairment, Impairment.CLEAN, seed);
    }

    public ImpairmentRelay(int hubTcpPort, Impairment uplink, Impairment downlink, long seed) throws IOException {
        this.hubTcpPort = hubTcpPort;
        this.up = new Direction(uplink, seed);
        this.down = new Direction(downlink, seed * 31 + 7);
        this.tcp = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        this.selector = Selector.open();
        this.acceptor = new Thread(this::acceptLoop, "relay-tcp");
        this.forwarder = new Thread(this::forwardLoop, "relay-udp");
        this.sender = new Thread(this::sendLoop, "relay-udp-delayed");
        sender.setDaemon(true);
        acceptor.setDaemon(true);
        forwarder.setDaemon(true);
        acceptor.start();
        forwarder.start();
        sender.start();
    }

    /** The TCP port clients connect to instead of the hub's. */
    public int tcpPort() {
        return tcp.getLocalPort();
    }

    /** From now on the uplink does this (a line that turns bad, or good again). */
    public void impairUplink(Impairment impairment) {
        up.impairment = impairment;
    }

    /** From now on the downlink does this. */
    public void impairDownlink(Impairment impairment) {
        down.impairment = impairment;
    }

    /** {@code observer} sees (read-only, on the relay's thread) every datagram the downlink lets through. */
    public void observeDownlink(java.util.function.Consumer<ByteBuffer> observer) {
        down.observer = observer;
    }

    /** {@code observer} sees (read-only, on the relay's thread) every datagram the uplink lets through. */
    public void observeUplink(java.util.function.Consumer<ByteBuffer> observer) {
        up.observer = observer;
    }

    /** Datagrams lost on the uplink. */
    public long dropped() {
        return up.dropped.get();
    }

    /** Datagrams lost on the downlink. */
    public long droppedDown() {
        return down.dropped.get();
    }

    public long forwarded() {
        return forwarded.get();
    }

    /**
     * Each delayed datagram the relay sent {@link #LATE_NANOS} or more after it was due, as
     * {System.nanoTime sent, nanoseconds late}: the relay's own stalls (it shares the machine with the
     * hub and the client), which a test attributes rather than blames on the hub.
     */
    public List<long[]> lateSends() {
        return List.copyOf(lateSends);
    }

    /**
     * Each datagram the relay read {@link #LATE_NANOS} or more after its sender stamped it, as
     * {System.nanoTime read, nanoseconds since sent}: the relay's stalls on the way in (or the sender's
     * own, between stamping and sending). Its delay still counts from the stamp ({@link SenderClock}).
     */
    public List<long[]> lateReads() {
        return List.copyOf(lateReads);
    }

    /** Datagrams reordered on the uplink. */
    public long reordered() {
        return up.reordered.get();
    }

    private void acceptLoop() {
        while (running) {
            try (Socket client = tcp.accept(); Socket hub = new Socket("127.0.0.1", hubTcpPort)) {
                client.setSoTimeout(3000);
                hub.setSoTimeout(3000);
                InputStream fromClient = client.getInputStream();
                byte[] request = new byte[68];
                int length = 0;
                try {
                    while (length < request.length) {
                        int n = fromClient.read(request, length, request.length - length);
                        if (n < 0) {
                            break;
                        }
                        length += n;
                    }
                } catch (SocketTimeoutException e) {
                    // a legacy 4-byte request: pass on what came
                }
                OutputStream toHub = hub.getOutputStream();
                toHub.write(request, 0, length);
                toHub.flush();
                byte[] reply = new byte[4];
                new DataInputStream(hub.getInputStream()).readFully(reply);
                int value = ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).getInt();
                if (value > 0 && value <= 65535) {
                    Flow flow = new Flow(value);
                    newFlows.add(flow);
                    selector.wakeup();
                    ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).putInt(flow.frontPort());
                }
                client.getOutputStream().write(reply);
                client.getOutputStream().flush();
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private void forwardLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        try {
            while (running) {
                for (Flow flow; (flow = newFlows.poll()) != null; ) {
                    flows.add(flow);
                    flow.front.register(selector, SelectionKey.OP_READ, flow);
                    flow.back.register(selector, SelectionKey.OP_READ, flow);
                }
                selector.select(50);
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    Flow flow = (Flow) key.attachment();
                    DatagramChannel channel = (DatagramChannel) key.channel();
                    for (; ; ) {
                        buffer.clear();
                        InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
                        if (from == null) {
                            break;
                        }
                        long read = System.nanoTime();
                        buffer.flip();
                        ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
                        copy.put(buffer).flip();
                        boolean uplink = channel == flow.front;
                        long sent = (uplink ? flow.clientClock : flow.hubClock).sentNanos(copy, read);
                        if (read - sent >= LATE_NANOS) {
                            lateReads.add(new long[] {read, read - sent});
                        }
                        if (uplink) {
                            flow.client = from;
                            impair(up, copy, flow.back, flow.hub, sent);
                        } else if (flow.client != null) {
                            impair(down, copy, flow.front, flow.client, sent);
                        }
                    }
                }
            }
        } catch (IOException e) {
            if (running) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Drops, or delays from {@code sentNanos} (see {@link SenderClock}), and forwards one datagram. */
    private void impair(Direction direction, ByteBuffer datagram, DatagramChannel via, InetSocketAddress to,
                        long sentNanos) throws IOException {
        if (direction.drop(datagram)) {
            return;
        }
        var observer = direction.observer;
        if (observer != null) {
            observer.accept(datagram.asReadOnlyBuffer());
        }
        Impairment impairment = direction.impairment;
        double delay = impairment.delayMillis();
        if (impairment.jitterMillis() > 0) {
            delay += (direction.random.nextDouble() * 2 - 1) * impairment.jitterMillis();
        }
        long due = sentNanos + (long) (Math.max(0, delay) * 1_000_000);
        Pending pending = new Pending(due, order++, via, datagram, to);
        Pending heldBack = direction.heldBack;
        if (heldBack != null) {
            // the held-back packet goes right after this one
            dispatch(pending);
            dispatch(new Pending(due, order++, heldBack.via(), heldBack.data(), heldBack.to()));
            direction.heldBack = null;
            return;
        }
        if (impairment.reorderPercent() > 0 && direction.random.nextDouble() * 100 < impairment.reorderPercent()) {
            direction.heldBack = pending;
            direction.reordered.incrementAndGet();
            return;
        }
        dispatch(pending);
    }

    /** Sends a datagram that is due now at once (relay thread), and hands a later one to the sender thread. */
    private void dispatch(Pending pending) throws IOException {
        if (pending.due() <= System.nanoTime()) {
            send(pending);
        } else {
            delayed.add(pending);
        }
    }

    private void send(Pending pending) throws IOException {
        pending.via().send(pending.data(), pending.to());
        forwarded.incrementAndGet();
    }

    private void sendLoop() {
        try {
            while (running) {
                Pending next = delayed.poll(50, TimeUnit.MILLISECONDS);
                if (next != null) {
                    send(next);
                    long late = System.nanoTime() - next.due();
                    if (late >= LATE_NANOS) {
                        lateSends.add(new long[] {next.due() + late, late});
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (running) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        tcp.close();
        selector.wakeup();
        try {
            forwarder.join(1000);
            sender.interrupt();
            sender.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Flow flow : flows) {
            flow.front.close();
            flow.back.close();
        }
        selector.close();
    }
}
