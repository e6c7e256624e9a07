package org.tutti.loadgen;

/** Shared time base: the grid every client's send phase sits on, wall-clock mapping, and the run phase. */
final class RunClock {
    static final int STARTING = 0;
    static final int MEASURING = 1;
    static final int ENDING = 2;

    /** Measuring window before churn begins (the steady clients alone); the only window without churn. */
    static final int ALONE = 0;
    /** Measuring window with churn clients joining and leaving. */
    static final int CHURN = 1;
    /** Measuring window after churn ended and every churn client left ({@code --churn-for}): do the steady clients recover? */
    static final int AFTER = 2;
    static final int WINDOWS = 3;

    final long startNanos;
    final long startWallMicros;
    private volatile int phase = STARTING;
    private volatile int window = ALONE;

    RunClock() {
        this.startNanos = System.nanoTime();
        this.startWallMicros = System.currentTimeMillis() * 1000L;
    }

    /** µs since the Unix epoch for a {@link System#nanoTime()} value, as JackTrip stamps its packets. */
    long wallMicros(long nanos) {
        return startWallMicros + (nanos - startNanos) / 1000L;
    }

    int phase() {
        return phase;
    }

    void phase(int phase) {
        this.phase = phase;
    }

    /** {@link #ALONE}, {@link #CHURN} or {@link #AFTER}: which part of the measured phase histograms record into. */
    int window() {
        return window;
    }

    void window(int window) {
        this.window = window;
    }
}
