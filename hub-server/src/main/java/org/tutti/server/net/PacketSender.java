package org.tutti.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.PayloadCodec;
import org.tutti.server.engine.EmbeddedClockServer;
import org.tutti.server.engine.StreamFormat;

/**
 * Encodes one participant's mix into a packet each period (audio thread) and hands it to the
 * network thread, in a datagram that also carries the previous R−1 packets, newest first (spec
 * §3.4), when the client reads redundancy: a JackTrip client reads datagrams with its own {@code -r},
 * so by default ({@code auto}) R is what the client sends (from its first datagram, which builds the
 * stream, then as the network thread reports it, see {@link #clientSends}), and a lost datagram is
 * recovered from the next one. The very first datagram to the client must already carry R packets:
 * a JackTrip client (1.7 and 2.x alike) reads every datagram with the length of the first one it got,
 * so a first datagram of one packet would cut every later one to its newest packet. Older slots come from
 * the ring's previous packets, which stay intact until reused; before R packets exist they are zeros,
 * as JackTrip's are. The hub's own sequence numbers go in every slot's header, wrapping at 65536. A
 * ring of direct buffers, as long as the engine's longest catch-up, is allocated once and doubles as a
 * FIFO between the two threads: the audio thread publishes packets in order, the network thread sends every published
 * packet in order, so a network thread that runs a period late catches up without a sequence gap
 * (JackTrip clients with redundancy replay stale data on a gap). Each buffer is retained while in
 * flight and reused once released; nothing is allocated per packet. The hub's participant sockets are
 * not connected (every datagram's sender must be checked, see ParticipantDatagramHandler), so each
 * buffer goes out in an envelope addressed to the client, built once with the buffer and reused with it.
 */
public final class PacketSender {
    /** The most packets per datagram (the ring is longer: older slots are never the one being written). */
    public static final int MAX_REDUNDANCY = 4;

    /**
     * Slots: every packet of the embedded clock's longest catch-up, plus the older packets a datagram
     * carries. An engine that was descheduled stages the periods it missed back to back, faster than the
     * network thread takes them; a ring of only a few slots dropped all but the last few of such a burst
     * (a 20–30 ms stall cost the client 2–8 packets of audio it could have played).
     */
    private final int ringLength;
    private final ByteBuf[] ring;
    private final ByteBuffer[] views;
    private final DatagramPacket[] envelopes;
    private final Channel channel;
    private final PacketHeader header = new PacketHeader();
    private final StreamFormat format;
    private final int frames;
    private final int channels;
    private final int packetSize;
    /** Packets per datagram fixed by the operator, or 0 to follow the client. */
    private final int fixedRedundancy;
    /** Packets per datagram the client sends (network thread writes, audio thread reads). */
    private volatile int clientRedundancy;
    private volatile int redundancy = 1;
    private int sequence;
    /** Packets published by the audio thread; the next one goes to ring[published % ringLength]. */
    private volatile long published;
    /** Packets taken by the network thread (network thread only). */
    private long taken;
    private volatile long skipped;

    /**
     * @param format       the participant's format: we send {@code channelsWanted} channels in its resolution
     * @param packetFrames frames per packet: the hub period, or the client's own at another rate
     * @param redundancy   packets per datagram, 1..{@link #MAX_REDUNDANCY}, or 0 to send what the client sends
     * @param clientRedundancy packets per datagram in the client's first datagram (what {@code auto} sends from
     *                     the first packet on)
     * @param channel      the participant's socket, which the network thread sends on
     * @param recipient    the client's address, learned from its first datagram
     */
    public PacketSender(StreamFormat format, int packetFrames, int redundancy, int clientRedundancy, Channel channel,
                        InetSocketAddress recipient) {
        if (redundancy < 0 || redundancy > MAX_REDUNDANCY) {
            throw new IllegalArgumentException("redundancy must be 0 (auto) or 1.." + MAX_REDUNDANCY + ": " + redundancy);
        }
        if (clientRedundancy < 1) {
            throw new IllegalArgumentException("a client's datagram carries at least one packet: " + clientRedundancy);
        }
        this.fixedRedundancy = redundancy;
        this.clientRedundancy = clientRedundancy;
        this.channel = channel;
        this.format = format;
        this.frames = packetFrames;
        this.channels = format.channelsWanted();
        this.packetSize = PacketLayout.packetSize(frames, channels, format.resolution().bytesPerSample());
        int datagram = MAX_REDUNDANCY * packetSize;
        this.ringLength = ringLength(format.sampleRate(48000), packetFrames);
        this.ring = new ByteBuf[ringLength];
        this.views = new ByteBuffer[ringLength];
        this.envelopes = new DatagramPacket[ringLength];
        for (int i = 0; i < ringLength; i++) {
            ring[i] = Unpooled.directBuffer(datagram, datagram);
            views[i] = ring[i].nioBuffer(0, datagram);
            envelopes[i] = new DatagramPacket(ring[i], recipient);
        }
    }

