package org.tutti.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.engine.PeriodTimings;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/**
 * A hub nobody is connected to runs no periods (hubs sit empty most of the week on VMs that bill for
 * CPU), and whoever joins is mixed at once; a recording keeps the clock running, as it records time.
 */
class IdleHubTest {
    private static final long PERIOD_NANOS = 128L * 1_000_000_000L / 48000;

    /** Sends {@code packets} periods of a constant {@code level}, paced, and returns what came back. */
    private static List<byte[]> playAndListen(FakeClient client, float level, int packets) throws Exception {
        float[][] audio = new float[2][128];
        for (float[] channel : audio) {
            Arrays.fill(channel, level);
        }
        long next = System.nanoTime();
        for (int i = 0; i < packets; i++) {
            client.send(audio);
            next += PERIOD_NANOS;
            while (System.nanoTime() < next) {
                Thread.onSpinWait();
            }
        }
        return client.receive(200);
    }

    private static boolean heard(List<byte[]> packets, float level) {
        for (byte[] packet : packets) {
            if (!FakeClient.isExit(packet) && Math.abs(FakeClient.decode(packet)[0][0] - level) < 1e-3) {
                return true;
            }
        }
        return false;
    }

    @Test
    void anEmptyHubRunsNoPeriodsAndEachJoinerHearsThemselves() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.CLIENT_LOOPBACK))) {
            PeriodTimings timings = hub.hub().timings();
            TestHub.await(Duration.ofSeconds(2), "the engine sleeps with nobody connected", timings::idle);
            long periods = timings.periods();
            Thread.sleep(200);
            assertEquals(periods, timings.periods(), "no period ran while nobody was connected");

            for (String name : List.of("first", "second")) {
                try (FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), name)) {
                    List<byte[]> back = playAndListen(client, 0.25f, 150);
                    assertFalse(timings.idle(), "awake while " + name + " streams");
                    assertTrue(heard(back, 0.25f), name + " heard themselves: " + back.size() + " packets back");
                    client.sendExit();
                    // Leaving waits for a period to apply the snapshot without them: a sleeping engine would hang it.
                    TestHub.await(Duration.ofSeconds(2), name + " left", () -> hub.participants().isEmpty());
                    TestHub.await(Duration.ofSeconds(2), "asleep again after " + name + " left", timings::idle);
                }
            }
            assertEquals(0, timings.skippedPeriods(), "the sleeps are not skipped periods");
            assertTrue(timings.idleSeconds() > 0.2, "slept " + timings.idleSeconds() + " s");
        }
    }

    @Test
    void aRecordingKeepsTheClockRunningWithNobodyConnected() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.CLIENT_LOOPBACK))) {
            PeriodTimings timings = hub.hub().timings();
            TestHub.await(Duration.ofSeconds(2), "the engine sleeps with nobody connected", timings::idle);
            hub.onConductor(() -> hub.hub().recorder().start(null));
            TestHub.await(Duration.ofSeconds(2), "awake to record", () -> !timings.idle());
            long periods = timings.periods();
            Thread.sleep(200);
            assertTrue(timings.periods() - periods > 40, "periods ran while recording: " + (timings.periods() - periods));
            hub.onConductor(() -> hub.hub().recorder().stop());
            TestHub.await(Duration.ofSeconds(2), "asleep after the take", timings::idle);
            TestHub.await(Duration.ofSeconds(2), "the take's files finished",
                    () -> "stopped".equals(hub.hub().recorder().status().state()));
        }
    }
}
