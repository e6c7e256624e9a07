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
import java.util.concurrent.TimeUnit;

/**
 * How a process talks to the kernel: Netty's native epoll (Linux), its io_uring transport (Linux
 * 5.x and later: the reads and writes of every socket on a loop go in one submission), or java.nio
 * (anywhere). The hub, the reflector and the load generator all choose by these names.
 */
public enum Transport {
    EPOLL, IO_URING, NIO;

    /**
     * Parses {@code auto}, {@code epoll}, {@code io_uring} ({@code io-uring}, {@code iouring}) or
     * {@code nio}. {@code auto} is io_uring when the kernel lets this process use it, else epoll when
     * its native library loads, else nio: measured with the load generator at 128 and 256 clients,
     * io_uring took 5–12 % less CPU than epoll at 256 and no more at 128, and where a kernel or a
     * container's seccomp profile refuses io_uring, its probe fails and epoll is used. Does not check
     * that a transport named explicitly loads: see {@link #select}.
     */
    public static Transport parse(String name) {
        switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "auto":
                return automatic();
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

    /** What {@code auto} means on this machine: the first of io_uring, epoll and nio that runs here. */
    public static Transport automatic() {
        return Automatic.CHOICE;
    }

    /** Decided once per process: probing io_uring makes a ring. */
    private static final class Automatic {
        static final Transport CHOICE = ioUringRunsHere() ? IO_URING : Epoll.isAvailable() ? EPOLL : NIO;

        /**
         * Netty's availability check makes a ring of one entry; before Linux 5.12 a ring of the size an
         * event loop uses is charged to RLIMIT_MEMLOCK and can still be refused, so make one.
         */
        private static boolean ioUringRunsHere() {
            if (!IoUring.isAvailable()) {
                return false;
            }
            try {
                IO_URING.newGroup(1, "tutti-io_uring-probe").shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
                return true;
            } catch (RuntimeException | LinkageError refused) {
                return false;
            }
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
