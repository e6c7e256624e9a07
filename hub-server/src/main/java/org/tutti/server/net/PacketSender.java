package org.tutti.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.PayloadCodec;
import org.tutti.server.engine.StreamFormat;

/**
 * Encodes one participant's mix into a packet each period (audio thread) and hands it to the
 * network thread. A small ring of direct buffers is allocated once and doubles as a FIFO between the
 * two threads: the audio thread publishes packets in order, the network thread sends every published
 * packet in order, so a network thread that runs a period late catches up without a sequence gap
 * (JackTrip clients with redundancy replay stale data on a gap). Each buffer is retained while in
 * flight and reused once released; nothing is allocated per packet.
 */
public final class PacketSender {
    private static final int RING = 4;

    private final ByteBuf[] ring = new ByteBuf[RING];
    private final ByteBuffer[] views = new ByteBuffer[RING];
    private final PacketHeader header = new PacketHeader();
    private final StreamFormat format;
    private final int frames;
    private final int channels;
    private final int packetSize;
    private int sequence;
    /** Packets published by the audio thread; the next one goes to ring[published % RING]. */
    private volatile long published;
    /** Packets taken by the network thread (network thread only). */
    private long taken;
    private volatile long skipped;

    /**
     * @param format       the participant's format: we send {@code channelsWanted} channels in its resolution
     * @param packetFrames frames per packet: the hub period, or the client's own at another rate
     */
    public PacketSender(StreamFormat format, int packetFrames) {
        this.format = format;
        this.frames = packetFrames;
        this.channels = format.channelsWanted();
        this.packetSize = PacketLayout.packetSize(frames, channels, format.resolution().bytesPerSample());
        for (int i = 0; i < RING; i++) {
            ring[i] = Unpooled.directBuffer(packetSize, packetSize);
            views[i] = ring[i].nioBuffer(0, packetSize);
        }
    }

    public int packetSize() {
        return packetSize;
    }

    /** Packets handed to the network thread. */
    public long sent() {
        return published;
    }

    /**
     * Periods without a packet because the network thread was a whole ring behind. The sequence
     * number is not advanced for them, so the client sees a late packet, never a gap.
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
        int slot = (int) (count % RING);
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
        buffer.setIndex(0, packetSize);
        buffer.retain();
        sequence = (sequence + 1) & 0xFFFF;
        published = count + 1;
    }

    /**
     * The oldest packet not yet taken, or null (network thread). The caller owns one reference and
     * must write or release it; call until null to drain.
     */
    public ByteBuf take() {
        if (taken >= published) {
            return null;
        }
        ByteBuf buffer = ring[(int) (taken % RING)];
        taken++;
        return buffer;
    }

    /** Frees the ring (control plane, after the engine and network thread are done with it). */
    public void close() {
        for (ByteBuf buffer : ring) {
            if (buffer.refCnt() > 0) {
                buffer.release(buffer.refCnt());
            }
        }
    }
}
