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
            // Levels from the windows A's client buffer left whole, fitting both tones (A's own 440 Hz must be absent).
            Analysis.ToneLevel b1000 = Analysis.cleanToneLevel(heard[0], rate, 1000, 440);
            Analysis.ToneLevel a440 = Analysis.cleanToneLevel(heard[0], rate, 440, 1000);
            assertEquals(-12.04 - 6.02, b1000.dbfs(), 0.1, "B at -6 dB below its own level: " + b1000);
            Analysis.ToneLevel right = Analysis.cleanToneLevel(heard[1], rate, 1000, 440);
            assertEquals(-12.04 - 6.02, right.dbfs(), 0.1, "on both channels: " + right);
            assertTrue(a440.dbfs() < -90, "A does not hear itself: " + a440);

            assertEquals(200, api.put("/api/mixes/A/sources/B", "{\"mute\": true}").status());
            Thread.sleep(300);
            float[][] muted = pa.record(1000);
            double peak = Analysis.peak(muted[0], 0, muted[0].length);
            assertTrue(peak == 0.0, "silence after muting B, peak " + peak);
            // B's own mix is untouched: still the full mix
            float[][] heardByB = pb.record(1000);
            Analysis.ToneLevel aForB = Analysis.cleanToneLevel(heardByB[0], rate, 440, 1000);
            assertEquals(-12.04, aForB.dbfs(), 0.1, "B still hears A at A's level: " + aForB);
        }
    }
}
