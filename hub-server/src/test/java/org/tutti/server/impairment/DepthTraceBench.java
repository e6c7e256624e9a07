package org.tutti.server.impairment;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.PatchMode;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.jitter.JitterStats;
import org.tutti.server.testing.ClientTimeLosses;
import org.tutti.server.testing.ImpairmentRelay;
import org.tutti.server.testing.ImpairmentRelay.Impairment;
import org.tutti.server.testing.JackServer;
import org.tutti.server.testing.JackTripClient;
import org.tutti.server.testing.RelayTap;
import org.tutti.server.testing.StallWitness;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.Ports;

/**
 * A diagnostic, not part of the default build: one real JackTrip client ({@code -q 4}) straight into a
 * loopback hub, and a line for every change of the hub's jitter-buffer counters (polled every 2 ms)
 * with the depth, the target, the measured arrival spread, the clock estimate and the engine's late
 * periods at that moment. It tells an episode of the machine (arrival stalls, late periods, counters
 * moving together) from a depth that is too shallow. {@code -Dtrace.queue=4|auto},
 * {@code -Dtrace.seconds=40}:
 * {@code mvn -B -pl hub-server -am verify -Pimpairment -Dtest=DepthTraceBench -Dtrace.queue=4}.
 */
@Tag("impairment")
class DepthTraceBench {
    static final int PACKET = 128;
    static final int RATE = 48000;

    private record Counters(long underruns, long lost, long late, long reprimes, long realignments, long stalls,
                            long gaps, long timeLosses) {
        static Counters of(JitterStats s) {
            return new Counters(s.underruns(), s.lost(), s.late(), s.reprimes(), s.realignments(), s.arrivalStalls(),
                    s.gaps(), s.senderTimeLosses());
        }

        String minus(Counters before) {
            return String.format("gaps +%d underruns +%d lost +%d late +%d reprimes +%d realignments +%d stalls +%d"
                            + " time losses +%d", gaps - before.gaps, underruns - before.underruns, lost - before.lost,
                    late - before.late, reprimes - before.reprimes, realignments - before.realignments,
                    stalls - before.stalls, timeLosses - before.timeLosses);
        }
    }

    @Test
    void trace() throws Exception {
        String queue = System.getProperty("trace.queue", "4");
        int seconds = Integer.getInteger("trace.seconds", 40);
        double jitterFrom = Double.parseDouble(System.getProperty("trace.jitterFrom", "-1"));
        double jitterTo = Double.parseDouble(System.getProperty("trace.jitterTo", "-1"));
        try (TestHub hub = TestHub.start(b -> {
                 b.patchMode(PatchMode.CLIENT_LOOPBACK);
                 if (queue.equals("auto")) {
                     b.queueAuto = true;
                 } else {
                     b.queuePackets(Integer.parseInt(queue));
                 }
             });
             ImpairmentRelay relay = new ImpairmentRelay(hub.tcpPort(), Impairment.CLEAN, 1);
             JackTripClient client = JackTripClient.start(JackServer.shared(), relay.tcpPort(), "jttrace",
                     Ports.freeUdp(), "-K", "trace", "-n", "1", "-q", "4").awaitConnected(15_000)) {
            RelayTap sent = new RelayTap(PACKET, seconds + 30);
            relay.observeUplink(sent);
            sent.start();
            TestHub.await(java.time.Duration.ofSeconds(10), "streaming",
                    () -> hub.participant("trace") != null && hub.participant("trace").stream() != null);
            ParticipantStream stream = hub.participant("trace").stream();
            StallWitness witness = StallWitness.start()
                    .watch("hub late periods", () -> hub.hub().timings().latePeriods());
            long start = System.nanoTime();
            System.out.println("trace starts at " + java.time.Instant.now() + " (0 s below)");
            Counters last = Counters.of(stream.jitter().stats());
            List<String> lines = new ArrayList<>(); // printed at the end: printing while tracing would disturb it
            boolean jittering = false;
            for (double t = 0; t < seconds; t = (System.nanoTime() - start) / 1e9) {
                if (!jittering && jitterFrom >= 0 && t >= jitterFrom && t < jitterTo) {
                    relay.impairUplink(Impairment.jitter(10));
                    lines.add(String.format("%7.3f s 10 ms of uplink jitter begins", t));
                    jittering = true;
                } else if (jittering && t >= jitterTo) {
                    relay.impairUplink(Impairment.CLEAN);
                    lines.add(String.format("%7.3f s the uplink is clean again", t));
                    jittering = false;
                }
                JitterStats stats = stream.jitter().stats();
                Counters now = Counters.of(stats);
                if (!now.equals(last)) {
                    lines.add(String.format("%7.3f s %s (longest gap %.1f ms) depth %d target %d spread %.2f ms"
                                    + " drift %.1f ppm correction %.1f ppm late periods %d",
                            t, now.minus(last), stats.longestArrivalGapNanos() / 1e6,
                            stream.jitter().depthFrames(), stream.reader().targetFrames(),
                            stream.jitter().arrivalSpreadSeconds() * 1e3, stream.jitter().drift().ppm(),
                            stream.reader().correctionPpm(), hub.hub().timings().latePeriods()));
                    last = now;
                }
                Thread.sleep(2);
            }
            sent.stop();
            witness.close();
            for (StallWitness.Event event : witness.events()) {
                lines.add(String.format("%7.3f s %s", (event.nanos() - start) / 1e9, event.what()));
            }
            List<long[]> lateSends = relay.lateSends();
            List<long[]> lateReads = relay.lateReads();
            addLate(lines, lateSends, start, "the relay sent a delayed datagram %.1f ms late");
            addLate(lines, lateReads, start, "the relay read a datagram %.1f ms after it was sent");
            List<ClientTimeLosses.Loss> losses = ClientTimeLosses.of(sent, RATE);
            for (ClientTimeLosses.Loss loss : losses) {
                lines.add(String.format("%7.3f s the client lost %.1f ms (its packets, on the clean side of the line)",
                        (loss.observedNanos() - start) / 1e9, loss.millis()));
            }
            lines.sort(java.util.Comparator.comparingDouble(line -> Double.parseDouble(line.substring(0, 7).strip())));
            lines.forEach(System.out::println);
            System.out.printf("the client lost time %d times, %.1f ms in all%n", losses.size(),
                    losses.stream().mapToDouble(ClientTimeLosses.Loss::millis).sum());
            System.out.printf("the relay sent %d delayed datagrams a millisecond late or more, read %d a millisecond"
                    + " or more after they were sent%n", lateSends.size(), lateReads.size());
            System.out.println("trace end (" + queue + ", " + seconds + " s): " + stream.jitter().stats()
                    + "; target " + stream.reader().targetFrames() + " frames");
        }
    }

    /** A line for each of the relay's {when, how late} of 3 ms or more: the smaller ones are its timer's. */
    private static void addLate(List<String> lines, List<long[]> late, long start, String what) {
        for (long[] event : late) {
            if (event[1] >= 3_000_000L) {
                lines.add(String.format("%7.3f s " + what, (event[0] - start) / 1e9, event[1] / 1e6));
            }
        }
    }
}
