package org.tutti.server.testing;

/** A test signal as a function of the absolute frame number. */
@FunctionalInterface
public interface Signal {
    float at(long frame);

    Signal SILENCE = frame -> 0f;

    static Signal sine(double hertz, double amplitude, int sampleRate) {
        double step = 2 * Math.PI * hertz / sampleRate;
        return frame -> (float) (amplitude * Math.sin(step * frame));
    }

    /**
     * The captures' ramp: (n mod 1000)/32768, values a 16-bit hop carries exactly, so a loopback
     * returns the very same numbers.
     */
    static Signal ramp16() {
        return frame -> (frame % 1000) / 32768f;
    }

    static Signal constant(float value) {
        return frame -> value;
    }
}
