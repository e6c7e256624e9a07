package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.testing.Analysis;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.TestHub;

/**
 * Two real JackTrip clients, each sending its own pair of tones: A 440/550 Hz, B 1000/1250 Hz
 * (left/right) at −12 dBFS. What each hears back shows the routing of the patch mode.
 */
class RoutingModesTest {
    static final double LEVEL = 0.25; // −12.04 dBFS
    static final double PRESENT = -12.5;
    static final double ABSENT = -90;

    @Test
    void fanOutInModeSendsEveryoneButMe() throws Exception {
        Heard heard = run(PatchMode.CLIENT_FAN_OUT_IN);
        assertTrue(heard.a440 < ABSENT, "A must not hear itself: " + heard);
        assertTrue(heard.a1000 > PRESENT, "A must hear B: " + heard);
        assertTrue(heard.b1000 < ABSENT, "B must not hear itself: " + heard);
        assertTrue(heard.b440 > PRESENT, "B must hear A: " + heard);
        assertTrue(heard.aRight1250 > PRESENT && heard.aRight550 < ABSENT, "right channels stay right: " + heard);
    }

    @Test
    void fullMixModeSendsEveryoneIncludingMe() throws Exception {
        Heard heard = run(PatchMode.FULL_MIX);
        assertTrue(heard.a440 > PRESENT && heard.a1000 > PRESENT, "A hears both: " + heard);
        assertTrue(heard.b440 > PRESENT && heard.b1000 > PRESENT, "B hears both: " + heard);
        assertTrue(heard.aRight550 > PRESENT && heard.aRight1250 > PRESENT, "right channel carries both: " + heard);
        assertTrue(heard.a440 < -11.5 && heard.b1000 < -11.5, "a plain sum at unity, no gain added: " + heard);
    }

    /**
     * The tone's level over the windows the clients' buffers left whole, fitting all four tones (any
     * of them may be in any channel when the routing is wrong): NaN, and so a failed check, if none is.
     */
    private static double level(float[] channel, double hertz) {
        double[] others = java.util.stream.DoubleStream.of(440, 550, 1000, 1250).filter(h -> h != hertz).toArray();
        return Analysis.cleanToneLevel(channel, RealClients.RATE, hertz, others).dbfs();
    }

    record Heard(double a440, double a1000, double b440, double b1000, double aRight550, double aRight1250,
                 String hubSide) {
    }

    private static Heard run(PatchMode mode) throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(mode));
             JackTripClient a = RealClients.client(hub.tcpPort(), "A");
             JackTripClient b = RealClients.client(hub.tcpPort(), "B");
             JackProbe pa = RealClients.probe(a, 2, Signal.sine(440, LEVEL, RealClients.RATE),
                     Signal.sine(550, LEVEL, RealClients.RATE));
             JackProbe pb = RealClients.probe(b, 2, Signal.sine(1000, LEVEL, RealClients.RATE),
                     Signal.sine(1250, LEVEL, RealClients.RATE))) {
            Thread.sleep(700);
            pb.startRecording();
            float[][] gotA = pa.record(1500);
            float[][] gotB = pb.stopRecording();
            int rate = RealClients.RATE;
            return new Heard(
                    level(gotA[0], 440), level(gotA[0], 1000), level(gotB[0], 440), level(gotB[0], 1000),
                    level(gotA[1], 550), level(gotA[1], 1250),
                    // What the hub did with both streams, so that a failure says whose side lost the tone.
                    "A left " + Analysis.cleanToneLevel(gotA[0], rate, 440, 1000, 550, 1250) + "; A: " + hub.participant("A").stream().jitter().stats() + "; B: "
                            + hub.participant("B").stream().jitter().stats() + "; late periods "
                            + hub.hub().timings().latePeriods());
        }
    }
}
