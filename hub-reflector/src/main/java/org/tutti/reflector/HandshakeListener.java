package org.tutti.reflector;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.tutti.protocol.handshake.AuthCode;
import org.tutti.protocol.handshake.HandshakeFramer;
import org.tutti.protocol.handshake.HandshakeReply;
import org.tutti.protocol.handshake.HandshakeRequest;

/**
 * The TCP side (spec §2), one blocking thread: read the request, bind the UDP port of the lowest
 * free slot, reply with that port as int32 LE, close. Requests are framed as the hub frames them
 * ({@link HandshakeFramer}, garbage refused alike): a 4-byte request waits {@code nameWait} for the
 * 64 name bytes and is then taken as legacy; the auth marker gets NOTREQUIRED. Handshakes take
 * well under a millisecond on a LAN, so one thread serves hundreds of joins per second; a client
 * that connects and sends nothing holds the others back for at most {@link #REQUEST_TIMEOUT_MILLIS}.
 */
final class HandshakeListener implements Runnable, AutoCloseable {
    static final int REQUEST_TIMEOUT_MILLIS = 2000;

    private final ServerSocket server;
    private final SlotTable slots;
    private final DataPlane dataPlane;
    private final ReflectorStats stats;
    private final int udpBase;
    private final int nameWaitMillis;
    private final Thread thread;
    private final byte[] request = new byte[HandshakeRequest.LENGTH];
    private final ByteBuffer requestView = ByteBuffer.wrap(request);
    private final byte[] reply = new byte[HandshakeReply.LENGTH];
    private final ByteBuffer replyView = ByteBuffer.wrap(reply);
    private volatile boolean running = true;

    HandshakeListener(ServerSocket server, SlotTable slots, DataPlane dataPlane, ReflectorStats stats, int udpBase,
                      int nameWaitMillis) {
        this.server = server;
        this.slots = slots;
        this.dataPlane = dataPlane;
        this.stats = stats;
        this.udpBase = udpBase;
        this.nameWaitMillis = Math.max(1, nameWaitMillis);
        this.thread = new Thread(this, "reflector-handshake");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        while (running) {
            try (Socket socket = server.accept()) {
                serve(socket);
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private void serve(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(REQUEST_TIMEOUT_MILLIS);
        InputStream in = socket.getInputStream();
        int length = readAtLeast(in, 0, HandshakeRequest.PORT_LENGTH);
        HandshakeFramer.Verdict verdict = HandshakeFramer.frame(requestView, 0, length);
        if (verdict.step() == HandshakeFramer.Step.NEED_MORE) {
            // Too short, or JackTrip's "port 0 = not ready yet": give it the rest of the request.
            length = readAtLeast(in, length, HandshakeRequest.LENGTH);
            verdict = HandshakeFramer.frame(requestView, 0, length);
        }
        if (verdict.step() == HandshakeFramer.Step.AUTH_REQUESTED) {
            stats.authMarkers.incrementAndGet();
            send(socket, HandshakeReply.writeCode(replyView, 0, AuthCode.NOTREQUIRED));
            return;
        }
        if (verdict.step() == HandshakeFramer.Step.WAIT_FOR_NAME) {
            // A real client sends all 68 bytes in one segment; a legacy one stops after 4.
            socket.setSoTimeout(nameWaitMillis);
            length = readAtLeast(in, length, HandshakeRequest.LENGTH);
            verdict = HandshakeFramer.frame(requestView, 0, length);
        }
        boolean legacy = verdict.step() == HandshakeFramer.Step.WAIT_FOR_NAME && length == HandshakeRequest.PORT_LENGTH;
        if (verdict.step() != HandshakeFramer.Step.REQUEST && !legacy) {
            stats.malformed.incrementAndGet();
            return;
        }
        int port = admit();
        if (port < 0) {
            stats.refused.incrementAndGet();
            return;
        }
        stats.handshakes.incrementAndGet();
        if (legacy) {
            stats.legacyHandshakes.incrementAndGet();
        }
        send(socket, HandshakeReply.writePort(replyView, 0, port));
    }

    /** Binds the lowest free slot whose port is bindable; returns its port or -1. */
    private int admit() {
        List<Integer> unbindable = new ArrayList<>();
        try {
            for (int from = 0;;) {
                int slot = slots.acquire(from);
                if (slot < 0) {
                    return -1;
                }
                try {
                    dataPlane.open(slot, udpBase + slot);
                    return udpBase + slot;
                } catch (IOException e) {
                    // Another process holds this port (JackTrip 1.7.0 would abort): try the next slot.
                    unbindable.add(slot);
                    from = slot + 1;
                }
            }
        } finally {
            for (int slot : unbindable) {
                slots.release(slot);
            }
        }
    }

    /** Reads into the request buffer until it holds {@code wanted} bytes, EOF, or the socket timeout. */
    private int readAtLeast(InputStream in, int have, int wanted) throws IOException {
        int length = have;
        try {
            while (length < wanted) {
                int n = in.read(request, length, request.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
        } catch (SocketTimeoutException e) {
            // Whatever arrived so far is all we get.
        }
        return length;
    }

    private void send(Socket socket, int length) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(reply, 0, length);
        out.flush();
    }

    int localPort() {
        return server.getLocalPort();
    }

    static ServerSocket bind(InetSocketAddress address) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(address, 128);
        return server;
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            // nothing to do
        }
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
