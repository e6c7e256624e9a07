package org.tutti.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.protocol.udp.DatagramValidator;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.Redundancy;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.engine.StreamFormat;
import org.tutti.server.session.Participant;
import org.tutti.server.session.SessionEvents;

/**
 * Receives one participant's datagrams: check who sent it, validate, report the first one (the
 * control plane then builds the stream and learns the client's address from it), and feed every
 * packet — including redundancy slots — to the stream's jitter buffer. Releases each datagram where
 * it is read.
 *
 * <p>Between the first datagram and the stream's publication (a hop to the control thread, well
 * under a period unless many join at once) packets are dropped: the jitter buffer is still to prime,
 * so nothing is heard missing.
 *
 * <p>Who may send: before the session's first datagram, any port of the address that made the
 * handshake (NATs rewrite ports, not addresses); after it, only the address learned from it. Anything
 * else, exit packets included, is counted and dropped before it is read, so a sprayer can neither end
 * a session nor take its stream over. The socket is never connected: the kernel would then drop
 * strangers' datagrams for free, but those it queued before the {@code connect()} (it does not purge
 * them) would be read labelled with the client's address, and a forged exit packet among them would
 * end the session. Unconnected, every datagram carries its real sender.
 */
public final class ParticipantDatagramHandler extends ChannelInboundHandlerAdapter {
    /** One scratch copy per network thread: datagrams are copied here and decoded from a heap buffer. */
    private static final FastThreadLocal<ByteBuffer> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected ByteBuffer initialValue() {
            return ByteBuffer.allocate(65536);
        }
    };

    private final Participant participant;
    private final DatagramValidator validator;
    private final SessionEvents events;
    private final PacketHeader header = new PacketHeader();
    private final PacketHeader slotHeader = new PacketHeader();
    private boolean firstReported;
    private boolean exitReported;
    private boolean refusalReported;

    public ParticipantDatagramHandler(Participant participant, DatagramValidator validator, SessionEvents events) {
        this.participant = participant;
        this.validator = validator;
        this.events = events;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        try {
            ByteBuf content = packet.content();
            int length = content.readableBytes();
            ByteBuffer scratch = SCRATCH.get();
            content.getBytes(content.readerIndex(), scratch.array(), 0, length);
            receive(ctx, scratch, length, packet.sender(), System.nanoTime());
        } finally {
            packet.release();
        }
    }

    private void receive(ChannelHandlerContext ctx, ByteBuffer data, int length, InetSocketAddress source, long now) {
        Participant.State state = participant.state();
        if (state == Participant.State.ENDING || state == Participant.State.ENDED) {
            return;
        }
        var counters = participant.counters();
        if (!fromParticipant(source)) {
            counters.foreign();
            long count = counters.foreignDatagrams();
            if (count == 1 || count == 10 || count == 100 || count == 1000 || count % 10000 == 0) {
                events.foreign(participant, source, count);
            }
            return;
        }
        counters.datagram(length);
        DatagramCheck check = validator.check(data, 0, length, header);
        counters.check(check);
        if (check == DatagramCheck.EXIT) {
            if (!exitReported) {
                exitReported = true;
                events.clientExit(participant);
            }
            return;
        }
        if (check.fatal()) {
            if (!refusalReported) {
                refusalReported = true;
                events.refused(participant, check, source, header.samplingRateCode(), header.bitResolution());
            }
            return;
        }
        if (check != DatagramCheck.OK) {
            reportMalformed(check.description(), counters.count(check), source);
            return;
        }
        ParticipantStream stream = participant.stream();
        if (stream == null) {
            participant.heard(now);
            if (!firstReported) {
                firstReported = true;
                StreamFormat format = StreamFormat.of(header);
                events.firstDatagram(participant, format, Redundancy.slotCount(length, format.packetSize()), source, now);
            }
            return;
        }
        if (!stream.format().matches(header)) {
            counters.formatChange();
            reportMalformed("format differs from the session's (" + stream.format().describe() + ")",
                    counters.formatChanges(), source);
            return;
        }
        participant.heard(now);
        StreamFormat format = stream.format();
        int packetSize = format.packetSize();
        int slots = Redundancy.slotCount(length, packetSize);
        if (stream.sender() != null) {
            stream.sender().clientSends(slots); // it reads datagrams as it sends them
        }
        if (stream.jitter() == null) {
            return;
        }
        BitResolution resolution = format.resolution();
        stream.jitter().offer(header.sequenceNumber(), data, 0, resolution, format.channelsSent(), now, false);
        for (int slot = 1; slot < slots; slot++) {
            int at = Redundancy.slotOffset(slot, packetSize);
            slotHeader.wrap(data, at);
            if (!Redundancy.isEmptySlot(slotHeader) && format.matches(slotHeader)) {
                stream.jitter().offer(slotHeader.sequenceNumber(), data, at, resolution, format.channelsSent(), now,
                        true);
            }
        }
    }

    /** Whether {@code source} may speak for this participant (see the class comment). */
    private boolean fromParticipant(InetSocketAddress source) {
        InetSocketAddress learned = participant.address();
        if (learned != null) {
            return learned.getPort() == source.getPort() && sameHost(learned.getAddress(), source.getAddress());
        }
        return sameHost(participant.tcpPeer().getAddress(), source.getAddress());
    }

    /** Equal addresses, an IPv4 address and its IPv4-mapped IPv6 form counting as equal. */
    static boolean sameHost(java.net.InetAddress a, java.net.InetAddress b) {
        if (a.equals(b)) {
            return true; // the usual case, and it allocates nothing
        }
        if (a.getClass() == b.getClass()) {
            return false;
        }
        return java.util.Arrays.equals(ipv4IfMapped(a.getAddress()), ipv4IfMapped(b.getAddress()));
    }

    private static byte[] ipv4IfMapped(byte[] address) {
        if (address.length != 16) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        if (address[10] != (byte) 0xFF || address[11] != (byte) 0xFF) {
            return address;
        }
        return java.util.Arrays.copyOfRange(address, 12, 16);
    }

    private void reportMalformed(String what, long count, InetSocketAddress source) {
        if (count == 1 || count == 10 || count == 100 || count == 1000 || count % 10000 == 0) {
            events.malformed(participant, what, count, source);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A failed send or receive (an unconnected socket hears no ICMP errors); the session timeout
        // ends a session whose client vanished.
        participant.counters().socketError();
        long errors = participant.counters().socketErrors();
        if (errors == 1 || errors % 1000 == 0) {
            events.socketError(participant, cause);
        }
    }
}
