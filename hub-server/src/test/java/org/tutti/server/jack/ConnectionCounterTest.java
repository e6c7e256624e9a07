package org.tutti.server.jack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A port's connection count settles on the graph as it is, as libjack answers: promptly from a graph
 * with nothing pending, after sleeping a period and a tenth from the old graph when the server has
 * not switched yet, or promptly from the old graph while another client's change is being written.
 */
class ConnectionCounterTest {
    /** Long, so that a stall of the machine during a prompt answer does not make it look like libjack's wait. */
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Short, so that a test sees it end; the hub's spans half a second. */
    private static final int[] SETTLE = {1, 2, 3};

    private final ScheduledExecutorService conductor = Executors.newSingleThreadScheduledExecutor();
    private final ConnectionCounter counter = new ConnectionCounter(conductor, PERIOD_NANOS, SETTLE);
    private final AtomicInteger stored = new AtomicInteger(-1);

    @AfterEach
    void stop() {
        conductor.shutdownNow();
    }

    /** libjack's jack_port_connected over a graph whose server switches after {@code staleAnswers} questions. */
    private static IntSupplier jack(int staleAnswers, int oldCount, int newCount, AtomicInteger asked) {
        return () -> {
            if (asked.incrementAndGet() <= staleAnswers) {
                sleep(PERIOD_NANOS * 11 / 10); // a change is pending: libjack waits once, then reads the old graph
                return oldCount;
            }
            return newCount;
        };
    }

    private void countOnConductor(IntSupplier ask, AtomicBoolean wanted) throws Exception {
        countOnConductor(ask, 0, wanted);
    }

    private void countOnConductor(IntSupplier ask, int atLeast, AtomicBoolean wanted) throws Exception {
        conductor.submit(() -> counter.count(ask, atLeast, stored::set, wanted::get)).get();
    }

    /** Answers {@code stale} promptly {@code staleAnswers} times (another client's write was under way), then {@code current}. */
    private static IntSupplier writeUnderWay(int staleAnswers, int stale, int current, AtomicInteger asked) {
        return () -> asked.incrementAndGet() <= staleAnswers ? stale : current;
    }

    @Test
    void aConnectionTheServerHasNotSwitchedToYetIsCountedOnceItHas() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        countOnConductor(jack(3, 0, 1, asked), new AtomicBoolean(true));
        assertEquals(0, stored.get(), "the stale answer is stored at first");
        awaitStored(1);
        Thread.sleep(300);
        int settled = asked.get();
        assertTrue(settled >= 4, "asked until a prompt answer: 3 stale, then current: " + settled);
        Thread.sleep(300);
        assertEquals(settled, asked.get(), "a prompt answer is the last");
        assertEquals(1, stored.get());
    }

    @Test
    void promptAnswersAreAskedAgainOnTheSettleScheduleAndThenNoMore() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        countOnConductor(jack(0, 0, 2, asked), new AtomicBoolean(true));
        assertEquals(2, stored.get());
        Thread.sleep(SETTLE[SETTLE.length - 1] * PERIOD_NANOS / 1_000_000 + 300);
        assertEquals(1 + SETTLE.length, asked.get(), "the first question and one at each point of the schedule");
        assertEquals(2, stored.get());
    }

    @Test
    void aPortJustConnectedCountsAsConnectedWhenJackAnswersFromTheOldGraphAtOnce() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        countOnConductor(writeUnderWay(Integer.MAX_VALUE, 0, 0, asked), 1, new AtomicBoolean(true));
        assertEquals(1, stored.get(), "JACK reported the connection: the old graph's 0 must not hide it");
        Thread.sleep(SETTLE[SETTLE.length - 1] * PERIOD_NANOS / 1_000_000 + 300);
        assertEquals(1, stored.get());
    }

    @Test
    void aBrokenConnectionReadFromTheOldGraphSettlesOnTheSchedule() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        countOnConductor(writeUnderWay(2, 1, 0, asked), 0, new AtomicBoolean(true));
        assertEquals(1, stored.get(), "the old graph's answer, given at once");
        awaitStored(0);
    }

    @Test
    void aPortGivenBackMeanwhileIsNotAskedAgain() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        AtomicBoolean wanted = new AtomicBoolean(true);
        countOnConductor(jack(1_000, 0, 1, asked), wanted);
        conductor.submit(() -> wanted.set(false)).get();
        int askedWhenGiven = asked.get();
        Thread.sleep(300);
        assertEquals(askedWhenGiven, asked.get(), "no questions about a port that is someone else's now");
        assertEquals(0, stored.get());
    }

    private void awaitStored(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (stored.get() != expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(expected, stored.get(), "the count once the server switched its graph");
    }

    private static void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
