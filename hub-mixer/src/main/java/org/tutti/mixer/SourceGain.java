package org.tutti.mixer;

/**
 * How loud one source is in one mix, and where it sits.
 *
 * @param gain linear gain, 0 = silent
 * @param pan  −1 (left) … +1 (right), or {@link #UNPANNED} for JackTrip's routing: channel k to
 *             channel k, and a mono source to both channels only when upmix is on
 */
public record SourceGain(float gain, float pan) {
    public static final float UNPANNED = Float.NaN;
    public static final SourceGain UNITY = new SourceGain(1f, UNPANNED);
    public static final SourceGain SILENT = new SourceGain(0f, UNPANNED);

    public SourceGain {
        if (!Float.isFinite(gain) || gain < 0f) {
            throw new IllegalArgumentException("gain must be finite and ≥ 0: " + gain);
        }
        if (!Float.isNaN(pan) && (pan < -1f || pan > 1f)) {
            throw new IllegalArgumentException("pan must be in [-1, 1]: " + pan);
        }
    }

    public static SourceGain of(float gain) {
        return gain == 1f ? UNITY : gain == 0f ? SILENT : new SourceGain(gain, UNPANNED);
    }

    public boolean panned() {
        return !Float.isNaN(pan);
    }

    public boolean silent() {
        return gain == 0f;
    }

    public SourceGain withGain(float newGain) {
        return new SourceGain(newGain, pan);
    }

    // Records compare floats with Float.compare, so NaN pans are equal to each other: what we want.
}
