package org.tutti.server.jitter;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.dsp.Concealment;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.PayloadCodec;

/**
 * {@code -q auto} with a client that sends redundancy ({@code -r 2}: each datagram also carries the
 * packet before) on a lossy line, on simulated time: the copy of a lost packet comes a packet later than
 * the packet would have, so a buffer shallower than that conceals every loss the redundancy carried.
 * The auto depth (about 2.9 packets on this clean line) leaves that room: only packets whose next
 * datagram was lost too are concealed, and no copy comes too late.
 */
class RedundantLossDepthTest {
    private static final int RATE = 48000;
    private static final int FRAMES = 128;
    private static final long PERIOD_NANOS = FRAMES * 1_000_000_000L / RATE;

    /** What a run ended with, over its last {@code measured} seconds. */
    record Outcome(long lost, long recovered, long recoveredLate, int targetFrames) {
    }

    /**
     * @param redundancy packets per datagram (1 = none)
     * @param loss       share of datagrams lost
     */
    static Outcome run(int redundancy, double loss, double seconds, double measured, long seed) {
        JitterBuffer buffer = new JitterBuffer(1, FRAMES, RATE, 512, FRAMES,
                Concealment.FADE.create(1, FRAMES, RATE));
        StreamInput input = new StreamInput(buffer, DepthTarget.adaptive(2.0), RATE, RATE, FRAMES);
        Random random = new Random(seed);
        ByteBuffer packet = ByteBuffer.allocate(PacketLayout.packetSize(FRAMES, 1, 2));
        float[][] audio = {new float[FRAMES]};
        float[][] out = new float[1][FRAMES];
        long periods = (long) (seconds * RATE / FRAMES);
        long from = (long) ((seconds - measured) * RATE / FRAMES);
        long lost0 = 0;
        long recovered0 = 0;
        long late0 = 0;
        for (long p = 0; p < periods; p++) {
            long now = p * PERIOD_NANOS;
            int seq = (int) p;
            if (random.nextDouble() >= loss) {
                long arrival = now + (long) (random.nextDouble() * 0.3e6); // a clean line's scheduling noise
                // Newest first, as JackTrip sends them; a real datagram arrives as a whole.
                for (int slot = 0; slot < redundancy && seq - slot >= 0; slot++) {
                    int s = seq - slot;
                    java.util.Arrays.fill(audio[0], (float) Math.sin(s) * 0.3f);
                    new PacketHeader().wrap(packet, 0).sequenceNumber(s & 0xFFFF).bufferSize(FRAMES)
                            .samplingRateCode(3).bitResolution(16).channelsWanted(1).channelsCarried(1);
                    PayloadCodec.encode(audio, 0, 1, FRAMES, BitResolution.BIT16, packet, 0);
                    buffer.offer(s & 0xFFFF, packet, 0, BitResolution.BIT16, 1, arrival, slot > 0);
                }
            }
            input.read(out);
            if (p == from) {
                lost0 = buffer.stats().lost();
                recovered0 = buffer.stats().recovered();
                late0 = buffer.stats().recoveredLate();
            }
        }
        JitterStats stats = buffer.stats();
        return new Outcome(stats.lost() - lost0, stats.recovered() - recovered0, stats.recoveredLate() - late0,
                input.targetFrames());
    }

    @Test
    void copiesOfLostPacketsComeInTimeAtTheAutoDepth() {
        Outcome redundant = run(2, 0.02, 90, 40, 21);
        Outcome single = run(1, 0.02, 90, 40, 21);
        String trace = "-r 2: " + redundant + "; -r 1: " + single;
        // 2 % of 15 000 packets lose their datagram; with -r 2 a packet is lost only with the next datagram too.
        assertTrue(redundant.recoveredLate() <= 5, "copies too late to play: " + trace);
        assertTrue(redundant.lost() <= 20, "packets concealed: " + trace);
        assertTrue(redundant.targetFrames() <= single.targetFrames() + 2 * FRAMES,
                "at most about a packet deeper than without redundancy: " + trace);
    }
}
