package org.tutti.transport;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;

/**
 * How a process talks to the kernel: Netty's native epoll (Linux), its io_uring transport (Linux
 * 5.x and later: the reads and writes of every socket on a loop go in one submission), or java.nio
 * (anywhere). The hub, the reflector and the load generator all choose by these names.
 */
public enum Transport {
    EPOLL, IO_URING, NIO;

    /**
     * Parses {@code auto}, {@code epoll}, {@code io_uring} ({@code io-uring}, {@code iouring}) or
     * {@code nio}; {@code auto} is epoll when its native library loads here, else nio. Does not check
     * that a native transport loads: see {@link #select}.
     */
    public static Transport parse(String name) {
        switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "auto":
                return Epoll.isAvailable() ? EPOLL : NIO;
            case "epoll":
                return EPOLL;
            case "io_uring":
            case "iouring":
                return IO_URING;
            case "nio":
                return NIO;
            default:
                throw new IllegalArgumentException("transport must be auto, epoll, io_uring or nio: " + name);
        }
    }

    /** {@link #parse} and {@link #ensureAvailable}: a transport asked for by name that cannot run here throws, with why. */
    public static Transport select(String name) {
        Transport transport = parse(name);
        transport.ensureAvailable();
        return transport;
    }

    /** Throws with the native library's reason when this transport cannot run here. */
    public void ensureAvailable() {
        switch (this) {
            case EPOLL:
                Epoll.ensureAvailability();
                break;
            case IO_URING:
                IoUring.ensureAvailability();
                break;
            default:
                break;
        }
    }

    /** The name as given on command lines: {@code epoll}, {@code io_uring}, {@code nio}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    private IoHandlerFactory handlerFactory() {
        switch (this) {
            case EPOLL:
                return EpollIoHandler.newFactory();
            case IO_URING:
                return IoUringIoHandler.newFactory();
            default:
                return NioIoHandler.newFactory();
        }
    }

    /** Event loops of this transport on daemon threads named {@code name-…}. */
    public EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), handlerFactory());
    }

    /** UDP channels of the JVM's default address family. */
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
        switch (this) {
            case EPOLL:
                return EpollDatagramChannel::new;
            case IO_URING:
                return IoUringDatagramChannel::new;
            default:
                return NioDatagramChannel::new;
        }
    }

    /** UDP channels of one address family (IPv4 only, say, for an IPv4 bind address). */
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory(SocketProtocolFamily family) {
        switch (this) {
            case EPOLL:
                return () -> new EpollDatagramChannel(family);
            case IO_URING:
                return () -> new IoUringDatagramChannel(family);
            default:
                return () -> new NioDatagramChannel(family);
        }
    }

    /** TCP listening channels. */
    public ChannelFactory<? extends ServerChannel> serverChannelFactory() {
        switch (this) {
            case EPOLL:
                return EpollServerSocketChannel::new;
            case IO_URING:
                return IoUringServerSocketChannel::new;
            default:
                return NioServerSocketChannel::new;
        }
    }
}
