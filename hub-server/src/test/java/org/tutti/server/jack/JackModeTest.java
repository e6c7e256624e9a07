package org.tutti.server.jack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tutti.mixer.PatchMode;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.Analysis;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.EnginePeriodCount;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackServer;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.LogCapture;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.TestHub;
import org.tutti.server.testing.TempFiles;
import org.tutti.testsupport.Ports;

/** {@code --jack}: Tutti as one JACK client on a real (dummy) JACK server, with real JackTrip clients. */
class JackModeTest {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final int RATE = 48000;

    private static String clientName() {
        return "tutti" + COUNTER.incrementAndGet();
    }

    private static TestHub jackHub(JackServer server, String name, PatchMode mode) throws Exception {
        return jackHub(server, name, mode, "async");
    }

    /** @param engine {@code --jack-engine}: the tests of audio through ports and of the clock run with both */
    private static TestHub jackHub(JackServer server, String name, PatchMode mode, String engine) throws Exception {
        return TestHub.start(b -> {
            b.patchMode(mode);
            b.jack = true;
            b.jackEngine = engine;
            b.jackServer = server.name();
            b.jackClientName = name;
            b.queuePackets = TestHub.STALL_PROOF_DEPTH;
        });
    }

    /**
     * A stereo JackTrip client on the test's JACK server. These tests judge routing and levels, not
     * latency: both sides buffer {@link TestHub#STALL_PROOF_DEPTH} packets, so that a stall of a busy
     * machine does not break every window of a recording (a run with JackTrip's default depth of 4,
     * beside a half-busy core, had no clean 100 ms window in 1.5 s).
     */
    private static JackTripClient client(JackServer server, TestHub hub, String name) throws Exception {
        return JackTripClient.start(server, hub.tcpPort(), "jt" + COUNTER.incrementAndGet(), Ports.freeUdp(), "-K",
                name, "-n", "2", "-q", String.valueOf(TestHub.STALL_PROOF_DEPTH)).awaitConnected(10_000);
    }

    private static List<String> ports(JackServer server, String prefix) throws Exception {
        return server.ports().stream().map(String::strip).filter(p -> p.startsWith(prefix)).toList();
    }

    @Test
    void participantPortsAppearWhenTheyJoinAndGoWhenTheyLeave() throws Exception {
        JackServer server = JackServer.shared();
        String tutti = clientName();
        try (TestHub hub = jackHub(server, tutti, PatchMode.CLIENT_LOOPBACK)) {
            assertTrue(ports(server, tutti + ":").containsAll(List.of(tutti + ":in_1", tutti + ":out_2")),
                    "the hub's own ports");
            try (JackTripClient alice = client(server, hub, "alice")) {
                TestHub.await(Duration.ofSeconds(2), "ports registered",
                        () -> ports(server, tutti + ":alice_").size() == 4);
                assertEquals(List.of(tutti + ":alice_receive_1", tutti + ":alice_receive_2", tutti + ":alice_send_1",
                        tutti + ":alice_send_2"), ports(server, tutti + ":alice_").stream().sorted().toList());
                assertTrue(server.ports().stream().anyMatch(line -> line.strip().equals("alice:receive_1")),
                        "JackTrip-style alias:\n" + server.ports());
                alice.interrupt();
                TestHub.await(Duration.ofSeconds(3), "ports gone", () -> ports(server, tutti + ":alice_").isEmpty());
            }
        }
    }

    /** Whether {@code port}, in {@code jack_lsp -c} output, has any connection listed under it. */
    private static boolean connected(JackServer server, String port) throws Exception {
        List<String> lines = server.connections();
        int at = lines.indexOf(port);
        return at >= 0 && at + 1 < lines.size() && Character.isWhitespace(lines.get(at + 1).charAt(0));
    }

