package org.tutti.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The simulated playout buffer: arrival times in, underruns out (48 kHz / 128 frames: 2.667 ms). */
class PlayoutTest {
    private final LoadConfig config = LoadConfig.builder("127.0.0.1", 1).clients(1).playoutPackets(4).build();
    private final Signal signal = new Signal(config.sampleRate(), config.bits(), config.frames());
    private final SimClient client = new SimClient(0, config, signal, null, 0.25f);
    private final ReceiveAnalyzer analyzer = new ReceiveAnalyzer(config, signal, null, null);
    private final long period = Math.round(config.periodNanos());
    private static final long START = 1_000_000_000L;

    @Test
    void onTimeAndJitterWithinTheBufferAreNotUnderruns() {
        for (int i = 0; i < 1000; i++) {
            long jitter = (i % 7) * period / 2; // up to 3 periods late, inside a 4-packet buffer
            analyzer.playout(client, i, START + i * period + jitter);
        }
        assertEquals(0, client.underruns);
    }

    @Test
    void aStallThenABurstIsOneUnderrunEvenWithNothingLost() {
        for (int i = 0; i < 100; i++) {
            analyzer.playout(client, i, START + i * period);
        }
        long resume = START + 110 * period; // packets 100..109 held 10 periods, then all at once
        for (int i = 100; i < 110; i++) {
            analyzer.playout(client, i, resume);
        }
        for (int i = 110; i < 200; i++) {
            analyzer.playout(client, i, START + i * period);
        }
        assertEquals(1, client.underruns);
    }

    @Test
    void aHubRunningSlowerThanRealTimeUnderrunsRepeatedly() {
        long slow = period * 11 / 10; // 10 % slow: 4 periods of slack are used up every 40 packets
        for (int i = 0; i < 400; i++) {
            analyzer.playout(client, i, START + i * slow);
        }
        assertEquals(9, client.underruns, "one per 41 packets: " + client.underruns);
    }

    @Test
    void aLateFirstPacketDoesNotMakeTheRestLate() {
        analyzer.playout(client, 0, START + 20 * period);
        for (int i = 1; i < 200; i++) {
            analyzer.playout(client, i, START + i * period + period / 3);
        }
        assertEquals(0, client.underruns);
    }
}
