package org.tutti.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tutti.reflector.Reflector;
import org.tutti.reflector.ReflectorConfig;
import org.tutti.testsupport.Ports;
import org.tutti.transport.Transport;
import picocli.CommandLine;

/**
 * Churn against the reflector on loopback: clients join and leave at the requested rate in the same
 * process as the steady clients, the steady clients are counted apart, and every churn client has
 * left (with exit packets the hub saw) when the run ends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChurnAgainstReflectorTest {
    private static final int STEADY = 4;
    private static final double RATE = 20;
    private static final double STAY = 0.4;
    private static final double ALONE = 1.0;
    private static final double DURATION = 3.0;

    private Reflector reflector;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void startReflector() throws Exception {
        int slots = 64;
        reflector = Reflector.start(new ReflectorConfig(InetAddress.getLoopbackAddress(), 0, Ports.freeUdpRange(slots),
                slots, Transport.NIO, Duration.ofSeconds(10), Duration.ofMillis(100), 65535, Duration.ZERO, false));
    }

    @AfterEach
    void stopReflector() {
        reflector.close();
    }

    private LoadConfig.Builder config() {
        return LoadConfig.builder("127.0.0.1", reflector.tcpPort())
                .clients(STEADY).duration(DURATION).warmup(0.3).rampPerSecond(0)
                .churnRate(RATE).churnStay(STAY).churnStaySpread(0.1).churnStartAfter(ALONE).seed(5);
    }

    private Results run(LoadConfig config) throws Exception {
        return LoadGenerator.run(config, new PrintStream(log, true));
    }

    @ParameterizedTest
    @EnumSource(ClientIoKind.class)
    void churnClientsJoinAndLeaveAtTheRateWhileTheSteadyOnesAreCountedApart(ClientIoKind io) throws Exception {
        io.ensureAvailable(); // Netty ships it for Linux x86_64, where Tutti and CI run: failing to load fails
        Results r = run(config().io(io).build());
        String why = log.toString();

        // The steady clients: all in, both windows reported, and only their own packets counted.
        assertEquals(STEADY, r.getLong("clients", "connected"), why);
        assertEquals(STEADY, r.getLong("clients", "streaming"), why);
        double aloneSeconds = r.getDouble("steady_alone", "seconds");
        double churnSeconds = r.getDouble("steady_churn", "seconds");
        assertTrue(Math.abs(aloneSeconds - ALONE) < 0.1, "alone window: " + aloneSeconds);
        assertTrue(Math.abs(churnSeconds - (DURATION - ALONE)) < 0.1, "churn window: " + churnSeconds);
        double perClient = 48000 / 128.0;
        for (String window : new String[] {"steady_alone", "steady_churn"}) {
            long sent = r.getLong(window, "datagrams_sent");
            double expected = STEADY * perClient * r.getDouble(window, "seconds");
            assertTrue(Math.abs(sent - expected) < expected * 0.05,
                    window + ": only the steady clients' packets: " + sent + " vs " + expected);
            assertEquals(0, r.getLong(window, "seq_lost"), window + why);
            assertEquals(0, r.getLong(window, "audible_gaps"), window + why);
            assertTrue(r.getLong(window, "rtt_count") > 0, window);
        }
        assertEquals(r.getLong("steady_alone", "datagrams_sent") + r.getLong("steady_churn", "datagrams_sent"),
                r.getLong("steady", "datagrams_sent"), "the two windows make up the measured phase");

        // Churn at the requested rate, and every churn client gone at the end.
        long joined = r.getLong("churn", "joined");
        double expectedJoins = RATE * churnSeconds;
        assertTrue(Math.abs(joined - expectedJoins) <= 0.15 * expectedJoins + 1,
                "about " + expectedJoins + " joins: " + joined + why);
        // A join started in the churn window's last instant may still be handshaking when it closes (seen:
        // 41 attempted, 40 joined, none failed); more than that would be joins lost.
        long attempted = r.getLong("churn", "joins_attempted");
        assertTrue(attempted >= joined && attempted <= joined + 1, attempted + " attempted, " + joined + " joined" + why);
        assertEquals(0, r.getLong("churn", "failed"), why);
        assertEquals(0, r.getLong("churn", "skipped_at_max"));
        double leavesPerSecond = r.getDouble("churn", "leaves_per_s");
        // Leaves start one stay after the first join, then keep pace with the joins.
        double expectedLeaves = RATE * (churnSeconds - STAY) / churnSeconds;
        assertTrue(leavesPerSecond > 0.75 * expectedLeaves && leavesPerSecond <= RATE * 1.15,
                "leaves per second: " + leavesPerSecond + " (about " + expectedLeaves + ")");
        double stay = r.getDouble("churn", "stay_mean_s");
        assertTrue(stay > STAY - 0.1 && stay < STAY + 0.15, "mean stay: " + stay);
        assertEquals(0, r.getLong("churn", "active_at_end"), "every churn client left");
        assertEquals(joined, r.getLong("churn", "left") + r.getLong("churn", "ended_by_hub"));
        assertTrue(r.getLong("churn", "active_max") <= Math.ceil(RATE * (STAY + 0.1)) + 3,
                "present at once: " + r.get("churn", "active_max"));

        // The churn clients' own traffic is reported, apart.
        assertTrue(r.getLong("churners", "datagrams_sent") > joined * STAY * perClient * 0.5,
                "churners streamed: " + r.get("churners", "datagrams_sent"));
        assertTrue(r.getLong("churners", "rtt_count") > 0);
        assertEquals(0, r.getLong("churners", "seq_lost"), why);

        // The hub saw each churn client as a new participant that ended with exit packets.
        ReflectorRuns.awaitEmpty(reflector);
        assertEquals(STEADY + joined, reflector.stats().handshakes(), "one handshake per join");
        assertEquals(STEADY + joined, reflector.stats().endedByExit(), "every client, churn or not, left with exits");
        assertEquals(0, reflector.activeClients());
    }

    @Test
    void churnForTheWholeDurationHasNoAloneWindow() throws Exception {
        Results r = run(config().duration(1.0).churnStartAfter(0).build());

        assertEquals(null, r.get("steady_alone", "seconds"), "no window without churn");
        assertTrue(r.getDouble("steady_churn", "seconds") > 0.9);
        assertEquals(r.getLong("steady", "datagrams_sent"), r.getLong("steady_churn", "datagrams_sent"));
        assertTrue(r.getLong("churn", "joined") >= 15, log::toString);
        assertEquals(0, r.getLong("churn", "active_at_end"));
    }

    @Test
    void afterChurnForTheSteadyClientsAreMeasuredAloneAgain() throws Exception {
        Results r = run(config().duration(3.0).churnStartAfter(0.5).churnFor(1.0).build());
        String why = log.toString();

        double after = r.getDouble("steady_after", "seconds");
        double churn = r.getDouble("steady_churn", "seconds");
        // Joins stop after 1 s; the churn window lasts until the last churn client's stay (≤ 0.5 s) is over.
        assertTrue(churn >= 1.0 && churn < 1.8, "churn window: " + churn + why);
        assertTrue(after > 0.6, "after window: " + after);
        assertEquals(r.getLong("steady", "datagrams_sent"), r.getLong("steady_alone", "datagrams_sent")
                + r.getLong("steady_churn", "datagrams_sent") + r.getLong("steady_after", "datagrams_sent"),
                "three windows make up the measured phase");
        assertEquals(0, r.getLong("steady_after", "audible_gaps"), why);
        assertTrue(r.getLong("steady_after", "rtt_count") > 0);
        long joined = r.getLong("churn", "joined");
        assertTrue(Math.abs(joined - RATE) <= 4, "about a second of joins: " + joined);
        assertEquals(joined, r.getLong("churn", "left"), "each left on its own schedule");
        assertEquals(0, r.getLong("churn", "left_at_end"), "none was left for the end");
        assertTrue(why.contains("loadgen: churn over: steady clients alone again"), why);
    }

    @Test
    void joinsBeyondTheMaximumAreSkippedAndCounted() throws Exception {
        Results r = run(config().duration(1.5).churnStartAfter(0).churnRate(40).churnStay(1.0).churnStaySpread(0)
                .churnMax(3).build());

        assertTrue(r.getLong("churn", "active_max") <= 3, "at most 3 at once: " + r.get("churn", "active_max"));
        long skipped = r.getLong("churn", "skipped_at_max");
        assertTrue(skipped > 30, "most joins skipped: " + skipped);
        assertEquals(r.getLong("churn", "joins_attempted"), r.getLong("churn", "joined"), log::toString);
        assertEquals(0, r.getLong("churn", "active_at_end"));
    }

    @Test
    void noChurnMeansNoChurnSections() throws Exception {
        Results r = run(config().churnRate(0).duration(0.5).build());

        assertEquals(null, r.get("churn", "joined"));
        assertEquals(null, r.get("steady_churn", "seconds"));
        assertTrue(r.getLong("steady", "datagrams_sent") > 0);
    }

    @Test
    void commandLineOptionsReachTheConfig() {
        Main main = new Main();
        new CommandLine(main).parseArgs("-n", "16", "-d", "60", "--churn-rate", "10", "--churn-stay", "3",
                "--churn-max", "40", "--churn-start-after", "30");
        LoadConfig c = main.toConfig();
        assertEquals(10, c.churnRate());
        assertEquals(3, c.churnStaySeconds());
        assertEquals(1.5, c.churnStaySpreadSeconds(), "spread defaults to half the stay");
        assertEquals(40, c.churnMax());
        assertEquals(30, c.churnStartAfterSeconds());
        assertEquals("ch", c.churnPrefix());
        assertEquals(40, c.expectedChurners(), "capped by the maximum");

        Main late = new Main();
        new CommandLine(late).parseArgs("-d", "10", "--churn-rate", "10", "--churn-start-after", "10");
        assertThrows(IllegalArgumentException.class, late::toConfig, "churn must start inside the duration");
        Main tooLong = new Main();
        new CommandLine(tooLong).parseArgs("-d", "10", "--churn-rate", "10", "--churn-start-after", "5",
                "--churn-for", "5");
        assertThrows(IllegalArgumentException.class, tooLong::toConfig, "churn must end inside the duration");
    }
}
