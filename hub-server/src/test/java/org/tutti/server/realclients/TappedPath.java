package org.tutti.server.realclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.tutti.server.testing.ImpairmentRelay;
import org.tutti.server.testing.ImpairmentRelay.Impairment;
import org.tutti.server.testing.JackTripVersion;
import org.tutti.server.testing.RelayTap;
import org.tutti.server.testing.StallWitness;
import org.tutti.server.testing.StreamContinuity;
import org.tutti.server.testing.TestHub;
import org.tutti.testsupport.KernelUdpCounters;

/**
 * The path between a real client and the hub, through a relay that taps both ways: what the hub got
 * (the client's ramp as it left the client) and what it sent back. An exactness test judges the hub on
 * that, where only the hub acts: what the client's own buffer and JACK server do to the way back (on a
 * VM that stalls every few hundred milliseconds) is the client's, and is judged apart, more leniently.
 */
final class TappedPath implements AutoCloseable {
    /** How long before a break in what the hub sent the hub may have counted it: a concealment that
     *  continues the ramp exactly shows at the ramp's next wrap, 1000 samples (21 ms) on; plus a period. */
    private static final long COUNTED_BEFORE_NANOS = 25_000_000L;
    /** How long after (or after the witness could look again): its polling and the hub's publishing. */
    private static final long COUNTED_AFTER_NANOS = 20_000_000L;

    /** Length of {@link org.tutti.server.testing.Signal#ramp16()}: every sample names its place in it. */
    private static final int RAMP = 1000;

    private final ImpairmentRelay relay;
    private final RelayTap got = new RelayTap(RealClients.PACKET, 20);
    private final RelayTap sent = new RelayTap(RealClients.PACKET, 20);
    private long kernelDropsAtStart;
    private long kernelDrops;

    private TappedPath(ImpairmentRelay relay, Consumer<ByteBuffer> alsoDown) {
        this.relay = relay;
        relay.observeUplink(got);
        relay.observeDownlink(alsoDown == null ? sent : sent.andThen(alsoDown));
    }

    /** A clean path to {@code hub}. */
    static TappedPath to(TestHub hub) throws IOException {
        return new TappedPath(new ImpairmentRelay(hub.tcpPort(), Impairment.CLEAN, 1), null);
    }

    /** A path through {@code relay}, whose downlink {@code alsoDown} reads as well. */
    static TappedPath through(ImpairmentRelay relay, Consumer<ByteBuffer> alsoDown) {
        return new TappedPath(relay, alsoDown);
    }

    /** Where the client connects. */
    int tcpPort() {
        return relay.tcpPort();
    }

    ImpairmentRelay relay() {
        return relay;
    }

    /**
     * Starts keeping what passes, both ways (when the test starts recording). What the hub got is kept
     * from 200 ms earlier, so that a break the client sent just before is there to explain its echo, which
     * leaves the hub a buffer's depth later.
     */
    void start() throws InterruptedException {
        kernelDropsAtStart = KernelUdpCounters.receiveBufferErrors();
        got.start();
        Thread.sleep(200);
        sent.start();
    }

    /** Stops keeping (when the test stops recording). */
    void stop() {
        got.stop();
        sent.stop();
        kernelDrops = KernelUdpCounters.receiveBufferErrors() - kernelDropsAtStart;
    }

