package org.tutti.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The receive checks on a stream built by the real sending code and handed back as a perfect
 * loopback hub would (or with one packet dropped, repeated, or two swapped).
 */
class ReceiveAnalyzerTest {
    private LoadConfig config = LoadConfig.builder("127.0.0.1", 1).clients(1).build();
    private final RunClock clock = new RunClock();
    private final Signal signal = new Signal(config.sampleRate(), config.bits(), config.frames());
    private final SimClient client = new SimClient(0, config, signal, null, 0.25f);
    private final ThreadStats stats = new ThreadStats("test", clock);
    private ReceiveAnalyzer analyzer = new ReceiveAnalyzer(config, signal, null, stats);
    private final List<ByteBuffer> sent = new ArrayList<>();

    /** Builds {@code count} packets as the sender would, capturing each datagram. */
    private void send(int count) {
        clock.phase(RunClock.MEASURING);
        SendScratch scratch = new SendScratch(config, clock);
        PacketOut capture = (c, datagram, length) -> {
            ByteBuffer copy = ByteBuffer.allocateDirect(length);
            for (int i = 0; i < length; i++) {
                copy.put(i, datagram.get(i));
            }
            sent.add(copy);
            return true;
        };
        client.startStreaming(clock, System.nanoTime(), 0);
        while (sent.size() < count) {
            client.sendDue(System.nanoTime(), Long.MAX_VALUE / 2, 1, capture, scratch, stats);
        }
    }

    private void receive(int index) {
        ByteBuffer datagram = sent.get(index);
        analyzer.onDatagram(client, datagram, 0, datagram.capacity(), System.nanoTime());
    }

    @Test
    void perfectLoopbackHasNoGapsAndTimesEveryPacket() {
        send(50);
        for (int i = 0; i < 50; i++) {
            receive(i);
        }
        assertEquals(50, client.packetsPlayed);
        assertEquals(0, client.audibleGaps);
        assertEquals(0, client.badFrames);
        assertTrue(client.framesChecked >= 48 * 128, "checked after locking on: " + client.framesChecked);
        assertTrue(stats.rtt(ThreadStats.STEADY, RunClock.ALONE).count() >= 48,
                "each packet dated: " + stats.rtt(ThreadStats.STEADY, RunClock.ALONE).count());
    }

    @Test
    void oneMissingPacketIsOneLostPacketAndOneAudibleGap() {
        send(50);
        for (int i = 0; i < 50; i++) {
            if (i != 20) {
                receive(i);
            }
        }
        assertEquals(1, client.sequences.lost());
        assertEquals(1, client.audibleGaps);
        assertGapRecord("packet 21, frame 0, ramp off by 128 samples (1.00 packets)");
    }

    /** The report's line for the client's one recorded gap contains {@code expected}. */
    private void assertGapRecord(String expected) {
        assertEquals(1, client.gapRecords.count());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        client.gapRecords.print(new java.io.PrintStream(out, true), client.name, 0, config.frames());
        assertTrue(out.toString().contains(expected), out.toString());
    }

    @Test
    void aRepeatedPacketIsADuplicateAndNotPlayedTwice() {
        send(30);
        for (int i = 0; i < 30; i++) {
            receive(i);
            if (i == 10) {
                receive(i);
            }
        }
        assertEquals(1, client.sequences.duplicates);
        assertEquals(30, client.packetsPlayed);
        assertEquals(0, client.audibleGaps);
    }

    @Test
    void swappedPacketsAreOutOfOrderAndTheLateOneIsNotPlayed() {
        send(30);
        for (int i = 0; i < 30; i++) {
            receive(i == 10 ? 11 : i == 11 ? 10 : i);
        }
        assertEquals(1, client.sequences.outOfOrder);
        assertEquals(0, client.sequences.lost());
        assertEquals(29, client.packetsPlayed);
        assertEquals(1, client.audibleGaps);
    }

    @Test
    void silenceBeforeTheRampArrivesIsNotAGap() {
        send(20);
        ByteBuffer silence = ByteBuffer.allocateDirect(sent.get(0).capacity());
        for (int i = 0; i < 16; i++) {
            silence.put(i, sent.get(0).get(i));
        }
        analyzer.onDatagram(client, silence, 0, silence.capacity(), System.nanoTime());
        for (int i = 1; i < 20; i++) {
            receive(i);
        }
        assertEquals(0, client.audibleGaps);
    }

    @Test
    void exitPacketWhileStreamingEndsTheClient() {
        send(1);
        ByteBuffer exit = ByteBuffer.allocate(63);
        org.tutti.protocol.udp.ExitPacket.write(exit, 0);
        analyzer.onDatagram(client, exit, 0, 63, System.nanoTime());
        assertEquals(SimClient.HUB_EXIT, client.state);
        assertTrue(client.endedByHub);
    }

    /** Adds {@code delta} codes to sample {@code frame} of channel 1 of a sent 16-bit packet. */
    private void nudge(int index, int frame, int delta) {
        ByteBuffer packet = sent.get(index);
        int at = org.tutti.protocol.udp.PacketLayout.sampleOffset(0, frame, 128, 2);
        packet.putShort(at, (short) (Short.reverseBytes(packet.getShort(at)) + delta));
        packet.putShort(at, Short.reverseBytes(packet.getShort(at)));
    }

    @Test
    void aSampleOffByOneCodeIsAGapWhenTheCheckIsExact() {
        send(30);
        nudge(20, 64, 1);
        for (int i = 0; i < 30; i++) {
            receive(i);
        }
        assertEquals(1, client.audibleGaps);
        assertEquals(2, client.badFrames, "a one-sample spike breaks continuity into it and out of it");
        assertGapRecord("packet 20, frame 64, ramp off by 1 samples");
    }

    @Test
    void aToleranceAcceptsSmallSlipsAndCountsThem() {
        config = LoadConfig.builder("127.0.0.1", 1).clients(1).rampTolerance(2).build();
        analyzer = new ReceiveAnalyzer(config, signal, null, stats);
        send(30);
        nudge(20, 64, 1);
        nudge(22, 10, 5);
        for (int i = 0; i < 30; i++) {
            receive(i);
        }
        assertEquals(2, client.rampSlips, "into the +1 spike and out of it");
        assertEquals(1, client.audibleGaps, "5 codes is beyond the tolerance");
    }
}
