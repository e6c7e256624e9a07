package org.tutti.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tutti.server.testing.ExternalTools;
import org.tutti.server.testing.LogCapture;
import org.tutti.server.testing.ProcessRunner;
import org.tutti.server.testing.TempFiles;
import org.tutti.server.testing.TestHub;

/** HTTPS on the control port from PEM files: pages, API, live feed; plain HTTP and stalled handshakes refused. */
class HttpsTest {
    private static Path certificate;
    private static Path key;
    private static HttpClient https;

    @BeforeAll
    static void makeCertificate() throws Exception {
        String openssl = ExternalTools.require("openssl", "openssl");
        Path directory = TempFiles.directory("tutti-tls");
        certificate = directory.resolve("hub.crt");
        key = directory.resolve("hub.key");
        var result = ProcessRunner.run(directory, List.of(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(),
                "-out", certificate.toString()));
        assertEquals(0, result.exitCode(), result.output());
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trust.setCertificateEntry("hub", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        https = HttpClient.newBuilder().sslContext(context).build();
    }

    private static TestHub tlsHub() throws Exception {
        return TestHub.start(b -> {
            b.httpTlsCert = certificate;
            b.httpTlsKey = key;
        });
    }

    private static String base(TestHub hub) {
        return hub.apiUrl().replace("http:", "https:");
    }

    @Test
    void pagesApiAndLiveFeedOverHttps() throws Exception {
        try (TestHub hub = tlsHub()) {
            HttpResponse<String> page = https.send(HttpRequest.newBuilder(URI.create(base(hub) + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("/js/mixer.js"));
            HttpResponse<String> link = https.send(HttpRequest.newBuilder(URI.create(base(hub)
                    + "/api/participants/x/link")).header("Authorization", "Bearer " + hub.operatorToken())
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, link.statusCode(), "no such participant, but the API answered over TLS");
            LiveFeedTest.Page live = new LiveFeedTest.Page();
            live.socket = https.newWebSocketBuilder().buildAsync(URI.create(base(hub).replace("https:", "wss:")
                    + "/api/live"), live).get(5, java.util.concurrent.TimeUnit.SECONDS);
            live.socket.sendText("{\"token\":\"" + hub.operatorToken() + "\"}", true);
            TestHub.await(Duration.ofSeconds(5), "hello over wss", () -> live.last("hello") != null);
        }
    }

    @Test
    void plainHttpAndAStalledHandshakeAreClosedLoggedAndCounted() throws Exception {
        try (LogCapture log = new LogCapture("tutti.web"); TestHub hub = tlsHub()) {
            int port = hub.hub().apiAddress().getPort();
            assertThrows(java.io.IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(hub.apiUrl() + "/api/health")).build(), HttpResponse.BodyHandlers.ofString()));
            TestHub.await(Duration.ofSeconds(2), "logged", () -> log.contains("TLS handshake with"));

            long started = System.nanoTime();
            try (Socket stalled = new Socket("127.0.0.1", port)) {
                stalled.setSoTimeout(20_000);
                assertEquals(-1, stalled.getInputStream().read(), "the hub closes a handshake that never starts");
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(seconds > 9 && seconds < 15, "closed after the 10 s handshake timeout: " + seconds);
            String metrics = https.send(HttpRequest.newBuilder(URI.create(base(hub) + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.matches("(?s).*tutti_api_tls_failures_total(\\{[^}]*})? [2-9].*"), "both counted");
            assertEquals(200, https.send(HttpRequest.newBuilder(URI.create(base(hub) + "/api/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "and HTTPS still works");
        }
    }

    @Test
    void anUnusableKeyStopsTheStartWithAMessage() throws Exception {
        Path bad = TempFiles.file("bad", ".key");
        Files.writeString(bad, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n",
                StandardCharsets.US_ASCII);
        Exception e = assertThrows(Exception.class, () -> TestHub.start(b -> {
            b.httpTlsCert = certificate;
            b.httpTlsKey = bad;
        }).close());
        assertTrue(String.valueOf(e.getMessage()).contains("HTTPS"), e.toString());
        Exception missing = assertThrows(IllegalArgumentException.class, () -> TestHub.start(b -> b.httpTlsCert =
                certificate).close());
        assertTrue(missing.getMessage().contains("--http-tls-key"), missing.getMessage());
    }
}
