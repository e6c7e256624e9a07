package org.tutti.server.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tutti.mixer.dsp.Concealment;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.PayloadCodec;
import org.tutti.server.testing.StreamContinuity;

/**
 * A machine stall, on simulated time (the jitter buffer, its resampler and the engine's catch-up
 * rule, no threads): a client's packets stop for 40 ms and come in a burst, or the hub itself is
 * descheduled for 40 ms. Either way the hub conceals the gap at most once and then plays the exact
 * stream at the depth it had, with no reprime, realignment, trim or drift correction after it.
 */
class StallTest {
    static final int RATE = 48000;
    static final int FRAMES = 128;
    static final long PERIOD_NANOS = FRAMES * 1_000_000_000L / RATE;
    /** The ramp's length: every sample's 16-bit value names its position in it. */
    static final int RAMP = 16000;
    static final double SECONDS = 8;
    static final double STALL_AT = 5.0;
    static final long STALL_NANOS = 40_000_000L;

    /**
     * CLIENT: the client's packets are held (its network, or its sending thread) and come in a burst;
     * CLIENT_LOST_TIME: the client's audio stalled with it, so it sends nothing meanwhile and every later
     * packet a stall later (no burst); CLIENT_FELL_BEHIND: the same for 7 periods, on a path where every
     * third packet comes a period and a half late; CLIENT_FELL_SHORT: the client lost 14 periods, less
     * than the depth, and one packet a second later comes 3 periods late; HUB: the engine is descheduled; WHOLE_MACHINE: both,
     * and the network thread is behind too.
     */
    enum Stall { CLIENT, CLIENT_LOST_TIME, CLIENT_FELL_BEHIND, CLIENT_FELL_SHORT, HUB, WHOLE_MACHINE }

    /** What the listener got and what the buffer counted. */
    record Run(StreamContinuity output, long lateBefore, long underruns, long lost, long late, long overruns,
               long reprimes, long realignments, boolean correcting, int depthBefore, int depthAfter,
               int latencyBefore, int latencyAfter, long stalls) {
    }

    /**
     * The client sends a packet every period (a third of a period after the hub's tick). Packets
     * sent during the stall reach the buffer when it ends. For a hub stall the engine misses the
     * periods of the stall and then runs them back to back, as {@code EmbeddedClockServer} does; in
     * a whole-machine stall the network thread delivers the burst only after the engine's first four
     * catch-up periods.
     */
    static Run simulate(Stall stall, DepthTarget target) {
        return simulate(stall, target, SECONDS, STALL_AT);
    }

