package org.tutti.loadgen;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.util.Locale;

/** The load generator's socket layer. */
public enum IoKind {
    /** java.nio: one sender thread ({@code sendto} per packet) and one Selector thread for receiving. */
    NIO,
    /** Netty native epoll, all sockets on {@code --io-threads} event loops that both send and receive. */
    EPOLL,
    /** Netty io_uring: like epoll, but every loop iteration submits the sends and receives of all its sockets at once. */
    IO_URING;

    public static IoKind parse(String name) {
        switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "nio":
                return NIO;
            case "epoll":
                return EPOLL;
            case "io_uring":
            case "iouring":
                return IO_URING;
            default:
                throw new IllegalArgumentException("io must be nio, epoll or io_uring: " + name);
        }
    }

    /** Parses and checks that the native transport loads here. */
    public static IoKind choose(String name) {
        IoKind kind = parse(name);
        kind.ensureAvailable();
        return kind;
    }

    public void ensureAvailable() {
        if (this == EPOLL) {
            Epoll.ensureAvailability();
        } else if (this == IO_URING) {
            IoUring.ensureAvailability();
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
