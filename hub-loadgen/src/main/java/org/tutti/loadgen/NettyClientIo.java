package org.tutti.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.transport.Transport;

/**
 * Netty socket layer (native epoll or io_uring): every client's socket lives on one of
 * {@code --io-threads} event loops, and that loop both sends for it (a timer task that wakes at the
 * earliest deadline and writes every due packet) and receives for it. With io_uring the loop hands
 * all sends and receives of an iteration to the kernel in one {@code io_uring_enter}, across sockets.
 */
final class NettyClientIo implements ClientIo {
    private final LoadConfig config;
    private final RunClock clock;
    private final Markers markers;
    private final long slackNanos;
    private final EventLoopGroup group;
    private final ChannelFactory<? extends DatagramChannel> channelFactory;
    private final Worker[] workers;
    private final int receiveBufferSize;
    private final List<String> threadNames = new ArrayList<>();
    private boolean stopped;

    NettyClientIo(Transport kind, LoadConfig config, RunClock clock, Signal signal, Markers markers, long slackNanos,
                  boolean ipv4) {
        this.config = config;
        this.clock = clock;
        this.markers = markers;
        this.slackNanos = slackNanos;
        if (kind == Transport.NIO) {
            throw new IllegalArgumentException("not a Netty transport: " + kind);
        }
        channelFactory = kind.datagramChannelFactory(ipv4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6);
        String prefix = "lg-" + kind.label();
        group = kind.newGroup(config.ioThreads(), prefix);
        workers = new Worker[config.ioThreads()];
        int i = 0;
        for (var executor : group) {
            workers[i] = new Worker((EventLoop) executor, new ThreadStats(prefix + "-" + i, clock), config, signal);
            i++;
        }
        for (Worker worker : workers) {
            worker.loop.submit(() -> threadNames.add(Thread.currentThread().getName())).syncUninterruptibly();
        }
        // Whatever the hub's period, its packets fit: up to 8 KiB audio plus our own redundancy echoed back.
        receiveBufferSize = Math.max(16384, 2 * config.datagramSize());
    }

