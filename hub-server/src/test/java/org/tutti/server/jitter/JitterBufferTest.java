package org.tutti.server.jitter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.dsp.FadeRepeatConcealer;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.PayloadCodec;

class JitterBufferTest {
    static final int RATE = 48000;
    static final int FRAMES = 128;

    /** A buffer of 1-channel packets of {@code frames} frames, {@code target} packets deep. */
    private static JitterBuffer buffer(int frames, int target) {
        return new JitterBuffer(1, frames, RATE, 64, target * frames, new FadeRepeatConcealer(1, Math.max(frames, FRAMES)));
    }

    /** A 16-bit packet whose every sample is {@code (seq % 1000) / 32768}, so played audio names its packet. */
    private static ByteBuffer packet(int seq, int frames) {
        ByteBuffer buffer = ByteBuffer.allocate(PacketLayout.packetSize(frames, 1, 2));
        new PacketHeader().wrap(buffer, 0).sequenceNumber(seq).bufferSize(frames).samplingRateCode(3)
                .bitResolution(16).channelsWanted(1).channelsCarried(1);
        float[][] audio = new float[1][frames];
        java.util.Arrays.fill(audio[0], marker(seq));
        PayloadCodec.encode(audio, 0, 1, frames, BitResolution.BIT16, buffer, 0);
        return buffer;
    }

    private static float marker(int seq) {
        return (1 + seq % 1000) / 32768f; // never 0, so silence is distinguishable
    }

    private static JitterBuffer.Offer offer(JitterBuffer jb, int seq) {
        return offer(jb, seq, FRAMES, false);
    }

    private static JitterBuffer.Offer offer(JitterBuffer jb, int seq, int frames, boolean redundant) {
        return jb.offer(seq, packet(seq, frames), 0, BitResolution.BIT16, 1, System.nanoTime(), redundant);
    }

    private static float[] read(JitterBuffer jb, int periodFrames) {
        float[][] out = new float[1][periodFrames];
        jb.read(out, periodFrames);
        return out[0];
    }

    @Test
    void staysSilentUntilTheTargetDepthHasArrived() {
        JitterBuffer jb = buffer(FRAMES, 3);
        offer(jb, 0);
        offer(jb, 1);
        assertArrayEquals(new float[FRAMES], read(jb, FRAMES), "two of three packets: still prefilling");
        offer(jb, 2);
        assertEquals(marker(0), read(jb, FRAMES)[0], "starts with the oldest of the target depth");
        assertEquals(0, jb.stats().underruns());
    }

    @Test
    void playsPacketsInSequenceOrderWhateverTheArrivalOrder() {
        JitterBuffer jb = buffer(FRAMES, 4);
        for (int seq : new int[] {0, 2, 1, 3, 5, 4, 6, 7}) {
            offer(jb, seq);
        }
        // Target 4: playback starts at the oldest of the newest four, 4..7.
        for (int seq = 4; seq <= 7; seq++) {
            assertEquals(marker(seq), read(jb, FRAMES)[FRAMES - 1], "seq " + seq);
        }
        assertEquals(2, jb.stats().outOfOrder(), "1 after 2 and 4 after 5");
        assertEquals(0, jb.stats().lost());
    }

    @Test
    void duplicatesAreCountedAndIgnored() {
        JitterBuffer jb = buffer(FRAMES, 1);
        assertEquals(JitterBuffer.Offer.STORED, offer(jb, 10));
        assertEquals(JitterBuffer.Offer.DUPLICATE, offer(jb, 10));
        assertEquals(1, jb.stats().duplicates());
        assertEquals(1, jb.stats().received());
    }

    @Test
    void lostPacketIsConcealedNotSilentAndCounted() {
        JitterBuffer jb = buffer(FRAMES, 2);
        offer(jb, 0);
        offer(jb, 1);
        read(jb, FRAMES); // plays 0
        offer(jb, 3); // 2 never arrives
        read(jb, FRAMES); // plays 1
        float[] concealed = read(jb, FRAMES);
        assertNotEquals(0f, concealed[0], "the gap is filled from what came before, not silence");
        assertTrue(Math.abs(concealed[FRAMES - 1]) < Math.abs(concealed[0]), "and fades out");
        assertEquals(1, jb.stats().lost());
        assertEquals(FRAMES, jb.stats().concealedFrames());
        assertEquals(1, jb.stats().gaps());
        assertEquals(marker(3), read(jb, FRAMES)[FRAMES - 1], "then the next packet plays");
        assertEquals(0.0 + 1.0 / 4, jb.stats().lossRatio(), 1e-9, "1 of 4 packets due was missing");
    }

