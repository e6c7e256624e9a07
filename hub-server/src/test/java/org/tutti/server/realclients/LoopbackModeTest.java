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
            // The dummy JACK clock drifts against the hub's by some ppm; JackTrip's own jitter buffer
            // then drops or repeats a packet now and then. More than that is a real dropout.
            ramp.assertExact(2);
            assertTrue(ramp.longestSegment > 48000, "longest exact stretch " + ramp.longestSegment);
            float constant = twoHops16(-0.5f);
            int wrong = 0;
            for (float sample : got[1]) {
                if (sample != constant && sample != 0f) {
                    wrong++;
                }
            }
            assertTrue(wrong <= 600, "channel 2 samples other than the echoed -0.5 (or a dropout's 0): " + wrong);
            assertTrue(hubSide.lost() + hubSide.underruns() <= 1, "hub-side losses and underruns: "
                    + (hubSide.lost() + hubSide.underruns()));
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
        int offGridRuns;
        int discontinuities;
        int longestSegment;

        /**
         * Every sample exact except at most one short glitch (a concealed packet and the crossfade back,
         * when the machine running the test stalls), and at most {@code jumps} drops or repeats of
         * whole packets.
         */
        void assertExact(int jumps) {
            org.junit.jupiter.api.Assertions.assertTrue(offGridRuns <= 1 && offGrid <= 1200,
                    "samples that are not the ramp's exact 16-bit values: " + offGrid + " in " + offGridRuns + " runs");
            org.junit.jupiter.api.Assertions.assertTrue(discontinuities <= jumps,
                    "discontinuities: " + discontinuities);
        }

        static RampCheck of(float[] samples) {
            RampCheck check = new RampCheck();
            int start = 0;
            while (start < samples.length && samples[start] == 0f) {
                start++; // before the echo arrives
            }
            int previous = -1;
            int segment = 0;
            int lastOffGrid = Integer.MIN_VALUE / 2;
            for (int n = Math.max(0, start - 1); n < samples.length; n++) {
                float x = samples[n];
                int k = Math.round(x * 32768f);
                // Ramp values below 16384/32768 survive two 16-bit hops exactly.
                if (k < 0 || k >= 1000 || twoHops16(k / 32768f) != x) {
                    check.offGrid++;
                    // One concealment (and its crossfade back) is one glitch, however it interleaves.
                    if (n - lastOffGrid > 1000) {
                        check.offGridRuns++;
                    }
                    lastOffGrid = n;
                    previous = -1;
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
