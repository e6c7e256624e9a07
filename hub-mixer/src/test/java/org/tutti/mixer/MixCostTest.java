package org.tutti.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.plan.ListenerMix;
import org.tutti.mixer.plan.MixPlan;

/**
 * {@link MixPlan#costPerFrame()}: mixing cost grows with participants plus personalised entries, not
 * with participants squared, and each listener is compiled in its cheaper form.
 */
class MixCostTest {
    private static final MixCompiler COMPILER = new MixCompiler(false, 128);

    /** Bus: 2 routes per stereo source. Each listener: a 2-channel copy of the bus, minus its own 2 channels. */
    @Test
    void everyoneButMeOnOneSharedBusCostsSixMultiplyAddsPerParticipant() {
        for (int n : new int[] {8, 32, 128, 512}) {
            MixPlan plan = COMPILER.compile(sources(n), mixMinus(n), null);
            assertEquals(1, plan.busCount(), "n = " + n);
            assertEquals(6L * n, plan.costPerFrame(), "n = " + n);
        }
    }

    @Test
    void sharedMixCostIsLinearNotQuadratic() {
        long at64 = COMPILER.compile(sources(64), mixMinus(64), null).costPerFrame();
        long at256 = COMPILER.compile(sources(256), mixMinus(256), null).costPerFrame();
        assertEquals(4 * at64, at256, "four times the participants, four times the cost");
        long naive = 2L * 256 * 255;
        assertTrue(at256 * 40 < naive, "shared " + at256 + " vs every listener summing everyone " + naive);
    }

    /** Every personalised (listener, source) entry on a stereo source adds one correction per channel. */
    @Test
    void personalisedEntriesAddTheirOwnCostOnTopOfTheSharedMix() {
        for (int n : new int[] {32, 64, 128, 256}) {
            Random random = new Random(n);
            List<ListenerSpec> listeners = new ArrayList<>();
            int personalised = 0;
            for (ListenerSpec listener : mixMinus(n)) {
                Map<Integer, SourceGain> overrides = new HashMap<>(listener.overrides());
                for (int source = 0; source < n; source++) {
                    if (source != listener.selfSlot() && random.nextInt(10) == 0) {
                        overrides.put(source, SourceGain.of(0.1f + random.nextFloat() * 0.8f));
                        personalised++;
                    }
                }
                listeners.add(new ListenerSpec(listener.slot(), 2, listener.selfSlot(), listener.base(), overrides,
                        Set.of(), 1f));
            }
            MixPlan plan = COMPILER.compile(sources(n), listeners, null);
            assertEquals(6L * n + 2L * personalised, plan.costPerFrame(), "n = " + n + ", personalised " + personalised);
        }
    }

    @Test
    void aSoloingListenerIsADirectSumOfWhatItSolos() {
        List<ListenerSpec> listeners = new ArrayList<>(mixMinus(32));
        listeners.set(0, new ListenerSpec(0, 2, 0, listeners.get(0).base(), Map.of(0, SourceGain.SILENT), Set.of(5),
                1f));
        MixPlan plan = COMPILER.compile(sources(32), listeners, null);

        ListenerMix soloist = plan.listenerForSlot(0);
        assertNull(soloist.bus(), "cheaper without the bus");
        assertEquals(2, soloist.costPerFrame(), "source 5, two channels");
        assertNotNull(plan.listenerForSlot(1).bus(), "everyone else still shares the bus");
    }

    @Test
    void aListenerThatChangesMostSourcesIsADirectSum() {
        List<ListenerSpec> listeners = new ArrayList<>(mixMinus(16));
        Map<Integer, SourceGain> overrides = new HashMap<>();
        for (int source = 1; source < 16; source++) {
            overrides.put(source, SourceGain.of(0.5f));
        }
        overrides.put(0, SourceGain.SILENT);
        listeners.set(0, new ListenerSpec(0, 2, 0, listeners.get(0).base(), overrides, Set.of(), 1f));
        MixPlan plan = COMPILER.compile(sources(16), listeners, null);

        assertNull(plan.listenerForSlot(0).bus());
        assertEquals(30, plan.listenerForSlot(0).costPerFrame(), "15 sources × 2 channels");
    }