    /** As above, for {@code seconds}, with a stall starting at each of {@code stallsAt} (seconds). */
    static Run simulate(Stall stall, DepthTarget target, double seconds, double... stallsAt) {
        JitterBuffer buffer = new JitterBuffer(1, FRAMES, RATE, target.capacitySlots(FRAMES, RATE), FRAMES,
                Concealment.FADE.create(1, FRAMES, RATE));
        StreamInput input = new StreamInput(buffer, target, RATE, RATE, FRAMES);
        ByteBuffer packet = ByteBuffer.allocate(PacketLayout.packetSize(FRAMES, 1, 2));
        float[][] audio = {new float[FRAMES]};
        float[][] out = new float[1][FRAMES];
        long periods = (long) (seconds * RATE / FRAMES);
        float[] heard = new float[(int) (periods * FRAMES)];
        int nextStall = 0;
        long stallStart = (long) (stallsAt[0] * 1e9);
        long stallEnd = stallStart + STALL_NANOS;
        long firstStall = stallStart;
        long sendOffset = PERIOD_NANOS / 3;
        ArrayDeque<long[]> pending = new ArrayDeque<>(); // {arrival, seq}
        int seq = 0;
        long written = 0;
        int depthBefore = 0;
        int latencyBefore = 0;
        long lateBefore = 0;
        for (long p = 0; p < periods; p++) {
            long tick = p * PERIOD_NANOS;
            if (tick >= stallEnd + PERIOD_NANOS && nextStall + 1 < stallsAt.length && pending.isEmpty()) {
                nextStall++;
                stallStart = (long) (stallsAt[nextStall] * 1e9);
                stallEnd = stallStart + STALL_NANOS;
            }
            // A descheduled engine runs the periods it missed back to back when the stall ends.
            boolean catchUp = stall != Stall.CLIENT && tick >= stallStart && tick < stallEnd;
            long now = catchUp ? stallEnd : tick;
            // The client: every packet due by now has been sent; in a client stall they arrive at its end.
            while (sendTime(stall, seq, sendOffset, firstStall) <= now) {
                long sent = sendTime(stall, seq, sendOffset, firstStall);
                boolean held = stall == Stall.CLIENT && sent >= stallStart && sent < stallEnd;
                pending.add(new long[] {held ? stallEnd : sent, seq});
                seq++;
            }
            // The network thread delivers what has arrived; when the whole machine stalled it is still
            // behind during the engine's first four catch-up periods.
            boolean networkBehind = stall == Stall.WHOLE_MACHINE && catchUp && tick < stallStart + 4 * PERIOD_NANOS;
            while (!networkBehind && !pending.isEmpty() && pending.peek()[0] <= now) {
                long[] next = pending.poll();
                int s = (int) next[1];
                for (int n = 0; n < FRAMES; n++) {
                    audio[0][n] = ramp((long) s * FRAMES + n);
                }
                new PacketHeader().wrap(packet, 0).sequenceNumber(s & 0xFFFF).bufferSize(FRAMES).samplingRateCode(3)
                        .bitResolution(16).channelsWanted(1).channelsCarried(1);
                PayloadCodec.encode(audio, 0, 1, FRAMES, BitResolution.BIT16, packet, 0);
                buffer.offer(s & 0xFFFF, packet, 0, BitResolution.BIT16, 1, next[0], false);
            }
            input.read(out);
            System.arraycopy(out[0], 0, heard, (int) (p * FRAMES), FRAMES);
            written = p;
            if (tick < firstStall && tick + PERIOD_NANOS >= firstStall) {
                depthBefore = buffer.depthFrames();
                latencyBefore = latency(out[0], p);
                lateBefore = buffer.stats().late();
            }
        }
        int latencyAfter = latency(out[0], written);
        StreamContinuity output = StreamContinuity.of(heard, StallTest::position, RAMP);
        JitterStats stats = buffer.stats();
        return new Run(output, lateBefore, stats.underruns(), stats.lost(), stats.late(), stats.overruns(),
                stats.reprimes(), stats.realignments(), input.correcting(), depthBefore, buffer.depthFrames(),
                latencyBefore, latencyAfter, stats.arrivalStalls());
    }

    /** When the client sends packet {@code seq}: a client that lost time sends every packet due from the stall on a stall later. */
    static long sendTime(Stall stall, int seq, long sendOffset, long stallStart) {
        long due = seq * PERIOD_NANOS + sendOffset;
        if (stall == Stall.CLIENT_FELL_BEHIND) {
            return due + (due >= stallStart ? 7 * PERIOD_NANOS : 0) + (seq % 3 == 0 ? 3 * PERIOD_NANOS / 2 : 0);
        }
        if (stall == Stall.CLIENT_FELL_SHORT) {
            long lateOne = (stallStart + 1_000_000_000L) / PERIOD_NANOS;
            return due + (due >= stallStart ? 14 * PERIOD_NANOS : 0) + (seq == lateOne ? 3 * PERIOD_NANOS : 0);
        }
        return stall == Stall.CLIENT_LOST_TIME && due >= stallStart ? due + STALL_NANOS : due;
    }

    /** Sample n of the ramp: exact 16-bit values 1 … RAMP, never 0 (silence is no ramp value). */
    static float ramp(long n) {
        return (1 + n % RAMP) / 32768f;
    }

    static int position(float sample) {
        int k = Math.round(sample * 32768f);
        return k >= 1 && k <= RAMP && k / 32768f == sample ? k - 1 : -1;
    }