    @Test
    void aRunOfConcealedAudioIsOneGapHoweverLongAndEachRunIsOne() {
        JitterBuffer jb = buffer(FRAMES, 1);
        int seq = 0;
        for (; seq < 400; seq++) {
            offer(jb, seq);
            read(jb, FRAMES);
        }
        seq += 3; // three packets lost in a row
        offer(jb, seq);
        for (int i = 0; i < 4; i++) {
            read(jb, FRAMES);
        }
        assertEquals(3, jb.stats().lost());
        assertEquals(1, jb.stats().gaps(), "three lost packets back to back are one gap");
        read(jb, FRAMES); // nothing came after 403: dry for two periods (404, 405) ...
        read(jb, FRAMES);
        offer(jb, 407); // ... then 406 is lost: one run of concealed audio
        read(jb, FRAMES);
        assertEquals(2, jb.stats().gaps());
        assertEquals(marker(407), read(jb, FRAMES)[FRAMES - 1]);
        assertEquals(3 + 3, jb.stats().lost());
        offer(jb, 409); // a single loss after audio played again: a gap of its own
        read(jb, FRAMES);
        assertEquals(marker(409), read(jb, FRAMES)[FRAMES - 1]);
        assertEquals(3, jb.stats().gaps());
        assertEquals(0, jb.stats().reprimes());
    }

        @Test
    void aSenderWhosePacketsComeLaterForGoodIsCountedAsHavingLostTimeOnce() {
        JitterBuffer jb = buffer(FRAMES, 4);
        long start = 1_000_000_000_000L;
        long period = FRAMES * 1_000_000_000L / RATE;
        for (int seq = 0; seq < 8 * RATE / FRAMES; seq++) {
            long sent = start + seq * period;
            long arrival = sent + (seq >= 5 * RATE / FRAMES ? 20_000_000L : 0); // 20 ms later from 5 s on
            jb.offer(seq, packet(seq, FRAMES), 0, BitResolution.BIT16, 1, arrival, false);
            read(jb, FRAMES);
        }
        assertEquals(1, jb.stats().senderTimeLosses(), jb.stats().toString());
    }

    @Test
    void packetArrivingAfterItsTurnIsLate() {
        JitterBuffer jb = buffer(FRAMES, 1);
        offer(jb, 0);
        offer(jb, 2);
        read(jb, FRAMES); // starts at 2 (target 1): 0 and 1 are history
        read(jb, FRAMES);
        assertEquals(JitterBuffer.Offer.LATE, offer(jb, 1));
        assertEquals(1, jb.stats().late());
    }

    @Test
    void emptyBufferKeepsTimeSoPacketsThatComeAfterTheirTurnAreLate() {
        JitterBuffer jb = buffer(FRAMES, 1);
        int seq = 0;
        for (; seq < 400; seq++) { // more than a second of normal play
            offer(jb, seq);
            read(jb, FRAMES);
        }
        read(jb, FRAMES); // nothing there: concealed, and the play position keeps time
        read(jb, FRAMES);
        assertEquals(2, jb.stats().underruns());
        assertEquals(JitterBuffer.Offer.LATE, offer(jb, seq), "their turn has passed");
        assertEquals(JitterBuffer.Offer.LATE, offer(jb, seq + 1));
        offer(jb, seq + 2);
        assertEquals(marker(seq + 2), read(jb, FRAMES)[FRAMES - 1], "the stream goes on at its depth");
        assertEquals(2, jb.stats().lost(), "two packets' turns passed without them");
        assertEquals(0, jb.stats().reprimes());
        assertEquals(1, jb.stats().gaps(), "two dry periods and the packets lost in them: one gap");
        assertEquals(0, jb.stats().overruns());
    }

    @Test
    void silenceLongerThanACoastWaitsWhereThePacketsStopped() {
        JitterBuffer jb = buffer(FRAMES, 1); // capacity 64: coasts 16 packets
        int seq = 0;
        for (; seq < 400; seq++) {
            offer(jb, seq);
            read(jb, FRAMES);
        }
        for (int i = 0; i < 40; i++) {
            read(jb, FRAMES); // the sender paused
        }
        assertEquals(1, jb.stats().reprimes(), "gave up keeping time after a coast");
        assertEquals(0, jb.stats().lost(), "a sender that paused lost nothing");
        offer(jb, seq); // it resumes its sequence where it stopped
        assertEquals(marker(seq), read(jb, FRAMES)[FRAMES - 1], "and plays on from there");
        assertEquals(0, jb.stats().late());
    }