    @Test
    void portsOfAParticipantWhoLeftAreKeptUnpatchedForTheNextToJoin() throws Exception {
        JackServer server = JackServer.shared();
        String tutti = clientName();
        try (TestHub hub = jackHub(server, tutti, PatchMode.NO_AUTO_PATCHING);
             JackProbe probe = JackProbe.open(server, "probe" + COUNTER.incrementAndGet(), 1, 1, 10)) {
            try (JackTripClient dora = client(server, hub, "dora")) {
                TestHub.await(Duration.ofSeconds(2), "dora's ports", () -> ports(server, tutti + ":dora_").size() == 4);
                probe.connectInput(0, tutti + ":dora_receive_1");
                probe.connectOutput(0, tutti + ":dora_send_1");
                assertTrue(connected(server, tutti + ":dora_receive_1"), "patched:\n" + server.connections());
                dora.interrupt();
                TestHub.await(Duration.ofSeconds(3), "dora's ports given back",
                        () -> ports(server, tutti + ":dora_").isEmpty() && ports(server, tutti + ":spare_").size() == 4);
            }
            List<String> all = server.ports().stream().map(String::strip).toList();
            assertFalse(all.contains("dora:receive_1"), "a spare port keeps no alias:\n" + all);
            for (String spare : ports(server, tutti + ":spare_")) {
                assertFalse(connected(server, spare), spare + " keeps no connection:\n" + server.connections());
            }
            try (JackTripClient dora = client(server, hub, "dora")) {
                TestHub.await(Duration.ofSeconds(2), "the spares renamed for dora's return",
                        () -> ports(server, tutti + ":dora_").size() == 4 && ports(server, tutti + ":spare_").isEmpty());
                assertTrue(server.ports().stream().anyMatch(line -> line.strip().equals("dora:send_2")),
                        "the alias is dora's again:\n" + server.ports());
                assertFalse(connected(server, tutti + ":dora_receive_1"),
                        "a returning participant starts unpatched:\n" + server.connections());
                probe.connectOutput(0, tutti + ":dora_send_1");
                probe.play(0, Signal.sine(660, 0.25, RATE));
                probe.connectInput(0, dora.jackName() + ":receive_1");
                AudioPaths.awaitTones(probe, new int[] {0}, new double[] {660}, hub, server, "dora", dora);
                // Measured where the client's buffer left the tone whole: CI once read -12.41 dB from the
                // median of windows the 2.7.2 client's buffer had broken on a stalled machine.
                Analysis.ToneLevel level = Analysis.cleanToneLevel(probe.record(1500)[0], RATE, 660);
                assertEquals(-12.04, level.dbfs(), 0.1, "a renamed spare port carries audio as a new one does: " + level
                        + "; " + AudioPaths.whatTheHubSees(hub, server, "dora") + "; "
                        + AudioPaths.whatTheClientSaw(server, dora));
            }
        }
    }

