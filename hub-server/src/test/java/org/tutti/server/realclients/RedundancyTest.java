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
import org.tutti.server.testing.TestHub;

/** A client with {@code -r 2} sends two packets per datagram, newest first; the hub plays it exactly. */
class RedundancyTest {

    @Test
    void clientWithRedundancyTwoIsHeardExactly() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.CLIENT_LOOPBACK));
             JackTripClient client = RealClients.client(hub.tcpPort(), "red", "-n", "2", "-b", "16", "-r", "2");
             JackProbe probe = RealClients.probe(client, 2, Signal.ramp16(), Signal.constant(-0.5f))) {
            Thread.sleep(500);
            float[][] got = probe.record(2000);
            Participant participant = hub.participant("red");
            LoopbackModeTest.RampCheck ramp = LoopbackModeTest.RampCheck.of(got[0]);
            ramp.assertExact(2);
            assertEquals(0, participant.counters().malformed(), "1056-byte datagrams are valid");
            assertTrue(participant.counters().count(DatagramCheck.OK) > 500, "datagrams accepted");
            // On a clean loopback nothing is missing, so no older slot is ever needed.
            assertEquals(0, participant.stream().jitter().stats().lost());
        }
    }
}
