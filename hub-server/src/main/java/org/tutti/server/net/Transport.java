package org.tutti.server.net;

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
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;

/**
 * Netty transport choice: native epoll on Linux, io_uring when asked for, NIO elsewhere.
 */
public enum Transport {
    EPOLL, IO_URING, NIO;

    /** "auto" picks epoll when its native library loads, else NIO. */
    public static Transport select(String name) {
        switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "auto":
                return Epoll.isAvailable() ? EPOLL : NIO;
            case "epoll":
                Epoll.ensureAvailability();
                return EPOLL;
            case "io_uring":
            case "iouring":
                IoUring.ensureAvailability();
                return IO_URING;
            case "nio":
                return NIO;
            default:
                throw new IllegalArgumentException("transport must be auto, epoll, io_uring or nio: " + name);
        }
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

    public EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), handlerFactory());
    }

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
