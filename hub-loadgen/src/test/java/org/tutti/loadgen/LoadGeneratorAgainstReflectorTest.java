package org.tutti.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tutti.reflector.Reflector;
import org.tutti.reflector.ReflectorConfig;
import org.tutti.testsupport.KernelUdpCounters;
import org.tutti.testsupport.Ports;
import org.tutti.transport.Transport;

/** The load generator end to end against the reflector, the physical-floor hub, on loopback. */
class LoadGeneratorAgainstReflectorTest {
    private Reflector reflector;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void startReflector() throws Exception {
        int udpBase = Ports.freeUdpRange(16);
        reflector = Reflector.start(new ReflectorConfig(InetAddress.getLoopbackAddress(), 0, udpBase, 16,
                Transport.NIO, Duration.ofSeconds(10), Duration.ofMillis(100), 65535, Duration.ZERO, false));
    }

    @AfterEach
    void stopReflector() {
        reflector.close();
    }

    private LoadConfig.Builder config(int clients) {
        return LoadConfig.builder("127.0.0.1", reflector.tcpPort())
                .clients(clients).duration(1.5).warmup(0.5).rampPerSecond(0);
    }

    private Results run(LoadConfig config) throws Exception {
        return LoadGenerator.run(config, new PrintStream(log, true));
    }

    @ParameterizedTest
    @EnumSource(ClientIoKind.class)
    void everyClientConnectsAndGetsItsOwnAudioBackWithoutGaps(ClientIoKind io) throws Exception {
        io.ensureAvailable(); // Netty ships it for Linux x86_64, where Tutti and CI run: failing to load fails
        long kernelDropsBefore = KernelUdpCounters.receiveBufferErrors();
        Results r = run(config(4).io(io).build());
        long machineDrops = KernelUdpCounters.receiveBufferErrors() - kernelDropsBefore + reflector.echoesDropped();

        assertEquals(4, r.getLong("clients", "connected"), log::toString);
        assertEquals(4, r.getLong("clients", "streaming"), log::toString);
        assertEquals(0, r.getLong("clients", "hub_exits"), log::toString);
        long sent = r.getLong("steady", "datagrams_sent");
        assertTrue(sent >= 4 * 375 * 1.5 * 0.95, "real-time pace: " + sent);
        assertTrue(r.getLong("steady", "datagrams_received") >= sent * 0.99, "echoes come back");
        // On loopback a datagram is lost only where a receiving socket's buffer was full: its reader (the load
        // generator's or the reflector's loop) stopped for longer than the buffer lasts, which a stalled machine does
        // (one packet, once in about 40 suite runs beside a half-busy core), or where the reflector could not send.
        // Each such loss breaks the ramp once, one frame of it; any loss, gap or broken frame beyond the drops the
        // kernel and the reflector counted is the load generator's.
        long lost = r.getLong("steady", "seq_lost");
        String drops = "; the kernel and the reflector dropped " + machineDrops + " datagrams in the run\n" + log;
        assertTrue(lost <= machineDrops, () -> lost + " packets lost" + drops);
        assertEquals(0, r.getLong("steady", "seq_out_of_order"), () -> "out of order" + drops);
        assertTrue(r.getLong("steady", "audible_gaps") <= lost, () -> r.get("steady", "audible_gaps")
                + " audible gaps with " + lost + " packets lost" + drops);
        assertTrue(r.getLong("steady", "bad_frames") <= lost, () -> r.get("steady", "bad_frames")
                + " broken frames with " + lost + " packets lost" + drops);
        assertTrue(r.getLong("steady", "frames_checked") >= sent * 128 * 0.9, "the ramp was checked");
        assertTrue(r.getLong("steady", "rtt_count") >= sent * 0.9, "every returned packet is timed");
        assertTrue(r.getDouble("steady", "rtt_p50_ms") < 5, "loopback RTT is small: " + r.get("steady", "rtt_p50_ms"));
        assertTrue(r.getDouble("steady", "rtt_p99_ms") < 50, "p99 RTT: " + r.get("steady", "rtt_p99_ms"));
        assertTrue(r.getDouble("cpu", "process_seconds") > 0);
        ReflectorRuns.awaitEmpty(reflector);
        assertEquals(4, reflector.stats().endedByExit(), "every client sent exit packets at the end");
    }

