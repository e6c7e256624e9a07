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

/**
 * The impairment comparison (a benchmark, not part of the default build): Tutti and {@code jacktrip -S}
 * with its PLC strategy, the same JackTrip client settings, under 2% and 5% loss, 10 ms jitter and
 * 1% reordering on the uplink. Run with {@code mvn -B -pl hub-server -am verify -Pimpairment}; the
 * table is printed and written to {@code hub-server/target/impairment.md}.
 */
@Tag("impairment")
class ImpairmentComparisonBench {
    static final double SECONDS = Double.parseDouble(System.getProperty("impairment.seconds", "20"));
    static final String[] CLIENT = {"-q", "4"};

    @Test
    @org.junit.jupiter.api.Timeout(value = 60, unit = java.util.concurrent.TimeUnit.MINUTES) // many rows, one test
    void compareTuttiWithJackTripUnderImpairment() throws Exception {
        List<Impairment> conditions = List.of(Impairment.CLEAN, Impairment.loss(2), Impairment.loss(5),
                Impairment.jitter(10), Impairment.reorder(1));
        List<String> rows = new ArrayList<>();
        rows.add(ImpairedLink.header());
        String tuttiQueue = System.getProperty("impairment.tutti.queue", "auto");
        for (Impairment condition : conditions) {
            try (TestHub tutti = TestHub.start(b -> {
                    b.patchMode(PatchMode.CLIENT_LOOPBACK);
                    if (tuttiQueue.equals("auto")) {
                        b.queueAuto = true; // -q auto, default margin, Burg concealment (the default)
                    } else {
                        b.queuePackets(Integer.parseInt(tuttiQueue));
                    }
                })) {
                rows.add(ImpairedLink.row(ImpairedLink.measure("Tutti -q " + tuttiQueue, tutti.tcpPort(), condition,
                        SECONDS, CLIENT)));
                System.out.println(rows.get(rows.size() - 1));
            }
            try (JackTripHub jacktrip = JackTripHub.start(JackServer.shared(), "-p", "1", "--bufstrategy", "3",
                    "-q", System.getProperty("impairment.jacktrip.queue", "auto"))) {
                rows.add(ImpairedLink.row(ImpairedLink.measure("jacktrip -S --bufstrategy 3 -q "
                        + System.getProperty("impairment.jacktrip.queue", "auto"), jacktrip.tcpPort(),
                        condition, SECONDS, CLIENT)));
                System.out.println(rows.get(rows.size() - 1));
            }
        }
        String table = String.join("\n", rows) + "\n";
        System.out.println(table);
        Files.writeString(RepoFiles.resolve("hub-server/target/impairment.md"), table);
    }
}
