package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.JackServer;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.LogCapture;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/** How sessions of real JackTrip clients end, and how a restarted client is treated. */
class SessionLifecycleTest {

    @Test
    void sigintEndsTheSessionThroughTheExitPacket() throws Exception {
        try (LogCapture log = new LogCapture("tutti.sessions");
             TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.CLIENT_LOOPBACK));
             JackTripClient client = RealClients.client(hub.tcpPort(), "polite")) {
            Thread.sleep(300);
            long sent = System.nanoTime();
            client.interrupt();
            String leave = "leave polite from 127.0.0.1:" + client.udpPort() + ": the client sent its exit packet";
            TestHub.await(Duration.ofSeconds(2), "session gone: " + log.lines(),
                    () -> hub.participants().isEmpty() && log.contains(leave));
            assertTrue(System.nanoTime() - sent < 1_500_000_000L, "ended promptly, not by timeout");
            assertTrue(client.awaitExit(3000), "the client stopped");
            assertTrue(client.log().contains("sending exit packet"), client.log());
        }
    }

    @Test
    void sigkillEndsTheSessionByTimeout() throws Exception {
        try (LogCapture log = new LogCapture("tutti.sessions");
             TestHub hub = TestHub.start(b -> {
                 b.patchMode(PatchMode.CLIENT_LOOPBACK);
                 b.sessionTimeout(Duration.ofSeconds(2));
             });
             JackTripClient client = RealClients.client(hub.tcpPort(), "vanished")) {
            Thread.sleep(300);
            long killed = System.nanoTime();
            client.kill();
            Thread.sleep(1500);
            assertEquals(1, hub.participants().size(), "still there before the timeout");
            TestHub.await(Duration.ofSeconds(3), "timeout ends the session", () -> hub.participants().isEmpty());
            long took = (System.nanoTime() - killed) / 1_000_000;
            assertTrue(took >= 2000 && took < 3500, "ended after " + took + " ms");
            String leave = "leave vanished from 127.0.0.1:" + client.udpPort() + ": no audio for the session timeout";
            TestHub.await(Duration.ofSeconds(1), "logged: " + log.lines(), () -> log.contains(leave));
        }
    }

    @Test
    void killedAndRestartedClientOnTheSamePortKeepsItsNewSession() throws Exception {
        int port = Ports.freeUdp();
        try (TestHub hub = TestHub.start(b -> b.patchMode(PatchMode.CLIENT_LOOPBACK))) {
            JackTripClient first = JackTripClient.start(JackServer.shared(), hub.tcpPort(), RealClients.uniqueName("jt"),
                    port, "-K", "reK", "-n", "2").awaitConnected(10_000);
            Participant old = hub.participant("reK");
            first.kill();
            try (JackTripClient second = JackTripClient.start(JackServer.shared(), hub.tcpPort(),
                    RealClients.uniqueName("jt"), port, "-K", "reK", "-n", "2").awaitConnected(10_000)) {
                // JackTrip's hub would now send the old session's exit packet to this same
                // address:port and stop the new client (spec §4.6). Tutti must not.
                Thread.sleep(3000);
                assertTrue(second.alive(), "the restarted client is still running:\n" + second.log());
                assertFalse(second.log().contains("Peer Stopped"), second.log());
                assertEquals(1, hub.participants().size(), "one session for reK");
                Participant current = hub.participant("reK");
                assertTrue(current != old && current.state() == Participant.State.STREAMING);
                assertNull(old.channel().isActive() ? "old socket still open" : null);
            } finally {
                first.close();
            }
        }
    }
}
