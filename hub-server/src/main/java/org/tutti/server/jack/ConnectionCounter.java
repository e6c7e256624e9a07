package org.tutti.server.jack;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/**
 * Asks JACK how many connections one of our ports has until the answer describes the graph as it is.
 * libjack answers from the graph its server last switched to, and the server switches only at the
 * start of a cycle, so a connection's notification can arrive first. libjack then sleeps 1.1 periods,
 * once, and answers from whatever graph is current: if the server was stalled through that sleep, the
 * answer is the old graph's, and a port just connected reads unconnected (the audio thread skips it:
 * silence until its next change). An answer that took a period or more had a
 * change pending, so the port is asked again a period later, until an answer comes promptly (nothing
 * pending: the graph includes every change made before the question) or {@link #DEADLINE_NANOS} passes.
 * Conductor thread only.
 */
final class ConnectionCounter {
    /** A server that has not switched its graph in this long is stalled for good; the supervisor sees to it. */
    static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ScheduledExecutorService conductor;
    private final long periodNanos;

    ConnectionCounter(ScheduledExecutorService conductor, long periodNanos) {
        this.conductor = conductor;
        this.periodNanos = periodNanos;
    }

    /**
     * Stores what {@code ask} (JACK's count of a port's connections) answers now, and again after each
     * answer that may be stale, while {@code stillWanted} (the port still belongs where it is stored).
     */
    void count(IntSupplier ask, IntConsumer store, BooleanSupplier stillWanted) {
        count(ask, store, stillWanted, System.nanoTime() + DEADLINE_NANOS);
    }

    private void count(IntSupplier ask, IntConsumer store, BooleanSupplier stillWanted, long deadline) {
        if (!stillWanted.getAsBoolean()) {
            return;
        }
        long asked = System.nanoTime();
        int connections = ask.getAsInt();
        long answered = System.nanoTime();
        store.accept(connections);
        if (answered - asked >= periodNanos && answered - deadline < 0) {
            conductor.schedule(() -> count(ask, store, stillWanted, deadline), periodNanos, TimeUnit.NANOSECONDS);
        }
    }
}
