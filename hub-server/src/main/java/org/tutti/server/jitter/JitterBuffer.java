package org.tutti.server.jitter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import org.tutti.mixer.dsp.Concealer;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PacketLayout;

/**
 * One participant's jitter buffer: packets indexed by sequence number, read out at the hub's period.
 *
 * <p>Single producer (the network thread calls {@link #offer}), single consumer (the audio thread
 * calls {@link #read}); lock-free and allocation-free after construction. The 16-bit sequence is
 * extended to a 64-bit packet index, so wraparound needs no special case. Each slot is published
 * with a release store of its index and read with an acquire load. The writer stores only indexes in
 * {@code [readIndex, readIndex + capacity)}, so it never touches a slot the reader may be copying.
 *
 * <p>Reading re-blocks the client's packet size into hub periods. A missing packet with newer ones
 * behind it is lost: it is concealed and skipped. An empty buffer is an underrun: concealed, and the
 * play position waits (latency grows until an overrun trims it back to the target). More than
 * {@code target + slack} packets ahead is an overrun: the oldest are dropped.
 */
public final class JitterBuffer {
    private static final VarHandle SLOT_INDEX = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long EMPTY = Long.MIN_VALUE;
    /** Consecutive late packets after which the sender is assumed to have restarted its sequence. */
    private static final int RESYNC_AFTER_LATE = 16;

    private final int channels;
    private final int frames;
    private final int capacity;
    private final int mask;
    private final float[][][] slots;
    private final long[] slotIndex;
    private final int sampleRate;
    private final Concealer concealer;
    private final JitterStats stats = new JitterStats();

    // Writer (network thread) state.
    private long highestWritten = EMPTY;
    private int highestSequence;
    private int lateStreak;
    private long lastArrivalNanos;
    private long lastArrivalIndex;
    private double jitter;

    // Shared: writer → reader and reader → writer.
    private volatile long publishedFirst = EMPTY;
    private volatile long publishedHighest = EMPTY;
    private volatile long publishedReadIndex = EMPTY;
    private volatile int targetPackets;
    private volatile int slackPackets;

    // Reader (audio thread) state.
    private long readIndex;
    private int readOffset;
    private boolean started;
    private boolean concealing;

    /**
     * @param channels      channels per packet (what the client sends)
     * @param frames        frames per packet (the client's period)
     * @param capacity      slots; rounded up to a power of two, at least 4 × (target + slack)
     * @param targetPackets depth the reader starts at and trims back to
     * @param slackPackets  extra depth tolerated before an overrun trims
     */
    public JitterBuffer(int channels, int frames, int sampleRate, int capacity, int targetPackets, int slackPackets,
                        Concealer concealer) {
        if (channels < 1 || frames < 1 || targetPackets < 1 || slackPackets < 0) {
            throw new IllegalArgumentException("bad jitter buffer shape");
        }
        int size = Integer.highestOneBit(Math.max(capacity, 4 * (targetPackets + slackPackets)) - 1) << 1;
        this.channels = channels;
        this.frames = frames;
        this.capacity = size;
        this.mask = size - 1;
        this.slots = new float[size][channels][frames];
        this.slotIndex = new long[size];
        java.util.Arrays.fill(slotIndex, EMPTY);
        this.sampleRate = sampleRate;
        this.targetPackets = targetPackets;
        this.slackPackets = slackPackets;
        this.concealer = concealer;
    }

    public JitterStats stats() {
        return stats;
    }

    public int channels() {
        return channels;
    }

    public int framesPerPacket() {
        return frames;
    }

    public int capacity() {
        return capacity;
    }

    public int targetPackets() {
        return targetPackets;
    }

    /** Changes the target depth; the reader trims or grows towards it (control plane). */
    public void targetPackets(int target, int slack) {
        this.targetPackets = Math.max(1, Math.min(target, capacity / 4));
        this.slackPackets = Math.max(0, Math.min(slack, capacity / 4));
    }

    // ---------------------------------------------------------------- writer side

    /** What {@link #offer} did with a packet. */
    public enum Offer { STORED, DUPLICATE, LATE, TOO_FAR_AHEAD }

    /**
     * Stores one packet whose payload starts at {@code packetStart} (network thread).
     *
     * @param redundant true when the packet came from an older redundancy slot
     */
    public Offer offer(int sequence, ByteBuffer buffer, int packetStart, BitResolution resolution,
                       int packetChannels, long arrivalNanos, boolean redundant) {
        long index = extend(sequence);
        long read = publishedReadIndex;
        if (read != EMPTY && index < read) {
            if (!redundant) {
                stats.late++;
                if (++lateStreak > RESYNC_AFTER_LATE) {
                    rebase(sequence, read);
                    index = extend(sequence);
                } else {
                    return Offer.LATE;
                }
            } else {
                return Offer.LATE;
            }
        }
        lateStreak = 0;
        if (read != EMPTY && index >= read + capacity) {
            stats.droppedAhead++;
            raiseHighest(index, sequence);
            return Offer.TOO_FAR_AHEAD;
        }
        int slot = (int) (index & mask);
        if ((long) SLOT_INDEX.getAcquire(slotIndex, slot) == index) {
            if (!redundant) {
                stats.duplicates++;
            }
            return Offer.DUPLICATE;
        }
        float[][] audio = slots[slot];
        int decoded = Math.min(packetChannels, channels);
        int bytes = resolution.bytesPerSample();
        for (int c = 0; c < decoded; c++) {
            resolution.decode(buffer, packetStart + PacketLayout.channelOffset(c, frames, bytes), frames, audio[c], 0);
        }
        for (int c = decoded; c < channels; c++) {
            java.util.Arrays.fill(audio[c], 0f);
        }
        SLOT_INDEX.setRelease(slotIndex, slot, index);
        if (redundant) {
            stats.recovered++;
        } else {
            stats.received++;
            if (highestWritten != EMPTY && index < highestWritten) {
                stats.outOfOrder++;
            }
            updateJitter(index, arrivalNanos);
        }
        raiseHighest(index, sequence);
        return Offer.STORED;
    }

