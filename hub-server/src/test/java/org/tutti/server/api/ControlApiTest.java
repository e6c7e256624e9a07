package org.tutti.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.mix.Preset;
import org.tutti.server.state.StateStore;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.LogCapture;
import org.tutti.server.testing.TestHub;
import org.tutti.server.testing.TempFiles;
import org.tutti.testsupport.Ports;

/** The control API: what it accepts, what it refuses (changing nothing), who may do what, what it keeps. */
class ControlApiTest {

    @Test
    void listsParticipantsWithFormatAndLiveStatistics() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX));
             FakeClient alice = hub.join("alice")) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            ApiClient.Response list = api.get("/api/participants");
            assertEquals(200, list.status(), list.text());
            var alicesView = list.body().get(0);
            assertEquals("alice", alicesView.get("name").asText());
            assertEquals("127.0.0.1:" + alice.localPort(), alicesView.get("address").asText());
            assertEquals(16, alicesView.get("format").get("bits").asInt());
            assertEquals(2, alicesView.get("format").get("channelsSent").asInt());
            assertTrue(alicesView.get("stats").get("datagramsReceived").asLong() >= 2);
            assertTrue(alicesView.get("stats").has("lossRatio"));
        }
    }

    @Test
    void setsAMixWholeOrOneSourceAndShowsWhatTheListenerHears() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX));
             FakeClient a = hub.join("a"); FakeClient b = hub.join("b"); FakeClient c = hub.join("c")) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            var put = api.put("/api/mixes/a", """
                    {"preset": "silence", "sources": {"b": {"gainDb": -6}}, "masterDb": -3}""");
            assertEquals(200, put.status(), put.text());
            var effective = put.body().get("effective");
            assertEquals(-6.0, effective.get("b").get("gainDb").asDouble(), 0.01);
            assertEquals(-120.0, effective.get("c").get("gainDb").asDouble(), 0.01, "silence preset");
            var one = api.put("/api/mixes/a/sources/c", "{\"gainDb\": -12, \"pan\": 0.5}");
            assertEquals(200, one.status(), one.text());
            assertEquals(-12.0, one.body().get("effective").get("c").get("gainDb").asDouble(), 0.01);
            assertEquals(0.5, one.body().get("effective").get("c").get("pan").asDouble(), 1e-6);
            var mute = api.put("/api/mixes/a/sources/b", "{\"mute\": true}");
            assertEquals(-120.0, mute.body().get("effective").get("b").get("gainDb").asDouble(), 0.01);
            assertEquals(-6.0, mute.body().get("settings").get("sources").get("b").get("gainDb").asDouble(), 0.01,
                    "muting keeps the fader where it was");
            var self = api.patch("/api/mixes/a", "{\"selfDb\": -10}");
            assertEquals(-10.0, self.body().get("effective").get("a").get("gainDb").asDouble(), 0.01);
            assertEquals(200, api.delete("/api/mixes/a/sources/b").status());
            var reset = api.delete("/api/mixes/a");
            assertEquals(0.0, reset.body().get("effective").get("b").get("gainDb").asDouble(), 0.01,
                    "back to the full-mix preset");
        }
    }

    @Test
    void badRequestsAreRefusedWithAMessageAndChangeNothing() throws Exception {
        try (LogCapture log = new LogCapture("tutti.api");
             TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX));
             FakeClient a = hub.join("a"); FakeClient b = hub.join("b")) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            assertEquals(200, api.put("/api/mixes/a/sources/b", "{\"gainDb\": -6}").status());
            String before = api.get("/api/mixes/a").text();
            long planBefore = hub.onConductor(() -> hub.hub().engine().snapshot().generation());

            expect(400, "not valid JSON", api.put("/api/mixes/a", "{\"sources\": {"));
            expect(400, "unknown field 'gianDb'", api.put("/api/mixes/a/sources/b", "{\"gianDb\": -6}"));
            expect(400, "'gainDb' must be a number", api.put("/api/mixes/a/sources/b", "{\"gainDb\": \"loud\"}"));
            expect(400, "up to +12", api.put("/api/mixes/a/sources/b", "{\"gainDb\": 40}"));
            expect(400, "pan must be between -1", api.put("/api/mixes/a/sources/b", "{\"pan\": 3}"));
            expect(400, "unknown preset 'karaoke'", api.patch("/api/mixes/a", "{\"preset\": \"karaoke\"}"));
            expect(400, "the body must be a JSON object", api.put("/api/mixes/a", "[1,2]"));
            expect(404, "no participant named 'zed'", api.get("/api/mixes/zed"));
            expect(404, "no source named 'zed'", api.put("/api/mixes/a/sources/zed", "{\"gainDb\": 0}"));
            // a whole-mix PUT with one bad source changes nothing, not even the good parts
            expect(404, "no source named 'zed'", api.put("/api/mixes/a",
                    "{\"masterDb\": -20, \"sources\": {\"b\": {\"gainDb\": 0}, \"zed\": {\"gainDb\": 0}}}"));
            expect(404, "no such endpoint", api.get("/api/mixer"));
            expect(405, "not allowed", api.post("/api/mixes/a", "{}"));
            expect(400, "'enabled'", api.put("/api/mix-master", "{\"participant\": \"a\"}"));
            expect(404, "no participant named 'ghost'", api.put("/api/mix-master",
                    "{\"enabled\": true, \"participant\": \"ghost\"}"));

            assertEquals(before, api.get("/api/mixes/a").text(), "nothing changed");
            assertEquals(planBefore, (long) hub.onConductor(() -> hub.hub().engine().snapshot().generation()),
                    "no new plan was published");
            assertTrue(log.contains("API PUT /api/mixes/a/sources/b -> 400: unknown field 'gianDb'"),
                    String.join("\n", log.lines()));
            assertTrue(hub.hub().api().stats().clientErrors.sum() >= 14);
        }
    }

    private static void expect(int status, String message, ApiClient.Response response) {
        assertEquals(status, response.status(), response.text());
        assertTrue(response.error() != null && response.error().contains(message),
                "expected '" + message + "' in " + response.text());
    }

    @Test
    void operatorTokenIsNeededAndParticipantTokensReachOnlyTheirOwnMix() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX));
             FakeClient a = hub.join("a"); FakeClient b = hub.join("b")) {
            ApiClient operator = new ApiClient(hub.apiUrl(), hub.operatorToken());
            ApiClient nobody = operator.as(null);
            assertEquals(200, nobody.get("/api/health").status(), "health needs no token");
            assertEquals(401, nobody.get("/api/participants").status());
            assertEquals(401, operator.as("guess").get("/api/participants").status());

            String aToken = operator.post("/api/participants/a/token", null).body().get("token").asText();
            ApiClient asA = operator.as(aToken);
            assertEquals(200, asA.put("/api/mixes/a/sources/b", "{\"gainDb\": -3}").status(), "own mix");
            assertEquals(200, asA.get("/api/presets").status());
            assertEquals(403, asA.put("/api/mixes/b/sources/a", "{\"gainDb\": -3}").status(), "someone else's mix");
            assertEquals(403, asA.get("/api/participants").status());
            assertEquals(403, asA.post("/api/participants/b/kick", null).status());
            assertEquals(403, asA.put("/api/mix-master", "{\"enabled\": true}").status());
            assertEquals(-3.0, operator.get("/api/mixes/a").body().get("settings").get("sources").get("b")
                    .get("gainDb").asDouble(), 0.01);
        }
    }

    @Test
    void mixMasterModeGivesEveryoneTheConductorsMixPlusTheirOwnVoice() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX));
             FakeClient conductor = hub.join("conductor"); FakeClient alto = hub.join("alto");
             FakeClient bass = hub.join("bass")) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            api.put("/api/mixes/conductor", "{\"sources\": {\"alto\": {\"gainDb\": -6}, \"bass\": {\"gainDb\": -3}}}");
            api.put("/api/mixes/alto", "{\"sources\": {\"bass\": {\"mute\": true}}, \"selfDb\": 4}");
            assertEquals(200, api.put("/api/mix-master", "{\"enabled\": true, \"participant\": \"conductor\"}")
                    .status());
            var altoHears = api.get("/api/mixes/alto").body().get("effective");
            assertEquals(-3.0, altoHears.get("bass").get("gainDb").asDouble(), 0.01,
                    "the conductor's level, not alto's mute");
            assertEquals(4.0, altoHears.get("alto").get("gainDb").asDouble(), 0.01, "alto's own voice at alto's level");
            var bassHears = api.get("/api/mixes/bass").body().get("effective");
            assertEquals(-6.0, bassHears.get("alto").get("gainDb").asDouble(), 0.01);
            assertEquals(-3.0, bassHears.get("bass").get("gainDb").asDouble(), 0.01, "own voice as the conductor set it");
            // the whole choir shares one bus: cost grows by one correction per singer
            long buses = hub.onConductor(() -> (long) hub.hub().sessions().plan().busCount());
            assertEquals(1, buses);

            // the operator can run the mix instead
            api.put("/api/master-mix", "{\"sources\": {\"conductor\": {\"gainDb\": 0}}, \"preset\": \"silence\"}");
            api.put("/api/mix-master", "{\"enabled\": true}");
            var altoNow = api.get("/api/mixes/alto").body().get("effective");
            assertEquals(0.0, altoNow.get("conductor").get("gainDb").asDouble(), 0.01);
            assertEquals(-120.0, altoNow.get("bass").get("gainDb").asDouble(), 0.01);
            api.put("/api/mix-master", "{\"enabled\": false}");
            assertEquals(-120.0, api.get("/api/mixes/alto").body().get("effective").get("bass").get("gainDb")
                    .asDouble(), 0.01, "alto's own mix is back, bass muted");
        }
    }

    @Test
    void presetsApplyToEveryoneAndCanResetPersonalMixes() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX));
             FakeClient a = hub.join("a"); FakeClient b = hub.join("b")) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            api.put("/api/mixes/a/sources/b", "{\"gainDb\": -6}");
            assertEquals(200, api.put("/api/preset", "{\"preset\": \"everyone-but-me\"}").status());
            var effective = api.get("/api/mixes/a").body().get("effective");
            assertEquals(-120.0, effective.get("a").get("gainDb").asDouble(), 0.01);
            assertEquals(-6.0, effective.get("b").get("gainDb").asDouble(), 0.01, "personal setting kept");
            api.put("/api/preset", "{\"preset\": \"2\", \"resetPersonal\": true}");
            assertEquals(0.0, api.get("/api/mixes/a").body().get("effective").get("b").get("gainDb").asDouble(), 0.01);
        }
    }

    @Test
    void kickAndRename() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX));
             FakeClient a = hub.join("a"); FakeClient b = hub.join("b")) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            api.put("/api/mixes/a/sources/b", "{\"gainDb\": -6}");
            var renamed = api.post("/api/participants/b/rename", "{\"name\": \"bob\"}");
            assertEquals(200, renamed.status(), renamed.text());
            assertEquals(-6.0, api.get("/api/mixes/a").body().get("settings").get("sources").get("bob")
                    .get("gainDb").asDouble(), 0.01, "a's setting for b follows the rename");
            assertEquals(409, api.post("/api/participants/bob/rename", "{\"name\": \"a\"}").status());
            assertEquals(400, api.post("/api/participants/bob/rename", "{\"name\": \"x:y\"}").status());
            assertEquals(200, api.post("/api/participants/bob/kick", null).status());
            assertTrue(b.receive(300).stream().anyMatch(FakeClient::isExit), "kicked with exit packets");
            TestHub.await(Duration.ofSeconds(1), "gone", () -> hub.participant("bob") == null);
            assertEquals(404, api.post("/api/participants/bob/kick", null).status());
        }
    }

    @Test
    void mixesSurviveAReconnectAndAHubRestart() throws Exception {
        Path state = TempFiles.directory("tutti-state");
        int udp = Ports.freeUdp();
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.FULL_MIX);
                b.stateDirectory = state;
            })) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            try (FakeClient a = hub.join("a"); FakeClient b = hub.join("b")) {
                api.put("/api/mixes/a", "{\"sources\": {\"b\": {\"gainDb\": -9, \"pan\": -1}}, \"selfDb\": -20}");
                a.sendExit();
                TestHub.await(Duration.ofSeconds(1), "a left", () -> hub.participant("a") == null);
            }
            try (FakeClient again = hub.join("a"); FakeClient b = hub.join("b")) {
                assertEquals(-9.0, api.get("/api/mixes/a").body().get("effective").get("b").get("gainDb").asDouble(),
                        0.01, "kept through the reconnect");
            }
        }
        assertTrue(Files.exists(state.resolve(StateStore.FILE)));
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.FULL_MIX);
                b.stateDirectory = state;
            })) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            var saved = api.get("/api/mixes/a").body().get("settings");
            assertEquals(-9.0, saved.get("sources").get("b").get("gainDb").asDouble(), 0.01, "kept through a restart");
            assertEquals(-1.0, saved.get("sources").get("b").get("pan").asDouble(), 1e-9);
            assertEquals(-20.0, saved.get("selfDb").asDouble(), 0.01);
        }
    }

    @Test
    void corruptStateFileIsReportedMovedAsideAndTheHubStarts() throws Exception {
        Path state = TempFiles.directory("tutti-state");
        Files.writeString(state.resolve(StateStore.FILE), "{\"version\": 1, \"listeners\": {\"a\": [oops");
        try (LogCapture log = new LogCapture("tutti.state");
             TestHub hub = TestHub.start(b -> b.stateDirectory = state)) {
            assertTrue(log.contains("is unreadable"), String.join("\n", log.lines()));
            assertFalse(Files.exists(state.resolve(StateStore.FILE)));
            List<Path> aside;
            try (var files = Files.list(state)) {
                aside = files.filter(p -> p.getFileName().toString().startsWith(StateStore.FILE + ".corrupt-")).toList();
            }
            assertEquals(1, aside.size());
            assertEquals(Preset.HUB_INPUT, hub.hub().mixBook().defaultPreset(), "defaults, from the command line");
        }
    }

    @Test
    void stateFileIsReplacedAtomically() throws Exception {
        Path state = TempFiles.directory("tutti-state");
        try (TestHub hub = TestHub.start(b -> b.stateDirectory = state); FakeClient a = hub.join("a")) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            for (int i = 0; i < 50; i++) {
                api.put("/api/mixes/a", "{\"masterDb\": " + (-i) + "}");
            }
        }
        String saved = Files.readString(state.resolve(StateStore.FILE));
        assertTrue(saved.contains("\"masterDb\" : -49.0"), saved);
        try (var files = Files.list(state)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary files left");
        }
    }
}
