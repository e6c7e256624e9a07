package org.tutti.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.mix.Sections;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.TestHub;

/** Sections (by name prefix or set by the operator), section faders, who-am-I and personal links. */
class SectionsApiTest {

    @Test
    void sectionComesFromTheNamesPrefix() {
        assertEquals("soprano", Sections.fromName("soprano-3"));
        assertEquals("soprano", Sections.fromName("Soprano_12"));
        assertEquals("soprano", Sections.fromName("soprano 2"));
        assertEquals("tenor", Sections.fromName("tenor2"));
        assertEquals("bass-low", Sections.fromName("bass-low-1"));
        assertNull(Sections.fromName("alice"));
        assertNull(Sections.fromName("alice-smith"));
        assertNull(Sections.fromName("42"));
    }

    @Test
    void aSectionFaderAppliesToItsMembersAndToWhoeverJoinsItLater() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX));
             FakeClient alto = hub.join("alto-1"); FakeClient s1 = hub.join("soprano-1");
             FakeClient bob = hub.join("bob")) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            var sections = api.get("/api/sections").body();
            assertEquals(List.of("soprano-1"), List.of(sections.path("sections").path("soprano").get(0).asText()));
            assertEquals("bob", sections.path("none").get(0).asText());

            var put = api.put("/api/mixes/alto-1/sections/soprano", "{\"gainDb\": -10}");
            assertEquals(200, put.status(), put.text());
            assertEquals(-10.0, put.body().path("effective").path("soprano-1").path("gainDb").asDouble(), 0.01);
            // A member's own setting and the section fader add up.
            api.put("/api/mixes/alto-1/sources/soprano-1", "{\"gainDb\": -2}");
            assertEquals(-12.0, api.get("/api/mixes/alto-1").body().path("effective").path("soprano-1")
                    .path("gainDb").asDouble(), 0.01);
            assertEquals(0.0, api.get("/api/mixes/alto-1").body().path("effective").path("bob").path("gainDb")
                    .asDouble(), 0.01, "others untouched");

            try (FakeClient s2 = hub.join("soprano-2")) {
                TestHub.await(Duration.ofSeconds(2), "soprano-2 in alto-1's mix", () -> api.get("/api/mixes/alto-1")
                        .body().path("effective").has("soprano-2"));
                assertEquals(-10.0, api.get("/api/mixes/alto-1").body().path("effective").path("soprano-2")
                        .path("gainDb").asDouble(), 0.01, "a later joiner gets the section fader");
                // The operator moves bob into the sopranos: the fader follows him.
                var assign = api.put("/api/participants/bob/section", "{\"section\": \"Soprano\"}");
                assertEquals(200, assign.status(), assign.text());
                assertEquals("soprano", assign.body().path("section").asText());
                assertEquals(-10.0, api.get("/api/mixes/alto-1").body().path("effective").path("bob").path("gainDb")
                        .asDouble(), 0.01);
                api.put("/api/mixes/alto-1/sections/soprano", "{\"mute\": true}");
                assertTrue(api.get("/api/mixes/alto-1").body().path("effective").path("bob").path("gainDb")
                        .asDouble() <= -120, "a muted section is silent");
                assertEquals(200, api.put("/api/participants/bob/section", "{\"section\": null}").status());
                assertEquals(0.0, api.get("/api/mixes/alto-1").body().path("effective").path("bob").path("gainDb")
                        .asDouble(), 0.01, "back in no section");
            }
            assertEquals(200, api.delete("/api/mixes/alto-1/sections/soprano").status());
            assertEquals(-2.0, api.get("/api/mixes/alto-1").body().path("effective").path("soprano-1")
                    .path("gainDb").asDouble(), 0.01);
        }
    }

    @Test
    void badSectionCallsAreRefusedAndChangeNothing() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX)); FakeClient a = hub.join("alto-1")) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            String before = api.get("/api/mixes/alto-1").text();
            assertEquals(400, api.put("/api/mixes/alto-1/sections/soprano", "{\"gainDb\": 99}").status());
            assertEquals(400, api.put("/api/mixes/alto-1/sections/soprano", "{\"solo\": true}").status());
            assertEquals(400, api.put("/api/mixes/alto-1/sections/so%20prano", "{\"gainDb\": -1}").status());
            assertEquals(404, api.delete("/api/mixes/alto-1/sections/tenor").status());
            assertEquals(400, api.put("/api/participants/alto-1/section", "{\"section\": \"\"}").status());
            assertEquals(400, api.put("/api/participants/alto-1/section", "{}").status());
            assertEquals(404, api.put("/api/participants/nobody/section", "{\"section\": \"x\"}").status());
            assertEquals(before, api.get("/api/mixes/alto-1").text());
        }
    }

    @Test
    void sectionsAndFadersSurviveARestart() throws Exception {
        java.nio.file.Path state = org.tutti.server.testing.TempFiles.directory("tutti-state");
        try (TestHub hub = TestHub.start(b -> b.stateDirectory(state)); FakeClient a = hub.join("alto-1")) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            assertEquals(200, api.put("/api/mixes/alto-1/sections/soprano", "{\"gainDb\": -7}").status());
            assertEquals(200, api.put("/api/participants/alto-1/section", "{\"section\": \"altos\"}").status());
            Thread.sleep(500); // the state file is written off the conductor thread
        }
        try (TestHub hub = TestHub.start(b -> b.stateDirectory(state))) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            var mix = api.get("/api/mixes/alto-1").body();
            assertEquals(-7.0, mix.path("settings").path("sections").path("soprano").path("gainDb").asDouble(), 0.01);
            assertEquals("altos", api.get("/api/sections").body().path("assigned").path("alto-1").asText());
        }
    }

    @Test
    void meTellsWhoATokenIsAndALinkCarriesANewTokenInItsFragment() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX)); FakeClient a = hub.join("alto-1")) {
            ApiClient operator = new ApiClient(hub.apiUrl(), hub.operatorToken());
            assertEquals("operator", operator.get("/api/me").body().path("role").asText());
            var link = operator.post("/api/participants/alto-1/link", "{\"base\": \"https://hub.example.org:8443/\"}");
            assertEquals(200, link.status(), link.text());
            String url = link.body().path("url").asText();
            assertTrue(url.startsWith("https://hub.example.org:8443/#token=pt_"), url);
            String token = url.substring(url.indexOf("#token=") + 7);
            var me = operator.as(token).get("/api/me").body();
            assertEquals("participant", me.path("role").asText());
            assertEquals("alto-1", me.path("name").asText());
            // Without a base, the address the operator used.
            String plain = operator.post("/api/participants/alto-1/link", "").body().path("url").asText();
            assertTrue(plain.startsWith(hub.apiUrl() + "/#token=pt_"), plain);
            assertEquals(401, operator.as(token).get("/api/me").status(), "a new link replaces the old one");
            assertEquals(400, operator.post("/api/participants/alto-1/link", "{\"base\": \"javascript:alert(1)\"}")
                    .status());
            assertEquals(400, operator.post("/api/participants/alto-1/link", "{\"base\": \"https://x/?a#b\"}").status());
            assertEquals(403, operator.as(plain.substring(plain.indexOf("#token=") + 7))
                    .post("/api/participants/alto-1/link", "").status(), "participants cannot make links");
        }
    }
}
