package org.tutti.server.impairment;

import org.tutti.server.testing.GapAnalysis;
import org.tutti.server.testing.ImpairmentRelay;
import org.tutti.server.testing.JackProbe;
import org.tutti.server.testing.JackServer;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.MusicSignal;
import org.tutti.testsupport.Ports;

/**
 * One measurement: a real JackTrip client reaches a loopback hub through an impaired line (each
 * direction its own impairment), plays a music-like signal and records what comes back; the gap
 * analysis says how often the return was audibly broken and how long the round trip was.
 */
final class ImpairedLink {
    static final int RATE = 48000;
    static final int MAX_LAG = 24000; // 500 ms

    /**
     * @param diagnostics what the hub (when it can tell) and the client's JACK server saw in the run, to
     *                    attribute its gaps: printed beside the table, not in it
     */
    record Measurement(String hub, String condition, GapAnalysis.Result result, long relayDropped, long relayReordered,
                       String client, String downlink, long relayDroppedDown, String diagnostics) {
        double roundTripMillis() {
            return result.medianLagFrames() * 1000.0 / RATE;
        }
    }

    private static int counter;

    private ImpairedLink() {
    }

    /**
     * @param hubTcpPort the hub to measure (in loopback mode)
     * @param clientFlags JackTrip client settings, the same for every hub compared
     */
    static Measurement measure(String hubName, int hubTcpPort, ImpairmentRelay.Impairment impairment, double seconds,
                               String... clientFlags) throws Exception {
        return measure(hubName, hubTcpPort, impairment, ImpairmentRelay.Impairment.CLEAN, seconds, name -> "",
                clientFlags);
    }

    /**
     * As above, with the way back (hub → client) impaired as well.
     *
     * @param hubSide what the hub saw of the participant named by its argument, asked at the end of the
     *                recording while the client is still connected
     */
    static Measurement measure(String hubName, int hubTcpPort, ImpairmentRelay.Impairment uplink,
                               ImpairmentRelay.Impairment downlink, double seconds,
                               java.util.function.Function<String, String> hubSide, String... clientFlags)
            throws Exception {
        JackServer server = JackServer.shared();
        MusicSignal signal = new MusicSignal(RATE, 0.3);
        int id;
        synchronized (ImpairedLink.class) {
            id = ++counter;
        }
        String[] flags = concat(new String[] {"-K", "imp" + id, "-n", "1"}, clientFlags);
        try (ImpairmentRelay relay = new ImpairmentRelay(hubTcpPort, uplink, downlink, 42 + id);
             JackTripClient client = JackTripClient.start(server, relay.tcpPort(), "jtimp" + id, Ports.freeUdp(), flags)
                     .awaitConnected(15_000);
             JackProbe probe = JackProbe.open(server, "probeimp" + id, 1, 1, seconds + 2)) {
            probe.play(0, signal);
            probe.connectOutput(0, client.jackName() + ":send_1");
            probe.connectInput(0, client.jackName() + ":receive_1");
            Thread.sleep(3000); // let both jitter buffers settle
            long stalledBefore = probe.stalledCallbacks();
            long xrunsBefore = probe.xruns();
            float[] received = probe.record((long) (seconds * 1000))[0];
            String diagnostics = hubSide.apply("imp" + id) + "; the client's JACK server while recording: "
                    + (probe.stalledCallbacks() - stalledBefore) + " stalled callbacks, " + (probe.xruns() - xrunsBefore)
                    + " xruns";
            GapAnalysis.Result result = GapAnalysis.analyse(received, probe.recordingStartFrame(), signal, MAX_LAG);
            diagnostics += "; by second (second:gaps begun@round trip ms): " + result.timeline();
            return new Measurement(hubName, uplink.name(), result, relay.dropped(), relay.reordered(),
                    String.join(" ", clientFlags), downlink.name(), relay.droppedDown(), diagnostics);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A row of the both-ways table. */
    static String rowBothWays(Measurement m) {
        GapAnalysis.Result r = m.result();
        if (r.blocks() == 0) { // nothing that came back matched what was sent, from start to end
            return String.format("| %s | %s | %s | %s | no audio back | 100 %% | - | %d / %d |", m.hub(), m.client(),
                    m.condition(), m.downlink(), m.relayDropped(), m.relayDroppedDown());
        }
        return String.format("| %s | %s | %s | %s | %.2f | %.1f %% | %.1f | %d / %d |", m.hub(), m.client(), m.condition(),
                m.downlink(), r.gapsPerSecond(), 100 * r.brokenShare(), m.roundTripMillis(), m.relayDropped(),
                m.relayDroppedDown());
    }

    static String headerBothWays() {
        return "| hub | client | uplink | downlink | audible gaps / s | broken audio | round trip ms | relay dropped up / down |\n"
                + "|---|---|---|---|---|---|---|---|";
    }

    static String row(Measurement m) {
        GapAnalysis.Result r = m.result();
        return String.format("| %s | %s | %.2f | %.1f %% | %.1f | %d / %d |", m.hub(), m.condition(),
                r.gapsPerSecond(), 100 * r.brokenShare(), m.roundTripMillis(), m.relayDropped(), m.relayReordered());
    }

    static String header() {
        return "| hub | uplink | audible gaps / s | broken audio | round trip ms | relay dropped / reordered |\n"
                + "|---|---|---|---|---|---|";
    }

}
