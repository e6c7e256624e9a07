package org.tutti.server.jack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tutti.server.engine.AudioClient;
import org.tutti.server.engine.AudioFormat;
import org.tutti.server.engine.PeriodTimings;

/**
 * {@code --jack-engine async} without JACK: the test thread plays JACK's process callback, staging the
 * callback's number as the input of the cycle it hands over, and a {@link JackEngineThread} runs a
 * fake engine that copies each cycle's input to its output, checking that no sample of the set it
 * works on changes under it.
 */
class CycleHandoffTest {
    private static final int FRAMES = 128;
    private static final int MAX_CALLBACKS = 60_000;
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final PeriodTimings timings = new PeriodTimings(1_000_000);
    private final CycleHandoff handoff = new CycleHandoff(2, 2, FRAMES, timings);
    private final FakeEngine engine = new FakeEngine();
    private final FakeJack jack = new FakeJack();
    private final CountDownLatch died = new CountDownLatch(1);
    private final JackEngineThread thread = new JackEngineThread(handoff, engine, timings,
            JackEngineThread.CycleStart.NONE, 2, 2, FRAMES, 0, died::countDown);

    @AfterEach
    void stop() {
        engine.gate = null;
        engine.release.release(1000);
        thread.stop();
    }

    /** JACK's side in arrays: what each callback put out, and the inputs it staged. */
    private final class FakeJack implements CycleHandoff.JackSide {
        /** The callback under way, from 1. */
        int callback;
        /** Per callback: the cycle whose outputs went out (0: silence), and their value (torn: NaN). */
        final long[] outCycle = new long[MAX_CALLBACKS + 1];
        final float[] outValue = new float[MAX_CALLBACKS + 1];
        int inputs;
        /** If set, the next input() throws this (a staging failure), once. */
        RuntimeException failNextInput;

        boolean call(int extra) {
            callback++;
            return handoff.exchange(this, System.nanoTime(), 0, extra);
        }

        @Override
        public void output(int set, long cycle) {
            outCycle[callback] = set < 0 ? 0 : cycle;
            outValue[callback] = set < 0 ? 0 : uniform(handoff.playback(set));
        }

        @Override
        public void input(int set, long cycle) {
            RuntimeException failure = failNextInput;
            if (failure != null) {
                failNextInput = null;
                throw failure;
            }
            inputs++;
            for (float[] channel : handoff.capture(set)) {
                Arrays.fill(channel, callback);
            }
        }
    }

    /** The value every sample of {@code audio} has, or NaN if they differ (a set written while read). */
    private static float uniform(float[][] audio) {
        float value = audio[0][0];
        for (float[] channel : audio) {
            for (float sample : channel) {
                if (sample != value) {
                    return Float.NaN;
                }
            }
        }
        return value;
    }

    /** Copies its input to its output, in two halves with a pause between, checking the input on the way. */
    private static final class FakeEngine implements AudioClient {
        final float[] seen = new float[MAX_CALLBACKS * 2];
        volatile int periods;
        volatile int torn;
        /** If set, the next period waits for a permit of {@link #release} (counted down when it does). */
        volatile CountDownLatch gate;
        final Semaphore release = new Semaphore(0);
        volatile long maxSpinNanos;
        final SplittableRandom random = new SplittableRandom(7);

        @Override
        public void configure(AudioFormat format, int captureChannels, int playbackChannels) {
        }

        @Override
        public void process(long periodStartNanos, float[][] capture, float[][] playback, int frames) {
            float value = uniform(capture);
            CountDownLatch waiting = gate;
            if (waiting != null) {
                gate = null;
                waiting.countDown();
                release.acquireUninterruptibly();
            }
            for (int c = 0; c < playback.length; c++) {
                Arrays.fill(playback[c], 0, frames / 2, value);
            }
            spin();
            for (int c = 0; c < playback.length; c++) {
                Arrays.fill(playback[c], frames / 2, frames, value);
            }
            if (uniform(capture) != value || Float.isNaN(value)) {
                torn++;
            }
            seen[periods] = value;
            periods = periods + 1;
        }

        private void spin() {
            long max = maxSpinNanos;
            if (max > 0) {
                long until = System.nanoTime() + random.nextLong(max);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
        }

        @Override
        public void shutdown() {
        }
    }

