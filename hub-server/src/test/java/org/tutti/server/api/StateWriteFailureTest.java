package org.tutti.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.state.StatePersister;
import org.tutti.server.state.StateStore;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.FileSizeLimit;
import org.tutti.server.testing.LogCapture;
import org.tutti.server.testing.TempFiles;
import org.tutti.server.testing.TestHub;

/**
 * A state directory that cannot be written (the disk is full): the change still takes effect, the
 * failure is logged, counted and shown in the health, the hub retries by itself, and once writing
 * works again the change is on disk without anyone repeating it. The disk is made "full" for this JVM
 * with a file-size limit (RLIMIT_FSIZE through prlimit, no root needed): writes past it fail with
 * EFBIG as writes to a full disk fail with ENOSPC, through the same calls.
 */
class StateWriteFailureTest {
    /** Larger than anything else this JVM writes meanwhile, smaller than the state file. */
    private static final int LIMIT_BYTES = 64;

    @Test
    void aFailedWriteIsReportedRetriedAndTheChangeReachesTheDiskOnceItCan() throws Exception {
        Path state = TempFiles.directory("tutti-state");
        try (LogCapture log = new LogCapture("tutti.state");
             TestHub hub = TestHub.start(b -> {
                 b.patchMode(PatchMode.FULL_MIX);
                 b.stateDirectory = state;
             });
             FakeClient a = hub.join("a")) {
            ApiClient operator = new ApiClient(hub.apiUrl(), hub.operatorToken());
            ApiClient anyone = new ApiClient(hub.apiUrl(), null);
            assertEquals("ok", anyone.get("/api/health").body().path("status").asText());
            long started = System.nanoTime();
            FileSizeLimit.set(LIMIT_BYTES);
            try {
                var put = operator.put("/api/mixes/a", "{\"masterDb\": -7}");
                assertEquals(200, put.status(), "the change takes effect: " + put.text());
                TestHub.await(Duration.ofSeconds(5), "the failure logged", () -> log.contains("could not write"));
                String line = log.lines().stream().filter(l -> l.contains("could not write")).findFirst().orElseThrow();
                assertTrue(line.startsWith("ERROR") && line.contains(StateStore.FILE) && line.contains("File too large")
                        && line.contains("retrying in 1 s"), line);

                JsonNode health = anyone.get("/api/health").body();
                assertEquals("degraded", health.path("status").asText(), health.toString());
                assertFalse(health.path("stateSaved").asBoolean(), health.toString());
                assertFalse(health.toString().contains(state.toString()), "no paths for anyone: " + health);
                String scrape = anyone.get("/metrics").text();
                assertEquals(1.0, metric(scrape, "tutti_state_unsaved"));
                assertTrue(metric(scrape, "tutti_state_write_failures_total") >= 1, scrape);

                // Retried with nobody changing anything: 1 s after the first failure, then 2 s after that.
                TestHub.await(Duration.ofSeconds(6), "two retries", () -> failures(anyone) >= 3);
                double seconds = (System.nanoTime() - started) / 1e9;
                assertTrue(failures(anyone) <= 4, "backing off, not hammering the disk: " + failures(anyone)
                        + " failures in " + seconds + " s");
                a.sendSilence(2);
                assertFalse(a.receive(300).isEmpty(), "the audio went on");
            } finally {
                FileSizeLimit.set(-1);
            }
            TestHub.await(Duration.ofMillis(StatePersister.MAX_RETRY_MILLIS), "written once the disk takes it",
                    () -> "ok".equals(anyone.get("/api/health").body().path("status").asText()));
            String saved = Files.readString(state.resolve(StateStore.FILE));
            assertTrue(saved.contains("\"masterDb\" : -7.0"), saved);
            assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("INFO") && l.contains("failed attempts")),
                    String.join("\n", log.lines()));
            assertEquals(0.0, metric(anyone.get("/metrics").text(), "tutti_state_unsaved"));
        }
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.FULL_MIX);
                b.stateDirectory = state;
            })) {
            assertEquals(-7.0, new ApiClient(hub.apiUrl(), hub.operatorToken()).get("/api/mixes/a").body()
                    .path("settings").path("masterDb").asDouble(), 1e-9, "kept through a restart");
        }
    }

    private static long failures(ApiClient anyone) throws Exception {
        return anyone.get("/api/health").body().path("stateWriteFailures").asLong();
    }

    private static double metric(String scrape, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(scrape);
        assertTrue(matcher.find(), name + " in\n" + scrape);
        return Double.parseDouble(matcher.group(1));
    }
}
