package org.tutti.server.impairment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.testing.ImpairmentRelay.Impairment;
import org.tutti.server.testing.JackServer;
import org.tutti.server.testing.JackTripHub;
import org.tutti.server.testing.RepoFiles;
import org.tutti.server.testing.TestHub;
import org.tutti.transport.Transport;

/**
 * The impairment comparison (a benchmark, not part of the default build): Tutti and {@code jacktrip -S}
 * with its PLC strategy, the same JackTrip client settings ({@code -q 4}, with {@code -r 1} or
 * {@code -r 2}), each direction of the line impaired on its own: random loss both ways, bursty loss
 * (Gilbert–Elliott, mean burst 3) both ways, 10 ms jitter and 1% reordering both ways. Run with
 * {@code bench/impairment.sh} (or {@code mvn -B -pl hub-server -am verify -Pimpairment
 * -Dtest=ImpairmentComparisonBench}); the table is printed and written to
 * {@code hub-server/target/impairment.md}.
 */
@Tag("impairment")
class ImpairmentComparisonBench {
    static final double SECONDS = Double.parseDouble(System.getProperty("impairment.seconds", "20"));
    /** Tutti's transport ({@code auto}, the hub's default, or one named), to compare them under loss. */
    static final String TRANSPORT = System.getProperty("impairment.transport", "auto");
    /** Only the conditions whose {@link Condition#label} contains this (all when empty), e.g. {@code "-r 2, 5.0% loss"}. */
    static final String ONLY = System.getProperty("impairment.only", "");
    /** {@code false}: Tutti's rows alone (to compare Tutti with itself, say across transports). */
    static final boolean WITH_JACKTRIP = Boolean.parseBoolean(System.getProperty("impairment.jacktrip", "true"));

    /** One row pair: the client's redundancy and what each direction does. */
    record Condition(int redundancy, Impairment uplink, Impairment downlink) {
        String label() {
            return "-r " + redundancy + ", " + uplink.name() + " / " + downlink.name();
        }

        String[] clientFlags() {
            return new String[] {"-q", "4", "-r", Integer.toString(redundancy)};
        }
    }

    static List<Condition> conditions() {
        List<Condition> all = new ArrayList<>();
        all.add(new Condition(1, Impairment.CLEAN, Impairment.CLEAN));
        for (double loss : new double[] {2, 5}) {
            for (int r = 1; r <= 2; r++) {
                all.add(new Condition(r, Impairment.loss(loss), Impairment.loss(loss)));
            }
        }
        for (int r = 1; r <= 2; r++) {
            all.add(new Condition(r, Impairment.burstyLoss(2, 3), Impairment.burstyLoss(2, 3)));
        }
        all.add(new Condition(1, Impairment.jitter(10), Impairment.jitter(10)));
        all.add(new Condition(1, Impairment.reorder(1), Impairment.reorder(1)));
        return all;
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 60, unit = java.util.concurrent.TimeUnit.MINUTES) // many rows, one test
    void compareTuttiWithJackTripUnderImpairment() throws Exception {
        List<String> rows = new ArrayList<>();
        rows.add(ImpairedLink.headerBothWays());
        String tuttiQueue = System.getProperty("impairment.tutti.queue", "auto");
        String jacktripQueue = System.getProperty("impairment.jacktrip.queue", "auto");
        for (Condition condition : conditions()) {
            if (!condition.label().contains(ONLY)) {
                continue;
            }
            try (TestHub tutti = TestHub.start(b -> {
                    b.patchMode(PatchMode.CLIENT_LOOPBACK);
                    b.transport = Transport.select(TRANSPORT);
                    if (tuttiQueue.equals("auto")) {
                        b.queueAuto = true; // -q auto, default margin, Burg concealment, -r auto (the defaults)
                    } else {
                        b.queuePackets(Integer.parseInt(tuttiQueue));
                    }
                })) {
                ImpairedLink.Measurement measured = ImpairedLink.measure("Tutti -q " + tuttiQueue, tutti.tcpPort(),
                        condition.uplink(), condition.downlink(), SECONDS, name -> hubSide(tutti, name),
                        condition.clientFlags());
                rows.add(ImpairedLink.rowBothWays(measured));
                System.out.println(rows.get(rows.size() - 1));
                System.out.println("  " + measured.diagnostics());
            }
            if (!WITH_JACKTRIP) {
                continue;
            }
            try (JackTripHub jacktrip = JackTripHub.start(JackServer.shared(), "-p", "1", "--bufstrategy", "3",
                    "-q", jacktripQueue)) {
                ImpairedLink.Measurement measured = ImpairedLink.measure("jacktrip -S --bufstrategy 3 -q "
                        + jacktripQueue, jacktrip.tcpPort(), condition.uplink(), condition.downlink(), SECONDS,
                        name -> "jacktrip -S tells nothing", condition.clientFlags());
                rows.add(ImpairedLink.rowBothWays(measured));
                System.out.println(rows.get(rows.size() - 1));
                System.out.println("  " + measured.diagnostics());
            }
        }
        rows.add("");
        rows.add("Tutti's transport: " + Transport.select(TRANSPORT).label() + " (`-Dimpairment.transport`, " + TRANSPORT + ").");
        String table = String.join("\n", rows) + "\n";
        System.out.println(table);
        Files.writeString(RepoFiles.resolve("hub-server/target/impairment.md"), table);
    }

    /**
     * The hub's side of a row, to tell its own gaps (underruns, concealment, a depth that went deep,
     * late engine periods) from the client's: its jitter buffer's counters and depth, and what it sent.
     */
    private static String hubSide(TestHub hub, String name) {
        org.tutti.server.engine.ParticipantStream stream;
        try {
            var participant = hub.participant(name);
            stream = participant == null ? null : participant.stream();
        } catch (Exception e) {
            return "the hub could not say (" + e + ")";
        }
        if (stream == null) {
            return "the hub has no stream for " + name;
        }
        return String.format(java.util.Locale.ROOT, "hub: %s; depth %d frames, target %d; sent %d datagrams of %d"
                        + " packets each (%d not sent); engine: %d late periods, %d skipped, latest %.1f ms late",
                stream.jitter().stats(), stream.jitter().depthFrames(), stream.reader().targetFrames(),
                stream.sender().sent(), stream.sender().redundancy(), stream.sender().skipped(),
                hub.hub().timings().latePeriods(), hub.hub().timings().skippedPeriods(),
                hub.hub().timings().maxLatenessNanos() / 1e6);
    }
}
