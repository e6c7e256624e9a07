package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.StallWitness;
import org.tutti.server.testing.TestHub;

/** A client with {@code -r 2} sends two packets per datagram, newest first; the hub plays it exactly. */
class RedundancyTest {

    @Test
    void clientWithRedundancyTwoIsHeardExactly() throws Exception {
        try (TestHub hub = TestHub.start(b -> {
                 b.patchMode(PatchMode.CLIENT_LOOPBACK);
                 b.queuePackets = RealClients.EXACT_DEPTH;
             });
             JackTripClient client = RealClients.client(hub.tcpPort(), "red",
                     RealClients.concat(RealClients.EXACT_CLIENT, new String[] {"-r", "2"}));
             JackProbe probe = RealClients.probe(client, 2, Signal.ramp16(), Signal.constant(-0.5f));
             StallWitness witness = RealClients.witness(hub, probe)) {
            RealClients.watch(witness, hub, "red");
            RealClients.awaitSettled(hub, "red");
            float[][] got = probe.record(3000);
            Participant participant = hub.participant("red");
            RealClients.assertRampEchoed(got[0], probe, witness, hub.participant("red").stream().jitter().stats());
            assertEquals(0, participant.counters().malformed(), "1056-byte datagrams are valid");
            assertTrue(participant.counters().count(DatagramCheck.OK) > 500, "datagrams accepted");
            // On loopback nothing is missing, so no older slot is ever needed, unless the client's
            // packets stalled for longer than the buffer (the witness then saw it).
            if (witness.events().stream().noneMatch(e -> e.what().startsWith("red arrival stalls"))) {
                assertEquals(0, participant.stream().jitter().stats().lost());
            }
        }
    }
}
