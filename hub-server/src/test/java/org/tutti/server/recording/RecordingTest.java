package org.tutti.server.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.engine.AudioFormat;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.FileSizeLimit;
import org.tutti.server.testing.LogCapture;
import org.tutti.server.testing.ManualClock;
import org.tutti.server.testing.TempFiles;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/**
 * Takes, with the engine on a clock the test turns (one period at a time, at real-time pace) and
 * protocol-level clients that send exactly one packet before each period: every sample's place in the
 * hub's timeline is known, so the tracks can be checked to the sample.
 */
class RecordingTest {
    private static final int RATE = 48000;
    private static final int FRAMES = 128;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The hub, its clock, and the clients that send a packet before each period. */
    private static final class Rig implements AutoCloseable {
        final ManualClock clock = new ManualClock(new AudioFormat(RATE, FRAMES), 2);
        final Path recordings = TempFiles.directory("tutti-takes");
        final TestHub hub;
        final ApiClient operator;
        final Map<String, FakeClient> clients = new LinkedHashMap<>();
        final Map<String, Participant> participants = new LinkedHashMap<>();
        long nextTickNanos = System.nanoTime();
        /** Periods the engine has run (its period number of the next one). */
        long ticks;
        /**
         * Where the engine played each click: the period and the frame within it, read from the very
         * buffer the engine mixed from (the clock runs the engine on this thread, so nothing races).
         */
        final Map<Participant, List<long[]>> clicksPlayed = new java.util.HashMap<>();

        Rig() throws Exception {
            hub = TestHub.start(b -> {
                b.patchMode(PatchMode.FULL_MIX);
                b.queuePackets(2);
                b.recordDirectory = recordings;
            }, clock);
            operator = new ApiClient(hub.apiUrl(), hub.operatorToken());
        }

