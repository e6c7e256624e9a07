package org.tutti.loadgen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The socket layer of the load generator: one UDP socket per simulated client, a fixed number of
 * threads whatever the number of clients.
 */
interface ClientIo extends AutoCloseable {
    /** How long before its first packet a started client is scheduled: leaves time to register its socket. */
    long START_LEAD_NANOS = 2_000_000L;
    /** Most packets one client may send in one pass when the sender fell behind. */
    int MAX_BURST = 16;

    /** Binds the client's UDP socket (before the handshake, so its port can be announced); returns the port. */
    int bind(SimClient client, InetSocketAddress local) throws IOException;

    /** Connects the socket to the hub's port for this client and starts the real-time stream. */
    void start(SimClient client, InetSocketAddress hubUdp) throws IOException;

    /**
     * A client leaves during the run (churn), as a JackTrip client that quits: the thread that sends for
     * it stops its stream and sends exit ×2 from its socket. Returns at once; the socket stays open (to
     * receive the hub's answer) until {@link #close(SimClient)}.
     */
    void leave(SimClient client);

    /**
     * Closes the client's socket and forgets it, on the I/O thread that receives for it (so no read is
     * cut short); sets {@link SimClient#closed} when done. For a client that left or never started.
     */
    void close(SimClient client);

    /**
     * Stops sending, sends exit ×2 from every client still streaming, keeps receiving for
     * {@code drainMillis}, then closes every socket and stops every thread.
     */
    void stop(long drainMillis);

    /** Per-thread histograms, for the summary (read after {@link #stop}). */
    List<ThreadStats> threadStats();

    /** Names of the threads doing I/O, for the CPU breakdown. */
    List<String> threadNames();

    @Override
    default void close() {
        stop(0);
    }
}
