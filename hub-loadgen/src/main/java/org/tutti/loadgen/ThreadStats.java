package org.tutti.loadgen;

/**
 * Histograms owned by one I/O thread (single writer). They record only while the run is in its
 * measured phase and restart when it begins, so they describe the steady state only. Each is kept
 * per client group (steady clients, churn clients) and per measuring window (before churn, with
 * churn), so the steady clients' figures never mix with the churners' and the two windows compare.
 */
final class ThreadStats {
    /** The {@code -n} clients, streaming for the whole run. */
    static final int STEADY = 0;
    /** Churn clients, joining and leaving during the run. */
    static final int CHURNER = 1;
    static final int GROUPS = 2;

    final String name;
    private final Histogram[] rtt = histograms();
    private final Histogram[] marker = histograms();
    private final Histogram[] sendLate = histograms();
    private final RunClock clock;
    private int phase;
    private int window;

    ThreadStats(String name, RunClock clock) {
        this.name = name;
        this.clock = clock;
    }

    private static Histogram[] histograms() {
        Histogram[] h = new Histogram[GROUPS * RunClock.WINDOWS];
        for (int i = 0; i < h.length; i++) {
            h[i] = new Histogram();
        }
        return h;
    }

    /** Call before recording: restarts the histograms when the measured phase has begun. */
    void sync() {
        int current = clock.phase();
        if (current != phase) {
            phase = current;
            if (current == RunClock.MEASURING) {
                for (int i = 0; i < rtt.length; i++) {
                    rtt[i].reset();
                    marker[i].reset();
                    sendLate[i].reset();
                }
            }
        }
        window = clock.window();
    }

    private int slot(int group) {
        return group * RunClock.WINDOWS + window;
    }

    void recordRtt(int group, long micros) {
        if (phase == RunClock.MEASURING) {
            rtt[slot(group)].record(micros);
        }
    }

    void recordMarker(int group, long micros) {
        if (phase == RunClock.MEASURING) {
            marker[slot(group)].record(micros);
        }
    }

    void recordSendLate(int group, long micros) {
        if (phase == RunClock.MEASURING) {
            sendLate[slot(group)].record(micros);
        }
    }

    Histogram rtt(int group, int window) {
        return rtt[group * RunClock.WINDOWS + window];
    }

    Histogram marker(int group, int window) {
        return marker[group * RunClock.WINDOWS + window];
    }

    Histogram sendLate(int group, int window) {
        return sendLate[group * RunClock.WINDOWS + window];
    }
}
