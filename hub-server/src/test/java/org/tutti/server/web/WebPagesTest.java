package org.tutti.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.tutti.mixer.PatchMode;
import org.tutti.server.realclients.RealClients;
import org.tutti.server.testing.Analysis;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.Browser;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.RepoFiles;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.TestHub;

/**
 * The pages in a real browser (Debian's Chromium) against a hub with real JackTrip clients: what a
 * singer does on their phone is heard in the audio their client receives.
 */
class WebPagesTest {
    private static final int RATE = RealClients.RATE;
    private static final double LEVEL = 0.25; // −12.04 dBFS
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long a stalling machine may keep the client from hearing 100 ms of clean tone. */
    private static final Duration MACHINE_GRACE = Duration.ofSeconds(20);

    /** Screenshots go to target/screenshots; with -Dtutti.publishScreenshots=true to docs/img too. */
    private static void screenshot(Browser browser, String name) throws Exception {
        browser.screenshot(Path.of("target", "screenshots", name + ".png"));
        if (Boolean.getBoolean("tutti.publishScreenshots")) {
            browser.screenshot(RepoFiles.resolve("docs/img/" + name + ".png"));
        }
    }

    private static String link(ApiClient operator, TestHub hub, String name) throws Exception {
        var response = operator.post("/api/participants/" + name + "/link", "{\"base\":\"" + hub.apiUrl() + "\"}");
        assertEquals(200, response.status(), response.text());
        String url = response.body().get("url").asText();
        assertTrue(url.startsWith(hub.apiUrl() + "/#token=pt_"), url);
        assertTrue(response.body().get("qrSvg").asText().startsWith("<svg"), "a QR code comes with the link");
        return url;
    }

