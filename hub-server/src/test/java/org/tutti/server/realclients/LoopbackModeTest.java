package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.jitter.JitterStats;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.StallWitness;
import org.tutti.server.testing.StreamContinuity;
import org.tutti.server.testing.TestHub;

/** {@code -p 1}: a real JackTrip client hears exactly its own signal back. */
class LoopbackModeTest {

    @Test
    void clientGetsItsOwnSignalBackBitExactAt16BitBetweenTheGlitchesAStallExplains() throws Exception {
        try (TestHub hub = TestHub.start(b -> {
                 b.patchMode(PatchMode.CLIENT_LOOPBACK);
                 b.queuePackets = RealClients.EXACT_DEPTH;
             });
             TappedPath path = TappedPath.to(hub);
             JackTripClient client = RealClients.client(path.tcpPort(), "loop", RealClients.EXACT_CLIENT);
             JackProbe probe = RealClients.probe(client, 2, Signal.ramp16(), Signal.constant(-0.5f));
             StallWitness witness = RealClients.witness(hub, probe)) {
            RealClients.watch(witness, hub, "loop");
            RealClients.awaitSettled(hub, witness, "loop");
            path.start();
            float[][] got = probe.record(3000);
            path.stop();
            JitterStats hubSide = hub.participant("loop").stream().jitter().stats();

            path.assertHubSentWhatItGot(witness, RealClients.hubSide(hub, "loop"));

            StreamContinuity ramp = RealClients.assertRampEchoed(got[0], probe, witness, hubSide);
            // Channel 2 breaks where channel 1 does, or where the machine stalled: concealment continues a
            // ramp exactly (so channel 1 may show nothing there) but leaves a constant a few LSB off.
            float constant = RealClients.twoHops16(-0.5f);
            List<String> unexplained = new ArrayList<>();
            for (int n = ramp.firstInStream(); n < got[1].length; n++) {
                if (got[1][n] == constant) {
                    continue;
                }
                int at = n;
                boolean rampBroke = ramp.glitches().stream().anyMatch(g -> at >= g.start() - 1000
                        && at <= g.start() + g.brokenSamples() + 1000);
                long heard = RealClients.heardAt(probe, n);
                if (!rampBroke && RealClients.causes(witness, heard).isEmpty()) {
                    unexplained.add(got[1][n] + " at " + RealClients.relative(heard, probe));
                }
                while (n + 1 < got[1].length && got[1][n + 1] != constant) {
                    n++; // one report per broken run
                }
            }
            assertTrue(unexplained.isEmpty(), "channel 2 is not the echoed -0.5 where neither channel 1 nor a"
                    + " stall explains it: " + unexplained + "; channel 1: " + ramp + "; the witness saw: "
                    + witness.events() + "; the hub's jitter buffer: " + hubSide);
            if (witness.events().stream().allMatch(e -> RealClients.isHubTrouble(e))) {
                assertEquals(0, hubSide.lost() + hubSide.underruns() + hubSide.overruns(),
                        "nothing stalled, so the hub lost nothing");
            }
        }
    }
}
