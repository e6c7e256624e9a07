package org.tutti.loadgen;

/**
 * Histograms owned by one I/O thread (single writer). They record only while the run is in its
 * measured phase and restart when it begins, so they describe the steady state only.
 */
final class ThreadStats {
    final String name;
    final Histogram rttMicros = new Histogram();
    final Histogram markerMicros = new Histogram();
    final Histogram sendLateMicros = new Histogram();
    private final RunClock clock;
    private int phase;

    ThreadStats(String name, RunClock clock) {
        this.name = name;
        this.clock = clock;
    }

    /** Call before recording: restarts the histograms when the measured phase has begun. */
    void sync() {
        int current = clock.phase();
        if (current != phase) {
            phase = current;
            if (current == RunClock.MEASURING) {
                rttMicros.reset();
                markerMicros.reset();
                sendLateMicros.reset();
            }
        }
    }

    void recordRtt(long micros) {
        if (phase == RunClock.MEASURING) {
            rttMicros.record(micros);
        }
    }

    void recordMarker(long micros) {
        if (phase == RunClock.MEASURING) {
            markerMicros.record(micros);
        }
    }

    void recordSendLate(long micros) {
        if (phase == RunClock.MEASURING) {
            sendLateMicros.record(micros);
        }
    }
}
