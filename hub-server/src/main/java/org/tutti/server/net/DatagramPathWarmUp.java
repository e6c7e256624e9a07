package org.tutti.server.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * Before the hub takes clients, sends a few datagrams of a participant's size between two sockets
 * bound on loopback with a participant's options, on every audio event loop. Measured on a freshly
 * started hub: the first joiner's first packet made the network thread load the transport's
 * receive and send classes and build its buffer pool's thread cache and first chunk, about 11 ms
 * before the packet reached the conductor (the whole first answer took 25 ms; a warm one takes
 * one or two). Nothing of the hub's sees these datagrams: the sockets are the warm-up's own, bound
 * to port 0 on loopback and closed after.
 */
public final class DatagramPathWarmUp {
    /** Enough for the receive, release and write paths to run more than once on each loop. */
    static final int PACKETS = 16;
    private static final long WAIT_MILLIS = 2000;

    /** How many of the datagrams sent came back in time, over all loops. */
    public record Result(int received, int sent) {
    }

    private DatagramPathWarmUp() {
    }

    static Result run(EventLoopGroup group, BiFunction<EventLoopGroup, ChannelHandler, Bootstrap> bootstraps, int packetBytes)
            throws InterruptedException {
        int loops = 0;
        for (EventExecutor ignored : group) {
            loops++;
        }
        AtomicInteger received = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(loops * PACKETS);
        ChannelHandler counter = new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                received.incrementAndGet();
                done.countDown();
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        };
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        java.util.List<Channel> channels = new java.util.ArrayList<>();
        try {
            for (EventExecutor executor : group) {
                EventLoop loop = (EventLoop) executor;
                Channel to = bootstraps.apply(loop, counter).bind(loopback).sync().channel();
                channels.add(to);
                Channel from = bootstraps.apply(loop, counter).bind(loopback).sync().channel();
                channels.add(from);
                InetSocketAddress target = (InetSocketAddress) to.localAddress();
                loop.execute(() -> {
                    for (int i = 0; i < PACKETS; i++) {
                        ByteBuf payload = from.alloc().directBuffer(packetBytes).writeZero(packetBytes);
                        from.writeAndFlush(new DatagramPacket(payload, target));
                    }
                });
            }
            done.await(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return new Result(received.get(), loops * PACKETS);
        } finally {
            for (Channel channel : channels) {
                channel.close().awaitUninterruptibly(WAIT_MILLIS);
            }
        }
    }
}
