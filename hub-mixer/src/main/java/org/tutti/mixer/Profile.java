package org.tutti.mixer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A base mix that many listeners can share: a gain for every source it includes. The mixer
 * renders each profile in use once per period (a "bus"), and each listener adds only where its
 * own mix differs — so a choir of 200 on one conductor's mix costs 200 small corrections, not
 * 200 full sums.
 */
public final class Profile {
    public static final Profile EMPTY = new Profile("empty", Map.of());

    private final String key;
    private final Map<Integer, SourceGain> gains;

    private Profile(String key, Map<Integer, SourceGain> gains) {
        this.key = Objects.requireNonNull(key);
        this.gains = gains;
    }

    /** @param key names the profile in logs and lets equal profiles be recognised cheaply */
    public static Profile of(String key, Map<Integer, SourceGain> gains) {
        Map<Integer, SourceGain> nonSilent = new LinkedHashMap<>();
        gains.forEach((slot, gain) -> {
            if (!gain.silent()) {
                nonSilent.put(slot, gain);
            }
        });
        return new Profile(key, Collections.unmodifiableMap(nonSilent));
    }

    public String key() {
        return key;
    }

    /** The gain for {@code sourceSlot}; {@link SourceGain#SILENT} when the profile leaves it out. */
    public SourceGain gain(int sourceSlot) {
        return gains.getOrDefault(sourceSlot, SourceGain.SILENT);
    }

    /** Sources with a non-zero gain. */
    public Map<Integer, SourceGain> gains() {
        return gains;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Profile that && key.equals(that.key) && gains.equals(that.gains);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + gains.hashCode();
    }

    @Override
    public String toString() {
        return "Profile[" + key + ", " + gains.size() + " sources]";
    }
}
