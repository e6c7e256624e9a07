package org.tutti.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.tutti.mixer.ListenerSpec;
import org.tutti.mixer.MixCompiler;
import org.tutti.mixer.PatchMode;
import org.tutti.mixer.Presets;
import org.tutti.mixer.Profile;
import org.tutti.mixer.SourceGain;
import org.tutti.mixer.SourceSpec;
import org.tutti.mixer.plan.MixPlan;

/**
 * The mixes the benchmarks render: {@code n} stereo participants, each one source and one listener
 * on the same slot, compiled the way the hub compiles them.
 */
public enum MixingScenario {
    /** Patch mode 2: everyone hears everyone but themselves, all on one shared bus (the choir case). */
    shared {
        @Override
        List<ListenerSpec> listeners(List<SourceSpec> sources, Random random) {
            Profile everyone = Presets.everyone(sources, -1);
            List<ListenerSpec> listeners = new ArrayList<>();
            for (SourceSpec source : sources) {
                listeners.add(Presets.listener(PatchMode.CLIENT_FAN_OUT_IN, everyone, source.slot(), CHANNELS,
                        source.slot()));
            }
            return listeners;
        }
    },
    /** {@link #shared} plus 10 % of all listener × source entries set to a personal gain. */
    personal10 {
        @Override
        List<ListenerSpec> listeners(List<SourceSpec> sources, Random random) {
            List<ListenerSpec> listeners = new ArrayList<>();
            for (ListenerSpec listener : shared.listeners(sources, random)) {
                Map<Integer, SourceGain> overrides = new HashMap<>(listener.overrides());
                for (SourceSpec source : sources) {
                    if (random.nextDouble() < 0.10) {
                        overrides.put(source.slot(), SourceGain.of(0.05f + 1.9f * random.nextFloat()));
                    }
                }
                listeners.add(new ListenerSpec(listener.slot(), listener.channels(), listener.selfSlot(),
                        listener.base(), overrides, Set.of(), 1f));
            }
            return listeners;
        }
    },
    /**
     * No shared bus: every listener is a direct sum of every other source, which is what a matrix
     * mixer costs (the base is empty, so the compiler has nothing to share).
     */
    naive {
        @Override
        List<ListenerSpec> listeners(List<SourceSpec> sources, Random random) {
            List<ListenerSpec> listeners = new ArrayList<>();
            for (SourceSpec self : sources) {
                Map<Integer, SourceGain> everyoneElse = new HashMap<>();
                for (SourceSpec source : sources) {
                    if (source.slot() != self.slot()) {
                        everyoneElse.put(source.slot(), SourceGain.UNITY);
                    }
                }
                listeners.add(new ListenerSpec(self.slot(), CHANNELS, self.slot(), Profile.EMPTY, everyoneElse,
                        Set.of(), 1f));
            }
            return listeners;
        }
    };

    public static final int SAMPLE_RATE = 48_000;
    public static final int FRAMES = 128;
    public static final int CHANNELS = 2;

    abstract List<ListenerSpec> listeners(List<SourceSpec> sources, Random random);

    public static List<SourceSpec> sources(int participants) {
        List<SourceSpec> sources = new ArrayList<>();
        for (int slot = 0; slot < participants; slot++) {
            sources.add(new SourceSpec(slot, CHANNELS));
        }
        return sources;
    }

    /** The compiled plan for {@code participants}; the same seed gives the same plan. */
    public MixPlan plan(int participants, long seed) {
        List<SourceSpec> sources = sources(participants);
        return new MixCompiler(false, FRAMES).compile(sources, listeners(sources, new Random(seed)), null);
    }

    /**
     * Source audio for one period: white noise small enough that no mix reaches the limiter's
     * ceiling even with every source at the highest personal gain.
     */
    public static float[][][] noise(int participants, long seed) {
        Random random = new Random(seed);
        float amplitude = 0.9f / (2f * participants);
        float[][][] audio = new float[participants][CHANNELS][FRAMES];
        for (float[][] slot : audio) {
            for (float[] channel : slot) {
                for (int n = 0; n < FRAMES; n++) {
                    channel[n] = amplitude * (2f * random.nextFloat() - 1f);
                }
            }
        }
        return audio;
    }
}
