package org.tutti.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.Ports;
import org.tutti.server.testing.TestHub;

/**
 * An attacker on another address (127.0.0.2: loopback has many, so no namespace is needed): a
 * valid-looking datagram that beats the client's first one takes no stream over; it is counted.
 * (Not yet closed: datagrams an attacker queued before the socket was connected are read after the
 * connect labelled with the client's address, so a spray of exit packets during a join can still end
 * the session; see issue 14.)
 */
class ForgedDatagramTest {
    private static final String ATTACKER = "127.0.0.2";

    @Test
    void aValidLookingDatagramThatBeatsTheClientsFirstTakesNoStream() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX))) {
            int clientPort = Ports.freeUdp();
            int hubPort = FakeClient.handshake(hub.tcpPort(), clientPort, "alice");
            // Before alice's first packet: the attacker's, valid in every field.
            try (FakeClient attacker = FakeClient.open(ATTACKER, 0, hubPort);
                 FakeClient alice = FakeClient.open(clientPort, hubPort)) {
                attacker.sendSilence(3);
                TestHub.await(Duration.ofSeconds(2), "the forged datagrams seen",
                        () -> hub.participant("alice").counters().foreignDatagrams() == 3);
                assertEquals(Participant.State.AWAITING_AUDIO, hub.participant("alice").state(), "no stream from them");
                alice.stream(200, i -> false, 48000);
                Participant participant = hub.participant("alice");
                assertEquals(Participant.State.STREAMING, participant.state());
                assertEquals(clientPort, participant.address().getPort(), "the stream is alice's");
                alice.sendSilence(1);
                assertFalse(alice.receive(200).isEmpty(), "alice gets the hub's packets");
                assertTrue(attacker.receive(200).isEmpty(), "the attacker gets none");
            }
        }
    }
}
