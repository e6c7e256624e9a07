package org.tutti.mixer;

import java.util.Map;

/**
 * What one listener should hear: a shared base {@link Profile}, per-source overrides on top of it,
 * and a master level. Overrides replace the base gain for that source (they are absolute, not
 * relative); {@code soloed} sources, when any, silence every other non-self source.
 *
 * @param slot      index into the output array the engine passes to {@link Mixer#process}
 * @param channels  output channels (what the participant asked for)
 * @param selfSlot  the listener's own source slot, or -1 (solo never silences it)
 * @param overrides absolute gains by source slot
 * @param soloed    source slots soloed by this listener (empty = no solo)
 * @param master    linear master level
 */
public record ListenerSpec(int slot, int channels, int selfSlot, Profile base, Map<Integer, SourceGain> overrides,
                           java.util.Set<Integer> soloed, float master) {
    public ListenerSpec {
        if (slot < 0 || channels < 0) {
            throw new IllegalArgumentException("bad listener " + slot + "/" + channels);
        }
        if (!Float.isFinite(master) || master < 0f) {
            throw new IllegalArgumentException("master must be finite and ≥ 0: " + master);
        }
        overrides = Map.copyOf(overrides);
        soloed = java.util.Set.copyOf(soloed);
    }

    /** A listener that hears exactly {@code base}. */
    public static ListenerSpec of(int slot, int channels, int selfSlot, Profile base) {
        return new ListenerSpec(slot, channels, selfSlot, base, Map.of(), java.util.Set.of(), 1f);
    }

    /** The gain this listener wants for {@code sourceSlot}, after overrides and solo. */
    public SourceGain effectiveGain(int sourceSlot) {
        if (!soloed.isEmpty() && sourceSlot != selfSlot && !soloed.contains(sourceSlot)) {
            return SourceGain.SILENT;
        }
        SourceGain override = overrides.get(sourceSlot);
        return override != null ? override : base.gain(sourceSlot);
    }
}
