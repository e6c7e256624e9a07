package org.tutti.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sender-side impairments, checked where a hub would see them: a fake hub records the sequence
 * number and arrival time of every datagram each client sends, from the java.nio layer and the batched one.
 */
class ImpairmentsOnTheWireTest {
    private static final double PERIOD_NANOS = 128 * 1e9 / 48000;

    private FakeHub hub;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
    }

    @AfterEach
    void stop() throws Exception {
        hub.close();
    }

    private Map<Integer, List<FakeHub.Arrival>> run(LoadConfig.Builder builder) throws Exception {
        LoadConfig config = builder.expect(Expectation.NONE).rampPerSecond(0).warmup(0.2).duration(1.5).build();
        Results r = LoadGenerator.run(config, new PrintStream(OutputStream.nullOutputStream()));
        assertEquals(config.clients(), r.getLong("clients", "connected"));
        Map<Integer, List<FakeHub.Arrival>> arrivals = hub.arrivals();
        assertEquals(config.clients(), arrivals.size(), "one source port per client");
        return arrivals;
    }

    private LoadConfig.Builder clients(ClientIoKind io, int n) {
        return LoadConfig.builder("127.0.0.1", hub.tcpPort()).clients(n).io(io);
    }

    @ParameterizedTest
    @EnumSource(value = ClientIoKind.class, names = {"NIO", "BATCH"})
    void lossSkipsThatShareOfSequenceNumbers(ClientIoKind io) throws Exception {
        long sent = 0;
        long missing = 0;
        for (List<FakeHub.Arrival> stream : run(clients(io, 4).lossPercent(10).seed(5)).values()) {
            int first = stream.get(0).sequence();
            int last = stream.get(stream.size() - 1).sequence();
            long span = last - first + 1;
            sent += span;
            missing += span - stream.size();
            assertEquals(0, outOfOrder(stream), "loss does not reorder");
        }
        double percent = 100.0 * missing / sent;
        assertTrue(percent > 7 && percent < 13, "about 10 % of sequence numbers never arrive: " + percent);
    }

    @ParameterizedTest
    @EnumSource(value = ClientIoKind.class, names = {"NIO", "BATCH"})
    void reorderSwapsNeighboursWithoutLosingAnything(ClientIoKind io) throws Exception {
        long total = 0;
        long late = 0;
        for (List<FakeHub.Arrival> stream : run(clients(io, 4).reorderPercent(10).seed(9)).values()) {
            int max = -1;
            int previous = -1;
            for (FakeHub.Arrival a : stream) {
                if (a.sequence() < max) {
                    late++;
                    assertEquals(previous - 1, a.sequence(), "a held packet follows its successor directly");
                }
                max = Math.max(max, a.sequence());
                previous = a.sequence();
            }
            total += stream.size();
            long distinct = stream.stream().mapToInt(FakeHub.Arrival::sequence).distinct().count();
            assertEquals(max - stream.get(0).sequence() + 1, distinct, "nothing lost");
        }
        double percent = 100.0 * late / total;
        assertTrue(percent > 6.5 && percent < 13.5, "about 10 % arrive after their successor: " + percent);
    }

    @ParameterizedTest
    @EnumSource(value = ClientIoKind.class, names = {"NIO", "BATCH"})
    void jitterDelaysPacketsRandomlyButKeepsTheirOrder(ClientIoKind io) throws Exception {
        for (List<FakeHub.Arrival> stream : run(clients(io, 2).jitterMillis(4).seed(2)).values()) {
            assertEquals(0, outOfOrder(stream));
            double spread = interquartileRange(offsetsFromSchedule(stream));
            // Uniform 0..4 ms: quartiles 2 ms apart. A stall of the machine delays a run of packets, a few
            // in a hundred, which moves the outer percentiles but not the quartiles.
            assertTrue(spread > 1.4e6 && spread < 2.8e6, "arrivals spread over about 4 ms: " + spread / 1e6
                    + " ms between the quartiles");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ClientIoKind.class, names = {"NIO", "BATCH"})
    void unimpairedStreamKeepsRealTimePace(ClientIoKind io) throws Exception {
        for (List<FakeHub.Arrival> stream : run(clients(io, 2)).values()) {
            assertEquals(0, outOfOrder(stream));
            double spread = interquartileRange(offsetsFromSchedule(stream));
            // Half the packets within 0.5 ms of each other: a sender that bursts or drifts off its schedule
            // spreads them over milliseconds; a stall of the machine (a few packets late now and then, a
            // 2.6 ms 5-95 % spread on a shared VM with another build running) does not move the quartiles.
            assertTrue(spread < 0.5e6, "on schedule: " + spread / 1e6 + " ms between the quartiles");
            double rate = packetsPerSecond(stream);
            assertEquals(375.0, rate, 375.0 * 0.002, "48000/128 packets per second");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ClientIoKind.class, names = {"NIO", "BATCH"})
    void clockDriftChangesTheSendRateByThatManyPpm(ClientIoKind io) throws Exception {
        for (List<FakeHub.Arrival> stream : run(clients(io, 2).driftPpm(20_000)).values()) {
            double rate = packetsPerSecond(stream);
            assertEquals(375.0 * 1.02, rate, 375.0 * 0.004, "2 % fast");
        }
    }

    private static int outOfOrder(List<FakeHub.Arrival> stream) {
        int max = -1;
        int late = 0;
        for (FakeHub.Arrival a : stream) {
            if (a.sequence() < max) {
                late++;
            }
            max = Math.max(max, a.sequence());
        }
        return late;
    }

    /** Arrival time minus the nominal schedule (first arrival + index × period), per packet. */
    private static double[] offsetsFromSchedule(List<FakeHub.Arrival> stream) {
        FakeHub.Arrival first = stream.get(0);
        double[] offsets = new double[stream.size()];
        for (int i = 0; i < offsets.length; i++) {
            FakeHub.Arrival a = stream.get(i);
            offsets[i] = a.nanos() - first.nanos() - (a.sequence() - first.sequence()) * PERIOD_NANOS;
        }
        return offsets;
    }

    private static double interquartileRange(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) (sorted.length * 0.75)] - sorted[(int) (sorted.length * 0.25)];
    }

    /** Least-squares slope of sequence number over arrival time. */
    private static double packetsPerSecond(List<FakeHub.Arrival> stream) {
        long t0 = stream.get(0).nanos();
        double n = stream.size();
        double sumT = 0;
        double sumS = 0;
        double sumTT = 0;
        double sumTS = 0;
        for (FakeHub.Arrival a : stream) {
            double t = (a.nanos() - t0) / 1e9;
            double s = a.sequence();
            sumT += t;
            sumS += s;
            sumTT += t * t;
            sumTS += t * s;
        }
        return (n * sumTS - sumT * sumS) / (n * sumTT - sumT * sumT);
    }
}
