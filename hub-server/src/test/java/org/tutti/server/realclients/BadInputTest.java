package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackServer;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.StallWitness;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/** Garbage on the UDP and TCP ports changes nothing for anyone. */
class BadInputTest {

    @Test
    void streamOfMalformedDatagramsChangesNothingForAnyone() throws Exception {
        try (TestHub hub = TestHub.start(b -> {
                 b.patchMode(PatchMode.CLIENT_LOOPBACK);
                 b.queuePackets = RealClients.EXACT_DEPTH;
                 // The fake client is silent while the real one settles, which on a stalling machine may
                 // take longer than the 10 s default timeout (awaitSettled allows up to 60 s).
                 b.sessionTimeout = Duration.ofSeconds(120);
             });
             TappedPath path = TappedPath.to(hub);
             JackTripClient real = RealClients.client(path.tcpPort(), "real", RealClients.EXACT_CLIENT);
             JackProbe probe = RealClients.probe(real, 1, Signal.ramp16());
             StallWitness witness = RealClients.witness(hub, probe);
             FakeClient fake = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "fake");
             DatagramSocket stranger = new DatagramSocket()) {
            fake.sendSilence(3);
            TestHub.await(Duration.ofSeconds(2), "fake streams",
                    () -> hub.participant("fake") != null && hub.participant("fake").stream() != null);
            RealClients.watch(witness, hub, "real");
            Participant realSession = hub.participant("real");
            Participant fakeSession = hub.participant("fake");
            RealClients.awaitSettled(hub, witness, "real");
            path.start();
            probe.startRecording();
            Random random = new Random(42);
            List<byte[]> garbage = garbage(random);
            InetAddress loopback = InetAddress.getLoopbackAddress();
            for (int round = 0; round < 40; round++) {
                for (byte[] datagram : garbage) {
                    fake.sendRaw(datagram);
                    // A stranger sprays the real client's hub port: the kernel drops it (connected socket).
                    stranger.send(new DatagramPacket(datagram, datagram.length, loopback, realSession.udpPort()));
                }
                fake.sendSilence(1);
                Thread.sleep(25);
            }
            Thread.sleep(300);
            RealClients.recordUntil(probe, 3000);
            float[][] got = probe.stopRecording();
            path.stop();

            assertEquals(List.of("real", "fake"), hub.participants().stream().map(Participant::name).toList());
            assertEquals(Participant.State.STREAMING, fakeSession.state(), "the sender of garbage keeps its session");
            assertTrue(fakeSession.counters().malformed() >= 40L * (garbage.size() - 2),
                    "malformed datagrams counted: " + fakeSession.counters().malformed());
            assertEquals(0, realSession.counters().malformed(), "nothing reached the real client's session");
            path.assertHubSentWhatItGot(witness, RealClients.hubSide(hub, "real"));
            RealClients.assertRampEchoed(got[0], probe, witness, realSession.stream().jitter().stats());
        }
    }

    /** Datagrams that are each wrong in a different way. */
    private static List<byte[]> garbage(Random random) {
        List<byte[]> list = new ArrayList<>();
        list.add(new byte[0]);
        list.add(new byte[] {1, 2, 3});
        list.add(new byte[15]);
        byte[] notExit = new byte[63];
        java.util.Arrays.fill(notExit, (byte) 0x7F);
        list.add(notExit);
        byte[] badRate = validHeader(528);
        badRate[12] = 9;
        list.add(badRate);
        byte[] badBits = validHeader(528);
        badBits[13] = 12;
        list.add(badBits);
        list.add(java.util.Arrays.copyOf(validHeader(528), 300)); // truncated
        byte[] zeroFrames = validHeader(528);
        zeroFrames[10] = 0;
        zeroFrames[11] = 0;
        list.add(zeroFrames);
        byte[] tooManyChannels = validHeader(528);
        tooManyChannels[14] = (byte) 200;
        tooManyChannels[15] = (byte) 200;
        list.add(tooManyChannels);
        for (int i = 0; i < 6; i++) {
            byte[] noise = new byte[random.nextInt(1500)];
            random.nextBytes(noise);
            list.add(noise);
        }
        return list;
    }

    private static byte[] validHeader(int length) {
        byte[] datagram = new byte[length];
        datagram[10] = (byte) 128; // frames
        datagram[12] = 3; // 48 kHz
        datagram[13] = 16;
        datagram[14] = 2;
        return datagram;
    }

    @Test
    void idleAndGarbageHandshakesDoNotDelayARealClient() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.CLIENT_LOOPBACK))) {
            for (int i = 0; i < 100; i++) {
                idle.add(new Socket("127.0.0.1", hub.tcpPort()));
            }
            for (int i = 0; i < 10; i++) {
                Socket http = new Socket("127.0.0.1", hub.tcpPort());
                OutputStream out = http.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: hub\r\n\r\n".getBytes());
                out.flush();
                idle.add(http);
            }
            long start = System.nanoTime();
            try (JackTripClient client = JackTripClient.start(JackServer.shared(), hub.tcpPort(),
                    RealClients.uniqueName("jt"), Ports.freeUdp(), "-K", "punctual", "-n", "2")) {
                TestHub.await(Duration.ofSeconds(1), "joined within a second", () -> {
                    Participant p = hub.participant("punctual");
                    return p != null && p.state() == Participant.State.STREAMING;
                });
                long took = (System.nanoTime() - start) / 1_000_000;
                assertTrue(took < 1000, "joined after " + took + " ms");
                assertEquals(10, hub.hub().handshakes().stats().garbage.sum(), "HTTP requests rejected as garbage");
                client.awaitConnected(2000);
            }
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }
}
