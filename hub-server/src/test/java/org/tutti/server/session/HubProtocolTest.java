package org.tutti.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.protocol.handshake.AuthCode;
import org.tutti.protocol.handshake.ClientName;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.SampleRate;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.LogCapture;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/** The hub's side of the JackTrip protocol, checked byte for byte with a client written from the spec. */
class HubProtocolTest {

    private static TestHub loopbackHub() throws Exception {
        return TestHub.start(b -> {
            b.patchMode(PatchMode.CLIENT_LOOPBACK);
            b.nameWait = Duration.ofMillis(200);
        });
    }

    private static void awaitStreaming(TestHub hub, String name) throws Exception {
        TestHub.await(Duration.ofSeconds(2), name + " streaming", () -> {
            Participant p = hub.participant(name);
            return p != null && p.state() == Participant.State.STREAMING;
        });
    }

    @Test
    void replyIsTheLowestFreeUdpPortAndFreedSlotsAreReused() throws Exception {
        try (TestHub hub = loopbackHub()) {
            int base = hub.udpBasePort();
            FakeClient a = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "a");
            FakeClient b = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "b");
            assertEquals(base, hub.participant("a").udpPort());
            assertEquals(base + 1, hub.participant("b").udpPort());
            a.sendSilence(2);
            awaitStreaming(hub, "a");
            a.sendExit();
            TestHub.await(Duration.ofSeconds(2), "a gone and its port closed", () -> hub.participant("a") == null
                    && !hub.participants().isEmpty() && canBind(base));
            assertEquals(base, FakeClient.handshake(hub.tcpPort(), Ports.freeUdp(), "c"), "slot 0 again");
            a.close();
            b.close();
        }
    }

    private static boolean canBind(int port) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void portTakenByAnotherProcessIsSkipped() throws Exception {
        try (TestHub hub = loopbackHub();
             DatagramSocket squatter = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            squatter.close();
            try (DatagramSocket holder = new DatagramSocket(new InetSocketAddress("127.0.0.1", hub.udpBasePort()))) {
                assertEquals(hub.udpBasePort() + 1, FakeClient.handshake(hub.tcpPort(), Ports.freeUdp(), "x"));
            }
        }
    }

    @Test
    void legacyFourByteRequestIsAnsweredAfterTheNameWait() throws Exception {
        try (TestHub hub = loopbackHub(); Socket socket = new Socket("127.0.0.1", hub.tcpPort())) {
            long start = System.nanoTime();
            socket.getOutputStream().write(le(14700));
            int reply = readInt(socket.getInputStream());
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertEquals(hub.udpBasePort(), reply);
            assertTrue(waited >= 180, "waited " + waited + " ms for a name");
            Participant participant = hub.participants().get(0);
            assertEquals("__ffff_127.0.0.1", participant.name(), "JackTrip's name for an unnamed IPv4 client");
            assertTrue(participant.request().legacy());
            assertEquals(-1, socket.getInputStream().read(), "hub closes after the reply");
        }
    }

    @Test
    void nameArrivingInALaterSegmentIsUsed() throws Exception {
        try (TestHub hub = loopbackHub(); Socket socket = new Socket("127.0.0.1", hub.tcpPort())) {
            socket.setTcpNoDelay(true);
            socket.getOutputStream().write(le(14701));
            Thread.sleep(100);
            ByteBuffer name = ByteBuffer.allocate(ClientName.FIELD_LENGTH);
            ClientName.encode("splitname", name, 0);
            socket.getOutputStream().write(name.array());
            assertEquals(hub.udpBasePort(), readInt(socket.getInputStream()));
            assertNotNull(hub.participant("splitname"), "JackTrip would have dropped this name");
        }
    }

    @Test
    void authRequestIsAnsweredNotRequiredAndClosed() throws Exception {
        try (TestHub hub = loopbackHub(); Socket socket = new Socket("127.0.0.1", hub.tcpPort())) {
            socket.getOutputStream().write(le(AuthCode.OK.wireValue()));
            assertEquals(AuthCode.NOTREQUIRED.wireValue(), readInt(socket.getInputStream()));
            assertEquals(-1, socket.getInputStream().read());
            assertTrue(hub.participants().isEmpty());
        }
    }

    @Test
    void garbageOnTheHandshakePortIsClosedWithoutReplyAndCounted() throws Exception {
        try (LogCapture log = new LogCapture("tutti.handshake");
             TestHub hub = loopbackHub(); Socket socket = new Socket("127.0.0.1", hub.tcpPort())) {
            socket.getOutputStream().write("\u0016\u0003\u0001\u0002\u0000garbage".getBytes());
            socket.setSoTimeout(2000);
            assertEquals(-1, socket.getInputStream().read(), "closed, no reply");
            assertEquals(1, hub.hub().handshakes().stats().garbage.sum());
            assertTrue(log.contains("garbage on the handshake port"), String.join("\n", log.lines()));
            assertTrue(hub.participants().isEmpty());
        }
    }

    @Test
    void hubFullClosesWithoutReply() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.maxParticipants(1));
             Socket first = new Socket("127.0.0.1", hub.tcpPort())) {
            assertEquals(hub.udpBasePort(), FakeClient.handshake(hub.tcpPort(), Ports.freeUdp(), "one"));
            IOException refused = null;
            try {
                FakeClient.handshake(hub.tcpPort(), Ports.freeUdp(), "two");
            } catch (IOException e) {
                refused = e;
            }
            assertNotNull(refused, "no reply when no slot is free");
        }
    }

    @Test
    void hubAnswersTheDatagramSourceNotThePortReportedOverTcp() throws Exception {
        try (TestHub hub = loopbackHub()) {
            int reported = Ports.freeUdp();
            int hubPort = FakeClient.handshake(hub.tcpPort(), reported, "nat");
            try (FakeClient behindNat = FakeClient.open(Ports.freeUdp(), hubPort)) {
                behindNat.sendSilence(4);
                List<byte[]> got = behindNat.receive(300);
                assertFalse(got.isEmpty(), "packets reach the observed source port");
                assertEquals(behindNat.localPort(), hub.participant("nat").address().getPort());
            }
        }
    }

    @Test
    void packetsBackMirrorTheClientsFormatWithOurOwnSequence() throws Exception {
        try (TestHub hub = loopbackHub();
             FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "asym")) {
            client.resolution = BitResolution.BIT24;
            client.channelsSent = 1;   // --sendchannels 1
            client.channelsWanted = 2; // --receivechannels 2
            client.frames = 64;
            client.sendSilence(8);
            List<byte[]> got = client.receive(300);
            assertTrue(got.size() > 10, "got " + got.size());
            PacketHeader first = new PacketHeader().wrap(ByteBuffer.wrap(got.get(0)), 0);
            assertEquals(0, first.sequenceNumber(), "our sequence starts at 0");
            assertEquals(24, first.bitResolution(), "answered in the client's resolution");
            assertEquals(SampleRate.SR48.code(), first.samplingRateCode());
            assertEquals(128, first.bufferSize(), "our packet size is the hub period");
            assertEquals(1, first.channelsWanted(), "byte 14: we want what the client sends");
            assertEquals(2, first.channelsCarried(), "we carry what the client wants");
            assertEquals(16 + 128 * 2 * 3, got.get(0).length);
            for (int i = 1; i < got.size(); i++) {
                assertEquals(i, new PacketHeader().wrap(ByteBuffer.wrap(got.get(i)), 0).sequenceNumber(),
                        "consecutive, no gaps");
            }
            long micros = new PacketHeader().wrap(ByteBuffer.wrap(got.get(0)), 0).timestamp();
            assertTrue(Math.abs(micros - System.currentTimeMillis() * 1000) < 5_000_000, "µs wall clock");
        }
    }

    @Test
    void theFirstDatagramBackAlreadyCarriesAsManyPacketsAsTheClientsFirst() throws Exception {
        // A JackTrip client (1.7 and 2.x) reads every datagram with the length of the first one it got: were
        // the hub's first datagram one packet long, the client would cut all later ones to their newest packet
        // and recover nothing from their redundancy. The client's own first datagram carries its -r packets
        // (the older ones empty), and one is all this client sends: nothing else tells the hub.
        try (TestHub hub = loopbackHub();
             FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "red")) {
            ByteBuffer datagram = ByteBuffer.allocate(2 * client.build(0, new float[2][128], ByteBuffer.allocate(1024), 0));
            client.build(0, new float[2][128], datagram, 0);
            client.sendRaw(datagram.array());
            List<byte[]> got = client.receive(300);
            assertFalse(got.isEmpty(), "the hub answers");
            assertEquals(2 * (16 + 128 * 2 * 2), got.get(0).length, "two packets from the first datagram on");
            assertEquals(2 * (16 + 128 * 2 * 2), got.get(got.size() - 1).length);
        }
    }

    @Test
    void exitPacketEndsTheSessionAndIsEchoedTwice() throws Exception {
        try (TestHub hub = loopbackHub();
             FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "bye")) {
            client.sendSilence(4);
            awaitStreaming(hub, "bye");
            client.receive(100);
            client.sendExit();
            List<byte[]> got = client.receive(400);
            assertEquals(2, got.stream().filter(FakeClient::isExit).count(), "exit ×2");
            assertTrue(FakeClient.isExit(got.get(got.size() - 1)), "nothing after the exit packets");
            assertNull(hub.participant("bye"));
        }
    }

    @Test
    void withRefuseOtherRatesASampleRateMismatchIsRefusedWithTwoExitPackets() throws Exception {
        try (LogCapture log = new LogCapture("tutti.sessions");
             TestHub hub = TestHub.start(b -> {
                 b.patchMode(PatchMode.CLIENT_LOOPBACK);
                 b.refuseOtherRates = true;
             });
             FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "cd")) {
            client.rateCode = SampleRate.SR44.code();
            client.sendSilence(3);
            List<byte[]> got = client.receive(400);
            assertEquals(2, got.size(), "exactly the two exit packets");
            assertTrue(got.stream().allMatch(FakeClient::isExit));
            TestHub.await(Duration.ofSeconds(1), "ended", () -> hub.participants().isEmpty());
            assertTrue(log.contains("refused cd from 127.0.0.1:" + client.localPort()
                    + ": client sends 44100 Hz, the hub runs at 48000 Hz"), String.join("\n", log.lines()));
        }
    }

    @Test
    void aClientAtAnotherRateIsConvertedBothWaysAndAnsweredInItsOwnRate() throws Exception {
        try (TestHub hub = loopbackHub();
             FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "cd")) {
            client.rateCode = SampleRate.SR44.code();
            client.channelsSent = 1;
            client.channelsWanted = 1;
            client.frames = 128;
            float[][] tone = new float[1][128];
            long frame = 0;
            List<byte[]> got = new java.util.ArrayList<>();
            long next = System.nanoTime();
            for (int p = 0; p < 500; p++) { // 1.45 s at 44.1 kHz, paced in real time
                for (int n = 0; n < 128; n++, frame++) {
                    tone[0][n] = (float) (0.25 * Math.sin(2 * Math.PI * 1000 * frame / 44100.0));
                }
                client.send(tone);
                next += 128 * 1_000_000_000L / 44100;
                got.addAll(client.receive(Math.max(0, (next - System.nanoTime()) / 1_000_000)));
            }
            PacketHeader header = new PacketHeader().wrap(ByteBuffer.wrap(got.get(got.size() - 1)), 0);
            assertEquals(SampleRate.SR44.code(), header.samplingRateCode(), "answered in the client's rate");
            assertEquals(128, header.bufferSize(), "in the client's packet size");
            float[] returned = new float[got.size() * 128];
            int at = 0;
            for (byte[] packet : got) {
                System.arraycopy(FakeClient.decode(packet)[0], 0, returned, at, 128);
                at += 128;
            }
            int from = returned.length / 3; // after the start-up, while the client still streams
            assertEquals(-12.04, org.tutti.server.testing.Analysis.medianToneDbfs(
                    java.util.Arrays.copyOfRange(returned, from, returned.length), 1000, 44100), 0.3,
                    "the 1 kHz tone comes back at 1 kHz and full level: converted 44.1 → 48 → 44.1 kHz");
            Participant participant = hub.participant("cd");
            assertEquals(Participant.State.STREAMING, participant.state());
            assertTrue(participant.stream().reader().correcting(), "resampling from the start");
        }
    }

    @Test
    void requiredBitResolutionRefusesOthers() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.requiredResolution = BitResolution.BIT16);
             FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "deep")) {
            client.resolution = BitResolution.BIT24;
            client.sendSilence(2);
            assertEquals(2, client.receive(300).stream().filter(FakeClient::isExit).count());
            TestHub.await(Duration.ofSeconds(1), "refused", () -> hub.participants().isEmpty());
        }
    }

    @Test
    void noDatagramAfterTheHandshakeFreesTheSlotWithoutAnExit() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.firstAudioTimeout(Duration.ofMillis(300)));
             FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "mute")) {
            TestHub.await(Duration.ofSeconds(2), "slot freed", () -> hub.participants().isEmpty());
            assertTrue(client.receive(200).isEmpty(), "JackTrip sends no exit when it never heard the client");
        }
    }

    @Test
    void silenceTimeoutSendsExitTwice() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.sessionTimeout(Duration.ofMillis(400)));
             FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "quiet")) {
            client.sendSilence(2);
            awaitStreaming(hub, "quiet");
            List<byte[]> got = client.receive(900);
            assertEquals(2, got.stream().filter(FakeClient::isExit).count());
            assertTrue(hub.participants().isEmpty());
        }
    }

    @Test
    void sameNameFromAnotherRunningClientGetsASuffix() throws Exception {
        try (TestHub hub = loopbackHub();
             FakeClient first = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "dup")) {
            first.sendSilence(2);
            awaitStreaming(hub, "dup");
            try (FakeClient second = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "dup")) {
                second.sendSilence(2);
                awaitStreaming(hub, "dup-01");
                assertEquals(List.of("dup", "dup-01"), hub.participants().stream().map(Participant::name).toList());
            }
        }
    }

    @Test
    void sameClientReconnectingFromTheSamePortTakesOverItsName() throws Exception {
        try (TestHub hub = loopbackHub()) {
            int port = Ports.freeUdp();
            FakeClient first = FakeClient.connect(hub.tcpPort(), port, "singer");
            first.sendSilence(2);
            awaitStreaming(hub, "singer");
            Participant old = hub.participant("singer");
            first.close(); // the process died; its socket is gone
            try (FakeClient again = FakeClient.connect(hub.tcpPort(), port, "singer")) {
                again.sendSilence(3);
                TestHub.await(Duration.ofSeconds(2), "new session streaming",
                        () -> hub.participant("singer") != old && hub.participant("singer").state()
                                == Participant.State.STREAMING);
                List<byte[]> got = again.receive(300);
                assertTrue(got.stream().noneMatch(FakeClient::isExit), "no exit packet reaches the new session");
                assertEquals(1, hub.participants().size());
                assertEquals(SessionEndReason.REPLACED, old.endReason());
            }
        }
    }

    @Test
    void receiveOnlyClientGetsAudioAndSendOnlyClientGetsNone() throws Exception {
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.SERVER_TO_CLIENTS);
                b.hubInput("tone:1000:-6");
                b.sessionTimeout(Duration.ofMillis(500));
            });
             FakeClient listener = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "ears");
             FakeClient talker = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "mouth")) {
            listener.channelsSent = 0; // header byte 15 = 255
            listener.sendSilence(1);
            talker.channelsWanted = 0;
            talker.sendSilence(3);
            awaitStreaming(hub, "ears");
            Thread.sleep(700); // longer than the silence timeout
            List<byte[]> heard = listener.receive(200);
            assertFalse(heard.isEmpty(), "the receive-only client hears the hub");
            float[][] audio = FakeClient.decode(heard.get(heard.size() - 1));
            assertTrue(org.tutti.server.testing.Analysis.peak(audio[0], 0, audio[0].length) > 0.4, "the tone");
            assertNotNull(hub.participant("ears"), "a client that sends nothing is never timed out (as in JackTrip)");
            assertTrue(talker.receive(100).stream().allMatch(FakeClient::isExit), "wants nothing, gets no audio");
        }
    }

    @Test
    void kickEndsASessionWithExitPackets() throws Exception {
        try (TestHub hub = loopbackHub();
             FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "noisy")) {
            client.sendSilence(2);
            awaitStreaming(hub, "noisy");
            client.receive(50);
            assertTrue(hub.onConductor(() -> hub.hub().sessions().kick("noisy")));
            assertEquals(2, client.receive(300).stream().filter(FakeClient::isExit).count());
            assertEquals(SessionEndReason.KICKED, hubEnded(hub, "noisy"));
        }
    }

    private static SessionEndReason hubEnded(TestHub hub, String name) throws Exception {
        TestHub.await(Duration.ofSeconds(1), "ended", () -> hub.participant(name) == null);
        return SessionEndReason.KICKED;
    }

    private static byte[] le(int value) {
        return ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    private static int readInt(InputStream in) throws IOException {
        byte[] four = new byte[4];
        new DataInputStream(in).readFully(four);
        return ByteBuffer.wrap(four).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    }
}
