package org.tutti.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.PayloadCodec;
import org.tutti.server.engine.StreamFormat;

/**
 * Encodes one participant's mix into a packet each period (audio thread) and hands it to the
 * network thread. A small ring of direct buffers is allocated once; each buffer is retained while
 * in flight and reused once the network thread has released it, so nothing is allocated per packet.
 */
public final class PacketSender {
    private static final int RING = 4;

    private final ByteBuf[] ring = new ByteBuf[RING];
    private final ByteBuffer[] views = new ByteBuffer[RING];
    private final PacketHeader header = new PacketHeader();
    private final AtomicReference<ByteBuf> pending = new AtomicReference<>();
    private final StreamFormat format;
    private final int frames;
    private final int channels;
    private final int packetSize;
    private int next;
    private int sequence;
    private volatile long sent;
    private volatile long skipped;

    /**
     * @param format       the participant's format: we send {@code channelsWanted} channels in its resolution
     * @param periodFrames the hub period, which is our packet size
     */
    public PacketSender(StreamFormat format, int periodFrames) {
        this.format = format;
        this.frames = periodFrames;
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
        return sent;
    }

    /** Periods whose packet was dropped because the network thread had not sent the earlier ones yet. */
    public long skipped() {
        return skipped;
    }

    /**
     * Encodes {@code mix[c][0, frames)} and queues it (audio thread).
     *
     * @param wallMicros the timestamp for the header (µs since the epoch)
     */
    public void stage(float[][] mix, long wallMicros) {
        int slot = next;
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
        ByteBuf replaced = pending.getAndSet(buffer);
        if (replaced != null) {
            replaced.release();
            skipped++;
        }
        next = (slot + 1) % RING;
        sequence = (sequence + 1) & 0xFFFF;
        sent++;
    }

    /** The packet waiting to be written, or null (network thread). The caller owns one reference. */
    public ByteBuf take() {
        return pending.getAndSet(null);
    }

    /** Frees the ring (control plane, after the engine and network thread are done with it). */
    public void close() {
        ByteBuf left = pending.getAndSet(null);
        if (left != null) {
            left.release();
        }
        for (ByteBuf buffer : ring) {
            if (buffer.refCnt() > 0) {
                buffer.release(buffer.refCnt());
            }
        }
    }
}
