package org.tutti.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tutti.mixer.PatchMode;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;
import org.tutti.transport.Transport;

/**
 * The hub on each of Netty's transports (nio everywhere; epoll and io_uring, which Netty ships for
 * Linux x86_64, where Tutti and CI run: one that fails to load fails here): a client's audio comes
 * back, a stranger's datagrams are counted and not read, and the client gets the hub's exit packets
 * when it stops.
 */
class TransportsTest {
    private static final float LEVEL = 0.25f;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void aClientIsHeardAndAnsweredOnEveryTransport(String transport) throws Exception {
        FakeClient client;
        Participant participant;
        try (TestHub hub = TestHub.start(b -> {
            b.patchMode(PatchMode.CLIENT_LOOPBACK);
            b.transport = Transport.parse(transport);
        })) {
            int clientPort = Ports.freeUdp();
            int hubPort = FakeClient.handshake(hub.tcpPort(), clientPort, "solo");
            client = FakeClient.open(clientPort, hubPort);
            try (FakeClient stranger = FakeClient.open("127.0.0.2", 0, hubPort)) {
                float[][] tone = new float[client.channelsSent][client.frames];
                for (float[] channel : tone) {
                    Arrays.fill(channel, LEVEL);
                }
                client.send(tone);
                TestHub.await(Duration.ofSeconds(2), "solo streams", () -> hub.participant("solo") != null
                        && hub.participant("solo").state() == Participant.State.STREAMING);
                stranger.sendExit();
                stranger.sendSilence(3);
                for (int i = 0; i < 200; i++) {
                    client.send(tone);
                    Thread.sleep(2);
                }
                List<byte[]> back = client.receive(300);
                participant = hub.participant("solo");
                assertEquals(Participant.State.STREAMING, participant.state(), transport + ": still streaming");
                assertEquals(5, participant.counters().foreignDatagrams(), transport + ": the stranger's, counted");
                long heard = back.stream().filter(d -> !FakeClient.isExit(d))
                        .filter(d -> Math.abs(FakeClient.decode(d)[0][0] - LEVEL) < 1e-3).count();
                assertTrue(heard > 50, transport + ": " + heard + " of " + back.size() + " datagrams carried the"
                        + " client's own audio back");
            }
        }
        // Stopping the hub sends the client its exit packets.
        List<byte[]> last = client.receive(300);
        client.close();
        assertTrue(last.stream().filter(FakeClient::isExit).count() >= 1, transport + ": exit packets at the stop");
    }
}