    private void awaitEngineIdle() {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (handoff.finished() != handoff.handed()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the engine finished " + handoff.finished() + " of " + handoff.handed());
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void cyclesAreRunInOrderAndTheirOutputsComeOutInTheNextCallback() {
        thread.start();
        for (int n = 1; n <= 50; n++) {
            assertTrue(jack.call(n == 20 ? 1 : 0), "handed over");
            awaitEngineIdle();
        }
        assertEquals(0, jack.outCycle[1], "nothing to put out in the first callback: silence");
        for (int n = 2; n <= 50; n++) {
            assertEquals(n - 1, jack.outCycle[n], "callback " + n + " puts out the cycle before");
            assertEquals(n - 1, jack.outValue[n], "with that cycle's audio");
        }
        float[] expected = new float[51];
        for (int n = 1, i = 0; n <= 50; n++) {
            if (n == 20) {
                expected[i++] = 0; // the owed period first, with silence in
            }
            expected[i++] = n;
        }
        assertArrayEquals(expected, Arrays.copyOf(engine.seen, 51));
        assertEquals(50, timings.periods());
        assertEquals(1, timings.recoveredPeriods());
        assertEquals(0, timings.lateJackCycles());
        assertEquals(0, engine.torn);
    }

    @Test
    void aSlowEngineMakesTheCallbackPutOutSilenceAndSkipNotWaitNorTouchTheSetsInUse() throws Exception {
        thread.start();
        CountDownLatch inFirst = new CountDownLatch(1);
        engine.gate = inFirst;
        assertTrue(jack.call(0));
        inFirst.await();
        long longest = 0;
        boolean[] handed = new boolean[5];
        for (int n = 2; n <= 4; n++) {
            long start = System.nanoTime();
            handed[n] = jack.call(0);
            longest = Math.max(longest, System.nanoTime() - start);
        }
        assertTrue(handed[2], "the second set was free: cycle 2 waits in it");
        assertFalse(handed[3] || handed[4], "both sets are the engine's");
        assertEquals(2, jack.inputs, "callbacks 3 and 4 staged nothing");
        assertTrue(longest < 50_000_000, "no callback waited for the engine: " + longest + " ns");
        for (int n = 2; n <= 4; n++) {
            assertEquals(0, jack.outCycle[n], "callback " + n + ": silence");
        }
        assertEquals(3, timings.lateJackCycles());
        engine.release.release();
        awaitEngineIdle();
        assertEquals(2, handoff.finished());
        assertEquals(0, engine.torn, "cycle 1's input stayed whole while the callbacks went on");
        assertEquals(1, engine.seen[0]);
        assertEquals(2, engine.seen[1]);
        assertTrue(jack.call(0));
        assertEquals(0, jack.outCycle[5], "cycle 2's outputs came too late for callback 5 (4 handed nothing)");
        awaitEngineIdle();
        assertTrue(jack.call(0));
        assertEquals(3, jack.outCycle[6], "cycle 3 was handed over in callback 5, put out in 6");
        assertEquals(5, jack.outValue[6]);
        assertEquals(4, timings.lateJackCycles());
    }

    /**
     * A callback whose staging throws (caught around the callback in the real one) has handed nothing
     * over: the next callback must put out silence, not the previous cycle's outputs a second time.
     */
    @Test
    void aCallbackWhoseStagingFailedLeavesNothingDueForTheNext() {
        thread.start();
        assertTrue(jack.call(0));
        awaitEngineIdle();
        jack.failNextInput = new IllegalStateException("planted");
        try {
            jack.call(0);
        } catch (IllegalStateException expected) {
            // as JackBackend's catch would
        }
        assertEquals(1, jack.outCycle[2], "callback 2 put out cycle 1 before its staging failed");
        assertTrue(jack.call(0));
        assertEquals(0, jack.outCycle[3], "callback 3: silence (callback 2 handed nothing over), not cycle 1 again");
        awaitEngineIdle();
        assertTrue(jack.call(0));
        assertEquals(2, jack.outCycle[4], "cycle 2, handed over in callback 3 (callback 2's never was)");
        assertEquals(3, jack.outValue[4]);
    }

    /** While the engine thread is being stopped, callbacks put out silence, hand nothing over and count nothing. */
    @Test
    void afterStopCallbacksPutOutSilenceAndCountNothing() {
        thread.start();
        for (int n = 1; n <= 3; n++) {
            assertTrue(jack.call(0));
            awaitEngineIdle();
        }
        thread.stop();
        long handedBefore = handoff.handed();
        for (int n = 4; n <= 10; n++) {
            assertTrue(jack.call(0), "nothing owed");
            assertEquals(0, jack.outCycle[n], "callback " + n + ": silence");
        }
        assertEquals(handedBefore, handoff.handed(), "nothing handed over");
        assertEquals(0, timings.lateJackCycles(), "the stopped engine is not a late one");
        assertEquals(1, died.getCount(), "a stop is not a death");
    }

    /** An engine thread that ends on an error reports it (the hub then falls back), and its callbacks go silent. */
    @Test
    void anEngineThreadThatDiesSaysSoAndItsCallbacksGoSilent() throws Exception {
        thread.start();
        assertTrue(jack.call(0));
        awaitEngineIdle();
        CountDownLatch inSecond = new CountDownLatch(1);
        engine.gate = inSecond;
        assertTrue(jack.call(0));
        inSecond.await();
        // A bug planted while the thread runs cycle 2: something else reports it finished, so the thread's
        // own report comes out of order and throws outside the period's catch.
        handoff.finish(2);
        engine.release.release();
        assertTrue(died.await(5, java.util.concurrent.TimeUnit.SECONDS), "the thread reported its death");
        assertTrue(jack.call(0));
        assertTrue(jack.call(0));
        assertEquals(0, jack.outCycle[4], "silence after the engine thread died");
        assertEquals(2, handoff.handed(), "nothing handed over to a dead thread");
    }

    /**
     * Callbacks every 100 µs against an engine that takes up to 150 µs a period: the engine is often
     * late, by one cycle or two. Whatever comes out is a whole cycle's audio from the callback before,
     * and the engine never sees its input change.
     */
    @Test
    void underAnEngineOftenLateNoSetIsEverSharedAndOutputsAreAlwaysTheCycleBefore() {
        engine.maxSpinNanos = 150_000;
        thread.start();
        int callbacks = 30_000;
        long next = System.nanoTime();
        for (int n = 1; n <= callbacks; n++) {
            jack.call(0);
            next += 100_000;
            while (System.nanoTime() < next) {
                Thread.onSpinWait();
            }
        }
        awaitEngineIdle();
        int putOut = 0;
        for (int n = 2; n <= callbacks; n++) {
            if (jack.outCycle[n] != 0) {
                putOut++;
                assertEquals(n - 1, jack.outValue[n], "callback " + n + " put out the audio staged in callback " + (n - 1));
            }
        }
        long late = timings.lateJackCycles();
        System.out.printf("%d callbacks: %d put out the cycle before, %d late, %d handed over%n", callbacks, putOut,
                late, handoff.handed());
        assertEquals(0, engine.torn, "the engine's input changed under it");
        assertEquals(callbacks - 1, putOut + late, "every callback after the first puts out audio or counts late");
        assertTrue(putOut > 0 && late > 0, "both happened: " + putOut + " and " + late);
        assertEquals(handoff.handed(), engine.periods, "every cycle handed over was run, once");
        for (int i = 1; i < engine.periods; i++) {
            assertTrue(engine.seen[i] > engine.seen[i - 1], "in order: " + engine.seen[i - 1] + ", " + engine.seen[i]);
        }
    }

    @Test
    void neitherThreadAllocatesPerCycle() {
        thread.start();
        for (int n = 1; n <= 5000; n++) {
            jack.call(n % 100 == 0 ? 1 : 0);
            awaitEngineIdle();
        }
        long callbackThread = Thread.currentThread().getId();
        long callbackBefore = THREADS.getThreadAllocatedBytes(callbackThread);
        long engineBefore = THREADS.getThreadAllocatedBytes(thread.threadId());
        for (int n = 1; n <= 5000; n++) {
            jack.call(n % 100 == 0 ? 1 : 0);
            awaitEngineIdle();
        }
        long engineBytes = THREADS.getThreadAllocatedBytes(thread.threadId()) - engineBefore;
        long callbackBytes = THREADS.getThreadAllocatedBytes(callbackThread) - callbackBefore;
        assertEquals(0, engineBytes, "bytes allocated by the engine thread in 5000 cycles");
        assertEquals(0, callbackBytes, "bytes allocated by the callback in 5000 cycles");
    }
}