    @ParameterizedTest
    @EnumSource(value = ClientIoKind.class, names = {"NIO", "BATCH"})
    void lossOnTheWayInIsSeenOnTheWayBackAsLostPacketsAndAudibleGaps(ClientIoKind io) throws Exception {
        Results r = run(config(4).io(io).lossPercent(10).seed(7).build());

        double lostPercent = r.getDouble("steady", "seq_lost_percent");
        assertTrue(lostPercent > 7 && lostPercent < 13, "about 10 % lost: " + lostPercent);
        long dropped = r.getLong("total", "impairment_dropped");
        long lost = r.getLong("total", "seq_lost");
        assertTrue(Math.abs(dropped - lost) <= 8, "every dropped packet is missing: " + dropped + " vs " + lost);
        long gaps = r.getLong("steady", "audible_gaps");
        long gapEvents = r.getLong("steady", "seq_gap_events");
        assertTrue(gaps > 0 && Math.abs(gaps - gapEvents) <= 4,
                "each run of lost packets is one audible gap: " + gaps + " vs " + gapEvents);
    }

    @ParameterizedTest
    @EnumSource(value = ClientIoKind.class, names = {"NIO", "BATCH"})
    void redundancyRevivesPacketsLostOnTheWayIn(ClientIoKind io) throws Exception {
        Results r = run(config(2).io(io).lossPercent(10).redundancy(2).seed(3).build());

        assertTrue(r.getLong("steady", "revived") > 0, "lost packets come back from slot 1");
        double lostPercent = r.getDouble("steady", "seq_lost_percent");
        assertTrue(lostPercent < 3, "only back-to-back losses stay lost: " + lostPercent);
        assertEquals(1056, r.getLong("config", "datagram_bytes"));
    }

    @ParameterizedTest
    @EnumSource(value = ClientIoKind.class, names = {"NIO", "BATCH"})
    void reorderedPacketsArriveLateAndAreNotPlayed(ClientIoKind io) throws Exception {
        Results r = run(config(4).io(io).reorderPercent(10).seed(11).build());

        long received = r.getLong("steady", "packets_received");
        long late = r.getLong("steady", "seq_out_of_order");
        double percent = 100.0 * late / received;
        assertTrue(percent > 6.5 && percent < 13.5, "about 10 % out of order: " + percent);
        assertEquals(0, r.getLong("steady", "seq_lost"), "reordered, not lost");
        assertEquals(0, r.getLong("steady", "seq_duplicates"));
        assertTrue(r.getLong("steady", "audible_gaps") > 0, "without a jitter buffer a late packet is a gap");
    }

    @Test
    void resultsAreWrittenAsJsonAndTsv(@TempDir Path dir) throws Exception {
        Results r = run(config(1).duration(0.5).warmup(0.2).reportIntervalSeconds(0.25).build());
        Path json = dir.resolve("r.json");
        Path tsv = dir.resolve("r.tsv");
        r.write(json);
        r.write(tsv);

        String text = Files.readString(json);
        assertTrue(text.contains("\"steady\": {\"seconds\""), text);
        assertTrue(text.contains("\"percent_of_one_core\""), text);
        assertTrue(text.contains("\"timeline\": [\n    {\"t\""), text);
        String[] lines = Files.readString(tsv).split("\n");
        assertEquals(2, lines.length);
        assertEquals(lines[0].split("\t").length, lines[1].split("\t").length);
        assertTrue(lines[0].contains("steady.rtt_p99_ms"));
    }
}