    @Test
    void runningDryRightAfterStartingWaitsForTheTargetDepthAgain() {
        JitterBuffer jb = buffer(FRAMES, 2);
        offer(jb, 0);
        offer(jb, 1); // a start-up burst, then a pause
        read(jb, FRAMES);
        read(jb, FRAMES);
        read(jb, FRAMES); // dry
        assertEquals(1, jb.stats().reprimes());
        offer(jb, 2);
        float[] waiting = read(jb, FRAMES);
        assertTrue(Math.abs(waiting[FRAMES - 1]) < marker(1), "filling up again (concealed): one packet is not the target");
        offer(jb, 3);
        assertEquals(marker(2), read(jb, FRAMES)[FRAMES - 1], "then plays on from where it stood, two packets deep");
        assertEquals(0, jb.stats().lost());
    }

    @Test
    void realignMovesThePlayPositionToTheTargetInWholePackets() {
        JitterBuffer jb = buffer(FRAMES, 3);
        for (int seq = 0; seq < 6; seq++) {
            offer(jb, seq);
        }
        read(jb, FRAMES); // starts at 3 (the newest 3 of 0..5) and plays it
        for (int seq = 6; seq < 10; seq++) {
            offer(jb, seq); // 4 more arrive at once (not yet a burst to trim)
        }
        read(jb, FRAMES); // plays 4: 5..9 remain, 5 packets, 2 above the target
        assertTrue(jb.realign(jb.depthFrames() - 3 * FRAMES), "too deep: moved");
        assertEquals(marker(7), read(jb, FRAMES)[FRAMES - 1], "three packets deep again: 7, 8, 9");
        assertFalse(jb.realign(jb.depthFrames() - 3 * FRAMES), "within a packet of the target: left alone");
        assertEquals(1, jb.stats().realignments());
    }

    @Test
    void tooMuchBufferedAudioDropsTheOldest() {
        JitterBuffer jb = buffer(FRAMES, 2); // capacity 64: more than 2 + 16 packets ahead is an overrun
        offer(jb, 0);
        offer(jb, 1);
        read(jb, FRAMES);
        for (int seq = 2; seq < 30; seq++) {
            offer(jb, seq); // a burst beyond anything a catch-up of the engine would drain
        }
        float[] next = read(jb, FRAMES);
        assertEquals(marker(28), next[FRAMES - 1], "trimmed back to the target depth: the newest 2 remain");
        assertEquals(27, jb.stats().overruns(), "packets 1..27 were dropped");
        assertTrue(jb.stats().depthFrames() <= 2 * FRAMES);
    }

    @Test
    void aBurstTheEngineCanCatchUpOnIsKept() {
        JitterBuffer jb = buffer(FRAMES, 2);
        offer(jb, 0);
        offer(jb, 1);
        read(jb, FRAMES);
        for (int seq = 2; seq < 17; seq++) {
            offer(jb, seq); // 40 ms of packets while the engine was descheduled
        }
        for (int seq = 1; seq < 17; seq++) {
            assertEquals(marker(seq), read(jb, FRAMES)[FRAMES - 1], "caught up in order: " + seq);
        }
        assertEquals(0, jb.stats().overruns());
    }

    @Test
    void sequenceNumbersWrapAround() {
        JitterBuffer jb = buffer(FRAMES, 2);
        for (int seq : new int[] {65534, 65535, 0, 1, 2}) {
            offer(jb, seq);
        }
        // target 2 from the newest (2): 1, 2
        assertEquals(marker(1), read(jb, FRAMES)[0]);
        assertEquals(marker(2), read(jb, FRAMES)[0]);
        assertEquals(0, jb.stats().outOfOrder() + jb.stats().late() + jb.stats().lost());
    }

    @Test
    void aLostPacketsCopyThatComesAfterItsTimeIsCountedAsRecoveredLate() {
        JitterBuffer jb = buffer(FRAMES, 1);
        offer(jb, 0);
        read(jb, FRAMES); // plays 0
        offer(jb, 2); // 1 lost on the way
        read(jb, FRAMES); // 1 is due and missing: concealed
        assertEquals(1, jb.stats().lost());
        assertEquals(JitterBuffer.Offer.LATE, offer(jb, 1, FRAMES, true), "a copy of 1, in a datagram after 2");
        assertEquals(1, jb.stats().recoveredLate(), "a deeper buffer would have played it");
        assertEquals(JitterBuffer.Offer.LATE, offer(jb, 0, FRAMES, true), "a late copy of a packet that did come");
        assertEquals(1, jb.stats().recoveredLate(), "is no loss");
        assertEquals(0, jb.stats().recovered());
        assertEquals(0, jb.stats().late(), "copies are never late packets");
    }

