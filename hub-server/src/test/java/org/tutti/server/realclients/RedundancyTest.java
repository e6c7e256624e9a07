package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.ImpairmentRelay;
import org.tutti.server.testing.ImpairmentRelay.Impairment;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.StallWitness;
import org.tutti.server.testing.TestHub;

/**
 * A client with {@code -r 2} sends two packets per datagram, newest first; the hub plays it exactly,
 * and sends it two per datagram as well, so the client recovers what the way back loses.
 */
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

    @Test
    void aClientWithRedundancyTwoIsSentTwoAndRecoversEveryIsolatedLossOnTheWayBack() throws Exception {
        try (TestHub hub = TestHub.start(b -> {
                 b.patchMode(PatchMode.CLIENT_LOOPBACK);
                 b.queuePackets = RealClients.EXACT_DEPTH;
             });
             ImpairmentRelay relay = new ImpairmentRelay(hub.tcpPort(), Impairment.CLEAN, Impairment.everyNth(10), 7);
             JackTripClient client = RealClients.client(relay.tcpPort(), "down",
                     // JackTrip's classic ring buffer (-1) plays a fixed distance behind the newest packet, so a
                     // packet recovered from the next datagram, a period late, is still in time. Its default
                     // adaptive buffer sometimes plays so close to the newest packet that no recovered packet
                     // is: one fresh-clone run in twelve heard every loss with the hub sending two per datagram.
                     RealClients.concat(RealClients.EXACT_CLIENT, new String[] {"-r", "2", "--bufstrategy", "-1"}));
             JackProbe probe = RealClients.probe(client, 2, Signal.ramp16(), Signal.constant(-0.5f));
             StallWitness witness = RealClients.witness(hub, probe)) {
            RealClients.watch(witness, hub, "down");
            RealClients.awaitSettled(hub, "down");
            long droppedBefore = relay.droppedDown();
            float[][] got = probe.record(3000);
            long dropped = relay.droppedDown() - droppedBefore;
            // A tenth of the hub's datagrams never reach the client; each carries the packet before it too,
            // so every one is recovered from the next, and the ramp comes back exact. Sent one packet per
            // datagram (-r 1 on the hub, JackTrip's way), each loss is a glitch: about 37 a second.
            assertTrue(dropped >= 100, "the way back lost " + dropped + " datagrams while recording");
            RealClients.assertRampEchoed(got[0], probe, witness, hub.participant("down").stream().jitter().stats());
            assertEquals(2, hub.participant("down").stream().sender().redundancy(), "what the client sends");
        }
    }
}