    @Test
    void aListenerWithFewChangesBuildsOnTheBus() {
        List<ListenerSpec> listeners = new ArrayList<>(mixMinus(16));
        listeners.set(0, new ListenerSpec(0, 2, 0, listeners.get(0).base(),
                Map.of(0, SourceGain.SILENT, 3, SourceGain.of(0.5f), 4, new SourceGain(1f, -0.5f)), Set.of(), 0.7f));
        MixPlan plan = COMPILER.compile(sources(16), listeners, null);

        ListenerMix mix = plan.listenerForSlot(0);
        assertNotNull(mix.bus());
        assertEquals(0.7f, mix.busGain());
        assertEquals(2 + 2 + 2 + 1, mix.costPerFrame(), "bus copy, self out, source 3 rescaled, source 4 left channel untouched");
    }

    /**
     * Whichever form the compiler picks must not cost more than the other: here a mono source fed to
     * both channels (upmix) is two routes, so a direct sum of 12 such sources is 24 routes while the
     * bus plus 8 corrections (2 routes each) is 18.
     */
    @Test
    void theCompilerNeverPicksTheDearerForm() {
        MixCompiler upmixing = new MixCompiler(true, 128);
        List<SourceSpec> mono = new ArrayList<>();
        for (int slot = 0; slot < 12; slot++) {
            mono.add(new SourceSpec(slot, 1));
        }
        Profile everyone = Presets.everyone(mono, -1);
        Map<Integer, SourceGain> overrides = new HashMap<>();
        for (int source = 1; source <= 8; source++) {
            overrides.put(source, SourceGain.of(0.5f));
        }
        ListenerSpec listener = new ListenerSpec(0, 2, -1, everyone, overrides, Set.of(), 1f);
        List<ListenerSpec> listeners = List.of(listener, ListenerSpec.of(1, 2, -1, everyone));
        int direct = new ReferenceMixer(true).directRoutes(listener, mono);
        int busAndCorrections = 2 + 2 * 8;
        assertEquals(24, direct);

        MixPlan plan = upmixing.compile(mono, listeners, null);

        assertTrue(plan.listenerForSlot(0).costPerFrame() <= Math.min(direct, busAndCorrections),
                "picked " + plan.listenerForSlot(0) + " costing " + plan.listenerForSlot(0).costPerFrame()
                        + "; direct sum " + direct + ", bus + corrections " + busAndCorrections);
    }

    /**
     * Over random configurations: no listener ever costs more than summing its sources directly
     * (counted as the reference's non-zero channel-to-channel gains; a stereo source panned hard
     * right, for instance, is one route into a mono mix, not two and not zero).
     */
    @Test
    void noListenerCostsMoreThanItsDirectSumOnRandomMixes() {
        for (long seed = 1; seed <= 300; seed++) {
            RandomMix config = RandomMix.generate(seed);
            MixPlan plan = new MixCompiler(config.upmix, 128).compile(config.sources, config.listeners, null);
            ReferenceMixer reference = new ReferenceMixer(config.upmix);
            for (ListenerSpec listener : config.listeners) {
                ListenerMix mix = plan.listenerForSlot(listener.slot());
                int direct = reference.directRoutes(listener, config.sources);
                assertTrue(mix.costPerFrame() <= direct,
                        "seed " + seed + ": " + mix + " costs " + mix.costPerFrame() + ", direct " + direct);
            }
        }
    }

    static List<SourceSpec> sources(int n) {
        List<SourceSpec> sources = new ArrayList<>();
        for (int slot = 0; slot < n; slot++) {
            sources.add(new SourceSpec(slot, 2));
        }
        return sources;
    }

    /** Patch mode 2: everyone hears everyone but themselves. */
    static List<ListenerSpec> mixMinus(int n) {
        List<SourceSpec> sources = sources(n);
        Profile everyone = Presets.everyone(sources, -1);
        List<ListenerSpec> listeners = new ArrayList<>();
        for (SourceSpec source : sources) {
            listeners.add(Presets.listener(PatchMode.CLIENT_FAN_OUT_IN, everyone, source.slot(), 2, source.slot()));
        }
        return listeners;
    }
}
