package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.ExternalTools;
import org.tutti.server.testing.JackServer;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.JackTripVersion;
import org.tutti.server.testing.ProcessRunner;
import org.tutti.server.testing.TempFiles;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/**
 * {@code -A} with real JackTrip clients, as {@code jacktrip -S -A --certfile --keyfile --credsfile}:
 * the right password plays; a wrong one, an unknown user, a closed time window and a client that does
 * not log in are each refused with the client's own message; garbage and a stall inside the TLS
 * handshake leave a playing client alone.
 */
class AuthenticationTest {
    private static Path certificate;
    private static Path key;
    private static Path credentials;

    @BeforeAll
    static void filesAsAnOperatorMakesThem() throws Exception {
        String openssl = ExternalTools.require("openssl", "openssl");
        Path directory = TempFiles.directory("tutti-auth");
        certificate = directory.resolve("cert.pem");
        key = directory.resolve("key.pem");
        var made = ProcessRunner.run(directory, List.of(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-days", "2", "-subj", "/CN=tutti", "-keyout", key.toString(), "-out", certificate.toString()));
        assertEquals(0, made.exitCode(), made.output());
        // A window that is certainly closed now: yesterday, all day.
        String yesterday = List.of("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
                .get(LocalDateTime.now().getDayOfWeek().minus(1).getValue() - DayOfWeek.MONDAY.getValue());
        credentials = directory.resolve("creds.txt");
        Files.writeString(credentials, String.join("\n",
                "alto:" + hash(openssl, "s3cret") + ":*",
                "bass:" + hash(openssl, "deep") + ":" + yesterday + "*") + "\n");
    }

    private static String hash(String openssl, String password) throws Exception {
        var result = ProcessRunner.run(Path.of("."), List.of(openssl, "passwd", "-6", password));
        assertEquals(0, result.exitCode(), result.output());
        return result.output().strip();
    }

    private static TestHub authHub() throws Exception {
        return TestHub.start(b -> {
            b.patchMode(PatchMode.FULL_MIX);
            b.auth = true;
            b.certFile = certificate;
            b.keyFile = key;
            b.credsFile = credentials;
        });
    }

    private static JackTripClient login(TestHub hub, String name, String user, String password) throws Exception {
        return JackTripClient.start(JackServer.shared(), hub.tcpPort(), RealClients.uniqueName("jt"), Ports.freeUdp(),
                "-K", name, "-n", "2", "-b", "16", "-A", "--username", user, "--password", password);
    }

    private static void awaitRefusal(JackTripClient client, String message) throws Exception {
        assertTrue(client.awaitExit(15_000), "the client stops by itself:\n" + client.log());
        assertTrue(client.log().contains(message), JackTripVersion.current() + " should say \"" + message + "\":\n"
                + client.log());
    }

    private static double metric(TestHub hub, String outcome) throws Exception {
        String scrape = new ApiClient(hub.apiUrl(), null).get("/metrics").text();
        var matcher = java.util.regex.Pattern.compile("(?m)^tutti_handshakes_total\\{outcome=\"" + outcome
                + "\",?\\} (\\S+)$").matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
    }

    @Test
    void theRightPasswordPlaysAndEveryWrongOneIsRefusedWithTheClientsOwnMessage() throws Exception {
        try (TestHub hub = authHub();
             JackTripClient alto = login(hub, "alto-1", "alto", "s3cret").awaitConnected(10_000)) {
            assertTrue(hub.participant("alto-1") != null, "alto-1 streams");
            try (JackTripClient wrong = login(hub, "x1", "alto", "secret")) {
                awaitRefusal(wrong, "Incorrect username or password.");
            }
            try (JackTripClient unknown = login(hub, "x2", "soprano", "s3cret")) {
                awaitRefusal(unknown, "Incorrect username or password.");
            }
            try (JackTripClient closed = login(hub, "x3", "bass", "deep")) {
                awaitRefusal(closed, "You are not authorized to access the server at this time.");
            }
            try (JackTripClient plain = RealClients.client(hub.tcpPort(), "x4") ) {
                throw new AssertionError("a client without -A connected to an -A hub");
            } catch (AssertionError expected) {
                assertTrue(expected.getMessage().contains("requires authentication"), expected.getMessage());
            }
            assertEquals(2.0, metric(hub, "wrong_credentials"));
            assertEquals(1.0, metric(hub, "wrong_time"));
            assertEquals(1.0, metric(hub, "auth_required"));
            assertTrue(hub.participants().stream().allMatch(p -> p.name().equals("alto-1")),
                    "no refused client holds a slot: " + hub.participants());
            assertTrue(alto.alive(), "alto-1 still plays:\n" + alto.log());
        }
    }

    @Test
    void garbageAndAStallInsideTheTlsHandshakeLeaveAPlayingClientAlone() throws Exception {
        try (TestHub hub = authHub();
             JackTripClient alto = login(hub, "alto-1", "alto", "s3cret").awaitConnected(10_000)) {
            long sentBefore = hub.participant("alto-1").stream().sender().sent();
            try (Socket garbage = new Socket("127.0.0.1", hub.tcpPort());
                 Socket stall = new Socket("127.0.0.1", hub.tcpPort())) {
                // Both ask to log in and get OK; then one sends garbage for a TLS hello, the other nothing.
                for (Socket socket : List.of(garbage, stall)) {
                    socket.getOutputStream().write(new byte[] {0, 0, 1, 0});
                    byte[] ok = socket.getInputStream().readNBytes(4);
                    assertEquals(List.of((byte) 0, (byte) 0, (byte) 1, (byte) 0),
                            List.of(ok[0], ok[1], ok[2], ok[3]), "OK, in plain text");
                }
                OutputStream out = garbage.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                out.flush();
                InputStream in = garbage.getInputStream();
                garbage.setSoTimeout(5000);
                assertTrue(in.readAllBytes().length < 64, "closed after at most a TLS alert");
                stall.setSoTimeout(15_000);
                long started = System.nanoTime();
                assertEquals(-1, stall.getInputStream().read(), "the stalled one is closed");
                double waited = (System.nanoTime() - started) / 1e9;
                assertTrue(waited < 12, "at the deadline, not later: " + waited + " s");
            }
            assertTrue(metric(hub, "tls_failed") >= 2, "both counted");
            assertEquals(1, hub.participants().size(), "neither holds a slot");
            long sent = hub.participant("alto-1").stream().sender().sent() - sentBefore;
            assertTrue(sent > 1000, "alto-1 kept getting its mix: " + sent + " packets");
            assertTrue(alto.alive(), alto.log());
        }
    }

    @Test
    void aSingerOpensTheMixerPageWithTheirJackTripUsernameAndPassword() throws Exception {
        try (TestHub hub = authHub();
             JackTripClient alto = login(hub, "alto-1", "alto", "s3cret").awaitConnected(10_000);
             org.tutti.server.testing.Browser browser = org.tutti.server.testing.Browser.open(360, 740)) {
            java.time.Duration wait = java.time.Duration.ofSeconds(10);
            browser.driver().get(hub.apiUrl() + "/");
            org.openqa.selenium.WebElement form = browser.waiting(wait).until(
                    org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(
                            org.openqa.selenium.By.id("jacktrip-login")));
            form.findElement(org.openqa.selenium.By.id("username-input")).sendKeys("alto");
            form.findElement(org.openqa.selenium.By.id("password-input")).sendKeys("wrong",
                    org.openqa.selenium.Keys.ENTER);
            browser.waiting(wait).until(org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated(
                    org.openqa.selenium.By.id("status"), "wrong username or password"));
            // The throttle makes the address wait 250 ms after one failure.
            Thread.sleep(400);
            form.findElement(org.openqa.selenium.By.id("password-input")).clear();
            form.findElement(org.openqa.selenium.By.id("password-input")).sendKeys("s3cret",
                    org.openqa.selenium.Keys.ENTER);
            browser.waiting(wait).until(org.openqa.selenium.support.ui.ExpectedConditions.textToBe(
                    org.openqa.selenium.By.id("who"), "alto-1"));
            assertFalse(form.isDisplayed(), "the form is gone");
            // Chromium reports the wrong password's 401 as a failed load; nothing else may show up.
            assertEquals(List.of(), browser.consoleErrors().stream()
                    .filter(error -> !(error.contains("/api/login") && error.contains("401"))).toList(),
                    "no errors on the page");
        }
    }

    @Test
    void aBadCertificateOrKeyStopsTheStartWithAMessageThatSaysWhich() throws Exception {
        Path notAKey = TempFiles.file("not-a-key", ".pem");
        Files.writeString(notAKey, "-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----\n");
        try (TestHub hub = TestHub.start(b -> {
                b.auth = true;
                b.certFile = certificate;
                b.keyFile = notAKey;
                b.credsFile = credentials;
            })) {
            throw new AssertionError("started with a broken key");
        } catch (org.tutti.server.Hub.HubStartException e) {
            assertTrue(e.getMessage().contains(notAKey.toString()) && e.getMessage().startsWith("-A: cannot use"),
                    e.getMessage());
        }
        assertFalse(Files.readString(credentials).isEmpty());
    }
}