    /** Slots for {@code packetFrames}-frame packets at {@code rate}: see {@link #ringLength}. */
    static int ringLength(int rate, int packetFrames) {
        int catchUp = (int) Math.ceil(EmbeddedClockServer.MAX_CATCH_UP_SECONDS * rate / packetFrames);
        return catchUp + MAX_REDUNDANCY + 1;
    }

    /** The participant's socket (network thread: sends what {@link #take} hands out on it). */
    public Channel channel() {
        return channel;
    }

    public int packetSize() {
        return packetSize;
    }

    /**
     * The number of packets the client's datagrams carry (network thread, on each datagram; cheap when
     * unchanged). With {@code auto} the next datagrams to it carry as many, up to {@link #MAX_REDUNDANCY}.
     */
    public void clientSends(int packetsPerDatagram) {
        if (packetsPerDatagram != clientRedundancy && packetsPerDatagram >= 1) {
            clientRedundancy = packetsPerDatagram;
        }
    }

    /** Packets per datagram in the last datagram staged. */
    public int redundancy() {
        return redundancy;
    }

    /** Packets handed to the network thread. */
    public long sent() {
        return published;
    }

    /**
     * Periods without a packet because the network thread was a whole ring behind (longer than the
     * engine's longest catch-up). The sequence number is not advanced for them, so the client sees a
     * late packet, never a gap.
     */
    public long skipped() {
        return skipped;
    }

    /**
     * Encodes {@code mix[c][0, frames)} and queues it (audio thread).
     *
     * @param wallMicros the timestamp for the header (µs since the epoch)
     */
    public void stage(float[][] mix, long wallMicros) {
        long count = published;
        int slot = (int) (count % ringLength);
        ByteBuf buffer = ring[slot];
        if (buffer.refCnt() != 1) {
            skipped++;
            return;
        }
        ByteBuffer view = views[slot];
        header.wrap(view, 0)
                .timestamp(wallMicros)
                .sequenceNumber(sequence)
                .bufferSize(frames)
                .samplingRateCode(format.rateCode())
                .bitResolution(format.resolution().bits())
                // What we want from the client is what it sends; what we carry is what it wants.
                .channelsWanted(format.channelsSent())
                .channelsCarried(channels);
        PayloadCodec.encode(mix, 0, channels, frames, format.resolution(), view, 0);
        int slots = fixedRedundancy > 0 ? fixedRedundancy : Math.min(clientRedundancy, MAX_REDUNDANCY);
        for (int older = 1; older < slots; older++) {
            int at = older * packetSize;
            if (count - older >= 0) {
                view.put(at, views[(int) ((count - older) % ringLength)], 0, packetSize);
            } else {
                for (int i = 0; i < packetSize; i++) {
                    view.put(at + i, (byte) 0); // not sent yet: an empty slot, as JackTrip's
                }
            }
        }
        redundancy = slots;
        buffer.setIndex(0, slots * packetSize);
        buffer.retain();
        sequence = (sequence + 1) & 0xFFFF;
        published = count + 1;
    }

    /**
     * The oldest datagram not yet taken, addressed to the client, or null (network thread). The caller
     * owns one reference to its content and must write or release it; call until null to drain.
     */
    public DatagramPacket take() {
        if (taken >= published) {
            return null;
        }
        DatagramPacket datagram = envelopes[(int) (taken % ringLength)];
        taken++;
        return datagram;
    }

    /**
     * Frees the ring (control plane, once the engine stages no more). Each buffer has one owner that
     * releases each reference: the freeing runs on the network thread, after any flush task queued
     * before it; it drops the packets staged but never taken and lets go of the ring's own reference.
     * A datagram still in flight keeps its buffer until Netty releases it after the write (or when the
     * closed channel fails it).
     */
    public void close() {
        Runnable free = () -> {
            for (DatagramPacket untaken = take(); untaken != null; untaken = take()) {
                untaken.release();
            }
            for (ByteBuf buffer : ring) {
                buffer.release();
            }
        };
        if (channel == null) {
            free.run();
            return;
        }
        try {
            channel.eventLoop().execute(free);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            free.run(); // the network thread is gone with the hub: nothing else holds the ring
        }
    }
}
