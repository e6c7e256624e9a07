package org.tutti.server.engine;

/**
 * Drives an {@link AudioClient}: the embedded real-time clock, JACK, or a test's manual clock.
 */
public interface AudioServer {
    AudioFormat format();

    /** Starts calling the client; returns once running. */
    void start(AudioClient client) throws Exception;

    /** Stops and waits for the last period to finish. */
    void stop();

    /** Periods that started later than the lateness threshold. */
    default long latePeriods() {
        return 0;
    }

    /** A short name for logs ("embedded clock", "JACK"). */
    String describe();
}