    private static WebElement row(Browser browser, String name) {
        try {
            return browser.waiting(WAIT).until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector(".row[data-name='" + name + "']")));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no row for " + name + "; the page said '" + browser.script(
                    "return document.getElementById('status').textContent") + "', console errors: "
                    + browser.consoleErrors(), e);
        }
    }

    /** The lit width of a meter canvas, 0–1, read from its pixels. */
    private static double meterShare(Browser browser, WebElement row) {
        Object share = browser.script("""
                const canvas = arguments[0].querySelector('canvas.meter');
                const context = canvas.getContext('2d');
                const pixels = context.getImageData(0, Math.floor(canvas.height / 2), canvas.width, 1).data;
                let lit = 0;
                for (let x = 0; x < canvas.width; x++) {
                  const [r, g, b] = pixels.slice(x * 4, x * 4 + 3);
                  if (!(r === 0x26 && g === 0x2b && b === 0x33)) { lit = x + 1; }
                }
                return lit / canvas.width;""", row);
        return ((Number) share).doubleValue();
    }

    private static Analysis.ToneLevel heard(JackProbe probe, double hertz) throws InterruptedException {
        Thread.sleep(300); // the change ramps within a period; the client's buffer plays out what was queued
        long deadline = System.nanoTime() + MACHINE_GRACE.toNanos();
        StringBuilder tries = new StringBuilder();
        while (true) {
            long stalls = probe.stalledCallbacks();
            long xruns = probe.xruns();
            float[][] heard = probe.record(1200);
            Analysis.ToneLevel level = Analysis.cleanToneLevel(heard[0], RATE, hertz);
            if (level.cleanWindows() > 0) {
                return level;
            }
            // A window the client's own buffer broke is left out. When none is left, only the machine
            // excuses it: the client's JACK server stalled or ran late while recording (a fresh-clone
            // run saw 514 xruns in these 1.2 s). Then it is heard again, until the grace runs out. A
            // hub fault breaks the tone while the client's JACK side runs smoothly, and fails at once.
            long stalled = probe.stalledCallbacks() - stalls;
            long late = probe.xruns() - xruns;
            tries.append("\n  ").append(level).append("; the client's JACK callbacks stalled ").append(stalled)
                    .append(" times, xruns ").append(late);
            assertTrue((stalled > 0 || late > 0) && System.nanoTime() < deadline,
                    "no unbroken 100 ms of the tone in 1.2 s:" + tries);
        }
    }

    @Test
    void singersFaderAndMuteChangeWhatTheirClientHearsAndMetersFollowTheSources() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.CLIENT_FAN_OUT_IN));
             JackTripClient a = RealClients.client(hub.tcpPort(), "alto-1");
             JackTripClient b = RealClients.client(hub.tcpPort(), "bass-1");
             JackTripClient c = RealClients.client(hub.tcpPort(), "bass-2");
             JackProbe pa = RealClients.probe(a, 2, Signal.constant(0f), Signal.constant(0f));
             JackProbe pb = RealClients.probe(b, 2, Signal.sine(1000, LEVEL, RATE), Signal.sine(1000, LEVEL, RATE));
             JackProbe pc = RealClients.probe(c, 2, Signal.constant(0f), Signal.constant(0f));
             Browser browser = Browser.open(360, 740)) {
            ApiClient operator = new ApiClient(hub.apiUrl(), hub.operatorToken());
            browser.driver().get(link(operator, hub, "alto-1"));
            WebElement bass1 = row(browser, "bass-1");
            WebElement bass2 = row(browser, "bass-2");
            assertFalse(browser.driver().getCurrentUrl().contains("token"), "the token leaves the address bar");

            // Meters: the source playing lights its meter, the silent one stays at the floor.
            browser.waiting(WAIT).until(d -> meterShare(browser, bass1) > 0.5);
            double playing = meterShare(browser, bass1);
            assertEquals(0.0, meterShare(browser, bass2), "a silent source's meter stays at the floor");
            // −12 dBFS on a −60…0 dB scale lights 80 % of the meter
            assertEquals(0.8, playing, 0.03, "the meter shows bass-1's level");
            screenshot(browser, "singer-360");

            Analysis.ToneLevel before = heard(pa, 1000);
            assertEquals(-12.04, before.dbfs(), 0.1, "alto-1 hears bass-1 at its own level: " + before);
            WebElement fader = bass1.findElement(By.cssSelector("input[aria-label='Level of bass-1']"));
            WebElement shown = bass1.findElement(By.cssSelector("output.db"));
            // Steps of 0.5 dB from the keyboard, as a screen-reader user would (the first may only focus it).
            for (int i = 0; i < 30 && !"-12 dB".equals(shown.getText()); i++) {
                fader.sendKeys(Keys.ARROW_LEFT);
            }
            assertEquals("-12 dB", shown.getText());
            TestHub.await(WAIT, "the hub has the new gain", () -> operator.get("/api/mixes/alto-1").body()
                    .path("effective").path("bass-1").path("gainDb").asDouble() == -12.0);
            Thread.sleep(200); // the change comes back over the live feed and the page re-renders
            assertEquals(fader, browser.driver().switchTo().activeElement(), "the fader in use keeps its focus");
            Analysis.ToneLevel after = heard(pa, 1000);
            assertEquals(-12.0, after.dbfs() - before.dbfs(), 0.1, "the fader's -12 dB is what the client hears: "
                    + before + " -> " + after);
            System.out.println("[WebPagesTest] fader: " + before + " -> " + after);

            bass1.findElement(By.cssSelector("button[aria-label='Mute bass-1']")).click();
            TestHub.await(WAIT, "muted at the hub", () -> operator.get("/api/mixes/alto-1").body()
                    .path("settings").path("sources").path("bass-1").path("mute").asBoolean());
            Thread.sleep(300);
            float[][] muted = pa.record(1000);
            assertEquals(0.0, Analysis.peak(muted[0], 0, muted[0].length), "mute silences bass-1");
            assertEquals(List.of(), browser.consoleErrors(), "no errors on the page");
        }
    }

    @Test
    void aParticipantsLinkReachesOnlyTheirOwnMix() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.CLIENT_FAN_OUT_IN));
             JackTripClient a = RealClients.client(hub.tcpPort(), "alto-1");
             JackTripClient b = RealClients.client(hub.tcpPort(), "bass-1");
             Browser browser = Browser.open(360, 740)) {
            ApiClient operator = new ApiClient(hub.apiUrl(), hub.operatorToken());
            browser.driver().get(link(operator, hub, "alto-1"));
            row(browser, "bass-1");
            // The page's own token, used from the page for what the page does not offer:
            List<?> codes = (List<?>) ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeAsyncScript("""
                    const token = localStorage.getItem('tutti.token');
                    const call = (method, path, body) => fetch(path, {method, body: body && JSON.stringify(body),
                        headers: {'Authorization': 'Bearer ' + token}}).then(r => r.status);
                    const done = arguments[arguments.length - 1];
                    Promise.all([
                      call('PUT', '/api/mixes/bass-1/sources/alto-1', {gainDb: -20}),
                      call('POST', '/api/participants/bass-1/kick'),
                      call('PUT', '/api/mix-master', {enabled: true}),
                      call('GET', '/api/participants'),
                      call('PUT', '/api/mixes/alto-1/sources/bass-1', {gainDb: -3}),
                    ]).then(done);""");
            assertEquals(List.of(403L, 403L, 403L, 403L, 200L), codes, "only their own mix");
            assertEquals(Double.valueOf(0.0), operator.get("/api/mixes/bass-1").body().path("effective")
                    .path("alto-1").path("gainDb").asDouble(), "bass-1's mix untouched");
            assertTrue(hub.participant("bass-1") != null, "bass-1 still connected");

            // The operator page with a participant's token shows no room.
            browser.driver().get(hub.apiUrl() + "/operator");
            browser.script("localStorage.setItem('tutti.operator-token', localStorage.getItem('tutti.token'))");
            browser.driver().navigate().refresh();
            browser.waiting(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"),
                    "participant"));
            assertFalse(browser.driver().findElement(By.id("people")).isDisplayed(), "no participant table");
        }
    }

    @Test
    void operatorSeesEveryonesHealthAndKicksAndRenamesFromThePage() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.CLIENT_FAN_OUT_IN));
             JackTripClient conductor = RealClients.client(hub.tcpPort(), "conductor");
             JackTripClient s1 = RealClients.client(hub.tcpPort(), "soprano-1");
             JackTripClient s2 = RealClients.client(hub.tcpPort(), "soprano-2");
             JackProbe pc = RealClients.probe(conductor, 2, Signal.sine(440, LEVEL, RATE), Signal.SILENCE);
             JackProbe p1 = RealClients.probe(s1, 2, Signal.sine(660, LEVEL, RATE), Signal.SILENCE);
             JackProbe p2 = RealClients.probe(s2, 2, Signal.SILENCE, Signal.SILENCE);
             Browser browser = Browser.open(1280, 800)) {
            ApiClient operator = new ApiClient(hub.apiUrl(), hub.operatorToken());
            browser.driver().get(hub.apiUrl() + "/operator");
            browser.driver().findElement(By.id("token-input")).sendKeys(hub.operatorToken(), Keys.ENTER);
            WebElement table = browser.waiting(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("rows")));
            browser.waiting(WAIT).until(d -> table.findElements(By.cssSelector("tr")).size() == 3);
            // Health columns are filled from the live feed: format and level for a source that plays.
            WebElement sopranoRow = table.findElement(By.cssSelector("tr[data-name='soprano-1']"));
            // The level is a live peak meter that falls 20 dB/s: a dropout of soprano-1's client on a
            // stalled machine pulls it down for a moment, so the page must show -12 dBFS within the
            // wait, not in whichever second the test happens to read it.
            String[] text = {""};
            try {
                browser.waiting(WAIT).until(d -> (text[0] = sopranoRow.getText()).matches("(?s).*-1[23]\\.\\d dBFS.*"));
            } catch (org.openqa.selenium.TimeoutException e) {
                throw new AssertionError("soprano-1's level never showed -12 dBFS: " + text[0], e);
            }
            assertTrue(text[0].contains("16 bit 48k /128 2→2"), text[0]);
            assertTrue(text[0].contains("soprano"), "section from the name: " + text[0]);
            assertTrue(table.findElement(By.cssSelector("tr[data-name='soprano-2']")).getText().contains("silent"));

            // Rename soprano-2 to alto-1 and put them in section "alto" explicitly.
            table.findElement(By.cssSelector("button[aria-label='Rename or change the section of soprano-2']")).click();
            WebElement name = browser.driver().findElement(By.id("edit-name"));
            name.clear();
            name.sendKeys("alto-1");
            browser.driver().findElement(By.id("edit-section")).sendKeys("altos");
            browser.driver().findElement(By.id("edit-save")).click();
            TestHub.await(WAIT, "renamed and sectioned", () -> "altos".equals(operator.get("/api/sections").body()
                    .path("assigned").path("alto-1").asText(null)));
            browser.waiting(WAIT).until(d -> table.findElements(By.cssSelector("tr[data-name='alto-1']")).size() == 1);

            // Kick the conductor from the page, confirming the browser's question.
            table.findElement(By.cssSelector("button[aria-label='Disconnect conductor']")).click();
            Alert confirm = browser.waiting(WAIT).until(ExpectedConditions.alertIsPresent());
            confirm.accept();
            TestHub.await(WAIT, "kicked", () -> hub.participant("conductor") == null);
            browser.waiting(WAIT).until(d -> table.findElements(By.cssSelector("tr")).size() == 2);
            assertEquals(List.of(), browser.consoleErrors(), "no errors on the page");
        }
    }

    @Test
    void theOperatorRecordsFromThePageAndSingersSeeThatRecordingIsOn() throws Exception {
        Path takes = org.tutti.server.testing.TempFiles.directory("tutti-takes");
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.CLIENT_FAN_OUT_IN);
                b.recordDirectory = takes;
            });
             JackTripClient a = RealClients.client(hub.tcpPort(), "alto-1");
             JackTripClient b = RealClients.client(hub.tcpPort(), "bass-1");
             Browser singer = Browser.open(360, 740);
             Browser desk = Browser.open(1280, 800)) {
            ApiClient operator = new ApiClient(hub.apiUrl(), hub.operatorToken());
            singer.driver().get(link(operator, hub, "alto-1"));
            row(singer, "bass-1");
            WebElement recording = singer.driver().findElement(By.id("recording"));
            assertFalse(recording.isDisplayed(), "nothing is recording yet");
            desk.driver().get(hub.apiUrl() + "/operator");
            desk.driver().findElement(By.id("token-input")).sendKeys(hub.operatorToken(), Keys.ENTER);
            desk.waiting(WAIT).until(ExpectedConditions.elementToBeClickable(By.id("record"))).click();
            desk.waiting(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("record-status"),
                    "Recording take"));
            desk.waiting(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("record"),
                    "Stop recording"));
            assertEquals("recording", operator.get("/api/recording").body().path("state").asText());
            singer.waiting(WAIT).until(d -> recording.isDisplayed());
            assertEquals("● Recording", recording.getText());

            desk.driver().findElement(By.id("record")).click();
            desk.waiting(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("record-status"),
                    "Last take"));
            singer.waiting(WAIT).until(d -> !recording.isDisplayed());
            Path folder = Path.of(operator.get("/api/recording").body().path("folder").asText());
            for (String file : List.of("alto-1.wav", "bass-1.wav", "mix.wav", "take.rpp", "take.lof", "take.json")) {
                assertTrue(java.nio.file.Files.exists(folder.resolve(file)), file + " in " + folder);
            }
            assertEquals(List.of(), desk.consoleErrors(), "no errors on the operator page");
            assertEquals(List.of(), singer.consoleErrors(), "no errors on the singer's page");
        }
    }

    @Test
    void screenshotsOfTheSingerConductorAndOperatorPages() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX));
             JackTripClient conductor = RealClients.client(hub.tcpPort(), "conductor");
             JackTripClient s1 = RealClients.client(hub.tcpPort(), "soprano-1");
             JackTripClient a1 = RealClients.client(hub.tcpPort(), "alto-1");
             JackTripClient t1 = RealClients.client(hub.tcpPort(), "tenor-1");
             JackProbe pc = RealClients.probe(conductor, 2, Signal.sine(220, 0.05, RATE), Signal.SILENCE);
             JackProbe ps = RealClients.probe(s1, 2, Signal.sine(660, 0.3, RATE), Signal.SILENCE);
             JackProbe pa = RealClients.probe(a1, 2, Signal.sine(440, 0.2, RATE), Signal.SILENCE);
             JackProbe pt = RealClients.probe(t1, 2, Signal.sine(330, 0.95, RATE), Signal.SILENCE)) {
            ApiClient operator = new ApiClient(hub.apiUrl(), hub.operatorToken());
            String singer = link(operator, hub, "alto-1");
            String conductorLink = link(operator, hub, "conductor");
            assertEquals(200, operator.put("/api/mixes/alto-1", "{\"sources\":{\"tenor-1\":{\"gainDb\":-6}},"
                    + "\"sections\":{\"soprano\":{\"gainDb\":-3}},\"selfDb\":-4}").status());
            for (int[] size : new int[][] {{360, 740}, {1280, 800}}) {
                String suffix = "-" + size[0];
                try (Browser browser = Browser.open(size[0], size[1])) {
                    browser.driver().get(singer);
                    browser.waiting(WAIT).until(d -> meterShare(browser, row(browser, "soprano-1")) > 0.5);
                    screenshot(browser, "singer" + suffix);
                    assertEquals(200, operator.put("/api/mix-master",
                            "{\"enabled\":true,\"participant\":\"conductor\"}").status());
                    browser.driver().navigate().to(conductorLink);
                    browser.driver().navigate().refresh();
                    browser.waiting(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("banner"),
                            "mix master"));
                    browser.waiting(WAIT).until(d -> meterShare(browser, row(browser, "tenor-1")) > 0.9);
                    screenshot(browser, "conductor" + suffix);
                    assertEquals(200, operator.put("/api/mix-master", "{\"enabled\":false}").status());
                    browser.driver().get(hub.apiUrl() + "/operator");
                    browser.driver().findElement(By.id("token-input")).sendKeys(hub.operatorToken(), Keys.ENTER);
                    browser.waiting(WAIT).until(d -> d.findElements(By.cssSelector("#rows tr")).size() == 4);
                    screenshot(browser, "operator" + suffix);
                    assertEquals(List.of(), browser.consoleErrors(), "no errors on the pages");
                }
            }
        }
    }
}
