package org.tutti.server.engine;

/**
 * The rate and period an audio server runs at.
 *
 * @param sampleRate   frames per second
 * @param periodFrames frames per period (one packet to every participant per period)
 */
public record AudioFormat(int sampleRate, int periodFrames) {
    public AudioFormat {
        if (sampleRate < 8000 || sampleRate > 384000) {
            throw new IllegalArgumentException("sample rate out of range: " + sampleRate);
        }
        if (periodFrames < 16 || periodFrames > 4096) {
            throw new IllegalArgumentException("period must be 16..4096 frames: " + periodFrames);
        }
    }

    public long periodNanos() {
        return Math.round(periodFrames * 1e9 / sampleRate);
    }

    /** Exact period start of period {@code n} after {@code startNanos}, without accumulating rounding. */
    public long periodStart(long startNanos, long n) {
        return startNanos + (long) Math.floor(n * (periodFrames * 1e9 / sampleRate));
    }

    @Override
    public String toString() {
        return sampleRate + " Hz / " + periodFrames + " frames";
    }
}
