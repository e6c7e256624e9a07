package org.tutti.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.plan.MixPlan;

/**
 * Recompiling with the previous plan hands unchanged buses and listener mixes over by identity, so
 * the audio thread crossfades only what changed.
 */
class MixPlanReuseTest {
    private static final MixCompiler COMPILER = new MixCompiler(false, 128);
    private static final List<SourceSpec> SOURCES = List.of(new SourceSpec(0, 2), new SourceSpec(1, 2),
            new SourceSpec(2, 1), new SourceSpec(3, 2), new SourceSpec(17, 2));
    private static final Profile EVERYONE = Presets.everyone(SOURCES, -1);

    @Test
    void recompilingTheSameSpecsReusesEveryObject() {
        List<ListenerSpec> listeners = mixMinus();
        MixPlan first = COMPILER.compile(SOURCES, listeners, null);
        MixPlan second = COMPILER.compile(SOURCES, listeners, first);

        assertEquals(1, second.busCount());
        assertSame(first.bus(0), second.bus(0));
        for (int i = 0; i < listeners.size(); i++) {
            assertSame(first.listener(i), second.listener(i));
        }
    }

    @Test
    void changingOneListenerReplacesOnlyItsMix() {
        List<ListenerSpec> listeners = mixMinus();
        MixPlan first = COMPILER.compile(SOURCES, listeners, null);
        List<ListenerSpec> changed = new ArrayList<>(listeners);
        changed.set(1, new ListenerSpec(1, 2, 1, EVERYONE, Map.of(1, SourceGain.SILENT, 3, SourceGain.of(0.5f)),
                Set.of(), 1f));
        MixPlan second = COMPILER.compile(SOURCES, changed, first);

        assertSame(first.bus(0), second.bus(0));
        assertSame(first.listenerForSlot(0), second.listenerForSlot(0));
        assertNotSame(first.listenerForSlot(1), second.listenerForSlot(1));
        assertSame(first.listenerForSlot(3), second.listenerForSlot(3));
    }

    @Test
    void changingTheSharedProfileReplacesTheBusAndEveryMixOnIt() {
        List<ListenerSpec> listeners = mixMinus();
        MixPlan first = COMPILER.compile(SOURCES, listeners, null);
        Map<Integer, SourceGain> gains = new LinkedHashMap<>(EVERYONE.gains());
        gains.put(3, SourceGain.of(0.25f));
        Profile louder = Profile.of(EVERYONE.key(), gains);
        List<ListenerSpec> changed = new ArrayList<>();
        for (ListenerSpec listener : listeners) {
            changed.add(new ListenerSpec(listener.slot(), listener.channels(), listener.selfSlot(), louder,
                    listener.overrides(), listener.soloed(), listener.master()));
        }
        MixPlan second = COMPILER.compile(SOURCES, changed, first);

        assertNotSame(first.bus(0), second.bus(0));
        for (int i = 0; i < listeners.size(); i++) {
            assertNotSame(first.listener(i), second.listener(i));
        }
    }

    @Test
    void aWiderListenerOnTheProfileWidensTheBusForAll() {
        List<ListenerSpec> listeners = mixMinus();
        MixPlan first = COMPILER.compile(SOURCES, listeners, null);
        List<ListenerSpec> changed = new ArrayList<>(listeners);
        changed.add(ListenerSpec.of(9, 4, -1, EVERYONE));
        MixPlan second = COMPILER.compile(SOURCES, changed, first);

        assertEquals(4, second.bus(0).width());
        assertNotSame(first.listenerForSlot(0), second.listenerForSlot(0));
    }

    /**
     * Profiles are equal whatever order their gains were put in (Profile.equals compares the maps),
     * and an equal profile is an unchanged mix: its bus and listeners must be taken over.
     */
    @Test
    void anEqualProfileBuiltInAnotherOrderKeepsItsBusAndMixes() {
        Map<Integer, SourceGain> forward = new LinkedHashMap<>();
        forward.put(0, SourceGain.UNITY);
        forward.put(1, SourceGain.UNITY);
        Map<Integer, SourceGain> backward = new LinkedHashMap<>();
        backward.put(1, SourceGain.UNITY);
        backward.put(0, SourceGain.UNITY);
        Profile before = Profile.of("band", forward);
        Profile after = Profile.of("band", backward);
        assertEquals(before, after);
        MixPlan first = COMPILER.compile(SOURCES, List.of(ListenerSpec.of(0, 2, 0, before), ListenerSpec.of(1, 2, 1, before)), null);

        MixPlan second = COMPILER.compile(SOURCES, List.of(ListenerSpec.of(0, 2, 0, after), ListenerSpec.of(1, 2, 1, after)), first);

        assertSame(first.bus(0), second.bus(0), "bus of an equal profile not reused");
        assertSame(first.listenerForSlot(0), second.listenerForSlot(0), "mix on an equal profile not reused");
    }

    /**
     * Equal override maps, put together in another order (1 and 17 share a hash bucket, so their
     * iteration order is their insertion order): equal specs, so the same mix object.
     */
    @Test
    void equalOverridesInAnotherOrderKeepTheMix() {
        ListenerSpec before = new ListenerSpec(0, 2, 0, EVERYONE,
                Map.of(1, SourceGain.of(0.5f), 17, SourceGain.of(0.25f)), Set.of(), 1f);
        ListenerSpec after = new ListenerSpec(0, 2, 0, EVERYONE,
                Map.of(17, SourceGain.of(0.25f), 1, SourceGain.of(0.5f)), Set.of(), 1f);
        assertEquals(before, after);
        MixPlan first = COMPILER.compile(SOURCES, List.of(before), null);

        MixPlan second = COMPILER.compile(SOURCES, List.of(after), first);

        assertSame(first.listenerForSlot(0), second.listenerForSlot(0), "an equal listener spec was not reused");
    }

    private static List<ListenerSpec> mixMinus() {
        List<ListenerSpec> listeners = new ArrayList<>();
        for (SourceSpec source : SOURCES) {
            listeners.add(Presets.listener(PatchMode.CLIENT_FAN_OUT_IN, EVERYONE, source.slot(), 2, source.slot()));
        }
        return listeners;
    }
}
