package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackServer;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.LogCapture;
import org.tutti.server.testing.Ports;
import org.tutti.server.testing.Signal;
import org.tutti.server.testing.TestHub;

/** A client at 44.1 kHz cannot join a 48 kHz session; everyone else keeps playing. */
class RefusalTest {

    @Test
    void clientAt44100IsRefusedWhileOthersKeepPlaying() throws Exception {
        try (LogCapture log = new LogCapture("tutti.sessions");
             TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.CLIENT_LOOPBACK));
             JackTripClient steady = RealClients.client(hub.tcpPort(), "steady");
             JackProbe probe = RealClients.probe(steady, 1, Signal.ramp16())) {
            Thread.sleep(500);
            probe.startRecording();
            Thread.sleep(300);
            JackServer slow = JackServer.at(44100);
            try (JackTripClient wrongRate = JackTripClient.start(slow, hub.tcpPort(), RealClients.uniqueName("jt"),
                    Ports.freeUdp(), "-K", "cd-rate", "-n", "2")) {
                assertTrue(wrongRate.awaitExit(8000), "the 44.1 kHz client stops:\n" + wrongRate.log());
                TestHub.await(Duration.ofSeconds(2), "refusal logged", () -> log.contains("refused cd-rate"));
            }
            Thread.sleep(500);
            float[][] got = probe.stopRecording();
            assertTrue(log.contains("client sends 44100 Hz, the hub runs at 48000 Hz"), String.join("\n", log.lines()));
            assertEquals(1, hub.participants().size(), "only the steady client remains");
            LoopbackModeTest.RampCheck ramp = LoopbackModeTest.RampCheck.of(got[0]);
            assertEquals(0, ramp.offGrid, "the steady client's audio stayed exact");
            assertTrue(ramp.discontinuities <= 1, "no dropouts while the other client was refused: "
                    + ramp.discontinuities);
        }
    }
}
