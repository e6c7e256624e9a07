package org.tutti.server.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.dsp.Concealer;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PayloadCodec;

/**
 * The jitter buffer's single-producer/single-consumer contract with two real threads: a writer
 * offering packets (through a sequence wraparound, with random pauses) while a reader drains it in
 * blocks that straddle packets. Every frame the reader gets is either concealment or exactly one
 * packet's audio: never half of one packet and half of the next one written into the same slot.
 */
class JitterBufferConcurrencyTest {
    // Big packets (8 channels of 128 frames): writing one takes long enough for a reader that looks at
    // it too early to catch it half done.
    private static final int FRAMES = 128;
    private static final int CHANNELS = 8;
    private static final int PACKETS = 300_000; // past 65535: four sequence wraparounds
    private static final int VALUES = 1000;
    private static final int BLOCK = 32;

    /** Marks concealed frames so the reader can tell them from audio. */
    private static final class MarkingConcealer implements Concealer {
        @Override
        public void reset() {
        }

        @Override
        public void observe(float[][] block, int offset, int channels, int frames) {
        }

        @Override
        public void conceal(float[][] out, int offset, int channels, int frames) {
            for (int c = 0; c < channels; c++) {
                java.util.Arrays.fill(out[c], offset, offset + frames, Float.NaN);
            }
        }

        @Override
        public void resume(float[][] block, int offset, int channels, int frames) {
        }
    }

    /** Packet k carries (k mod 1000 + 1)/2048 on even channels and its negative on odd ones: exact in 16 bits. */
    private static float value(long packet) {
        return (packet % VALUES + 1) / 2048f;
    }

    @Test
    void readerNeverSeesATornPacketWhileTheWriterRunsAlongside() throws Exception {
        // One packet deep, read in small blocks: the reader is often at the very packet being written.
        JitterBuffer buffer = new JitterBuffer(CHANNELS, FRAMES, 48000, 64, FRAMES, new MarkingConcealer());
        AtomicLong written = new AtomicLong();
        AtomicLong readFrames = new AtomicLong();
        // Packets the buffer skipped (re-priming after a stall, trimming a burst): its read position is
        // ahead of readFrames by these. Counted by the reader thread, which alone changes them.
        AtomicLong skippedPackets = new AtomicLong();
        AtomicLong late = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                ByteBuffer packet = ByteBuffer.allocate(org.tutti.protocol.udp.PacketHeader.LENGTH + CHANNELS * FRAMES * 2);
                float[][] audio = new float[CHANNELS][FRAMES];
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (long k = 0; k < PACKETS && failure.get() == null; k++) {
                    // Stay within what the buffer holds ahead of the reader (the hub's clock does this).
                    while (k * FRAMES - readFrames.get() > 12L * FRAMES && failure.get() == null) {
                        Thread.onSpinWait();
                    }
                    for (int c = 0; c < CHANNELS; c++) {
                        java.util.Arrays.fill(audio[c], c % 2 == 0 ? value(k) : -value(k));
                    }
                    PayloadCodec.encode(audio, 0, CHANNELS, FRAMES, BitResolution.BIT16, packet, 0);
                    JitterBuffer.Offer offer = buffer.offer((int) (k & 0xFFFF), packet, 0, BitResolution.BIT16, CHANNELS,
                            System.nanoTime(), false);
                    if (offer == JitterBuffer.Offer.LATE) {
                        // The reader may enter the packet being written; if this thread is descheduled
                        // meanwhile (a shared VM does that), the reader finishes it concealed and the packet
                        // comes late, as on the network. Late only once the reader had reached it.
                        late.incrementAndGet();
                        // Where the reader can be: what it has read, what the buffer skipped, and the block
                        // it may be reading now (counted once that read returns). A skip alone never makes
                        // this packet late: it stops short of the newest packet stored, this one's predecessor.
                        long skipped = skippedPackets.get();
                        long reach = readFrames.get() + skipped * FRAMES + BLOCK;
                        if (reach <= k * FRAMES) {
                            throw new AssertionError("packet " + k + " refused as late with the reader at most at frame "
                                    + reach + " (read " + readFrames.get() + ", skipped " + skipped + " packets)");
                        }
                    } else if (offer != JitterBuffer.Offer.STORED) {
                        throw new AssertionError("packet " + k + ": " + offer);
                    }
                    written.set(k + 1);
                    if (random.nextInt(64) == 0) {
                        for (int spin = random.nextInt(2000); spin > 0; spin--) {
                            Thread.onSpinWait();
                        }
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "test-writer");
        writer.start();

        float[][] out = new float[CHANNELS][BLOCK];
        float previous = Float.NaN;
        int run = 0;
        boolean wholeRun = false; // the run began at a packet boundary, not where concealment ended
        long audioFrames = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (readFrames.get() < (long) (PACKETS - 8) * FRAMES && failure.get() == null && System.nanoTime() < deadline) {
            // Never beyond the packet the writer is on (the hub's clock keeps the two in step).
            if (readFrames.get() / FRAMES > written.get() && written.get() < PACKETS) {
                Thread.onSpinWait();
                continue;
            }
            buffer.read(out, BLOCK);
            for (int i = 0; i < BLOCK; i++) {
                float left = out[0][i];
                if (Float.isNaN(left) || left == 0f) { // concealed, or silence before playback starts
                    previous = Float.NaN;
                    run = 0;
                    wholeRun = false;
                    continue;
                }
                audioFrames++;
                for (int c = 1; c < CHANNELS; c++) {
                    assertEquals(c % 2 == 0 ? left : -left, out[c][i], "every channel of a frame from one packet");
                }
                if (left == previous) {
                    run++;
                    assertTrue(run <= FRAMES, "one packet's value for more than a packet's frames");
                } else {
                    if (wholeRun && run < FRAMES) {
                        throw new AssertionError("a packet cut short at frame " + run + ": " + previous + " -> " + left);
                    }
                    if (!Float.isNaN(previous)) {
                        float next = previous * 2048f % VALUES + 1;
                        assertEquals(next / 2048f, left, 0f, "packets in order");
                    }
                    wholeRun = !Float.isNaN(previous);
                    previous = left;
                    run = 1;
                }
            }
            skippedPackets.set(buffer.stats().overruns());
            readFrames.addAndGet(BLOCK);
        }
        writer.join(10_000);
        if (failure.get() != null) {
            throw new AssertionError("writer failed", failure.get());
        }
        JitterStats stats = buffer.stats();
        assertEquals(PACKETS, stats.received() + late.get(), "every packet stored, or late after the reader passed it");
        System.out.printf("stored %d, late %d, skipped by the buffer %d, underruns %d%n", stats.received(), late.get(),
                stats.overruns(), stats.underruns());
        assertEquals(late.get(), stats.late(), "late as counted");
        // Read this close to the writer, much is concealed; what matters is that what played was whole.
        assertTrue(audioFrames > 0.1 * PACKETS * FRAMES, "audio played: " + audioFrames + " of "
                + (long) PACKETS * FRAMES + " frames (" + stats.underruns() + " underruns)");
    }
}
