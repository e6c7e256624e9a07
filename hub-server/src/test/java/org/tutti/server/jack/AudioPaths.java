package org.tutti.server.jack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.tutti.server.session.Participant;
import org.tutti.server.testing.Analysis;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackServer;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.TestHub;

/** Audio paths through the hub's JACK ports and a JackTrip client: waiting for them, and saying what each part saw. */
final class AudioPaths {
    /** Far beyond a path's set-up on a quiet machine (a few periods) and any stall this machine has shown. */
    static final Duration DEADLINE = Duration.ofSeconds(5);

    private AudioPaths() {
    }

    /** For a failure's message: a participant's side of the hub, and its ports in JACK's graph. */
    static String whatTheHubSees(TestHub hub, JackServer server, String name) throws Exception {
        Participant participant = hub.participant(name);
        var stream = participant.stream();
        float[][] returns = hub.hub().jackPorts().buffers(participant.slot());
        double loudest = 0;
        for (float[] channel : returns == null ? new float[0][] : returns) {
            loudest = Math.max(loudest, Analysis.peak(channel, 0, channel.length));
        }
        String sent = stream == null || stream.sender() == null ? "no stream" : Long.toString(stream.sender().sent());
        String graph = String.join("\n", server.connections());
        return "the hub's counts of " + name + "'s port connections: " + hub.hub().jackPorts().connectionCounts(name)
                + "; loudest sample read from its _send_ ports in the last period: " + loudest + "; datagrams from it: "
                + participant.counters().datagrams() + " (foreign: " + participant.counters().foreignDatagrams()
                + "); packets sent to it: " + sent
                + "; JACK's graph:\n" + graph;
    }

    /**
     * Waits (at most {@link #DEADLINE}) until the probe hears its tones at the given inputs: the path
     * through the hub, a JackTrip client and two JACK graph changes is complete only then, and on a
     * stalled machine that takes longer than any fixed wait. Fails with what each part saw if it never is.
     */
    static void awaitTones(JackProbe probe, int[] inputs, double[] hertz, TestHub hub, JackServer server,
                                   String participant, JackTripClient client) throws Exception {
        long took = probe.awaitTones(inputs, hertz, DEADLINE);
        assertTrue(took >= 0, "no tone through " + participant + "'s path within " + DEADLINE.toMillis()
                + " ms (probe: " + probe.stalledCallbacks() + " stalled callbacks, " + probe.xruns() + " xruns; JACK cycles"
                + " the async engine had no outputs ready for: " + hub.hub().timings().lateJackCycles() + "); "
                + whatTheHubSees(hub, server, participant) + "; " + whatTheClientSaw(server, client));
        System.out.println("tone through " + participant + "'s path after " + took + " ms");
    }

    /** For a failure's message: the client's log, and what the JACK server said about it. */
    static String whatTheClientSaw(JackServer server, JackTripClient client) {
        List<String> lines = client.log().lines().toList();
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        String aboutIt = String.join("\n", server.log().lines().filter(l -> l.contains(client.jackName())).toList());
        return client.jackName() + "'s last log lines:\n" + tail + "\nthe JACK server about it:\n" + aboutIt;
    }
}