        void join(String name) throws Exception {
            FakeClient client = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), name);
            clients.put(name, client);
            TestHub.await(Duration.ofSeconds(2), name + " admitted", () -> hub.participant(name) != null);
            participants.put(name, hub.participant(name));
        }

        void rename(String from, String to) throws Exception {
            var renamed = operator.post("/api/participants/" + from + "/rename", "{\"name\": \"" + to + "\"}");
            assertEquals(200, renamed.status(), renamed.text());
            clients.put(to, clients.remove(from));
            participants.put(to, participants.remove(from));
        }

        void leave(String name) throws Exception {
            FakeClient client = clients.remove(name);
            client.sendExit();
            client.close();
            participants.remove(name);
            TestHub.await(Duration.ofSeconds(2), name + " gone", () -> hub.participant(name) == null);
        }

        /** Every client sends one packet (from {@code audio}, silence if absent), then the engine runs a period. */
        void period(Map<String, float[][]> audio) throws Exception {
            for (Map.Entry<String, FakeClient> entry : clients.entrySet()) {
                float[][] packet = audio.getOrDefault(entry.getKey(), new float[2][FRAMES]);
                long before = participants.get(entry.getKey()).counters().datagrams();
                entry.getValue().send(packet);
                Participant participant = participants.get(entry.getKey());
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (participant.counters().datagrams() <= before) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError(entry.getKey() + "'s packet never reached the hub");
                    }
                    Thread.onSpinWait();
                }
            }
            awaitStreamsInEngine();
            nextTickNanos += 2_666_667;
            java.util.concurrent.locks.LockSupport.parkNanos(nextTickNanos - System.nanoTime());
            clock.tick(1);
            ticks++;
            for (Participant participant : participants.values()) {
                if (participant.stream() == null) {
                    continue;
                }
                float[] played = participant.stream().input()[0];
                for (int n = 0; n < FRAMES; n++) {
                    if (Math.abs(played[n]) > 0.25f) {
                        clicksPlayed.computeIfAbsent(participant, p -> new ArrayList<>()).add(new long[] {ticks - 1, n});
                    }
                }
            }
        }

        /** The take's frame at which the engine played {@code participant}'s only click, for a take started at {@code takeStart}. */
        long clickPlayed(Participant participant, long takeStart) {
            List<long[]> clicks = clicksPlayed.getOrDefault(participant, List.of());
            assertEquals(1, clicks.size(), participant + "'s clicks played: " + clicks.size());
            return (clicks.get(0)[0] - takeStart) * FRAMES + clicks.get(0)[1];
        }

        Participant participant(String name) {
            return participants.get(name);
        }

        void periods(int count) throws Exception {
            for (int i = 0; i < count; i++) {
                period(Map.of());
            }
        }

        /** A newcomer's first packet starts its stream; the engine must have it before the next period counts. */
        private void awaitStreamsInEngine() throws Exception {
            for (Participant participant : participants.values()) {
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (!inEngine(participant)) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError(participant + " never reached the engine");
                    }
                    Thread.sleep(1);
                }
            }
        }

        private boolean inEngine(Participant participant) {
            for (var stream : hub.hub().engine().snapshot().streams()) {
                if (stream == participant.stream() && participant.stream() != null) {
                    return true;
                }
            }
            return false;
        }

        /** What each participant's jitter buffer did, for a failure's message. */
        String streams() {
            StringBuilder text = new StringBuilder();
            participants.forEach((name, participant) -> text.append(name).append(": ")
                    .append(participant.stream().jitter().stats()).append(", resampling ")
                    .append(participant.stream().reader().correcting()).append("; "));
            return text.toString();
        }

        JsonNode status() throws Exception {
            return operator.get("/api/recording").body();
        }

        /** Stops the take and waits until its files are finished; returns the take's folder. */
        Path stop() throws Exception {
            var stopped = operator.post("/api/recording/stop", null);
            assertEquals(200, stopped.status(), stopped.text());
            TestHub.await(Duration.ofSeconds(5), "the take finished", () -> "stopped".equals(status().path("state").asText()));
            return Path.of(status().path("folder").asText());
        }

        @Override
        public void close() throws Exception {
            for (FakeClient client : clients.values()) {
                client.close();
            }
            hub.close();
        }
    }

    private static float[][] click(float value, int at) {
        float[][] packet = new float[2][FRAMES];
        packet[0][at] = value;
        packet[1][at] = value;
        return packet;
    }

    /** A float WAV's channel 0, read past the writer's fixed header. */
    static float[] samples(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int channels = header.getShort(58);
        ByteBuffer data = ByteBuffer.wrap(bytes, WavWriter.HEADER_BYTES, bytes.length - WavWriter.HEADER_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] left = new float[data.remaining() / (4 * channels)];
        for (int n = 0; n < left.length; n++) {
            left[n] = data.getFloat();
            for (int c = 1; c < channels; c++) {
                data.getFloat();
            }
        }
        return left;
    }

    private static int loudest(float[] samples) {
        int at = 0;
        for (int n = 1; n < samples.length; n++) {
            if (Math.abs(samples[n]) > Math.abs(samples[at])) {
                at = n;
            }
        }
        return at;
    }

    private static JsonNode track(JsonNode summary, String file) {
        for (JsonNode track : summary.path("tracks")) {
            if (track.path("file").asText().equals(file)) {
                return track;
            }
        }
        throw new AssertionError("no track " + file + " in " + summary);
    }

    @Test
    void aClickLandsOnTheSameSampleOfEveryTrackAndTheProjectFilesPutThemThere() throws Exception {
        try (Rig rig = new Rig()) {
            rig.join("alto-1");
            rig.periods(50);
            var started = rig.operator.post("/api/recording/start", null);
            long takeStart = rig.ticks; // the first period after the start: the take's zero
            assertEquals(200, started.status(), started.text());
            assertEquals("recording", started.body().path("state").asText());
            assertEquals(409, rig.operator.post("/api/recording/start", null).status(), "one take at a time");
            rig.periods(375); // one second into the take
            rig.join("bass-1");
            rig.periods(100);
            rig.period(Map.of("alto-1", click(0.3f, 37), "bass-1", click(0.3f, 37)));
            rig.periods(50);
            long altoPlayed = rig.clickPlayed(rig.participant("alto-1"), takeStart);
            long bassPlayed = rig.clickPlayed(rig.participant("bass-1"), takeStart);
            JsonNode running = rig.status();
            assertEquals(2, running.path("tracks").asInt(), running.toString());
            Path folder = rig.stop();
            assertEquals(409, rig.operator.post("/api/recording/stop", null).status(), "nothing to stop");

            JsonNode summary = JSON.readTree(folder.resolve(ProjectFiles.SUMMARY).toFile());
            JsonNode alto = track(summary, "alto-1.wav");
            JsonNode bass = track(summary, "bass-1.wav");
            JsonNode mix = track(summary, Take.MIX_FILE);
            assertEquals(0, alto.path("positionFrames").asLong(), "alto-1 streamed from the start: " + summary);
            assertEquals(0, mix.path("positionFrames").asLong());
            long bassAt = bass.path("positionFrames").asLong();
            assertTrue(bassAt >= 375 * FRAMES && bassAt <= 380 * FRAMES, "bass-1 joined 1 s into the take: " + bassAt);
            assertEquals(0, summary.path("droppedFrames").asLong());

            float[] altoTrack = samples(folder.resolve("alto-1.wav"));
            float[] bassTrack = samples(folder.resolve("bass-1.wav"));
            float[] mixTrack = samples(folder.resolve(Take.MIX_FILE));
            long altoClick = alto.path("positionFrames").asLong() + loudest(altoTrack);
            long bassClick = bassAt + loudest(bassTrack);
            assertEquals(0.3, altoTrack[loudest(altoTrack)], 1e-4, "alto-1's click, as sent");
            // Each click sits where the engine played it (each jitter buffer keeps its own depth, so
            // the two may be a period apart), to the sample.
            assertEquals(altoPlayed, altoClick, "alto-1's click where the engine played it");
            assertEquals(bassPlayed, bassClick, "bass-1's click where the engine played it; " + rig.streams());
            if (altoPlayed == bassPlayed) {
                assertEquals(0.6, mixTrack[(int) altoClick], 1e-3, "the mix: both at unity, on one sample");
            } else {
                assertEquals(0.3, mixTrack[(int) altoClick], 1e-3, "the mix: alto-1's click where it played");
                assertEquals(0.3, mixTrack[(int) bassClick], 1e-3, "the mix: bass-1's click where it played");
            }
            assertEquals(altoTrack.length, mixTrack.length, "alto-1 was there all along, as the mix");
            assertEquals(summary.path("seconds").asDouble(), mixTrack.length / (double) RATE, 1e-9);

            // The project files place every file where the summary does.
            String rpp = Files.readString(folder.resolve(ProjectFiles.REAPER));
            assertTrue(rpp.startsWith("<REAPER_PROJECT") && rpp.strip().endsWith(">"), rpp);
            Matcher items = Pattern.compile("NAME \"([^\"]+)\"\\s+<ITEM\\s+POSITION (\\S+)\\s+LENGTH (\\S+)\\s+NAME \"[^\"]+\""
                    + "\\s+<SOURCE WAVE\\s+FILE \"([^\"]+)\"").matcher(rpp);
            List<String> seen = new ArrayList<>();
            while (items.find()) {
                JsonNode entry = track(summary, items.group(4));
                assertEquals(entry.path("name").asText(), items.group(1));
                assertEquals(entry.path("positionSeconds").asDouble(), Double.parseDouble(items.group(2)), 1e-9);
                assertEquals(entry.path("seconds").asDouble(), Double.parseDouble(items.group(3)), 1e-9);
                assertTrue(Files.exists(folder.resolve(items.group(4))), items.group(4));
                seen.add(items.group(4));
            }
            assertEquals(List.of("alto-1.wav", "bass-1.wav", "mix.wav"), seen, rpp);
            List<String> lof = Files.readAllLines(folder.resolve(ProjectFiles.AUDACITY));
            assertEquals(3, lof.size(), String.join("\n", lof));
            for (String line : lof) {
                Matcher file = Pattern.compile("file \"([^\"]+)\" offset (\\S+)").matcher(line);
                assertTrue(file.matches(), line);
                assertTrue(Files.exists(folder.resolve(file.group(1))), line);
                assertEquals(track(summary, file.group(1)).path("positionSeconds").asDouble(),
                        Double.parseDouble(file.group(2)), 1e-9, line);
            }
        }
    }

    @Test
    void aRenameKeepsTheTrackAndAReconnectContinuesItInTime() throws Exception {
        try (Rig rig = new Rig()) {
            rig.join("alto-1");
            rig.periods(10);
            assertEquals(200, rig.operator.post("/api/recording/start", "{\"mix\": \"unity\"}").status());
            long takeStart = rig.ticks;
            rig.period(Map.of("alto-1", click(0.5f, 0)));
            Participant first = rig.participant("alto-1");
            rig.periods(20);
            rig.rename("alto-1", "alto-2");
            rig.periods(20);
            rig.leave("alto-2");
            rig.periods(100); // away
            rig.join("alto-2");
            rig.periods(20);
            rig.period(Map.of("alto-2", click(0.5f, 0)));
            Participant again = rig.participant("alto-2");
            rig.periods(20);
            long apartInHub = rig.clickPlayed(again, takeStart) - rig.clickPlayed(first, takeStart);
            Path folder = rig.stop();
            JsonNode summary = JSON.readTree(folder.resolve(ProjectFiles.SUMMARY).toFile());
            assertEquals(2, summary.path("tracks").size(), "one participant track and the mix: " + summary);
            JsonNode track = track(summary, "alto-1.wav");
            assertEquals("alto-2", track.path("name").asText(), "the file keeps its name; the track shows the new one");
            float[] samples = samples(folder.resolve("alto-1.wav"));
            List<Integer> clicks = new ArrayList<>();
            for (int n = 0; n < samples.length; n++) {
                if (samples[n] > 0.4f) {
                    clicks.add(n);
                }
            }
            assertEquals(2, clicks.size(), "both clicks in the one file");
            // 20 + 20 periods streaming, 100 away, 20 after coming back, and the new stream's start, in
            // the take's time: the clicks as far apart in the file as the engine played them, and each
            // where the engine played it (the file starts with the take: alto-1 was there).
            assertEquals(rig.clickPlayed(first, takeStart), (long) clicks.get(0));
            assertEquals(apartInHub, clicks.get(1) - clicks.get(0), "the time away kept in the file");
            // Sent 161 periods apart; the two streams' buffers may differ in depth by a packet or two.
            assertTrue(apartInHub >= 158 * FRAMES, "the time away is in it: " + apartInHub / FRAMES + " periods");
            assertFalse(Files.exists(folder.resolve("alto-2.wav")));
        }
    }

    @Test
    void aDiskThatStopsTakingWritesStopsTheTakeWithAClearErrorWhileTheAudioGoesOn() throws Exception {
        try (Rig rig = new Rig(); LogCapture log = new LogCapture("tutti.recording")) {
            rig.join("alto-1");
            rig.periods(10);
            // A file-size limit for this JVM stands in for a full disk (no root needed): writes past it
            // fail with EFBIG where a full disk gives ENOSPC, through the same calls. 200 kB: each track
            // gets a header and a little audio before its writes fail.
            FileSizeLimit.set(200_000);
            try {
                assertEquals(200, rig.operator.post("/api/recording/start", null).status());
                for (int i = 0; i < 600 && !"failed".equals(rig.status().path("state").asText()); i++) {
                    rig.periods(10);
                }
                JsonNode status = rig.status();
                assertEquals("failed", status.path("state").asText(), status.toString());
                assertTrue(status.path("error").asText().contains("File too large"), status.toString());
                assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("recording stopped")
                        && l.contains("File too large")), String.join("\n", log.lines()));
                // The audio goes on.
                FakeClient alto = rig.clients.get("alto-1");
                alto.receive(50);
                rig.periods(20);
                assertFalse(alto.receive(100).isEmpty(), "alto-1 still gets its mix");
            } finally {
                FileSizeLimit.set(-1);
            }
            String scrape = new ApiClient(rig.hub.apiUrl(), null).get("/metrics").text();
            assertTrue(scrape.contains("tutti_recording_failures_total 1.0"), scrape);
            assertTrue(scrape.contains("tutti_recording_active 0.0"), scrape);
            // What was written before the failure is a valid, readable file.
            Path folder = Path.of(rig.status().path("folder").asText());
            float[] kept = samples(folder.resolve("alto-1.wav"));
            assertTrue(kept.length > 0, "some audio kept");
            assertEquals(200, rig.operator.post("/api/recording/start", null).status(), "a new take can start");
            rig.periods(10);
            rig.stop();
        }
    }
}
