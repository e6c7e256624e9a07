package org.tutti.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Names parse as every tool documents them, and each transport really moves datagrams and accepts
 * connections on loopback. Netty ships epoll and io_uring for Linux x86_64, where Tutti and CI run:
 * one that fails to load fails this test rather than being skipped.
 */
class TransportTest {

    @Test
    void namesParseTheWayEveryToolDocumentsThem() {
        assertEquals(Transport.EPOLL, Transport.parse("epoll"));
        assertEquals(Transport.IO_URING, Transport.parse("io_uring"));
        assertEquals(Transport.IO_URING, Transport.parse("io-uring"));
        assertEquals(Transport.IO_URING, Transport.parse("IOURING"));
        assertEquals(Transport.NIO, Transport.parse("nio"));
        assertEquals(Transport.automatic(), Transport.parse("auto"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Transport.parse("kqueue"));
        assertEquals("transport must be auto, epoll, io_uring or nio: kqueue", bad.getMessage());
        assertEquals("io_uring", Transport.IO_URING.label());
    }

    /**
     * CI and the machines Tutti is measured on run a kernel that allows io_uring, so {@code auto} must
     * pick it there (where its probe fails, old kernel or seccomp, the fallback is epoll).
     */
    @Test
    void autoIsIoUringWhereTheKernelAllowsIt() {
        assertTrue(io.netty.channel.uring.IoUring.isAvailable(),
                "this machine's kernel should allow io_uring: " + io.netty.channel.uring.IoUring.unavailabilityCause());
        assertEquals(Transport.IO_URING, Transport.automatic());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transport.class)
    void eachTransportEchoesADatagramAndAcceptsAConnection(Transport transport) throws Exception {
        transport.ensureAvailable();
        EventLoopGroup group = transport.newGroup(1, "transport-test");
        try {
            Channel echo = new Bootstrap().group(group)
                    .channelFactory(transport.datagramChannelFactory(SocketProtocolFamily.INET))
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            ctx.writeAndFlush(new DatagramPacket(packet.content().retain(), packet.sender()));
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                socket.setSoTimeout(5000);
                byte[] sent = {1, 2, 3, 4, 5};
                socket.send(new java.net.DatagramPacket(sent, sent.length, echo.localAddress()));
                java.net.DatagramPacket back = new java.net.DatagramPacket(new byte[16], 16);
                socket.receive(back);
                assertArrayEquals(sent, java.util.Arrays.copyOf(back.getData(), back.getLength()), transport.label());
            } finally {
                echo.close().sync();
            }
            CountDownLatch accepted = new CountDownLatch(1);
            Channel server = new ServerBootstrap().group(group)
                    .channelFactory(transport.serverChannelFactory())
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            accepted.countDown();
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try (Socket client = new Socket()) {
                client.connect(server.localAddress(), 5000);
                assertTrue(accepted.await(5, TimeUnit.SECONDS), transport.label() + " accepted the connection");
            } finally {
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
