package org.tutti.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
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
 * The audio thread never allocates: after warm-up, {@link Mixer#process} allocates nothing, also
 * while it crossfades between plans and fades listeners in.
 */
class MixerAllocationTest {
    private static final int LISTENERS = 32;
    private static final int FRAMES = 128;
    private static final int CALLS = 10_000;

    @Test
    void processAllocatesNothingAfterWarmUp() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);

        List<SourceSpec> sources = MixCostTest.sources(LISTENERS);
        MixCompiler compiler = new MixCompiler(true, FRAMES);
        MixPlan shared = compiler.compile(sources, personalised(sources, 1), null);
        MixPlan changed = compiler.compile(sources, personalised(sources, 2), shared);
        List<ListenerMix> fewer = new ArrayList<>();
        for (int i = 1; i < changed.listenerCount(); i++) {
            fewer.add(changed.listener(i));
        }
        MixPlan oneLeft = new MixPlan(List.of(), fewer);
        MixPlan[] plans = {shared, changed, oneLeft, changed};
        assertTrue(shared.busCount() > 0);

        float[][][] input = new float[LISTENERS][2][FRAMES];
        Random random = new Random(32);
        for (float[][] slot : input) {
            for (float[] channel : slot) {
                for (int n = 0; n < FRAMES; n++) {
                    channel[n] = 0.01f * (2 * random.nextFloat() - 1);
                }
            }
        }
        float[][][] outputs = new float[LISTENERS][2][FRAMES];
        Mixer mixer = new Mixer(LISTENERS, 2, FRAMES, 48_000);

        run(mixer, plans, input, outputs, 3 * CALLS); // warm-up: let the JIT settle
        long calibration = threads.getCurrentThreadAllocatedBytes();
        long overhead = threads.getCurrentThreadAllocatedBytes() - calibration;
        long before = threads.getCurrentThreadAllocatedBytes();
        run(mixer, plans, input, outputs, CALLS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before - overhead;

        assertEquals(0, allocated, "bytes allocated by " + CALLS + " periods of 32 listeners");
    }

    /** Switches plan every 50 periods: steady state, crossfades and a listener leaving and coming back. */
    private static void run(Mixer mixer, MixPlan[] plans, float[][][] input, float[][][] outputs, int calls) {
        for (int call = 0; call < calls; call++) {
            mixer.process(plans[(call / 50) & 3], input, outputs, FRAMES);
        }
    }

    /** Mix-minus on one shared bus, a few personal gains, one soloing listener and one mono listener. */
    private static List<ListenerSpec> personalised(List<SourceSpec> sources, long seed) {
        Random random = new Random(seed);
        Profile everyone = Presets.everyone(sources, -1);
        List<ListenerSpec> listeners = new ArrayList<>();
        for (SourceSpec source : sources) {
            int slot = source.slot();
            Map<Integer, SourceGain> overrides = new HashMap<>(Map.of(slot, SourceGain.SILENT));
            for (int k = 0; k < 3; k++) {
                overrides.put(random.nextInt(sources.size()), new SourceGain(random.nextFloat(), 2 * random.nextFloat() - 1));
            }
            Set<Integer> solo = slot == 5 ? Set.of(7) : Set.of();
            listeners.add(new ListenerSpec(slot, slot == 9 ? 1 : 2, slot, everyone, overrides, solo, 0.9f));
        }
        return listeners;
    }
}
