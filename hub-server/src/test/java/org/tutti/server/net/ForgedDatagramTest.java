package org.tutti.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/**
 * An attacker on another address (127.0.0.2: loopback has many, so no namespace is needed): a
 * valid-looking datagram that beats the client's first one takes no stream over, and a spray of exit
 * packets, garbage and forged audio at the hub's ports while a client joins ends nothing. Both are
 * counted.
 */
class ForgedDatagramTest {
    private static final String ATTACKER = "127.0.0.2";

    @Test
    void aSprayOfExitPacketsDuringAJoinEndsNoSession() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX))) {
            Spray spray = new Spray(hub.udpBasePort(), 4);
            Thread sprayer = new Thread(spray, "sprayer");
            sprayer.start();
            try {
                TestHub.await(Duration.ofSeconds(2), "the spray runs", () -> spray.sent.get() > 1000);
                int clientPort = Ports.freeUdp();
                int hubPort = FakeClient.handshake(hub.tcpPort(), clientPort, "alice");
                try (FakeClient alice = FakeClient.open(clientPort, hubPort)) {
                    // The join and a second of audio, with the spray queueing datagrams on alice's port throughout.
                    alice.stream(375, i -> false, 48000);
                    Participant participant = hub.participant("alice");
                    assertNotNull(participant, "alice's session is still there (not ended by a forged exit packet)");
                    assertEquals(Participant.State.STREAMING, participant.state(), "alice still streams");
                    assertEquals(clientPort, participant.address().getPort(), "the stream is alice's");
                    assertTrue(participant.counters().foreignDatagrams() > 0, "the spray reached alice's port and was"
                            + " counted: " + participant.counters().foreignDatagrams());
                    assertEquals(0, participant.counters().malformed(), "nothing of the spray was read as alice's");
                    alice.sendSilence(1);
                    assertFalse(alice.receive(200).isEmpty(), "alice gets the hub's packets");
                }
            } finally {
                spray.running = false;
                sprayer.join(2000);
            }
        }
    }

    /** Sends forged exit packets, garbage and valid-looking audio from the attacker's address to a range of ports. */
    private static final class Spray implements Runnable {
        private final int firstPort;
        private final int ports;
        final AtomicLong sent = new AtomicLong();
        volatile boolean running = true;

        Spray(int firstPort, int ports) {
            this.firstPort = firstPort;
            this.ports = ports;
        }

        @Override
        public void run() {
            try (DatagramChannel channel = DatagramChannel.open(
                    StandardProtocolFamily.INET)) {
                channel.bind(new InetSocketAddress(ATTACKER, 0));
                ByteBuffer exit = ByteBuffer.wrap(ExitPacket.bytes());
                ByteBuffer garbage = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5});
                FakeClient forger = FakeClient.open(ATTACKER, 0, firstPort);
                ByteBuffer audio = ByteBuffer.allocate(4096);
                int audioLength = forger.build(0, new float[2][forger.frames], audio, 0);
                forger.close();
                while (running) {
                    for (int port = firstPort; port < firstPort + ports; port++) {
                        InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
                        for (ByteBuffer datagram : new ByteBuffer[] {exit.clear(), garbage.clear(),
                                audio.clear().limit(audioLength)}) {
                            channel.send(datagram, to);
                            sent.incrementAndGet();
                        }
                    }
                    LockSupport.parkNanos(500_000L);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

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
