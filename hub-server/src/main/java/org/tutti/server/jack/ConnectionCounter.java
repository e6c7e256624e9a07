package org.tutti.server.jack;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/**
 * Asks JACK how many connections one of our ports has until the answer describes the graph as it is.
 * libjack (JACK 2) answers from the graph its server last switched to, and the server switches only at
 * the start of a cycle, so a connection's notification arrives before the graph has it. Two ways the
 * answer is then the old graph's:
 * <ul>
 * <li>a change is pending: libjack sleeps 1.1 periods, once, and reads whatever graph is current; if the
 *     server was stalled through that sleep, it is still the old one. Such an answer is slow.</li>
 * <li>another client's change is being written at the moment of the question: the server marks nothing
 *     pending while it writes, so libjack reads the old graph at once. Such an answer is prompt, and
 *     a port just connected reads unconnected (found when a test connected two ports in a row: the
 *     first stayed silent for good, about one run in fifteen on a busy machine).</li>
 * </ul>
 * So a port JACK has just reported connected is counted as connected whatever the answer ({@code
 * atLeast} 1: the audio thread only tells none from some), and every count is asked again on a
 * schedule ({@link #SETTLE_PERIODS}) and after each slow answer, until {@link #DEADLINE_NANOS}, so that
 * a broken connection's stale count also settles. A count that is still stale after a break only costs
 * the audio thread a port JACK fills with silence. Conductor thread only.
 */
final class ConnectionCounter {
    /** A server that has not switched its graph in this long is stalled for good; the supervisor sees to it. */
    static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * Periods after the first question at which the count is asked again, slow answer or not: a write
     * in progress lasts microseconds and a pending change a cycle, so a handful of questions spread over
     * half a second (at 128 frames, 48 kHz) all landing in one is not what a working server does.
     */
    static final int[] SETTLE_PERIODS = {1, 2, 4, 8, 16, 32, 64, 128, 192};

    private final ScheduledExecutorService conductor;
    private final long periodNanos;
    private final int[] settlePeriods;

    ConnectionCounter(ScheduledExecutorService conductor, long periodNanos) {
        this(conductor, periodNanos, SETTLE_PERIODS);
    }

    /** @param settlePeriods when to ask again, in periods after the first question, ascending */
    ConnectionCounter(ScheduledExecutorService conductor, long periodNanos, int[] settlePeriods) {
        this.conductor = conductor;
        this.periodNanos = periodNanos;
        this.settlePeriods = settlePeriods.clone();
    }

    /**
     * Stores what {@code ask} (JACK's count of a port's connections) answers now, but never less than
     * {@code atLeast}, and again on the settle schedule and after each answer that may be stale, while
     * {@code stillWanted} (the port still belongs where it is stored, and no later change of it was
     * reported: that change's count takes over).
     */
    void count(IntSupplier ask, int atLeast, IntConsumer store, BooleanSupplier stillWanted) {
        long now = System.nanoTime();
        count(ask, atLeast, store, stillWanted, now, now + DEADLINE_NANOS);
    }

    private void count(IntSupplier ask, int atLeast, IntConsumer store, BooleanSupplier stillWanted, long first,
                       long deadline) {
        if (!stillWanted.getAsBoolean()) {
            return;
        }
        long asked = System.nanoTime();
        int connections = ask.getAsInt();
        long answered = System.nanoTime();
        store.accept(Math.max(connections, atLeast));
        long next = answered - asked >= periodNanos
                ? answered + periodNanos // slow: the server had a change pending; ask again once it switched
                : nextSettlePoint(first, answered);
        if (next == Long.MIN_VALUE || next - deadline >= 0) {
            return;
        }
        conductor.schedule(() -> count(ask, atLeast, store, stillWanted, first, deadline),
                Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The first point of the settle schedule after {@code now}, or {@code Long.MIN_VALUE} when none is left. */
    private long nextSettlePoint(long first, long now) {
        for (int periods : settlePeriods) {
            long at = first + periods * periodNanos;
            if (at - now > 0) {
                return at;
            }
        }
        return Long.MIN_VALUE;
    }
}
