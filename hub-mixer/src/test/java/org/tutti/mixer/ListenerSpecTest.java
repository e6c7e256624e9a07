package org.tutti.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What one listener wants from each source: base, absolute overrides, solo, and the self exception. */
class ListenerSpecTest {
    private static final Profile BAND = Profile.of("band", Map.of(1, SourceGain.UNITY, 2, SourceGain.of(0.5f),
            3, new SourceGain(0.8f, -0.25f)));

    @Test
    void withoutOverridesTheListenerHearsItsBase() {
        ListenerSpec listener = ListenerSpec.of(0, 2, 0, BAND);
        assertEquals(SourceGain.UNITY, listener.effectiveGain(1));
        assertEquals(SourceGain.of(0.5f), listener.effectiveGain(2));
        assertEquals(new SourceGain(0.8f, -0.25f), listener.effectiveGain(3));
        assertEquals(SourceGain.SILENT, listener.effectiveGain(0), "not in the base");
        assertEquals(1f, listener.master());
    }

    @Test
    void overridesAreAbsoluteNotRelative() {
        ListenerSpec listener = new ListenerSpec(0, 2, 0, BAND, Map.of(2, SourceGain.of(0.25f), 0, SourceGain.UNITY,
                1, SourceGain.SILENT), Set.of(), 1f);
        assertEquals(SourceGain.of(0.25f), listener.effectiveGain(2), "replaces 0.5, not 0.5 × 0.25");
        assertEquals(SourceGain.UNITY, listener.effectiveGain(0), "adds a source the base leaves out");
        assertEquals(SourceGain.SILENT, listener.effectiveGain(1), "mutes one the base has");
    }

    @Test
    void soloSilencesEveryOtherSourceButTheListenersOwn() {
        ListenerSpec listener = new ListenerSpec(1, 2, 1, BAND, Map.of(2, SourceGain.of(0.25f)), Set.of(2), 1f);
        assertEquals(SourceGain.of(0.25f), listener.effectiveGain(2), "the soloed source keeps its override");
        assertEquals(SourceGain.UNITY, listener.effectiveGain(1), "own voice survives the solo");
        assertEquals(SourceGain.SILENT, listener.effectiveGain(3));
        assertEquals(SourceGain.SILENT, listener.effectiveGain(0));
    }

    @Test
    void aListenerWithNoOwnSourceLosesEverythingUnsoloed() {
        ListenerSpec listener = new ListenerSpec(9, 2, -1, BAND, Map.of(), Set.of(3), 1f);
        assertEquals(new SourceGain(0.8f, -0.25f), listener.effectiveGain(3));
        assertEquals(SourceGain.SILENT, listener.effectiveGain(1));
        assertEquals(SourceGain.SILENT, listener.effectiveGain(-1));
    }

    @Test
    void specsAreImmutableCopies() {
        Map<Integer, SourceGain> overrides = new HashMap<>(Map.of(1, SourceGain.SILENT));
        ListenerSpec listener = new ListenerSpec(0, 2, 0, BAND, overrides, Set.of(), 1f);
        overrides.put(2, SourceGain.SILENT);
        assertFalse(listener.overrides().containsKey(2));
        assertThrows(UnsupportedOperationException.class, () -> listener.overrides().put(3, SourceGain.UNITY));
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ListenerSpec(-1, 2, 0, BAND, Map.of(), Set.of(), 1f));
        assertThrows(IllegalArgumentException.class, () -> new ListenerSpec(0, -2, 0, BAND, Map.of(), Set.of(), 1f));
        assertThrows(IllegalArgumentException.class, () -> new ListenerSpec(0, 2, 0, BAND, Map.of(), Set.of(), -1f));
        assertThrows(IllegalArgumentException.class, () -> new ListenerSpec(0, 2, 0, BAND, Map.of(), Set.of(), Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new SourceGain(-0.1f, SourceGain.UNPANNED));
        assertThrows(IllegalArgumentException.class, () -> new SourceGain(Float.POSITIVE_INFINITY, 0f));
        assertThrows(IllegalArgumentException.class, () -> new SourceGain(1f, 1.5f));
        assertThrows(IllegalArgumentException.class, () -> new SourceSpec(-1, 2));
    }

    @Test
    void profilesDropSilentEntriesAndCompareByContent() {
        Profile profile = Profile.of("p", Map.of(1, SourceGain.UNITY, 2, SourceGain.SILENT));
        assertEquals(Map.of(1, SourceGain.UNITY), profile.gains());
        assertEquals(Profile.of("p", Map.of(1, SourceGain.UNITY)), profile);
        assertTrue(SourceGain.of(0f).silent());
        assertFalse(SourceGain.UNITY.panned());
        assertTrue(new SourceGain(1f, 0f).panned());
    }
}