    @Test
    void portsOnDemandFollowThePolicySetAtRunTimeWhileAudioFlows() throws Exception {
        JackServer server = JackServer.shared();
        String tutti = clientName();
        try (TestHub hub = TestHub.start(b -> {
                 b.patchMode(PatchMode.CLIENT_LOOPBACK);
                 b.jack = true;
                 b.jackServer = server.name();
                 b.jackClientName = tutti;
                 b.jackPorts = "none";
             });
             JackTripClient alto = client(server, hub, "alto-1");
             JackTripClient soprano = client(server, hub, "soprano-1")) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            Thread.sleep(500);
            assertTrue(ports(server, tutti + ":alto").isEmpty() && ports(server, tutti + ":soprano").isEmpty(),
                    "--jack-ports none: " + server.ports());
            long sentBefore = hub.participant("soprano-1").stream().sender().sent();
            long started = System.nanoTime();

            ApiClient.Response picked = api.put("/api/jack/ports", "{\"mode\": \"pick\", \"patterns\": [\"soprano-*\"]}");
            assertEquals(200, picked.status(), picked.text());
            assertEquals(List.of("soprano-1"), List.of(picked.body().get("participantsWithPorts").get(0).asText()));
            TestHub.await(Duration.ofSeconds(2), "soprano's ports",
                    () -> ports(server, tutti + ":soprano-1_").size() == 4 && ports(server, tutti + ":alto").isEmpty());

            assertEquals(200, api.put("/api/jack/ports", "{\"mode\": \"all\"}").status());
            TestHub.await(Duration.ofSeconds(2), "everyone's ports", () -> ports(server, tutti + ":alto-1_").size() == 4);

            assertEquals(200, api.put("/api/jack/ports", "{\"mode\": \"pick\", \"names\": [\"alto-1\"]}").status());
            TestHub.await(Duration.ofSeconds(2), "only alto's ports", () -> ports(server, tutti + ":soprano").isEmpty()
                    && ports(server, tutti + ":alto-1_").size() == 4);
            ApiClient.Response now = api.get("/api/jack/ports");
            assertEquals("pick", now.body().get("mode").asText());
            assertEquals("alto-1", now.body().get("names").get(0).asText());

            // Refused, changing nothing.
            assertEquals(400, api.put("/api/jack/ports", "{\"mode\": \"some\"}").status());
            assertEquals(400, api.put("/api/jack/ports", "{\"mode\": \"all\", \"names\": [\"x\"]}").status());
            assertEquals(400, api.put("/api/jack/ports", "{\"mode\": \"pick\", \"names\": [\"sop*\"]}").status());
            assertEquals("pick", api.get("/api/jack/ports").body().get("mode").asText());

            // The hub kept sending soprano a packet every period throughout.
            double seconds = (System.nanoTime() - started) / 1e9;
            long sent = hub.participant("soprano-1").stream().sender().sent() - sentBefore;
            assertEquals(seconds * RATE / 128, sent, seconds * RATE / 128 * 0.1, "packets to soprano while ports changed");
        }
    }

    @ParameterizedTest(name = "--jack-engine {0}")
    @ValueSource(strings = {"async", "sync"})
    void audioFromAJackClientIntoAParticipantsInputPortReachesThatJackTripClientUntilItIsDisconnected(String engine) throws Exception {
        JackServer server = JackServer.shared();
        String tutti = clientName();
        try (TestHub hub = jackHub(server, tutti, PatchMode.NO_AUTO_PATCHING, engine);
             JackTripClient bob = client(server, hub, "bob");
             JackProbe probe = JackProbe.open(server, "probe" + COUNTER.incrementAndGet(), 1, 1, 10)) {
            TestHub.await(Duration.ofSeconds(2), "ports", () -> ports(server, tutti + ":bob_send_1").size() == 1);
            probe.play(0, Signal.sine(660, 0.25, RATE));
            probe.connectOutput(0, tutti + ":bob_send_1");
            probe.connectInput(0, bob.jackName() + ":receive_1");
            AudioPaths.awaitTones(probe, new int[] {0}, new double[] {660}, hub, server, "bob", bob);
            float[] heard = probe.record(1500)[0];
            Analysis.ToneLevel level = Analysis.cleanToneLevel(heard, RATE, 660);
            assertEquals(-12.04, level.dbfs(), 0.1, "the JACK tone, mixed to bob at unity: " + level);
            probe.disconnectOutput(0, tutti + ":bob_send_1");
            Thread.sleep(400);
            assertTrue(Analysis.medianToneDbfs(probe.record(1000)[0], 660, RATE) < -80,
                    "disconnected: what the port last carried is not mixed on (the hub skips unconnected ports)");
        }
    }

    @ParameterizedTest(name = "--jack-engine {0}")
    @ValueSource(strings = {"async", "sync"})
    void aParticipantsAudioCanBeRecordedFromItsOutputPort(String engine) throws Exception {
        JackServer server = JackServer.shared();
        String tutti = clientName();
        try (TestHub hub = jackHub(server, tutti, PatchMode.NO_AUTO_PATCHING, engine);
             JackTripClient carol = client(server, hub, "carol");
             JackProbe probe = JackProbe.open(server, "probe" + COUNTER.incrementAndGet(), 2, 2, 10)) {
            TestHub.await(Duration.ofSeconds(2), "ports", () -> ports(server, tutti + ":carol_receive_").size() == 2);
            probe.play(0, Signal.sine(440, 0.25, RATE));
            probe.play(1, Signal.sine(880, 0.25, RATE));
            probe.connectOutput(0, carol.jackName() + ":send_1");
            probe.connectOutput(1, carol.jackName() + ":send_2");
            probe.connectInput(0, tutti + ":carol_receive_1");
            probe.connectInput(1, "carol:receive_2"); // by its JackTrip-style alias
            AudioPaths.awaitTones(probe, new int[] {0, 1}, new double[] {440, 880}, hub, server, "carol", carol);
            float[][] recorded = probe.record(1500);
            Analysis.ToneLevel left = Analysis.cleanToneLevel(recorded[0], RATE, 440, 880);
            Analysis.ToneLevel right = Analysis.cleanToneLevel(recorded[1], RATE, 880, 440);
            assertEquals(-12.04, left.dbfs(), 0.1, "carol's left channel: " + left);
            assertEquals(-12.04, right.dbfs(), 0.1, "carol's right channel: " + right);
            // Only clean windows: a stall's click spreads over every frequency, 880 Hz included.
            Analysis.ToneLevel leak = Analysis.cleanToneLevel(recorded[0], RATE, 880, 440);
            assertTrue(leak.dbfs() < -80, "channels stay apart: 880 Hz in carol's left channel: " + leak);
        }
    }

    @Test
    void modeZeroConnectsTheHubsPortsToTheSystemPortsAsJackTripDoes() throws Exception {
        JackServer server = JackServer.shared();
        String tutti = clientName();
        try (TestHub hub = jackHub(server, tutti, PatchMode.SERVER_TO_CLIENTS)) {
            List<String> graph = server.connections();
            String joined = String.join("\n", graph);
            assertTrue(joined.matches("(?s).*system:capture_1\n\s+" + tutti + ":in_1.*"), joined);
            assertTrue(joined.matches("(?s).*" + tutti + ":out_2\n\s+system:playback_2.*"), joined);
        }
        String otherTutti = clientName();
        try (TestHub hub = jackHub(server, otherTutti, PatchMode.FULL_MIX)) {
            String joined = String.join("\n", server.connections());
            assertFalse(joined.matches("(?s).*" + otherTutti + ":in_1\n\s+system.*"),
                    "-p 4 without -i leaves the system ports alone");
        }
    }

    @ParameterizedTest(name = "--jack-engine {0}")
    @ValueSource(strings = {"async", "sync"})
    void theEngineFollowsJacksClock(String engine) throws Exception {
        JackServer server = JackServer.shared();
        String tutti = clientName();
        try (TestHub hub = jackHub(server, tutti, PatchMode.CLIENT_LOOPBACK, engine);
             JackProbe probe = JackProbe.open(server, "probe" + COUNTER.incrementAndGet(), 0, 1, 5);
             FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "clocked")) {
            assertEquals(RATE, hub.hub().config().sampleRate(), "rate from JACK");
            assertEquals(128, hub.hub().config().periodFrames(), "period from JACK");
            client.sendSilence(2);
            EnginePeriodCount count = EnginePeriodCount.measure(probe, hub.hub().timings(), 2000, 128);
            assertTrue(count.cycles() > 600, "JACK ran " + count.cycles() + " cycles in 2 s");
            // JACK may run the two clients in either order within a cycle: one period either way at each end.
            // With --jack-engine async a period is counted when the engine thread finishes it, up to a cycle
            // after JACK's callback handed it over: one period more either way (sync keeps the same bound).
            // Never fewer periods than JACK's cycles; more only by what the server lost (stalls under 1.5
            // periods are not run again, so up to that many).
            assertTrue(count.periods() >= count.cycles() - 3
                    && count.periods() <= count.cycles() + count.lostByServer() + 3,
                    "one engine period per JACK cycle plus at most the cycles the JACK server lost: " + count);
            List<byte[]> packets = client.receive(500);
            assertFalse(packets.isEmpty());
            assertEquals(128, FakeClient.decode(packets.get(0))[0].length, "packets carry JACK's period");
        }
    }

    @Test
    void hundredParticipantsShareOneJackClient() throws Exception {
        JackServer server = JackServer.shared();
        String tutti = clientName();
        List<FakeClient> clients = new ArrayList<>();
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.FULL_MIX);
                b.jack = true;
                b.jackServer = server.name();
                b.jackClientName = tutti;
                b.maxParticipants = 110;
                b.udpBasePort = Ports.freeUdpRange(110);
            })) {
            for (int i = 0; i < 100; i++) {
                FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), String.format("p%03d", i));
                client.sendSilence(1);
                clients.add(client);
            }
            TestHub.await(Duration.ofSeconds(10), "400 participant ports", () -> ports(server, tutti + ":p").size() == 400);
            List<String> clientsOnServer = server.ports().stream().filter(p -> !p.startsWith(" ") && !p.startsWith("\t"))
                    .map(p -> p.substring(0, p.indexOf(':'))).distinct().toList();
            assertEquals(1, clientsOnServer.stream().filter(c -> c.startsWith("tutti")).filter(c -> c.equals(tutti))
                    .count(), "one JACK client for all of them");
        } finally {
            for (FakeClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void noJackServerAtStartIsAClearErrorWithANonZeroExit() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err));
        int code;
        try {
            code = org.tutti.server.cli.MainAccess.run("--jack", "--jack-server", "no_such_server_" + COUNTER.get(),
                    "-B", Integer.toString(Ports.freeTcp()), "-U", Integer.toString(Ports.freeUdpRange(8)),
                    "--max-participants", "8", "--http-port", "0", "--state-dir",
                    TempFiles.directory("st").toString());
        } finally {
            System.setErr(original);
        }
        assertEquals(1, code, err.toString());
        assertTrue(err.toString().contains("cannot join JACK server 'no_such_server_"), err.toString());
        assertTrue(err.toString().contains("run Tutti without --jack"), err.toString());
    }

    @Test
    void whenJackDiesTheHubFallsBackToItsOwnClockAndRejoinsWhenJackReturns() throws Exception {
        JackServer server = JackServer.startPrivate("dies");
        String tutti = clientName();
        try (LogCapture log = new LogCapture("tutti.jack");
             TestHub hub = jackHub(server, tutti, PatchMode.CLIENT_LOOPBACK);
             FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "survivor")) {
            client.sendSilence(4);
            TestHub.await(Duration.ofSeconds(2), "ports", () -> ports(server, tutti + ":survivor_").size() == 4);
            assertFalse(client.receive(200).isEmpty());

            server.stop();
            TestHub.await(Duration.ofSeconds(5), "fallback", () -> log.contains("lost the JACK server"));
            client.receive(300); // drain
            client.sendSilence(4);
            List<byte[]> onOwnClock = client.receive(500);
            assertTrue(onOwnClock.size() > 100, "still served on the embedded clock: " + onOwnClock.size());
            assertEquals(Participant.State.STREAMING, hub.participant("survivor").state());
            // libjack is still usable in this process: a close of the dead client that hung would hold its
            // lock, and every later client open (the hub's rejoin, the next test's hub) would hang with it.
            java.util.concurrent.CompletableFuture<Void> open = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try (JackProbe probe = JackProbe.open(JackServer.shared(), "afterdeath" + COUNTER.incrementAndGet(), 1, 1, 1)) {
                    probe.name();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            open.get(10, java.util.concurrent.TimeUnit.SECONDS);

            JackServer again = JackServer.startPrivate("dies");
            try {
                TestHub.await(Duration.ofSeconds(10), "rejoined", () -> log.contains("rejoined the JACK server"));
                TestHub.await(Duration.ofSeconds(2), "ports again",
                        () -> ports(again, tutti + ":survivor_").size() == 4);
                client.sendSilence(2);
                assertFalse(client.receive(300).isEmpty(), "served on JACK's clock again");
            } finally {
                again.stop();
            }
        }
    }
}
