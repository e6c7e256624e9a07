package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.testing.Analysis;
import org.tutti.server.testing.ApiClient;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.TestHub;

/** Through the API, A hears only B at −6 dB, then B muted: measured on what A's JackTrip client records. */
class PersonalMixTest {

    @Test
    void apiSetsWhatARealClientHears() throws Exception {
        int rate = RealClients.RATE;
        double level = 0.25; // −12.04 dBFS
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.FULL_MIX));
             JackTripClient a = RealClients.client(hub.tcpPort(), "A");
             JackTripClient b = RealClients.client(hub.tcpPort(), "B");
             JackProbe pa = RealClients.probe(a, 2, Signal.sine(440, level, rate), Signal.sine(440, level, rate));
             JackProbe pb = RealClients.probe(b, 2, Signal.sine(1000, level, rate), Signal.sine(1000, level, rate))) {
            ApiClient api = new ApiClient(hub.apiUrl(), hub.operatorToken());
            var put = api.put("/api/mixes/A", "{\"preset\": \"silence\", \"sources\": {\"B\": {\"gainDb\": -6}}}");
            assertEquals(200, put.status(), put.text());
            Thread.sleep(300);
            float[][] heard = pa.record(1500);
            double b1000 = Analysis.medianToneDbfs(heard[0], 1000, rate);
            double a440 = Analysis.medianToneDbfs(heard[0], 440, rate);
            assertEquals(-12.04 - 6.02, b1000, 0.2, "B at -6 dB below its own level");
            assertEquals(-12.04 - 6.02, Analysis.medianToneDbfs(heard[1], 1000, rate), 0.2, "on both channels");
            assertTrue(a440 < -90, "A does not hear itself: " + a440);

            assertEquals(200, api.put("/api/mixes/A/sources/B", "{\"mute\": true}").status());
            Thread.sleep(300);
            float[][] muted = pa.record(1000);
            double peak = Analysis.peak(muted[0], 0, muted[0].length);
            assertTrue(peak == 0.0, "silence after muting B, peak " + peak);
            // B's own mix is untouched: still the full mix
            float[][] heardByB = pb.record(1000);
            assertTrue(Analysis.medianToneDbfs(heardByB[0], 440, rate) > -12.5, "B still hears A");
        }
    }
}
