package org.tutti.reflector;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.util.Locale;

/** How the reflector's data plane talks to the kernel. */
public enum Transport {
    /** Plain java.nio: one Selector thread, {@code recvfrom}/{@code sendto} per datagram. */
    NIO,
    /** Netty's native epoll transport, one event loop. */
    EPOLL,
    /** Netty's io_uring transport, one event loop: reads and writes of every socket are batched per submission. */
    IO_URING;

    /** Parses {@code nio}, {@code epoll}, {@code io_uring} (or {@code io-uring}, {@code iouring}). */
    public static Transport parse(String name) {
        switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "nio":
                return NIO;
            case "epoll":
                return EPOLL;
            case "io_uring":
            case "iouring":
                return IO_URING;
            default:
                throw new IllegalArgumentException("transport must be nio, epoll or io_uring: " + name);
        }
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

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
