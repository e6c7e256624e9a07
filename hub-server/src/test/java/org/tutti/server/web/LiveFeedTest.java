package org.tutti.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.TestHub;

/** The live WebSocket and the served pages, from a plain HTTP client: who gets what, and bad input. */
class LiveFeedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A page's socket: collects messages as JSON, remembers how it was closed. */
    static class Page implements WebSocket.Listener {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        static Page open(TestHub hub) throws Exception {
            Page page = new Page();
            page.socket = HTTP.newWebSocketBuilder()
                    .buildAsync(URI.create(hub.apiUrl().replace("http:", "ws:") + "/api/live"), page)
                    .get(5, TimeUnit.SECONDS);
            return page;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(JSON.readTree(partial.toString()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }

        List<JsonNode> ofType(String type) {
            return messages.stream().filter(m -> type.equals(m.path("type").asText())).toList();
        }

        JsonNode last(String type) {
            List<JsonNode> all = ofType(type);
            return all.isEmpty() ? null : all.get(all.size() - 1);
        }
    }

    private static String tokenOf(ApiClient operator, String name) throws Exception {
        return operator.post("/api/participants/" + name + "/token", "").body().path("token").asText();
    }

    @Test
    void aParticipantsPageGetsTheRosterItsOwnMixMetersAndOnlyItsOwnHealth() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX));
             FakeClient alto = hub.join("alto-1"); FakeClient bass = hub.join("bass-1")) {
            ApiClient operator = new ApiClient(hub.apiUrl(), hub.operatorToken());
            Page page = Page.open(hub);
            page.socket.sendText("{\"token\":\"" + tokenOf(operator, "alto-1") + "\"}", true);
            TestHub.await(Duration.ofSeconds(5), "health", () -> page.last("health") != null);
            JsonNode hello = page.last("hello");
            assertEquals("participant", hello.path("role").asText());
            assertEquals("alto-1", hello.path("name").asText());
            JsonNode state = page.last("state");
            assertEquals(2, state.path("roster").size());
            assertEquals("alto", state.path("roster").get(0).path("section").asText());
            assertEquals("alto-1", page.last("mix").path("name").asText());
            JsonNode health = page.last("health");
            assertEquals("alto-1", health.path("me").path("name").asText());
            assertFalse(health.has("participants"), "no one else's health");
            assertFalse(health.path("me").has("address"), "no addresses on a participant's page");

            // Meters about 20 a second, one level per roster entry.
            int before = page.ofType("meters").size();
            Thread.sleep(1000);
            int perSecond = page.ofType("meters").size() - before;
            assertTrue(perSecond >= 12 && perSecond <= 22, "meters per second: " + perSecond);
            assertEquals(2, page.last("meters").path("levels").size());

            // A change made by someone else (the operator) reaches the page.
            assertEquals(200, operator.put("/api/mixes/alto-1/sources/bass-1", "{\"gainDb\": -9}").status());
            TestHub.await(Duration.ofSeconds(2), "pushed mix", () -> page.last("mix").path("settings")
                    .path("sources").path("bass-1").path("gainDb").asDouble() == -9.0);
            page.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    @Test
    void theOperatorsPageGetsEveryonesHealthAndTheHubs() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX)); FakeClient a = hub.join("alto-1")) {
            Page page = Page.open(hub);
            page.socket.sendText("{\"token\":\"" + hub.operatorToken() + "\"}", true);
            TestHub.await(Duration.ofSeconds(5), "health", () -> page.last("health") != null);
            JsonNode health = page.last("health");
            assertEquals("alto-1", health.path("participants").get(0).path("name").asText());
            assertTrue(health.path("participants").get(0).has("address"));
            assertTrue(health.path("hub").has("periodCostMicros"), health.toString());
            String metrics = new ApiClient(hub.apiUrl(), null).get("/metrics").text();
            assertTrue(metrics.contains("tutti_web_pages 1.0"), "page counted");
        }
    }

    @Test
    void aPageWithoutAValidTokenIsClosedAndOthersCarryOn() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX)); FakeClient a = hub.join("alto-1")) {
            Page good = Page.open(hub);
            good.socket.sendText("{\"token\":\"" + hub.operatorToken() + "\"}", true);
            String[] bad = {"{\"token\":\"pt_nonsense\"}", "not json at all", "{\"nottoken\":1}", "{\"token\":5}"};
            for (String first : bad) {
                Page page = Page.open(hub);
                page.socket.sendText(first, true);
                assertEquals(1008, page.closed.get(5, TimeUnit.SECONDS), "closed for " + first);
                assertTrue(page.messages.isEmpty(), "told nothing: " + page.messages);
            }
            Page huge = Page.open(hub);
            huge.socket.sendText("{\"token\":\"" + "x".repeat(10_000) + "\"}", true);
            assertTrue(huge.closed.get(5, TimeUnit.SECONDS) != 1000, "an oversized message closes the page");
            Page binary = Page.open(hub);
            binary.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
            assertEquals(1008, binary.closed.get(5, TimeUnit.SECONDS));

            int meters = good.ofType("meters").size();
            Thread.sleep(500);
            assertTrue(good.ofType("meters").size() > meters + 5, "the good page kept getting meters");
            String metrics = new ApiClient(hub.apiUrl(), null).get("/metrics").text();
            assertTrue(metrics.contains("tutti_web_pages 1.0"), "only the good page is open");
            assertTrue(metrics.matches("(?s).*tutti_api_requests_total\\{outcome=\"unauthorized\"[^}]*} [1-9].*"),
                    "refusals counted");
        }
    }

    @Test
    void aPageThatStopsReadingIsSkippedNotQueued() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX)); FakeClient a = hub.join("alto-1")) {
            // This page reads its first messages and then nothing: its socket fills up.
            Page stuck = new Page() {
                private int read;

                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    if (++read < 5) {
                        return super.onText(webSocket, data, last);
                    }
                    return new CompletableFuture<>(); // never done, never asks for more
                }
            };
            stuck.socket = HTTP.newWebSocketBuilder().buildAsync(
                    URI.create(hub.apiUrl().replace("http:", "ws:") + "/api/live"), stuck).get(5, TimeUnit.SECONDS);
            stuck.socket.sendText("{\"token\":\"" + hub.operatorToken() + "\"}", true);
            Page good = Page.open(hub);
            good.socket.sendText("{\"token\":\"" + hub.operatorToken() + "\"}", true);
            ApiClient operator = new ApiClient(hub.apiUrl(), hub.operatorToken());
            // Make every message big: many sources with settings, so the stuck socket fills in seconds.
            StringBuilder sources = new StringBuilder("{\"preset\":\"everyone\",\"sections\":{");
            for (int i = 0; i < 1500; i++) { // about 40 kB a message
                sources.append(i == 0 ? "" : ",").append("\"section").append(i).append("\":{\"gainDb\":-1}");
            }
            assertEquals(200, operator.put("/api/master-mix", sources.append("}}").toString()).status());
            // A change every poll: each tick then sends the page its 40 kB mix again, about 800 kB/s, more
            // than loopback's buffers hold for long.
            int[] change = {0};
            TestHub.await(Duration.ofSeconds(30), "the stuck page is skipped", () -> {
                operator.put("/api/master-mix/sources/alto-1", "{\"gainDb\": " + (-(change[0]++ % 10)) + "}");
                return operator.get("/metrics").text()
                        .matches("(?s).*tutti_web_messages_total\\{outcome=\"skipped_slow_page\"[^}]*} [1-9].*");
            });
            int meters = good.ofType("meters").size();
            Thread.sleep(1000);
            int perSecond = good.ofType("meters").size() - meters;
            assertTrue(perSecond >= 12, "the reading page keeps its meters: " + perSecond + "/s");
        }
    }

    @Test
    void tokensNeverReachTheLog() throws Exception {
        try (org.tutti.server.testing.LogCapture log = new org.tutti.server.testing.LogCapture("ROOT");
             TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX)); FakeClient a = hub.join("alto-1")) {
            ApiClient operator = new ApiClient(hub.apiUrl(), hub.operatorToken());
            String url = operator.post("/api/participants/alto-1/link", "").body().path("url").asText();
            String token = url.substring(url.indexOf("#token=") + 7);
            ApiClient participant = operator.as(token);
            assertEquals(403, participant.post("/api/participants/alto-1/kick", "").status());
            assertEquals(403, participant.put("/api/mixes/bob", "{}").status());
            assertEquals(401, operator.as(token + "x").get("/api/me").status());
            assertEquals(400, participant.put("/api/mixes/alto-1", "{\"gianDb\": 1}").status());
            for (String attempt : List.of(token, token + "x", hub.operatorToken())) {
                Page page = Page.open(hub);
                page.socket.sendText("{\"token\":\"" + attempt + "\"}", true);
                Thread.sleep(200);
                page.socket.abort();
            }
            Thread.sleep(200);
            List<String> lines = log.lines();
            assertTrue(lines.stream().anyMatch(l -> l.contains("API")), "the refusals were logged: " + lines);
            for (String secret : List.of(token, hub.operatorToken())) {
                assertTrue(lines.stream().noneMatch(l -> l.contains(secret)), "a token in the log: " + lines);
            }
        }
    }

    @Test
    void pagesAreServedFromTheJarWithASafeContentPolicyAndNothingElse() throws Exception {
        try (TestHub hub = TestHub.start(b -> { })) {
            HttpResponse<String> index = get(hub, "/", "GET");
            assertEquals(200, index.statusCode());
            assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(index.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
            assertTrue(index.body().contains("/js/mixer.js"));
            assertTrue(index.body().matches("(?s).*<label[^>]*for=\"search\".*"), "the search box has a label");
            assertEquals(200, get(hub, "/operator", "GET").statusCode());
            HttpResponse<String> script = get(hub, "/js/mixer.js", "GET");
            assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
            String etag = script.headers().firstValue("ETag").orElseThrow();
            HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(URI.create(hub.apiUrl() + "/js/mixer.js"))
                    .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(304, again.statusCode());
            for (String path : List.of("/../pom.xml", "/%2e%2e/pom.xml", "/js/../../logback.xml", "/logback.xml",
                    "/org/tutti/server/Hub.class", "/nothing.html", "/JS/mixer.js")) {
                assertEquals(404, get(hub, path, "GET").statusCode(), path);
            }
            assertEquals(405, get(hub, "/", "POST").statusCode());
            HttpResponse<String> head = get(hub, "/", "HEAD");
            assertEquals(200, head.statusCode());
            assertEquals(String.valueOf(index.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                    head.headers().firstValue("Content-Length").orElse(""), "HEAD says what GET sends");
            assertEquals(200, new ApiClient(hub.apiUrl(), null).get("/api/health").status(), "the API still answers");
        }
    }

    private static HttpResponse<String> get(TestHub hub, String path, String method) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(hub.apiUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
