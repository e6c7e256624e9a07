package org.tutti.server.jitter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import org.tutti.mixer.dsp.Concealer;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PayloadCodec;

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
 * play position keeps time ("coasts") for up to {@link #COAST_SECONDS}, so when the sender's packets
 * stopped for a while (a stall of its machine, of the network, or of ours) and then arrive in a burst,
 * those whose time has passed are late and dropped and playback goes on with the exact stream at the
 * target depth: the gap is concealed once, the latency does not change and nothing needs realigning.
 * Right after playback starts (clients send a burst, then pause) and after a longer silence, the play
 * position waits instead and playback resumes once the target depth is there again. Far more than
 * the target ahead (beyond anything the engine could be about to catch up on) is an overrun: the
 * oldest packets are dropped.
 */
public final class JitterBuffer {
    private static final VarHandle SLOT_INDEX = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long EMPTY = Long.MIN_VALUE;
    /** Consecutive late packets, beyond a coast's worth, after which the sender is assumed to have restarted. */
    private static final int RESYNC_AFTER_LATE = 16;
    /**
     * How long the play position keeps time through an underrun: longer than the stalls a shared VM
     * shows (tens of milliseconds) and than the engine's own catch-up window, so neither leaves a trace
     * beyond the concealed gap.
     */
    public static final double COAST_SECONDS = 0.25;

    private final int channels;
    private final int frames;
    private final int capacity;
    private final int mask;
    /** Every slot's audio in one array (one allocation per participant): slot s, channel c at ((s·channels)+c)·frames. */
    private final float[] samples;
    private final long[] slotIndex;
    private final int sampleRate;
    private final Concealer concealer;
    private final JitterStats stats = new JitterStats();
    private final ArrivalStatistics arrivals;
    /** Packets the play position may run ahead of the newest packet while coasting. */
    private final int coastPackets;
    /** Frames of depth beyond the target that only a burst (never a catch-up of ours) can leave. */
    private final int burstSlackFrames;

    // Writer (network thread) state.
    private long highestWritten = EMPTY;
    private int highestSequence;
    private int lateStreak;

    // Shared: writer → reader and reader → writer.
    private volatile long publishedFirst = EMPTY;
    private volatile long publishedHighest = EMPTY;
    private volatile long publishedReadIndex = EMPTY;
    private volatile int targetFrames;

    // Reader (audio thread) state.
    private long readIndex;
    private int readOffset;
    private boolean started;
    private boolean primed;
    private boolean concealing;
    /** Whether the last frames read were concealed: the next concealed frames continue that gap. */
    private boolean inGap;
    /** Packets whose turn passed while coasting through an underrun, not yet known to be lost. */
    private long coasted;
    /** Frames read since playback (re)started, to tell a start-up hiccup from a later underrun. */
    private long framesSinceStart;

    /**
     * @param channels     channels per packet (what the client sends)
     * @param frames       frames per packet (the client's period)
     * @param sampleRate   the client's nominal rate
     * @param capacity     slots; rounded up to a power of two
     * @param targetFrames depth the reader starts at (in the client's frames); see {@link #targetFrames(int)}
     */
    public JitterBuffer(int channels, int frames, int sampleRate, int capacity, int targetFrames, Concealer concealer) {
        if (channels < 1 || frames < 1 || targetFrames < 1) {
            throw new IllegalArgumentException("bad jitter buffer shape");
        }
        int size = Integer.highestOneBit(Math.max(capacity, 8) - 1) << 1;
        this.channels = channels;
        this.frames = frames;
        this.capacity = size;
        this.mask = size - 1;
        this.samples = new float[size * channels * frames];
        this.slotIndex = new long[size];
        java.util.Arrays.fill(slotIndex, EMPTY);
        this.sampleRate = sampleRate;
        this.targetFrames = targetFrames;
        this.concealer = concealer;
        this.arrivals = new ArrivalStatistics(frames, sampleRate, stats);
        this.coastPackets = Math.max(1, Math.min(size / 4, (int) Math.ceil(COAST_SECONDS * sampleRate / frames)));
        this.burstSlackFrames = coastPackets * frames;
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

    public int targetFrames() {
        return targetFrames;
    }

    /** The depth the reader starts at; bursts beyond twice it are trimmed. Clamped to the capacity. */
    public void targetFrames(int frames) {
        this.targetFrames = Math.max(1, Math.min(frames, (capacity / 4) * this.frames));
    }

    /** The sender's clock against ours, from packet arrivals (network thread writes, anyone reads). */
    public org.tutti.mixer.dsp.DriftEstimator drift() {
        return arrivals.drift();
    }

    /** Spread of packet arrival times over the recent past, seconds (the depth jitter needs). */
    public double arrivalSpreadSeconds() {
        return arrivals.spreadSeconds();
    }

    /** Whether playback has started (the target depth arrived once). Audio thread. */
    public boolean started() {
        return started;
    }

    /** Frames buffered ahead of the play position at the last read. */
    public int depthFrames() {
        return stats.depthFrames;
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
                // A burst after a coasted stall is up to coastPackets late in a row; a restarted
                // sequence stays late for ever.
                if (++lateStreak > coastPackets + RESYNC_AFTER_LATE) {
                    rebase(sequence, read);
                    index = extend(sequence);
                } else {
                    return Offer.LATE;
                }
            } else {
                // Its slot still holds an older packet (or none): the packet itself never came, and its copy
                // is too late to fill the hole. (Holding this index: it came; a newer one: long past.)
                if (index >= read - capacity && (long) SLOT_INDEX.getAcquire(slotIndex, (int) (index & mask)) < index) {
                    stats.recoveredLate++;
                }
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
        PayloadCodec.decodePlanar(buffer, packetStart, frames, packetChannels, resolution, samples, channels,
                slot * channels * frames);
        SLOT_INDEX.setRelease(slotIndex, slot, index);
        if (redundant) {
            stats.recovered++;
        } else {
            stats.received++;
            if (highestWritten != EMPTY && index < highestWritten) {
                stats.outOfOrder++;
            }
            arrivals.arrived(index, arrivalNanos);
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
        highestWritten = read + Math.max(1, targetFrames / frames) - 1;
        arrivals.restart();
        highestSequence = sequence & 0xFFFF;
        publishedHighest = highestWritten;
        lateStreak = 0;
        stats.resyncs++;
    }

    // ---------------------------------------------------------------- reader side

    /**
     * Fills {@code out[c][0, count)} for this buffer's channels with the next {@code count} frames of
     * the client's stream (audio thread). Until the target depth has arrived, the output is silence.
     */
    public void read(float[][] out, int count) {
        long highest = publishedHighest;
        int target = targetFrames;
        if (!started) {
            long needed = Math.max(1, (target + frames - 1) / frames);
            if (primed) {
                // Re-priming after running dry: resume once the target is there, at the target depth
                // (what arrived beyond it in a burst is older than the target allows: dropped).
                if (highest + 1 - readIndex < needed) {
                    concealer.conceal(out, 0, channels, count);
                    stats.concealedFrames += count;
                    gap();
                    return;
                }
                long resume = highest + 1 - needed;
                if (resume > readIndex) {
                    stats.overruns += resume - readIndex;
                    readIndex = resume;
                    readOffset = 0;
                }
            } else {
                if (highest == EMPTY || highest - publishedFirst + 1 < needed) {
                    silence(out, 0, count);
                    return;
                }
                readIndex = highest + 1 - needed;
                readOffset = 0;
                primed = true;
            }
            started = true;
            framesSinceStart = 0;
        }
        trimBurst(highest, target, count);
        boolean ranDry = false;
        int position = 0;
        while (position < count) {
            int n = Math.min(frames - readOffset, count - position);
            int slot = (int) (readIndex & mask);
            if ((long) SLOT_INDEX.getAcquire(slotIndex, slot) == readIndex) {
                int base = slot * channels * frames + readOffset;
                for (int c = 0; c < channels; c++) {
                    System.arraycopy(samples, base + c * frames, out[c], position, n);
                }
                if (concealing) {
                    concealer.resume(out, position, channels, n);
                    concealing = false;
                }
                inGap = false;
                concealer.observe(out, position, channels, n);
                if (readOffset == 0) {
                    stats.played++;
                    if (coasted > 0) {
                        stats.lost += coasted; // the stream went on: the packets coasted through were lost
                        coasted = 0;
                    }
                }
            } else if (readIndex <= highest) {
                concealer.conceal(out, position, channels, n);
                concealing = true;
                gap();
                stats.concealedFrames += n;
                if (readOffset == 0) {
                    stats.lost++;
                }
            } else if (framesSinceStart >= sampleRate && readIndex - highest <= coastPackets) {
                // Ran dry: keep time, so a burst that ends a stall plays on at the target depth.
                concealer.conceal(out, position, channels, n);
                concealing = true;
                gap();
                stats.concealedFrames += n;
                if (!ranDry) {
                    stats.underruns++;
                    ranDry = true;
                }
                if (readOffset == 0) {
                    coasted++; // lost if the stream goes on past it; a sender that paused lost nothing
                }
            } else {
                int rest = count - position;
                concealer.conceal(out, position, channels, rest);
                concealing = true;
                gap();
                stats.concealedFrames += rest;
                if (!ranDry) {
                    stats.underruns++;
                }
                // Clients often send a burst at start-up and then pause: playback that starts on such a
                // burst runs short. And a sender silent for longer than a coast has paused or gone. Either
                // way, wait where its packets stopped until the target depth is there once more.
                coasted = 0;
                readIndex = Math.min(readIndex, highest + 1);
                readOffset = 0;
                started = false;
                stats.reprimes++;
                break;
            }
            position += n;
            readOffset += n;
            if (readOffset == frames) {
                readOffset = 0;
                readIndex++;
            }
        }
        framesSinceStart += count;
        stats.depthFrames = depthFrames(highest);
        publishedReadIndex = readIndex;
    }

    /** Concealed frames: a new gap unless the frames before them were concealed too. */
    private void gap() {
        if (!inGap) {
            inGap = true;
            stats.gaps++;
        }
    }

    private int depthFrames(long highest) {
        return (int) Math.max(0, (highest + 1 - readIndex) * frames - readOffset);
    }

    /**
     * Takes {@code excessFrames} of depth (measured by the caller over a while, so that jitter and
     * stalls average out) out of the buffer in whole packets, once (audio thread): too deep, the oldest
     * packets are dropped (blended in); too shallow, playback waits, concealed, until the target is
     * there. For an offset that is not drift: what a stream's start left, or a lasting change of the
     * path's delay.
     *
     * @return whether anything was moved
     */
    public boolean realign(double excessFrames) {
        if (excessFrames > frames) {
            long newIndex = Math.min(readIndex + Math.round(excessFrames / frames), publishedHighest + 1);
            stats.overruns += newIndex - readIndex;
            readIndex = newIndex;
            readOffset = 0;
            concealing = true;
            stats.realignments++;
            return true;
        }
        if (excessFrames < -frames) {
            started = false; // re-prime: resumes at the target depth once it is there
            long highest = publishedHighest;
            if (highest != EMPTY && readIndex > highest + 1) {
                // Coasting ahead of a sender that fell behind (it lost time): wait from its next packet on.
                readIndex = highest + 1;
                readOffset = 0;
                coasted = 0;
                publishedReadIndex = readIndex; // so its next packets are stored, not judged late
            }
            stats.realignments++;
            return true;
        }
        return false;
    }

    /**
     * A burst far beyond the target: drop the oldest packets, back to the target. "Far" leaves room for
     * the engine catching up on periods it missed while descheduled, which drains such a depth itself.
     */
    private void trimBurst(long highest, int target, int count) {
        int limit = target + Math.max(2 * Math.max(frames, count), burstSlackFrames);
        if (depthFrames(highest) > limit) {
            long newIndex = highest + 1 - Math.max(1, (target + frames - 1) / frames);
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