    @Test
    void wrapAroundWithAGapIsStillALossOfOne() {
        JitterBuffer jb = buffer(FRAMES, 1);
        offer(jb, 65535);
        read(jb, FRAMES);
        offer(jb, 1); // 0 is missing across the wrap
        read(jb, FRAMES);
        read(jb, FRAMES);
        assertEquals(1, jb.stats().lost());
    }

    @Test
    void redundantSlotFillsAHoleAndIsCountedAsRecovered() {
        JitterBuffer jb = buffer(FRAMES, 2);
        offer(jb, 0);
        offer(jb, 2); // 1 lost on the way...
        offer(jb, 1, FRAMES, true); // ...but slot 1 of the datagram carrying 2 had it
        assertEquals(1, jb.stats().recovered());
        assertEquals(JitterBuffer.Offer.DUPLICATE, offer(jb, 2, FRAMES, true));
        assertEquals(0, jb.stats().duplicates(), "redundant copies of received packets are expected, not duplicates");
        // Target 2 from the newest (2): playback starts at 1, the recovered packet.
        assertEquals(marker(1), read(jb, FRAMES)[0], "the recovered packet plays in its turn");
        assertEquals(marker(2), read(jb, FRAMES)[0]);
        assertEquals(0, jb.stats().lost());
    }

    @Test
    void smallerClientPacketsAreReblockedIntoHubPeriods() {
        JitterBuffer jb = buffer(64, 4);
        for (int seq = 0; seq < 8; seq++) {
            offer(jb, seq, 64, false);
        }
        float[] period = read(jb, FRAMES);
        assertEquals(marker(4), period[0], "first half from one 64-frame packet");
        assertEquals(marker(5), period[64], "second half from the next");
        assertEquals(2, jb.stats().played());
    }

    @Test
    void largerClientPacketsSpanSeveralHubPeriods() {
        JitterBuffer jb = buffer(256, 1);
        offer(jb, 0, 256, false);
        assertEquals(marker(0), read(jb, FRAMES)[0]);
        assertEquals(marker(0), read(jb, FRAMES)[FRAMES - 1], "second half of the same packet");
        assertEquals(1, jb.stats().played());
        assertEquals(0, jb.stats().underruns());
    }

    @Test
    void senderThatRestartsItsSequenceIsFollowedAfterABriefResync() {
        JitterBuffer jb = buffer(FRAMES, 1);
        for (int seq = 30000; seq < 30010; seq++) {
            offer(jb, seq);
            read(jb, FRAMES);
        }
        for (int seq = 0; seq < 40; seq++) {
            offer(jb, seq);
            read(jb, FRAMES);
        }
        assertEquals(1, jb.stats().resyncs());
        offer(jb, 40);
        assertEquals(marker(40), read(jb, FRAMES)[FRAMES - 1], "playing the new sequence");
    }

    @Test
    void packetsFarAheadOfThePlayPositionAreDroppedNotStoredOverOlderOnes() {
        JitterBuffer jb = buffer(FRAMES, 1);
        offer(jb, 0);
        read(jb, FRAMES);
        assertEquals(JitterBuffer.Offer.TOO_FAR_AHEAD, offer(jb, 1 + jb.capacity()));
        assertEquals(1, jb.stats().droppedAhead());
        read(jb, FRAMES); // the reader jumps to the new position
        assertEquals(JitterBuffer.Offer.STORED, offer(jb, 2 + jb.capacity()));
    }

    @Test
    void interarrivalJitterFollowsRfc3550() {
        JitterBuffer jb = buffer(FRAMES, 1);
        long period = 128L * 1_000_000_000L / RATE;
        long t = 0;
        for (int seq = 0; seq < 400; seq++) {
            // every other packet 1 ms late
            long arrival = t + (seq % 2 == 0 ? 0 : 1_000_000);
            jb.offer(seq, packet(seq, FRAMES), 0, BitResolution.BIT16, 1, arrival, false);
            t += period;
        }
        // |D| alternates around 1 ms, so J converges to about 1 ms.
        assertEquals(0.001, jb.stats().jitterSeconds(), 0.0002);
    }
}
