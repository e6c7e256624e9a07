package org.tutti.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tutti.protocol.handshake.HandshakeReply;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.protocol.udp.PacketHeader;

/**
 * A receive-only hub for tests: answers every handshake with one UDP port and records, per client
 * source port, the sequence number and arrival time of every audio datagram. It never sends audio,
 * so what it records is exactly what the load generator put on the wire.
 */
final class FakeHub implements AutoCloseable {
    record Arrival(int sequence, long nanos) {
    }

    private final ServerSocket tcp;
    private final DatagramChannel udp;
    private final Thread acceptor;
    private final Thread receiver;
    private final Map<Integer, List<Arrival>> arrivals = new TreeMap<>();
    private int exits;
    private volatile boolean running = true;

    FakeHub() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        tcp = new ServerSocket(0, 50, loopback);
        udp = DatagramChannel.open();
        udp.bind(new InetSocketAddress(loopback, 0));
        int udpPort = ((InetSocketAddress) udp.getLocalAddress()).getPort();
        acceptor = new Thread(() -> accept(udpPort), "fake-hub-tcp");
        receiver = new Thread(this::receive, "fake-hub-udp");
        acceptor.start();
        receiver.start();
    }

    int tcpPort() {
        return tcp.getLocalPort();
    }

    private void accept(int udpPort) {
        while (running) {
            try (Socket socket = tcp.accept()) {
                InputStream in = socket.getInputStream();
                in.readNBytes(68);
                ByteBuffer reply = ByteBuffer.allocate(4);
                HandshakeReply.writePort(reply, 0, udpPort);
                socket.getOutputStream().write(reply.array());
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void receive() {
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        PacketHeader header = new PacketHeader();
        while (running) {
            buffer.clear();
            try {
                InetSocketAddress source = (InetSocketAddress) udp.receive(buffer);
                long now = System.nanoTime();
                int length = buffer.position();
                synchronized (this) {
                    if (ExitPacket.isExit(buffer, 0, length)) {
                        exits++;
                    } else if (length >= PacketHeader.LENGTH) {
                        int sequence = header.wrap(buffer, 0).sequenceNumber();
                        arrivals.computeIfAbsent(source.getPort(), p -> new ArrayList<>())
                                .add(new Arrival(sequence, now));
                    }
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Arrivals per client source port, in arrival order. */
    synchronized Map<Integer, List<Arrival>> arrivals() {
        Map<Integer, List<Arrival>> copy = new TreeMap<>();
        arrivals.forEach((port, list) -> copy.put(port, List.copyOf(list)));
        return copy;
    }

    synchronized int exits() {
        return exits;
    }

    @Override
    public void close() throws IOException {
        running = false;
        tcp.close();
        udp.close();
        try {
            acceptor.join(2000);
            receiver.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
