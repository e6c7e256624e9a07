package org.tutti.server.mix;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One source in one listener's mix, as set through the API.
 *
 * @param gainDb level in dB (≤ −120 is silence, at most +12)
 * @param mute   silent regardless of gain
 * @param solo   when any source is soloed in a mix, only soloed sources (and the listener's own
 *               voice) are heard
 * @param pan    −1 left … +1 right for mono sources in stereo mixes; null = not panned
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceSettings(double gainDb, boolean mute, boolean solo, Double pan) {
    public static final SourceSettings UNITY = new SourceSettings(0, false, false, null);

    public SourceSettings {
        gainDb = Level.check("gainDb", gainDb);
        if (pan != null && (!Double.isFinite(pan) || pan < -1 || pan > 1)) {
            throw new IllegalArgumentException("pan must be between -1 (left) and 1 (right): " + pan);
        }
    }

    public float linearGain() {
        return mute ? 0f : Level.linear(gainDb);
    }
}