    @Override
    public int bind(SimClient client, InetSocketAddress local) throws IOException {
        Worker worker = workers[client.index % workers.length];
        ChannelFuture bound = new Bootstrap()
                .group(worker.loop)
                .channelFactory(channelFactory)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(receiveBufferSize))
                .handler(new Receiver(client, worker))
                .bind(local)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw asIo(bound.cause());
        }
        client.socket = bound.channel();
        return ((InetSocketAddress) bound.channel().localAddress()).getPort();
    }

    @Override
    public void start(SimClient client, InetSocketAddress hubUdp) throws IOException {
        Channel channel = (Channel) client.socket;
        ChannelFuture connected = channel.connect(hubUdp).awaitUninterruptibly();
        if (!connected.isSuccess()) {
            throw asIo(connected.cause());
        }
        client.hubUdp = hubUdp;
        Worker worker = workers[client.index % workers.length];
        worker.loop.execute(() -> worker.add(client));
    }

    @Override
    public void leave(SimClient client) {
        Worker worker = workers[client.index % workers.length];
        try {
            worker.loop.execute(() -> worker.leave(client));
        } catch (RejectedExecutionException e) {
            // stopped: the run's end sent its exit packets
        }
    }

    @Override
    public void close(SimClient client) {
        Worker worker = workers[client.index % workers.length];
        Runnable close = () -> {
            if (client.socket != null) {
                ((Channel) client.socket).close();
            }
            client.closed = true;
        };
        try {
            worker.loop.execute(close);
        } catch (RejectedExecutionException e) {
            close.run(); // the loop is gone; so is every read on it
        }
    }

    private static IOException asIo(Throwable cause) {
        return cause instanceof IOException ? (IOException) cause : new IOException(cause);
    }

    /** Sending side of one event loop. Every field is touched on that loop only. */
    private final class Worker implements Runnable, PacketOut {
        final EventLoop loop;
        final ThreadStats stats;
        final SendScratch scratch;
        final ReceiveAnalyzer analyzer;
        final List<SimClient> clients = new ArrayList<>();
        final List<SimClient> toFlush = new ArrayList<>();
        final ByteBuffer exit = ByteBuffer.allocateDirect(ExitPacket.LENGTH);
        ScheduledFuture<?> tick;
        long tickAt;
        boolean running = true;

        Worker(EventLoop loop, ThreadStats stats, LoadConfig config, Signal signal) {
            this.loop = loop;
            this.stats = stats;
            this.scratch = new SendScratch(config, clock);
            this.analyzer = new ReceiveAnalyzer(config, signal, markers, stats);
        }

        void add(SimClient client) {
            if (!running) {
                return;
            }
            client.startStreaming(clock, System.nanoTime(), START_LEAD_NANOS);
            clients.add(client);
            scheduleBy(client.nextDeadline());
        }

        private void scheduleBy(long deadline) {
            if (tick != null) {
                if (deadline - tickAt >= 0) {
                    return;
                }
                tick.cancel(false);
            }
            tickAt = deadline;
            tick = loop.schedule(this, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        @Override
        public void run() {
            tick = null;
            if (!running) {
                return;
            }
            long now = System.nanoTime();
            long horizon = now + slackNanos;
            long next = now + 10_000_000L;
            stats.sync();
            for (int i = 0, n = clients.size(); i < n; i++) {
                long deadline = clients.get(i).sendDue(now, horizon, MAX_BURST, this, scratch, stats);
                if (deadline < next) {
                    next = deadline;
                }
            }
            flush();
            if (markers != null) {
                markers.maintain(now);
            }
            scheduleBy(next);
        }

        @Override
        public boolean send(SimClient client, ByteBuffer datagram, int length) {
            Channel channel = (Channel) client.socket;
            ByteBuf buf = channel.alloc().directBuffer(length);
            datagram.limit(length).position(0);
            buf.writeBytes(datagram);
            datagram.clear();
            channel.write(buf, channel.voidPromise());
            if (!client.flushPending) {
                client.flushPending = true;
                toFlush.add(client);
            }
            return true;
        }

        private void flush() {
            for (int i = 0, n = toFlush.size(); i < n; i++) {
                SimClient client = toFlush.get(i);
                client.flushPending = false;
                ((Channel) client.socket).flush();
            }
            toFlush.clear();
        }

        /** One client leaves: exit ×2 from its socket, and it is no longer sent for. */
        void leave(SimClient client) {
            client.sendExit(this, exit);
            flush();
            clients.remove(client);
        }

        /** Stops sending and sends exit ×2 from every client still streaming. */
        void stopSending() {
            running = false;
            if (tick != null) {
                tick.cancel(false);
                tick = null;
            }
            for (SimClient client : clients) {
                client.sendExit(this, exit);
            }
            flush();
        }
    }

    /** Receiving side of one client's socket. */
    private static final class Receiver extends ChannelInboundHandlerAdapter {
        private final SimClient client;
        private final Worker worker;

        Receiver(SimClient client, Worker worker) {
            this.client = client;
            this.worker = worker;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            try {
                ByteBuf content = packet.content();
                int length = content.readableBytes();
                if (length > 0) {
                    ByteBuffer view = content.internalNioBuffer(content.readerIndex(), length);
                    worker.analyzer.onDatagram(client, view, view.position(), length, System.nanoTime());
                }
            } finally {
                packet.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable (hub port closed) surfaces here on connected sockets.
            client.receiveErrors++;
        }
    }

    @Override
    public synchronized void stop(long drainMillis) {
        if (stopped) {
            return;
        }
        stopped = true;
        for (Worker worker : workers) {
            worker.loop.submit(worker::stopSending).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        NioClientIo.sleep(drainMillis);
        group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public List<ThreadStats> threadStats() {
        List<ThreadStats> list = new ArrayList<>();
        for (Worker worker : workers) {
            list.add(worker.stats);
        }
        return list;
    }

    @Override
    public List<String> threadNames() {
        return List.copyOf(threadNames);
    }
}
