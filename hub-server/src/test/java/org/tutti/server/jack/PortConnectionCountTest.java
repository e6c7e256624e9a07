package org.tutti.server.jack;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.testing.FakeClient;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackServer;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/**
 * The hub's count of each port's connections (the audio thread skips ports with none) follows JACK's
 * graph while another client rewires it at the same moment. JACK answers from the old graph while a
 * change is being written, and a port read as unconnected just after it was connected stayed silent
 * until its next change: one run in fifteen of a test that connected two ports in a row.
 */
class PortConnectionCountTest {
    private static final int ROUNDS = 200;
    /** The hub asks again for half a second after a change; the rest is room for a stalled machine. */
    private static final Duration SETTLED = Duration.ofSeconds(3);

    @Test
    void countsFollowConnectionsMadeAndBrokenWhileAnotherClientRewiresTheGraph() throws Exception {
        JackServer server = JackServer.shared();
        String tutti = "tutti-count" + ProcessHandle.current().pid();
        try (TestHub hub = TestHub.start(b -> {
                 b.patchMode(PatchMode.NO_AUTO_PATCHING);
                 b.jack = true;
                 b.jackServer = server.name();
                 b.jackClientName = tutti;
             });
             FakeClient alto = FakeClient.connect(hub.tcpPort(), Ports.freeUdp(), "alto");
             JackProbe probe = JackProbe.open(server, tutti + "-probe", 1, 1, 1);
             GraphRewirer rewirer = GraphRewirer.start(server, tutti + "-rewirer")) {
            alto.sendSilence(1);
            TestHub.await(Duration.ofSeconds(5), "alto's ports", () -> hub.hub().jackPorts().connectionCounts("alto") != null);
            for (int round = 1; round <= ROUNDS; round++) {
                probe.connectOutput(0, tutti + ":alto_send_1");
                probe.connectInput(0, tutti + ":alto_receive_1");
                awaitCounts(hub, server, "from [1, 0] to [1, 0]", round, rewirer);
                probe.disconnectOutput(0, tutti + ":alto_send_1");
                probe.disconnectInput(0, tutti + ":alto_receive_1");
                awaitCounts(hub, server, "from [0, 0] to [0, 0]", round, rewirer);
            }
        }
    }

    private static void awaitCounts(TestHub hub, JackServer server, String expected, int round, GraphRewirer rewirer)
            throws Exception {
        long deadline = System.nanoTime() + SETTLED.toNanos();
        String counts;
        do {
            counts = hub.hub().jackPorts().connectionCounts("alto");
            if (expected.equals(counts)) {
                return;
            }
            Thread.sleep(2);
        } while (System.nanoTime() - deadline < 0);
        fail("round " + round + " (" + rewirer.rewirings() + " rewirings by another client so far): alto's ports"
                + " still counted " + counts + " " + SETTLED.toMillis() + " ms after the change, where JACK's graph"
                + " has " + expected + ":\n" + String.join("\n", server.connections()));
    }
}