    /**
     * The packet index a sequence number stands for: the one nearest the highest seen so far
     * (16-bit difference, so 65535 → 0 is just +1).
     */
    long extend(int sequence) {
        if (highestWritten == EMPTY) {
            // Start well away from zero so indexes never go negative.
            return (1L << 32) + (sequence & 0xFFFF);
        }
        return highestWritten + (short) (sequence - highestSequence);
    }

    private void raiseHighest(long index, int sequence) {
        if (highestWritten == EMPTY) {
            publishedFirst = index;
        }
        if (highestWritten == EMPTY || index > highestWritten) {
            highestWritten = index;
            highestSequence = sequence & 0xFFFF;
            publishedHighest = index;
        }
    }

    /** The sender's sequence jumped backwards for good: map it just ahead of the play position. */
    private void rebase(int sequence, long read) {
        highestWritten = read + targetPackets - 1;
        highestSequence = sequence & 0xFFFF;
        publishedHighest = highestWritten;
        lateStreak = 0;
        stats.resyncs++;
    }

    /** RFC 3550 §6.4.1 with media time taken from the packet index. */
    private void updateJitter(long index, long arrivalNanos) {
        if (lastArrivalNanos != 0 && index > lastArrivalIndex) {
            double mediaSeconds = (double) (index - lastArrivalIndex) * frames / sampleRate;
            double arrivalSeconds = (arrivalNanos - lastArrivalNanos) / 1e9;
            double d = Math.abs(arrivalSeconds - mediaSeconds);
            jitter += (d - jitter) / 16.0;
            stats.jitterSeconds = jitter;
        }
        if (index > lastArrivalIndex || lastArrivalNanos == 0) {
            lastArrivalNanos = arrivalNanos;
            lastArrivalIndex = index;
        }
    }

    // ---------------------------------------------------------------- reader side

    /**
     * Fills {@code out[c][0, periodFrames)} for this buffer's channels (audio thread). Until enough
     * packets for the target depth have arrived, the output is silence.
     */
    public void read(float[][] out, int periodFrames) {
        long highest = publishedHighest;
        int targetFrames = targetFrames(periodFrames);
        if (!started) {
            long needed = (targetFrames + frames - 1) / frames;
            if (highest == EMPTY || highest - publishedFirst + 1 < needed) {
                silence(out, 0, periodFrames);
                return;
            }
            readIndex = highest + 1 - needed;
            readOffset = 0;
            started = true;
        }
        trimOverrun(highest, targetFrames, periodFrames);
        int position = 0;
        while (position < periodFrames) {
            int count = Math.min(frames - readOffset, periodFrames - position);
            int slot = (int) (readIndex & mask);
            if ((long) SLOT_INDEX.getAcquire(slotIndex, slot) == readIndex) {
                float[][] audio = slots[slot];
                for (int c = 0; c < channels; c++) {
                    System.arraycopy(audio[c], readOffset, out[c], position, count);
                }
                if (concealing) {
                    concealer.resume(out, position, channels, count);
                    concealing = false;
                }
                concealer.observe(out, position, channels, count);
                if (readOffset == 0) {
                    stats.played++;
                }
            } else if (readIndex <= highest) {
                concealer.conceal(out, position, channels, count);
                concealing = true;
                stats.concealedFrames += count;
                if (readOffset == 0) {
                    stats.lost++;
                }
            } else {
                int rest = periodFrames - position;
                concealer.conceal(out, position, channels, rest);
                concealing = true;
                stats.concealedFrames += rest;
                stats.underruns++;
                break;
            }
            position += count;
            readOffset += count;
            if (readOffset == frames) {
                readOffset = 0;
                readIndex++;
            }
        }
        stats.depthFrames = depthFrames(highest);
        publishedReadIndex = readIndex;
    }

    /** The depth to hold: the target in packets, but never less than one hub period. */
    private int targetFrames(int periodFrames) {
        return Math.max(targetPackets * frames, periodFrames);
    }

    private int depthFrames(long highest) {
        return (int) Math.max(0, (highest + 1 - readIndex) * frames - readOffset);
    }

    private void trimOverrun(long highest, int targetFrames, int periodFrames) {
        int slackFrames = Math.max(slackPackets * frames, periodFrames);
        if (depthFrames(highest) > targetFrames + slackFrames) {
            long newIndex = highest + 1 - (targetFrames + frames - 1) / frames;
            stats.overruns += newIndex - readIndex;
            readIndex = newIndex;
            readOffset = 0;
            // Treat the jump as a gap so the new audio is blended in rather than stepped to.
            concealing = true;
        }
    }

    private void silence(float[][] out, int from, int to) {
        for (int c = 0; c < channels; c++) {
            java.util.Arrays.fill(out[c], from, to, 0f);
        }
    }
}
