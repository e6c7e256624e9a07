package org.tutti.server.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.PayloadCodec;

/**
 * What one direction of an {@link ImpairmentRelay} carried while recording: the first channel of every
 * audio packet, placed by its sequence number (each packet once, from whichever redundancy slot brought
 * it first), with the timestamp its sender wrote into the header. So a test reads the stream a hub sent
 * (or got) as it was on the wire, apart from what either end's JACK did to it.
 */
public final class RelayTap implements Consumer<ByteBuffer> {
    private final int frames;
    private final int capacity;
    private final float[] samples;
    private final boolean[] present;
    private final long[] timestampMicros;
    private final long[] observedNanos;
    private final PacketHeader header = new PacketHeader();
    private volatile boolean recording;
    private long firstSequence = -1;
    private int lastWire = -1;
    private long lastSequence;
    /** Written last by the relay's thread for each packet, read first by the test's: publishes the arrays. */
    private volatile int extent;
    private volatile long overflowed;

    /** @param seconds how much the tap holds, at 48 kHz; packets beyond are counted and not kept */
    public RelayTap(int frames, int seconds) {
        this.frames = frames;
        this.capacity = seconds * 48000 / frames + 1;
        this.samples = new float[capacity * frames];
        this.present = new boolean[capacity];
        this.timestampMicros = new long[capacity];
        this.observedNanos = new long[capacity];
    }

    /** From now on packets are kept (the first one kept is packet 0). */
    public void start() {
        recording = true;
    }

    /** No more packets are kept; what was is readable from the test's thread. */
    public void stop() {
        recording = false;
    }

    @Override
    public void accept(ByteBuffer datagram) {
        if (!recording || datagram.remaining() <= PacketHeader.LENGTH + 47) {
            return; // not recording, or an exit packet (63 bytes)
        }
        ByteBuffer data = datagram.slice().order(ByteOrder.LITTLE_ENDIAN);
        header.wrap(data, 0);
        int size = PacketLayout.declaredPacketSize(header);
        if (size <= 0 || header.bufferSize() != frames || data.remaining() % size != 0) {
            return;
        }
        BitResolution resolution = BitResolution.fromBits(header.bitResolution());
        long now = System.nanoTime();
        // Redundancy slots are newest first: keep the oldest first, so sequence numbers unwrap in order.
        for (int slot = data.remaining() / size - 1; slot >= 0; slot--) {
            header.wrap(data, slot * size);
            int index = index(header.sequenceNumber());
            if (index < 0) {
                continue;
            }
            if (index >= capacity) {
                overflowed++;
                continue;
            }
            if (!present[index]) {
                PayloadCodec.decodeChannel(data, slot * size, frames, 0, resolution, samples, index * frames);
                timestampMicros[index] = header.timestamp();
                observedNanos[index] = now;
                present[index] = true;
            }
            extent = Math.max(extent, index + 1);
        }
    }

    /** Where a 16-bit sequence number stands from the first packet kept, or −1 if before it. */
    private int index(int wire) {
        if (firstSequence < 0) {
            firstSequence = wire;
            lastSequence = wire;
            lastWire = wire;
            return 0;
        }
        long sequence = lastSequence + (short) (wire - lastWire);
        if (sequence > lastSequence) {
            lastSequence = sequence;
            lastWire = wire;
        }
        return sequence < firstSequence ? -1 : (int) (sequence - firstSequence);
    }

    /** Packets from the first kept to the last (some may be missing). */
    public int packets() {
        return extent;
    }

    public int frames() {
        return frames;
    }

    public boolean present(int packet) {
        return packet < extent && present[packet];
    }

    /** The sender's header timestamp of a packet that came (µs, the sender's clock). */
    public long timestampMicros(int packet) {
        return timestampMicros[packet];
    }

    /**
     * When (System.nanoTime) the sender stamped a packet that came, for a sender whose header timestamp
     * follows System.nanoTime (the hub's does): its clock's offset is taken from the packet that reached
     * the relay soonest after its stamp, so the answer is late by at most that packet's time on loopback.
     */
    public long sentNanos(int packet) {
        long offset = Long.MAX_VALUE;
        for (int p = 0, n = extent; p < n; p++) {
            if (present[p]) {
                offset = Math.min(offset, observedNanos[p] - timestampMicros[p] * 1000);
            }
        }
        return timestampMicros[packet] * 1000 + offset;
    }

    /** When (System.nanoTime) the relay saw a packet that came. */
    public long observedNanos(int packet) {
        return observedNanos[packet];
    }

    /** The first channel of packets [0, packets()), a missing packet as NaN. */
    public float[] firstChannel() {
        int n = extent;
        float[] copy = Arrays.copyOf(samples, n * frames);
        for (int p = 0; p < n; p++) {
            if (!present[p]) {
                Arrays.fill(copy, p * frames, (p + 1) * frames, Float.NaN);
            }
        }
        return copy;
    }

    /** Packets that came when the tap was full. */
    public long overflowed() {
        return overflowed;
    }

    /** Packets in [0, packets()) that never came. */
    public int missing() {
        int n = extent;
        int missing = 0;
        for (int p = 0; p < n; p++) {
            missing += present[p] ? 0 : 1;
        }
        return missing;
    }
}
