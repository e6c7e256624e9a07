package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
             JackTripClient client = RealClients.client(hub.tcpPort(), "loop", RealClients.EXACT_CLIENT);
             JackProbe probe = RealClients.probe(client, 2, Signal.ramp16(), Signal.constant(-0.5f));
             StallWitness witness = RealClients.witness(hub, probe)) {
            RealClients.watch(witness, hub, "loop");
            RealClients.awaitSettled(hub, witness, "loop");
            float[][] got = probe.record(3000);
            JitterStats hubSide = hub.participant("loop").stream().jitter().stats();

            StreamContinuity ramp = RealClients.assertRampEchoed(got[0], probe, witness, hubSide);
            float constant = RealClients.twoHops16(-0.5f);
            int from = ramp.firstInStream();
            for (int n = from; n < got[1].length; n++) {
                if (got[1][n] != constant) {
                    int at = n;
                    assertTrue(ramp.glitches().stream().anyMatch(g -> at >= g.start() - 1000
                                    && at <= g.start() + g.brokenSamples() + 1000),
                            "channel 2 is not the echoed -0.5 at " + n + " (" + got[1][n] + ") where channel 1 had"
                                    + " no glitch: " + ramp);
                }
            }
            if (witness.events().stream().allMatch(e -> e.what().endsWith(RealClients.HUB_TROUBLE))) {
                assertEquals(0, hubSide.lost() + hubSide.underruns() + hubSide.overruns(),
                        "nothing stalled, so the hub lost nothing");
            }
        }
    }
}
