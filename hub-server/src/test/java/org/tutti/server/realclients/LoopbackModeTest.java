package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.server.jitter.JitterStats;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.TestHub;

/** {@code -p 1}: a real JackTrip client hears exactly its own signal back. */
class LoopbackModeTest {

    @Test
    void clientGetsItsOwnSignalBackBitExactAt16Bit() throws Exception {
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.CLIENT_LOOPBACK));
             JackTripClient client = RealClients.client(hub.tcpPort(), "loop");
             JackProbe probe = RealClients.probe(client, 2, Signal.ramp16(), Signal.constant(-0.5f))) {
            Thread.sleep(500);
            float[][] got = probe.record(3000);
            JitterStats hubSide = hub.participant("loop").stream().jitter().stats();

            RampCheck ramp = RampCheck.of(got[0]);
            assertEquals(0, ramp.offGrid, "samples that are not the ramp's exact 16-bit values");
            // The dummy JACK clock drifts against the hub's by some ppm; JackTrip's own jitter buffer
            // then drops or repeats a packet now and then. More than that is a real dropout.
            assertTrue(ramp.discontinuities <= 2, "discontinuities in 3 s: " + ramp.discontinuities);
            assertTrue(ramp.longestSegment > 48000, "longest exact stretch " + ramp.longestSegment);
            float constant = twoHops16(-0.5f);
            int wrong = 0;
            for (float sample : got[1]) {
                if (sample != constant && sample != 0f) {
                    wrong++;
                }
            }
            assertEquals(0, wrong, "channel 2 samples other than the echoed -0.5 (or a dropout's 0)");
            assertEquals(0, hubSide.lost() + hubSide.underruns(), "hub-side losses and underruns");
        }
    }

    /** What two 16-bit hops (client → hub → client) make of x: JackTrip scales by 32767/32768 each way. */
    static float twoHops16(float x) {
        float once = BitResolution.encode16(x) / 32768f;
        return BitResolution.encode16(once) / 32768f;
    }

    /** Checks a received copy of {@link Signal#ramp16()}: exact values, counting jumps in the sequence. */
    static final class RampCheck {
        int offGrid;
        int discontinuities;
        int longestSegment;

        static RampCheck of(float[] samples) {
            RampCheck check = new RampCheck();
            int start = 0;
            while (start < samples.length && samples[start] == 0f) {
                start++; // before the echo arrives
            }
            int previous = -1;
            int segment = 0;
            for (int n = Math.max(0, start - 1); n < samples.length; n++) {
                float x = samples[n];
                int k = Math.round(x * 32768f);
                // Ramp values below 16384/32768 survive two 16-bit hops exactly.
                if (k < 0 || k >= 1000 || twoHops16(k / 32768f) != x) {
                    check.offGrid++;
                    continue;
                }
                if (previous >= 0 && k != (previous + 1) % 1000) {
                    check.discontinuities++;
                    segment = 0;
                }
                segment++;
                check.longestSegment = Math.max(check.longestSegment, segment);
                previous = k;
            }
            return check;
        }
    }
}
