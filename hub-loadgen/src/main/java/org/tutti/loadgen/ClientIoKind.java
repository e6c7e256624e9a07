package org.tutti.loadgen;

import io.netty.channel.uring.IoUring;
import java.util.Locale;
import org.tutti.transport.Transport;

/**
 * The load generator's socket layers ({@code --io}). Every one keeps one UDP socket per simulated
 * client, as real clients have: a hub takes a second session streaming from the same address and port
 * for the first one reconnecting and ends the first (Tutti's {@code SessionManager}, JackTrip's hub).
 */
public enum ClientIoKind {
    /** java.nio: a sender thread ({@code sendto} per packet) and a receiver thread on one Selector. */
    NIO(Transport.NIO),
    /** Netty epoll channels, one per client, on {@code --io-threads} event loops. */
    EPOLL(Transport.EPOLL),
    /** Netty io_uring channels, one per client, on {@code --io-threads} event loops. */
    IO_URING(Transport.IO_URING),
    /**
     * io_uring without Netty's channels ({@link BatchedClientIo}): every send and receive of a pass, for
     * all clients of a loop, goes to the kernel in one {@code io_uring_enter}; nothing is allocated per packet.
     */
    BATCH(Transport.IO_URING);

    private final Transport transport;

    ClientIoKind(Transport transport) {
        this.transport = transport;
    }

    /** The Netty transport under this layer (NIO for plain java.nio). */
    Transport transport() {
        return transport;
    }

    /**
     * Parses {@code nio}, {@code epoll}, {@code io_uring} ({@code io-uring}, {@code iouring}), {@code batch}
     * or {@code auto} (batch where io_uring runs, else nio). Does not check that it can run here: see {@link #select}.
     */
    public static ClientIoKind parse(String name) {
        switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "auto":
                return IoUring.isAvailable() ? BATCH : NIO;
            case "nio":
                return NIO;
            case "epoll":
                return EPOLL;
            case "io_uring":
            case "iouring":
                return IO_URING;
            case "batch":
                return BATCH;
            default:
                throw new IllegalArgumentException("io must be auto, batch, nio, epoll or io_uring: " + name);
        }
    }

    /** {@link #parse} and {@link #ensureAvailable}: a layer asked for by name that cannot run here throws, with why. */
    public static ClientIoKind select(String name) {
        ClientIoKind kind = parse(name);
        kind.ensureAvailable();
        return kind;
    }

    /** Throws with the native library's reason when this layer cannot run here. */
    public void ensureAvailable() {
        transport.ensureAvailable();
    }

    /** The name as given on the command line and in the results: {@code nio}, {@code epoll}, {@code io_uring}, {@code batch}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
