package org.tutti.mixer;

/**
 * A source the mixer can read: a participant's audio, a JACK return, or the hub's own input.
 *
 * @param slot     index into the source array the engine passes to {@link Mixer#process}
 * @param channels channels it carries
 */
public record SourceSpec(int slot, int channels) {
    public SourceSpec {
        if (slot < 0 || channels < 0) {
            throw new IllegalArgumentException("bad source " + slot + "/" + channels);
        }
    }
}
