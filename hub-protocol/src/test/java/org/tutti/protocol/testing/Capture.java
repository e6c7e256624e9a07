package org.tutti.protocol.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One capture, dissected: its frames, the UDP datagrams and TCP segments in them, and the TCP
 * connections. Immutable once built; frame numbers are the file's (1-based, as tshark shows them).
 */
public final class Capture {
    private final String name;
    private final CaptureFile file;
    private final List<UdpDatagram> udp;
    private final List<TcpSegment> tcp;
    private final Map<Integer, TransportPacket> byFrame;
    private final List<TcpConnection> connections;

    public Capture(String name, CaptureFile file) {
        this.name = name;
        this.file = file;
        List<UdpDatagram> udp = new ArrayList<>();
        List<TcpSegment> tcp = new ArrayList<>();
        Map<Integer, TransportPacket> byFrame = new TreeMap<>();
        for (Frame frame : file.frames()) {
            PacketDissector.dissect(frame).ifPresent(packet -> {
                byFrame.put(packet.frameNumber(), packet);
                if (packet instanceof UdpDatagram datagram) {
                    udp.add(datagram);
                } else if (packet instanceof TcpSegment segment) {
                    tcp.add(segment);
                }
            });
        }
        this.udp = List.copyOf(udp);
        this.tcp = List.copyOf(tcp);
        this.byFrame = Collections.unmodifiableMap(byFrame);
        this.connections = List.copyOf(TcpConnection.assemble(tcp));
    }

    public String name() {
        return name;
    }

    public CaptureFile file() {
        return file;
    }

    public List<Frame> frames() {
        return file.frames();
    }

    public Frame frame(int number) {
        return file.frame(number);
    }

    /** Every UDP datagram, in frame order. */
    public List<UdpDatagram> udpDatagrams() {
        return udp;
    }

    /** UDP datagrams matching {@code filter}, in frame order. */
    public List<UdpDatagram> udpDatagrams(Predicate<? super UdpDatagram> filter) {
        return udp.stream().filter(filter).toList();
    }

    /** UDP datagrams from {@code sourcePort} to {@code destinationPort}, in frame order. */
    public List<UdpDatagram> udpDatagrams(int sourcePort, int destinationPort) {
        return udpDatagrams(d -> d.sourcePort() == sourcePort && d.destinationPort() == destinationPort);
    }

    /** The UDP datagram in frame {@code number}. */
    public UdpDatagram udp(int number) {
        TransportPacket packet = byFrame.get(number);
        if (packet instanceof UdpDatagram datagram) {
            return datagram;
        }
        throw new IllegalArgumentException(name + " frame " + number + " is not a UDP datagram: "
                + (packet != null ? packet : frame(number)));
    }

    /** The TCP segment in frame {@code number}. */
    public TcpSegment tcp(int number) {
        TransportPacket packet = byFrame.get(number);
        if (packet instanceof TcpSegment segment) {
            return segment;
        }
        throw new IllegalArgumentException(name + " frame " + number + " is not a TCP segment: "
                + (packet != null ? packet : frame(number)));
    }

    /** Every TCP segment, in frame order. */
    public List<TcpSegment> tcpSegments() {
        return tcp;
    }

    /** TCP connections, ordered by their first frame. */
    public List<TcpConnection> tcpConnections() {
        return connections;
    }

    /** TCP connections to {@code serverPort} (e.g. a hub's 14464), ordered by their first frame. */
    public List<TcpConnection> tcpConnectionsTo(int serverPort) {
        return connections.stream().filter(c -> c.server().getPort() == serverPort).toList();
    }

    /** The one TCP connection to {@code serverPort}; fails if there are none or several. */
    public TcpConnection onlyTcpConnectionTo(int serverPort) {
        List<TcpConnection> matching = tcpConnectionsTo(serverPort);
        if (matching.size() != 1) {
            throw new IllegalStateException(name + " has " + matching.size() + " TCP connections to port " + serverPort);
        }
        return matching.get(0);
    }

    @Override
    public String toString() {
        return "Capture[" + name + ", " + file.format() + ", " + frames().size() + " frames, " + udp.size() + " UDP, "
                + tcp.size() + " TCP]";
    }
}
