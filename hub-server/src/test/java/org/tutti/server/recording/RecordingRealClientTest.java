package org.tutti.server.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.jitter.JitterStats;
import org.tutti.server.realclients.RealClients;
import org.tutti.server.testing.Analysis;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.TempFiles;
import org.tutti.server.testing.TestHub;

/** A real JackTrip client's tone in its track: the level it was played at, for as long as it played. */
class RecordingRealClientTest {
    private static final int RATE = RealClients.RATE;
    private static final int FRAMES = 128;

    @Test
    void aTonePlayedForThreeSecondsOfATakeIsInTheTrackAtItsLevelForThreeSeconds() throws Exception {
        Path takes = TempFiles.directory("tutti-takes");
        // Deep buffers on both sides: this test judges the recorded audio, not latency, and a machine
        // stall must not put a gap into the tone.
        String depth = Integer.toString(TestHub.STALL_PROOF_DEPTH);
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.CLIENT_FAN_OUT_IN);
                b.queuePackets(TestHub.STALL_PROOF_DEPTH);
                b.recordDirectory = takes;
            });
             JackTripClient alto = RealClients.client(hub.tcpPort(), "alto-1", "-n", "2", "-b", "16", "-q", depth);
             JackProbe probe = RealClients.probe(alto, 2, Signal.SILENCE, Signal.SILENCE)) {
            ApiClient operator = new ApiClient(hub.apiUrl(), hub.operatorToken());
            var altoStats = hub.participant("alto-1").stream().jitter().stats();
            long concealedBefore = altoStats.concealedFrames();
            long skippedBefore = altoStats.late() + altoStats.overruns() + altoStats.lost();
            long stallsBefore = probe.stalledCallbacks() + probe.xruns();
            long unreceivedBefore = unreceived(probe, altoStats);
            assertEquals(200, operator.post("/api/recording/start", null).status());
            Thread.sleep(500);
            long from = probe.frame() + RATE / 10;
            long to = from + 3L * RATE;
            Signal sine = Signal.sine(440, 0.25, RATE);
            Signal tone = frame -> frame >= from && frame < to ? sine.at(frame - from) : 0f;
            probe.play(0, tone);
            probe.play(1, tone);
            Thread.sleep(4000);
            assertEquals(200, operator.post("/api/recording/stop", null).status());
            long unreceivedAfter = unreceived(probe, altoStats);
            TestHub.await(Duration.ofSeconds(5), "the take finished",
                    () -> "stopped".equals(operator.get("/api/recording").body().path("state").asText()));
            Path folder = Path.of(operator.get("/api/recording").body().path("folder").asText());
            float[] track = RecordingTest.samples(folder.resolve("alto-1.wav"));
            int first = -1;
            int last = -1;
            for (int n = 0; n < track.length; n++) {
                if (Math.abs(track[n]) > 0.01f) {
                    last = n;
                    if (first < 0) {
                        first = n;
                    }
                }
            }
            assertTrue(first > 0, "the tone is in the track");
            int length = last - first + 1;
            // What the machine did: a stall of the client's JACK server delays its packets; the hub
            // fills the gap (concealing a tone continues it) and then plays what came late, or drops it.
            // Either way the track is what the engine played, longer by what it concealed or shorter by
            // what it dropped. Before that, JackTrip's own send ring drops a packet when its sender thread
            // falls behind (no sequence gap: the hub cannot tell), or sends one twice: the hub then received
            // fewer (more) packets than the probe ran cycles in the same time, give or take the two or so in
            // flight at either reading (see unreceived). Without such events the track holds the tone to a
            // period.
            long concealed = altoStats.concealedFrames() - concealedBefore;
            long skipped = (altoStats.late() + altoStats.overruns() + altoStats.lost() - skippedBefore) * FRAMES;
            long stalls = probe.stalledCallbacks() + probe.xruns() - stallsBefore;
            long neverSent = Math.max(0, unreceivedAfter - unreceivedBefore) * FRAMES;
            long sentTwice = Math.max(0, unreceivedBefore - unreceivedAfter) * FRAMES;
            String machine = "; the hub concealed " + concealed + " frames and dropped " + skipped / FRAMES
                    + " packets of alto-1, whose JACK server stalled " + stalls + " times; the probe's cycles less"
                    + " the packets the hub received: " + unreceivedBefore + " before the take, " + unreceivedAfter
                    + " after";
            System.out.println("RecordingRealClientTest: " + length + " frames of tone" + machine); // judging the machine
            // "To a period", plus the tone's first sample: a sine from phase 0 starts at 0, under the
            // detection threshold (a busy run measured 143 871 = 144 000 - 128 - 1).
            int period = FRAMES + 1;
            assertTrue(length >= 3 * RATE - period - skipped - neverSent
                    && length <= 3 * RATE + period + concealed + sentTwice,
                    "3 s of tone, to a period: " + length + " frames" + machine);
            Analysis.ToneLevel level = Analysis.cleanToneLevel(java.util.Arrays.copyOfRange(track, first + RATE / 10,
                    last - RATE / 10), RATE, 440);
            assertEquals(-12.04, level.dbfs(), 0.1, "at the level it was played: " + level);
        }
    }

    /**
     * The probe's cycles less the packets the hub has received from the client on the same JACK server. A
     * packet leaves after its cycle, so one reading counts those still in flight as well as those never
     * sent; the fewest over a few periods' readings is the moment nothing was in flight, which makes two
     * such figures differ by exactly the packets JackTrip dropped (or sent twice) in between.
     */
    private static long unreceived(JackProbe probe, JitterStats stats)
            throws InterruptedException {
        long fewest = Long.MAX_VALUE;
        for (int i = 0; i < 40; i++) {
            long received = stats.received(); // first: a packet counted here left after a cycle counted next
            fewest = Math.min(fewest, probe.frame() / FRAMES - received);
            Thread.sleep(0, 500_000);
        }
        return fewest;
    }
}
