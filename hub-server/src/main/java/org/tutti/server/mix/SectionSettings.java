package org.tutti.server.mix;

/**
 * One section's fader in one listener's mix: applies on top of each member's own setting, to
 * everyone in the section, including whoever joins it later.
 *
 * @param gainDb level in dB (≤ −120 is silence, at most +12)
 * @param mute   the whole section silent
 */
public record SectionSettings(double gainDb, boolean mute) {
    public static final SectionSettings UNITY = new SectionSettings(0, false);

    public SectionSettings {
        gainDb = Level.check("gainDb", gainDb);
    }

    public float linearGain() {
        return mute ? 0f : Level.linear(gainDb);
    }
}
