package org.tutti.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.tutti.protocol.handshake.HandshakeReply;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.handshake.ParseStatus;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.protocol.udp.PacketHeader;

/**
 * A hub for tests that echoes every client's datagrams back, as the reflector does, with one UDP port
 * per client, and impairs chosen clients' streams on the way back: it drops given sequence numbers of a
 * client, or holds one back and sends it right after the next. Like a real hub it learns each port's
 * client address from the first datagram and counts datagrams from anyone else as foreign.
 */
final class ImpairingEchoHub implements AutoCloseable {
    /** What one port saw. */
    static final class Port {
        final String name;
        final DatagramChannel channel;
        volatile InetSocketAddress learned;
        volatile long received;
        volatile long echoed;
        volatile long foreign;
        volatile long exits;
        ByteBuffer held;
        int heldSequence = -1;

        Port(String name, DatagramChannel channel) {
            this.name = name;
            this.channel = channel;
        }
    }

    private final ServerSocket tcp;
    private final Selector selector;
    private final Thread acceptor;
    private final Thread echoer;
    private final ConcurrentLinkedQueue<Port> toRegister = new ConcurrentLinkedQueue<>();
    private final Map<String, Port> ports = new ConcurrentHashMap<>();
    private final Map<String, Set<Integer>> drops;
    private final Map<String, Set<Integer>> holds;
    private volatile boolean running = true;

    /**
     * @param drops client name → sequence numbers not echoed
     * @param holds client name → sequence numbers echoed after the next one
     */
    ImpairingEchoHub(Map<String, Set<Integer>> drops, Map<String, Set<Integer>> holds) throws IOException {
        this.drops = drops;
        this.holds = holds;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        tcp = new ServerSocket(0, 50, loopback);
        selector = Selector.open();
        acceptor = new Thread(this::accept, "echo-hub-tcp");
        echoer = new Thread(this::echo, "echo-hub-udp");
        acceptor.setDaemon(true);
        echoer.setDaemon(true);
        acceptor.start();
        echoer.start();
    }

    int tcpPort() {
        return tcp.getLocalPort();
    }

    /** The port given to the client called {@code name}. */
    Port port(String name) {
        return ports.get(name);
    }

    private void accept() {
        while (running) {
            try (Socket socket = tcp.accept()) {
                InputStream in = socket.getInputStream();
                byte[] request = in.readNBytes(HandshakeRequest.LENGTH);
                HandshakeRequest[] parsed = new HandshakeRequest[1];
                if (HandshakeRequest.parse(ByteBuffer.wrap(request), 0, request.length, parsed) != ParseStatus.COMPLETE) {
                    continue;
                }
                DatagramChannel channel = DatagramChannel.open();
                channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                channel.configureBlocking(false);
                Port port = new Port(parsed[0].name(), channel);
                ports.put(port.name, port);
                toRegister.add(port);
                selector.wakeup();
                ByteBuffer reply = ByteBuffer.allocate(4);
                HandshakeReply.writePort(reply, 0, ((InetSocketAddress) channel.getLocalAddress()).getPort());
                socket.getOutputStream().write(reply.array());
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void echo() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
        PacketHeader header = new PacketHeader();
        while (running) {
            try {
                for (Port p = toRegister.poll(); p != null; p = toRegister.poll()) {
                    p.channel.register(selector, SelectionKey.OP_READ, p);
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Port port = (Port) key.attachment();
                    for (;;) {
                        buffer.clear();
                        InetSocketAddress source = (InetSocketAddress) port.channel.receive(buffer);
                        if (source == null) {
                            break;
                        }
                        buffer.flip();
                        onDatagram(port, buffer, source, header);
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private void onDatagram(Port port, ByteBuffer datagram, InetSocketAddress source, PacketHeader header)
            throws IOException {
        if (port.learned == null) {
            port.learned = source;
        } else if (!port.learned.equals(source)) {
            port.foreign++;
            return;
        }
        port.received++;
        int length = datagram.remaining();
        if (ExitPacket.isExit(datagram, 0, length)) {
            port.exits++;
            return;
        }
        int sequence = header.wrap(datagram, 0).sequenceNumber();
        if (drops.getOrDefault(port.name, Set.of()).contains(sequence)) {
            return;
        }
        if (holds.getOrDefault(port.name, Set.of()).contains(sequence)) {
            port.held = ByteBuffer.allocate(length).put(datagram).flip();
            port.heldSequence = sequence;
            return;
        }
        port.channel.send(datagram, source);
        port.echoed++;
        if (port.held != null && sequence == ((port.heldSequence + 1) & 0xFFFF)) {
            port.channel.send(port.held, source);
            port.echoed++;
            port.held = null;
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        tcp.close();
        selector.wakeup();
        try {
            acceptor.join(2000);
            echoer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Port port : ports.values()) {
            port.channel.close();
        }
        selector.close();
    }
}
