package org.tutti.server.jack;

import java.util.concurrent.locks.LockSupport;
import org.tutti.server.engine.PeriodTimings;

/**
 * How JACK's process callback hands its cycles to Tutti's engine thread ({@code --jack-engine async}),
 * and takes their outputs back a cycle later, without either thread waiting for the other, locking or
 * allocating.
 *
 * <p>Two staging sets take turns: cycle {@code c} is staged in set {@code c % 2}. Each callback first
 * puts out the outputs of the cycle it handed last, if the engine has finished it, or silence (the
 * cycle counts as late, {@link PeriodTimings#lateJackCycles}); then, if a set is free, it stages
 * JACK's inputs there for the next cycle, hands that cycle over and wakes the engine thread. A set is
 * free unless the engine still has two cycles (one in progress, one waiting): the callback then
 * stages nothing and hands nothing over, and the caller owes the cycle ({@link LostCycles#notRun}),
 * which the engine runs later with silence as its JACK inputs, as it runs the cycles a stall took.
 *
 * <p>Who may touch a set when, with {@code handed} and {@code finished} the two counters: the engine
 * thread works only on cycles after {@code finished} and up to {@code handed}. The callback reads a
 * set's outputs only when {@code finished == handed} (the engine has nothing to do) and stages into
 * the set of {@code handed + 1} only when {@code handed - finished < 2}, i.e. when the engine is done
 * with the cycle two before it, the set's last user. Each thread writes its counter after its writes
 * to a set (a volatile write), and the other reads the counter before reading the set.
 *
 * <p>The outputs of a cycle go out in the callback after the one that handed it over, if the engine
 * finished it by then; outputs finished later are never put out (that audio would come later than
 * the rest), and a callback after one that handed nothing over puts out silence.
 */
final class CycleHandoff {
    static final int SETS = 2;

    /** What a callback does with JACK's buffers and the staging sets, on JACK's process thread. */
    interface JackSide {
        /**
         * Puts out the outputs of {@code cycle}, staged in {@code set}; with {@code set == -1}, silence
         * instead (the engine has not finished the cycle, or nothing was handed over yet).
         */
        void output(int set, long cycle);

        /** Stages JACK's inputs of this callback in {@code set}, for {@code cycle}. */
        void input(int set, long cycle);
    }

    private final PeriodTimings timings;
    private final float[][][] capture;
    private final float[][][] playback;
    private final long[] startNanos = new long[SETS];
    private final long[] latenessNanos = new long[SETS];
    private final int[] extraPeriods = new int[SETS];
    /** Cycles handed over so far; written by the callback only. */
    private volatile long handed;
    /** Cycles the engine has finished; written by the engine thread only. */
    private volatile long finished;
    private volatile Thread engine;
    /** Callback only: whether the last callback handed a cycle over (else its cycle's outputs are not due now). */
    private boolean lastCallbackHanded;
    private volatile boolean stopping;

    /**
     * @param capture  channels of the hub's own inputs staged in each set
     * @param playback channels of the hub's own outputs
     */
    CycleHandoff(int capture, int playback, int frames, PeriodTimings timings) {
        this.timings = timings;
        this.capture = new float[SETS][capture][frames];
        this.playback = new float[SETS][playback][frames];
    }

    static int set(long cycle) {
        return (int) (cycle % SETS);
    }

    // ---------------------------------------------------------------- JACK's process thread

    /**
     * One JACK callback: the last cycle's outputs (or silence) out, then this cycle's inputs in and
     * handed over, if a set is free. Never waits.
     *
     * @param startNanos   when the callback started (the period's start for the engine)
     * @param lateness     the callback's lateness, recorded with the cycle
     * @param extraPeriods owed periods the engine is to run before this cycle
     * @return whether the cycle was handed over; if not, the caller owes it
     */
    boolean exchange(JackSide jack, long startNanos, long lateness, int extraPeriods) {
        long last = handed;
        if (stopping) {
            jack.output(-1, last); // the engine thread is gone or going: silence, and nothing counted
            lastCallbackHanded = false;
            return true;
        }
        long done = finished;
        if (lastCallbackHanded && done == last) {
            jack.output(set(last), last);
        } else {
            jack.output(-1, last);
            if (last != 0) {
                timings.lateJackCycle();
            }
        }
        lastCallbackHanded = false; // until this cycle is handed over: if staging throws, nothing is due next time
        if (last - done >= SETS) {
            return false; // both sets are the engine's: touch neither
        }
        long cycle = last + 1;
        int set = set(cycle);
        jack.input(set, cycle);
        this.startNanos[set] = startNanos;
        this.latenessNanos[set] = lateness;
        this.extraPeriods[set] = extraPeriods;
        handed = cycle;
        lastCallbackHanded = true;
        Thread thread = engine;
        if (thread != null) {
            // Takes the engine thread's parker mutex for a moment (HotSpot). The engine holds it only
            // inside park, briefly and at a real-time priority just below this thread's, and waits in
            // pthread_cond_wait without it, so this does not wait on the engine's work.
            LockSupport.unpark(thread);
        }
        return true;
    }

    /**
     * From now on callbacks put out silence and hand nothing over, and count nothing: the engine thread
     * is being stopped (a fall-back, the hub's shutdown), and its absence is not the engine being late.
     */
    void stop() {
        stopping = true;
    }

    /** The callback's side of set {@code set}: the hub's inputs, to be filled. */
    float[][] capture(int set) {
        return capture[set];
    }

    /** The hub's outputs staged in {@code set}, to be put out. */
    float[][] playback(int set) {
        return playback[set];
    }

    // ---------------------------------------------------------------- the engine thread

    /** The thread to wake when a cycle is handed over. */
    void engine(Thread thread) {
        engine = thread;
    }

    /** The next cycle to run, or 0 when the engine has run every cycle handed over. */
    long next() {
        long done = finished;
        return done < handed ? done + 1 : 0;
    }

    /** The engine has run {@code cycle} (the one {@link #next} gave), outputs and all. */
    void finish(long cycle) {
        if (cycle != finished + 1) {
            throw new IllegalStateException("cycle " + cycle + " finished after " + finished);
        }
        finished = cycle;
    }

    long startNanos(int set) {
        return startNanos[set];
    }

    long latenessNanos(int set) {
        return latenessNanos[set];
    }

    int extraPeriods(int set) {
        return extraPeriods[set];
    }

    /** Cycles handed over so far (for tests and diagnostics). */
    long handed() {
        return handed;
    }

    /** Cycles the engine finished (for tests and diagnostics). */
    long finished() {
        return finished;
    }
}
