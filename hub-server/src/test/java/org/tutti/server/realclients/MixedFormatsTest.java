package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.Analysis;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.TestHub;

/**
 * A mono 24-bit client and a stereo 16-bit client in one full-mix session with upmix: each is
 * answered in its own resolution and channel layout (JackTrip's hub cannot mix resolutions).
 */
class MixedFormatsTest {

    @Test
    void mono24BitAndStereo16BitClientsShareASession() throws Exception {
        int rate = RealClients.RATE;
        try (TestHub hub = TestHub.start(b -> {
                b.patchMode(PatchMode.FULL_MIX);
                b.upmix = true;
            });
             JackTripClient mono = RealClients.client(hub.tcpPort(), "mono24", "-n", "1", "-b", "24");
             JackTripClient stereo = RealClients.client(hub.tcpPort(), "stereo16", "-n", "2", "-b", "16");
             JackProbe pm = RealClients.probe(mono, 1, Signal.sine(440, 0.25, rate));
             JackProbe ps = RealClients.probe(stereo, 2, Signal.sine(1000, 0.25, rate), Signal.sine(1250, 0.25, rate))) {
            Participant m = hub.participant("mono24");
            Participant s = hub.participant("stereo16");
            assertEquals(BitResolution.BIT24, m.stream().format().resolution());
            assertEquals(1, m.stream().format().channelsSent());
            assertEquals(BitResolution.BIT16, s.stream().format().resolution());
            assertEquals(2, s.stream().format().channelsWanted());
            Thread.sleep(700);
            ps.startRecording();
            float[][] heardByMono = pm.record(1500);
            float[][] heardByStereo = ps.stopRecording();

            // The mono client gets channel 1 of the mix: itself and the stereo client's left tone only.
            assertEquals(-12.04, level(heardByMono[0], 440), 0.1, "mono hears itself");
            assertEquals(-12.04, level(heardByMono[0], 1000), 0.1, "mono hears stereo's left");
            assertTrue(level(heardByMono[0], 1250) < -90, "no downmix into a mono client");
            // The stereo client hears the mono client on both sides (upmix) and its own two tones.
            assertEquals(-12.04, level(heardByStereo[0], 440), 0.1, "mono on the left");
            assertEquals(-12.04, level(heardByStereo[1], 440), 0.1, "mono upmixed to the right");
            assertEquals(-12.04, level(heardByStereo[1], 1250), 0.1, "own right tone");
            assertTrue(level(heardByStereo[1], 1000) < -90, "left tone stays left");
        }
    }

    /** The tone's level where the client's buffer left the recording whole, fitting all three tones. */
    private static double level(float[] channel, double hertz) {
        double[] others = java.util.stream.DoubleStream.of(440, 1000, 1250).filter(h -> h != hertz).toArray();
        Analysis.ToneLevel level = Analysis.cleanToneLevel(channel, RealClients.RATE, hertz, others);
        System.out.println("[MixedFormatsTest] " + hertz + " Hz: " + level);
        return level.dbfs();
    }
}
