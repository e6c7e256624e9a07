package org.tutti.server.testing;

/**
 * A music-like test signal that never repeats: a three-note chord with vibrato, a breathing
 * envelope and a little deterministic noise (so every stretch of it can be located exactly).
 */
public final class MusicSignal implements Signal {
    private final int sampleRate;
    private final double level;

    public MusicSignal(int sampleRate, double level) {
        this.sampleRate = sampleRate;
        this.level = level;
    }

    @Override
    public float at(long frame) {
        double t = (double) frame / sampleRate;
        double vibrato = 1 + 0.004 * Math.sin(2 * Math.PI * 5.3 * t);
        double chord = Math.sin(2 * Math.PI * 220.0 * t * vibrato)
                + 0.7 * Math.sin(2 * Math.PI * 277.18 * t * vibrato + 1.1)
                + 0.5 * Math.sin(2 * Math.PI * 329.63 * t * vibrato + 2.3)
                + 0.25 * Math.sin(2 * Math.PI * 659.26 * t * vibrato + 0.4);
        double envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * 0.7 * t) * Math.sin(2 * Math.PI * 0.23 * t + 0.5);
        return (float) (level * (envelope * chord / 2.45 + 0.03 * noise(frame)));
    }

    /** Uniform noise in [−1, 1) from the frame number (a hash, so it is the same every time). */
    private static double noise(long frame) {
        long x = frame * 0x9E3779B97F4A7C15L;
        x ^= x >>> 31;
        x *= 0xBF58476D1CE4E5B9L;
        x ^= x >>> 27;
        return ((x >>> 11) * 0x1.0p-53) * 2 - 1;
    }
}
