package org.tutti.server.realclients;

import java.io.IOException;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackServer;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.Ports;
import org.tutti.server.testing.Signal;

/** Shared steps of the real-client tests: start a JackTrip client and wire a probe to its ports. */
final class RealClients {
    static final int RATE = 48000;
    private static int counter;

    private RealClients() {
    }

    /** A unique JACK client name for this JVM. */
    static synchronized String uniqueName(String base) {
        return base + "_" + (++counter);
    }

    /** Starts a stereo 16-bit JackTrip client named {@code name} (-K) and waits for hub audio. */
    static JackTripClient client(int hubTcp, String name, String... extra) throws IOException {
        String[] flags = concat(new String[] {"-K", name}, extra.length == 0 ? new String[] {"-n", "2", "-b", "16"} : extra);
        return JackTripClient.start(JackServer.shared(), hubTcp, uniqueName("jt"), Ports.freeUdp(), flags)
                .awaitConnected(10_000);
    }

    /** A probe playing {@code signals} into the client's send ports and recording its receive ports. */
    static JackProbe probe(JackTripClient client, int receiveChannels, Signal... signals) throws Exception {
        JackProbe probe = JackProbe.open(client.server(), uniqueName("probe"), signals.length, receiveChannels, 20);
        for (int i = 0; i < signals.length; i++) {
            probe.play(i, signals[i]);
            probe.connectOutput(i, client.jackName() + ":send_" + (i + 1));
        }
        for (int i = 0; i < receiveChannels; i++) {
            probe.connectInput(i, client.jackName() + ":receive_" + (i + 1));
        }
        return probe;
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
