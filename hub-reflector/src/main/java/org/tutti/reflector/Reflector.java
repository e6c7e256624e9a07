package org.tutti.reflector;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.tutti.transport.Transport;

/**
 * A JackTrip-compatible hub that does no audio work: the floor any real hub is measured against.
 * Two threads: the handshake listener and the data plane.
 */
public final class Reflector implements AutoCloseable {
    private final ReflectorConfig config;
    private final ReflectorStats stats = new ReflectorStats();
    private final SlotTable slots;
    private final DataPlane dataPlane;
    private final HandshakeListener listener;

    private Reflector(ReflectorConfig config) throws IOException {
        this.config = config;
        config.transport().ensureAvailable();
        this.slots = new SlotTable(config.maxClients());
        long timeoutNanos = config.timeout().toNanos();
        ServerSocket server = HandshakeListener.bind(new InetSocketAddress(config.bindAddress(), config.tcpPort()));
        try {
            this.dataPlane = config.transport() == Transport.NIO
                    ? new NioDataPlane(config.bindAddress(), config.ipv4Sockets(), slots, stats, timeoutNanos,
                            config.maxDatagram(), config.batch().toNanos())
                    : new NettyDataPlane(config.transport(), config.bindAddress(), config.ipv4Sockets(), slots, stats,
                            timeoutNanos, config.maxDatagram());
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        this.listener = new HandshakeListener(server, slots, dataPlane, stats, config.udpBase(),
                (int) config.nameWait().toMillis());
        listener.start();
    }

    /** Binds the TCP port and starts both threads. */
    public static Reflector start(ReflectorConfig config) throws IOException {
        return new Reflector(config);
    }

    public ReflectorConfig config() {
        return config;
    }

    /** The TCP handshake port actually bound (useful when the configured port was 0). */
    public int tcpPort() {
        return listener.localPort();
    }

    public int udpBase() {
        return config.udpBase();
    }

    /** Slots currently held by clients. */
    public int activeClients() {
        return slots.inUse();
    }

    public ReflectorStats stats() {
        return stats;
    }

    public long datagramsEchoed() {
        return dataPlane.datagramsEchoed();
    }

    public long bytesEchoed() {
        return dataPlane.bytesEchoed();
    }

    /** Datagrams the data plane could not echo (see {@link DataPlane#echoesDropped}). */
    public long echoesDropped() {
        return dataPlane.echoesDropped();
    }

    /** Stops taking clients, sends exit ×2 to every client, closes every socket. */
    @Override
    public void close() {
        listener.close();
        dataPlane.close();
    }
}