    /** How many frames behind the hub's clock the last sample of period {@code p} is. */
    static int latency(float[] period, long p) {
        int k = position(period[FRAMES - 1]);
        long playedAt = (p + 1) * FRAMES - 1;
        return k < 0 ? -1 : (int) Math.floorMod(playedAt - k, (long) RAMP);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"CLIENT", "WHOLE_MACHINE"})
    void aStallLongerThanTheBufferIsConcealedOnceAndThenTheExactStreamPlaysAtItsDepth(String which) {
        Run run = simulate(Stall.valueOf(which), DepthTarget.fixedPackets(2));
        assertEquals(1, run.output().count(), "one glitch: " + run);
        assertTrue(run.output().brokenSamples() <= STALL_NANOS * RATE / 1_000_000_000L + FRAMES,
                "no more than the stall is concealed: " + run);
        assertEquals(run.latencyBefore(), run.latencyAfter(), "the same latency before and after: " + run);
        assertEquals(run.depthBefore(), run.depthAfter(), "the same depth: " + run);
        assertEquals(0, run.reprimes(), "no reprime: " + run);
        assertEquals(0, run.overruns(), "nothing trimmed: " + run);
        assertFalse(run.correcting(), "no drift correction: " + run);
        // The startup realignment may have happened before; none after it.
        assertTrue(run.realignments() <= 1, "no realignment after the stall: " + run);
        assertEquals(run.lost(), run.late() - run.lateBefore(),
                "every packet concealed in the gap came, late, in the burst, and no other was lost: " + run);
    }

    /**
     * A client whose own machine stalled sends nothing for 40 ms and then plays on 40 ms late: no burst
     * refills the buffer. It re-primes as soon as the client's packets flow again, late: one gap, of
     * the stall and the buffer's depth and a few periods, then the exact stream at the same depth (the
     * latency grows by the time the client lost; nothing can win that back but a shallower buffer).
     */
    @ParameterizedTest(name = "{0} packets deep")
    @ValueSource(ints = {2, 8})
    void aClientThatLostTimeInAStallIsReprimedOnceAtOnce(int packets) {
        Run run = simulate(Stall.CLIENT_LOST_TIME, DepthTarget.fixedPackets(packets));
        System.out.println("lost time, " + packets + " packets deep: " + run);
        assertEquals(1, run.output().count(), "one glitch: " + run);
        long stallFrames = STALL_NANOS * RATE / 1_000_000_000L;
        assertTrue(run.output().brokenSamples() <= stallFrames + (packets + ShortfallWatch.LATE_WHILE_DRY + 2) * FRAMES,
                "the stall, the refill and a few periods concealed, not a 250 ms coast: " + run);
        assertEquals(run.depthBefore(), run.depthAfter(), "the same depth: " + run);
        assertEquals(run.latencyBefore() + stallFrames, run.latencyAfter(), FRAMES,
                "later by the time the client lost: " + run);
        assertFalse(run.correcting(), "no drift correction: " + run);
    }

    /**
     * A client that lost a little less than the buffer's depth, on a jittery path: the buffer, left a
     * packet deep, runs dry on every late packet. After three such dry spells it re-primes, and at its
     * depth again the jitter is absorbed. (Before, it ran dry every third packet until the realignment of
     * a lasting offset, 5 s later.)
     */
    @Test
    void aClientThatFellBehindByAboutTheDepthIsReprimedAfterThreeDrySpells() {
        Run run = simulate(Stall.CLIENT_FELL_BEHIND, DepthTarget.fixedPackets(8));
        System.out.println("fell behind, 8 packets deep: " + run);
        assertEquals(0, run.lateBefore(), "the jitter is absorbed before: " + run);
        assertTrue(run.output().count() <= ShortfallWatch.DRY_SPELLS + 1, "the dry spells and one re-prime: " + run);
        assertTrue(run.realignments() <= 2, "the start-up fix and the re-prime: " + run);
        assertEquals(run.depthBefore(), run.depthAfter(), 2 * FRAMES, "about the same depth: " + run);
        assertFalse(run.correcting(), "no drift correction: " + run);
    }

    /**
     * A client that lost a little less than the buffer's depth: the buffer never runs dry, but plays on
     * with two packets left of sixteen. It re-primes within {@value ShortfallWatch#SHORT_SECONDS} s, one gap
     * next to the loss, so the packet that comes 3 periods late a second later is absorbed again. (Before,
     * it played on two packets deep, that packet ran it dry, and only the realignment of a lasting offset,
     * 5 s after the stall, restored the depth.) The same during the start-up (at 1 s), where a rule that
     * waited for the start-up to end re-primed a second after the loss.
     */
    @ParameterizedTest(name = "loss at {0} s")
    @ValueSource(doubles = {1.0, 5.0})
    void aClientThatLostALittleLessThanTheDepthIsReprimedOnceSoon(double at) {
        Run run = simulate(Stall.CLIENT_FELL_SHORT, DepthTarget.fixedPackets(16), SECONDS, at);
        System.out.println("fell short at " + at + " s, 16 packets deep: " + run);
        assertEquals(1, run.output().count(), "one glitch, the re-prime's: " + run);
        double reprimedAfter = (double) run.output().glitches().get(0).start() / RATE - at;
        assertTrue(reprimedAfter < 0.5, "re-primed " + reprimedAfter + " s after the loss: " + run);
        assertTrue(run.output().brokenSamples() <= 16 * FRAMES, "no more than the refill concealed: " + run);
        assertEquals(0, run.underruns(), "never dry: " + run);
        assertEquals(run.depthBefore(), run.depthAfter(), FRAMES, "the same depth: " + run);
        assertEquals(run.latencyBefore() + 14 * FRAMES, run.latencyAfter(), FRAMES,
                "later by the time the client lost: " + run);
        assertFalse(run.correcting(), "no drift correction: " + run);
    }

    @Test
    void aClientStallIsCountedAsOne() {
        Run run = simulate(Stall.CLIENT, DepthTarget.fixedPackets(2));
        assertEquals(1, run.stalls(), run.toString());
    }

    @Test
    void aDescheduledHubCatchesUpWithoutAGlitch() {
        Run run = simulate(Stall.HUB, DepthTarget.fixedPackets(2));
        assertEquals(0, run.output().count(), "the periods it missed were played from what piled up: " + run);
        assertEquals(0, run.underruns() + run.overruns() + run.lost() + run.reprimes(), run.toString());
        assertEquals(run.latencyBefore(), run.latencyAfter(), run.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"CLIENT", "WHOLE_MACHINE"})
    void aMinuteOfStallsEveryTwoSecondsNeverStartsResamplingOrRealigning(String which) {
        double[] stalls = new double[30];
        for (int i = 0; i < stalls.length; i++) {
            stalls[i] = 4.3 + 2.0 * i + 0.37 * (i % 3);
        }
        Run run = simulate(Stall.valueOf(which), DepthTarget.fixedPackets(2), 70, stalls);
        assertEquals(stalls.length, run.output().count(), "one glitch per stall: " + run);
        assertFalse(run.correcting(), "no drift, so no resampling: " + run);
        assertTrue(run.realignments() <= 1, "the start-up fix at most: " + run);
        assertEquals(0, run.reprimes() + run.overruns(), run.toString());
        assertEquals(run.latencyBefore(), run.latencyAfter(), run.toString());
    }

    @ParameterizedTest(name = "stall at {0} s")
    @ValueSource(doubles = {1.95, 2.0, 2.01, 2.02, 2.05})
    void aStallAsTheStartUpEndsIsNoOffsetToFixAndNoDrift(double at) {
        Run run = simulate(Stall.CLIENT, DepthTarget.fixedPackets(2), 12, at);
        assertEquals(1, run.output().count(), "one glitch: " + run);
        assertFalse(run.correcting(), "no drift, so no resampling: " + run);
        assertEquals(0, run.realignments() + run.reprimes() + run.overruns(), run.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"CLIENT", "HUB", "WHOLE_MACHINE"})
    void aBufferDeeperThanTheStallAbsorbsIt(String which) {
        Run run = simulate(Stall.valueOf(which), DepthTarget.fixedPackets(20)); // 53 ms
        assertEquals(0, run.output().count(), run.toString());
        assertEquals(0, run.underruns() + run.lost() + run.late() + run.overruns() + run.reprimes(), run.toString());
        assertEquals(run.latencyBefore(), run.latencyAfter(), run.toString());
    }
}