    /**
     * What the hub sent is the ramp it got, exact: every break in it is one the client sent (the same jump
     * over the same broken samples in what the hub got), or one the hub counted when it made it (a
     * concealment, a realignment, a trim, a packet it could not send: the witness's hub-side counters
     * rising then) with a stall near it. A break the hub made and did not count, as a skipped packet, fails
     * the test however much the machine stalled.
     * Every packet the hub sent must reach the relay, unless the kernel dropped datagrams meanwhile.
     */
    void assertHubSentWhatItGot(StallWitness witness, Object hubSide) {
        int[] gotPositions = positions(got);
        int[] sentPositions = positions(sent);
        StreamContinuity in = StreamContinuity.of(gotPositions, RAMP);
        StreamContinuity out = StreamContinuity.of(sentPositions, RAMP);
        int samples = sent.packets() * sent.frames();
        assertTrue(sent.packets() > 0 && out.exactSamples() > samples / 2,
                "the hub sent the ramp back: " + out + " in " + sent.packets() + " packets");
        if (kernelDrops == 0) {
            assertEquals(0, sent.missing(), "packets the hub sent that never reached the relay (the kernel"
                    + " dropped none meanwhile), of " + sent.packets());
        }
        List<StreamContinuity.Glitch> fromClient = new ArrayList<>(in.glitches());
        List<String> counted = new ArrayList<>();
        List<String> passedOn = new ArrayList<>();
        List<String> unexplained = new ArrayList<>();
        long zero = sent.sentNanos(nearestPresent(sent, 0));
        for (StreamContinuity.Glitch glitch : out.glitches()) {
            if (glitch.start() + glitch.brokenSamples() >= samples) {
                continue; // still broken when the taps stopped: judged in the next recording, if any
            }
            long at = sent.sentNanos(nearestPresent(sent, glitch.start() / sent.frames()));
            List<StallWitness.Event> hubCounted = witness.events().stream()
                    .filter(e -> RealClients.isHubTrouble(e) && e.nanos() >= at - COUNTED_BEFORE_NANOS
                            && e.nanos() <= witness.seeing(at) + COUNTED_AFTER_NANOS).toList();
            // The same break in what the hub got, before it and no longer before than a stalled buffer holds.
            StreamContinuity.Glitch same = fromClient.stream().filter(g -> g.jump() == glitch.jump()
                    && g.brokenSamples() == glitch.brokenSamples() && cameBefore(g, at)
                    && sameSamples(gotPositions, g, sentPositions, glitch)).findFirst().orElse(null);
            String where = String.format(Locale.ROOT, "%s sent at %+.3f s", glitch, (at - zero) / 1e9);
            // What the hub counted needs a cause it could not help: the client's packets stopping, the hub
            // itself or the whole machine descheduled.
            List<StallWitness.Event> stalls = witness.near(at, RealClients.CAUSE_BEFORE_NANOS,
                    RealClients.CAUSE_BEFORE_NANOS).stream().filter(e -> !RealClients.isHubTrouble(e)).toList();
            if (!hubCounted.isEmpty() && !stalls.isEmpty()) {
                counted.add(where + ", counted " + relative(hubCounted, zero));
            } else if (!hubCounted.isEmpty()) {
                unexplained.add(where + ", counted " + relative(hubCounted, zero) + " with no stall within "
                        + RealClients.CAUSE_BEFORE_NANOS / 1_000_000 + " ms");
            } else if (same != null) {
                fromClient.remove(same);
                passedOn.add(where + String.format(Locale.ROOT, ", as the client sent it at %+.3f s",
                        (got.observedNanos(nearestPresent(got, same.start() / got.frames())) - zero) / 1e9));
            } else {
                unexplained.add(where + "; the witness saw around it: " + relative(witness.near(at, 500_000_000L,
                        500_000_000L), zero));
            }
        }
        String summary = JackTripVersion.current() + " the hub got " + in + " in " + got.packets() + " packets ("
                + got.missing() + " missing); sent " + out + " in " + sent.packets() + " packets (" + sent.missing()
                + " missing; the kernel dropped " + kernelDrops + " datagrams meanwhile); breaks the hub counted: "
                + counted + "; passed on from the client: " + passedOn + "; hub: " + hubSide;
        System.out.println(summary);
        assertTrue(unexplained.isEmpty(), "breaks in what the hub sent that neither the client sent nor the"
                + " hub counted (the hub's doing): " + unexplained + "; " + summary);
    }

    /**
     * The ramp position of each sample (−1 for a sample that is no ramp value). A packet that never reached
     * the relay is taken to continue what came before it: a break that starts inside it still shows in the
     * packet after (the hub's stream stays off from then on), and packets the relay missed are judged above.
     */
    private static int[] positions(RelayTap tap) {
        float[] channel = tap.firstChannel();
        int[] positions = new int[channel.length];
        for (int i = 0; i < channel.length; i++) {
            float sample = channel[i];
            if (Float.isNaN(sample)) {
                positions[i] = i > 0 && positions[i - 1] >= 0 ? (positions[i - 1] + 1) % RAMP : -1;
                continue;
            }
            int k = Math.round(sample * 32768f);
            positions[i] = k >= 0 && k < RAMP && k / 32768f == sample ? k : -1;
        }
        return positions;
    }

    /**
     * Whether two breaks are the same samples: the same last ramp value before and first after. (A
     * client's break and a hub's own at another place in the ramp coincide in one case of 125: breaks
     * fall on packet boundaries, at multiples of 8 in the 1000-sample ramp.)
     */
    private static boolean sameSamples(int[] a, StreamContinuity.Glitch x, int[] b, StreamContinuity.Glitch y) {
        int resumedX = x.start() + x.brokenSamples();
        int resumedY = y.start() + y.brokenSamples();
        return x.start() > 0 && y.start() > 0 && resumedX < a.length && resumedY < b.length
                && a[x.start() - 1] == b[y.start() - 1] && a[resumedX] == b[resumedY];
    }

    /** Whether the hub got {@code glitch} before {@code sentNanos}, by at most a second (a deep buffer after a stall). */
    private boolean cameBefore(StreamContinuity.Glitch glitch, long sentNanos) {
        long came = got.observedNanos(nearestPresent(got, glitch.start() / got.frames()));
        return came <= sentNanos && sentNanos - came <= 1_000_000_000L;
    }

    private static List<String> relative(List<StallWitness.Event> events, long zero) {
        return events.stream().map(e -> String.format(Locale.ROOT, "%+.3f s %s", (e.nanos() - zero) / 1e9, e.what()))
                .toList();
    }

    private static int nearestPresent(RelayTap tap, int packet) {
        for (int d = 0; d < tap.packets(); d++) {
            if (tap.present(packet + d)) {
                return packet + d;
            }
            if (packet - d >= 0 && tap.present(packet - d)) {
                return packet - d;
            }
        }
        throw new IllegalStateException("no packet came");
    }

    @Override
    public void close() throws IOException {
        relay.close();
    }
}
