package org.tutti.reflector;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.transport.Transport;

/**
 * Netty data plane (native epoll or io_uring) on a single event loop. With io_uring, the reads and
 * writes of all sockets that are ready in one loop iteration go to the kernel in one submission.
 * Netty itself allocates a {@code DatagramPacket} per read and this code one per echo; the payload
 * buffer is pooled and handed back to the socket unchanged (no copy).
 */
final class NettyDataPlane implements DataPlane {
    private static final long SWEEP_INTERVAL_MILLIS = 200;
    private static final ByteBuf EXIT = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(ExitPacket.LENGTH).writeBytes(ExitPacket.bytes())).asReadOnly();

    private final InetAddress bindAddress;
    private final SlotTable slots;
    private final ReflectorStats stats;
    private final long timeoutNanos;
    private final int maxDatagram;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final ChannelFactory<? extends DatagramChannel> channelFactory;
    /** Touched on the event loop only. */
    private final List<EchoHandler> active = new ArrayList<>();
    private long datagrams;
    private long bytes;

    NettyDataPlane(Transport transport, InetAddress bindAddress, boolean ipv4, SlotTable slots, ReflectorStats stats,
                   long timeoutNanos, int maxDatagram) {
        this.bindAddress = bindAddress;
        this.slots = slots;
        this.stats = stats;
        this.timeoutNanos = timeoutNanos;
        this.maxDatagram = maxDatagram;
        if (transport == Transport.NIO) {
            throw new IllegalArgumentException("not a Netty native transport: " + transport);
        }
        channelFactory = transport.datagramChannelFactory(ipv4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6);
        group = transport.newGroup(1, "reflector-" + transport.label());
        loop = group.next();
        loop.scheduleAtFixedRate(this::sweep, SWEEP_INTERVAL_MILLIS, SWEEP_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void open(int slot, int port) throws IOException {
        EchoHandler handler = new EchoHandler(slot);
        ChannelFuture bound = new Bootstrap()
                .group(loop)
                .channelFactory(channelFactory)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(maxDatagram))
                .handler(handler)
                .bind(new InetSocketAddress(bindAddress, port))
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
        }
    }

    private final class EchoHandler extends ChannelInboundHandlerAdapter {
        private final int slot;
        private final long openedNanos = System.nanoTime();
        private long lastReceiveNanos;
        private InetSocketAddress peer;
        private Channel channel;
        private boolean ended;

        EchoHandler(int slot) {
            this.slot = slot;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            active.add(this);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            ByteBuf content = packet.content();
            int length = content.readableBytes();
            lastReceiveNanos = System.nanoTime();
            peer = packet.sender();
            if (ended) {
                packet.release();
                return;
            }
            if (ExitPacket.isControlLength(length)
                    && ExitPacket.isExit(content.nioBuffer(content.readerIndex(), length), 0, length)) {
                packet.release();
                stats.endedByExit.incrementAndGet();
                end(true);
                return;
            }
            datagrams++;
            bytes += length;
            ctx.write(new DatagramPacket(content, peer), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable after a client vanished, or a full socket buffer: UDP semantics, drop.
        }

        /** Sends exit ×2 if asked, then closes; the slot is freed once the port is closed. */
        ChannelFuture end(boolean sendExit) {
            if (ended) {
                return channel.closeFuture();
            }
            ended = true;
            active.remove(this);
            ChannelFuture done;
            if (sendExit && peer != null && channel.isActive()) {
                for (int i = 1; i < ExitPacket.REPEAT; i++) {
                    channel.write(new DatagramPacket(EXIT.duplicate(), peer), channel.voidPromise());
                }
                // Close only when the exit packets are out: closing cancels writes still in flight (io_uring).
                done = channel.writeAndFlush(new DatagramPacket(EXIT.duplicate(), peer));
                done.addListener(f -> channel.close());
            } else {
                channel.close();
            }
            // Free the slot only once the port is closed, so the next client of this slot can bind it.
            ChannelFuture closed = channel.closeFuture();
            closed.addListener(f -> slots.release(slot));
            return closed;
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (int i = active.size() - 1; i >= 0; i--) {
            EchoHandler handler = active.get(i);
            long last = handler.peer == null ? handler.openedNanos : handler.lastReceiveNanos;
            if (now - last > timeoutNanos) {
                stats.endedByTimeout.incrementAndGet();
                handler.end(handler.peer != null);
            }
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
        return 0;
    }

    @Override
    public void close() {
        try {
            List<ChannelFuture> closing = loop.submit(() -> {
                List<ChannelFuture> futures = new ArrayList<>();
                for (int i = active.size() - 1; i >= 0; i--) {
                    futures.add(active.get(i).end(true));
                }
                return futures;
            }).get(2, TimeUnit.SECONDS);
            for (ChannelFuture future : closing) {
                future.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // shut down anyway
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
