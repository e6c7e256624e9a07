package org.tutti.reflector;

import java.io.IOException;

/**
 * The UDP side: one socket per client slot, every datagram sent straight back to its source.
 * {@link #open} runs on the handshake thread and binds synchronously, so the port is ready before
 * the client is told about it. Everything else runs on the data plane's own thread.
 */
interface DataPlane extends AutoCloseable {
    /** Binds {@code port} for {@code slot}; the slot is released by the data plane when the client ends. */
    void open(int slot, int port) throws IOException;

    /** Datagrams echoed so far (read from another thread: may lag slightly). */
    long datagramsEchoed();

    /** Bytes echoed so far. */
    long bytesEchoed();

    /**
     * Datagrams received and not echoed because the send failed or the socket's send buffer had no room
     * (a network interface's queue full; on loopback the kernel frees the sender's share at once, and a
     * datagram for a client that stopped reading is dropped at the client's socket instead). A Netty
     * data plane queues such a datagram until the socket can take it, so it never drops one.
     */
    long echoesDropped();

    /** Sends exit ×2 to every client with a known address, then closes every socket and stops. */
    @Override
    void close();
}
