package org.tutti.server.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * What the machine did during a test, with times: a thread that asks to wake every millisecond and
 * notes when it woke much later (the machine, or this JVM, stalled), plus counters it watches (the
 * hub's arrival stalls and late periods, the JACK server's xruns and stalled callbacks) with the time
 * each one rose. A glitch in a recording is the hub's fault unless one of these explains it.
 */
public final class StallWitness implements AutoCloseable {
    /** Waking this much later than asked is a stall. */
    static final long LATE_NANOS = 8_000_000L;

    /** One thing seen: when (System.nanoTime) and what. */
    public record Event(long nanos, String what) {
    }

    private final List<Event> events = new ArrayList<>();
    /** [from, to] of each time this thread woke late: it saw no counter rise in between. */
    private final List<long[]> blind = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<LongSupplier> counters = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private StallWitness() {
        thread = new Thread(this::run, "stall-witness");
        thread.setDaemon(true);
    }

    public static StallWitness start() {
        StallWitness witness = new StallWitness();
        witness.thread.start();
        return witness;
    }

    /** Notes the time whenever {@code counter} rises. */
    public synchronized StallWitness watch(String name, LongSupplier counter) {
        names.add(name);
        counters.add(counter);
        return this;
    }

    private void run() {
        long[] last = new long[0];
        long previous = System.nanoTime();
        while (running) {
            LockSupport.parkNanos(1_000_000L);
            long now = System.nanoTime();
            long late = now - previous - 1_000_000L;
            if (late > LATE_NANOS) {
                add(new Event(previous, "this JVM woke " + late / 1_000_000 + " ms late"));
                synchronized (this) {
                    blind.add(new long[] {previous, now});
                }
            }
            previous = now;
            synchronized (this) {
                if (last.length != counters.size()) {
                    long[] grown = java.util.Arrays.copyOf(last, counters.size());
                    for (int i = last.length; i < grown.length; i++) {
                        grown[i] = counters.get(i).getAsLong();
                    }
                    last = grown;
                }
                for (int i = 0; i < last.length; i++) {
                    long value = counters.get(i).getAsLong();
                    if (value > last[i]) {
                        events.add(new Event(now, names.get(i) + " +" + (value - last[i])));
                        last[i] = value;
                    }
                }
            }
        }
    }

    private synchronized void add(Event event) {
        events.add(event);
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** Events within {@code [nanos - before, nanos + after]}. */
    public synchronized List<Event> near(long nanos, long beforeNanos, long afterNanos) {
        return events.stream().filter(e -> e.nanos() >= nanos - beforeNanos && e.nanos() <= nanos + afterNanos).toList();
    }

    /**
     * When this witness could first have noted a counter that rose at {@code nanos}: then, or at the end of
     * a late wake-up that covers it.
     */
    public synchronized long seeing(long nanos) {
        long seen = nanos;
        for (long[] interval : blind) {
            if (interval[0] <= nanos && nanos <= interval[1]) {
                seen = Math.max(seen, interval[1]);
            }
        }
        return seen;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(1000);
    }
}
