package org.tutti.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tutti.mixer.plan.ListenerMix;
import org.tutti.mixer.plan.MixPlan;

/**
 * The compiled mixer (shared buses, per-listener deltas, direct sums, plan reuse, crossfades) against
 * {@link ReferenceMixer} on random configurations. Seeds 1..150 by default; explore more with
 * {@code -Dmixer.seed.base=N -Dmixer.seed.count=M}. Every failure names its seed and configuration.
 */
class MixerMatchesReferenceTest {
    /** Relative tolerance: float sums of ≤ 40 terms, a bus minus a few of its sources. */
    private static final double RELATIVE = 1e-5;

    static LongStream seeds() {
        long base = Long.getLong("mixer.seed.base", 1);
        long count = Long.getLong("mixer.seed.count", 150);
        return LongStream.range(base, base + count);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void steadyStateMatchesTheReference(long seed) {
        RandomMix config = RandomMix.generate(seed);
        float amplitude = RandomMix.safeAmplitude(config);
        MixPlan plan = new MixCompiler(config.upmix, RandomMix.MAX_FRAMES).compile(config.sources, config.listeners, null);
        Mixer mixer = new Mixer(RandomMix.SLOTS, RandomMix.MAX_CHANNELS, RandomMix.MAX_FRAMES, 48_000);

        for (int period = 1; period <= 4; period++) {
            float[][][] input = config.input(amplitude);
            float[][][] outputs = config.junkOutputs();
            mixer.process(plan, input, outputs, config.frames);
            for (ListenerSpec listener : config.listeners) {
                String where = "period " + period + ", " + config;
                if (period == 1) {
                    assertFadesIn(where, listener, config, input, outputs[listener.slot()]);
                } else {
                    assertMix(where, listener, config, input, outputs[listener.slot()]);
                }
                assertEquals(1f, mixer.limiterGain(listener.slot()), "limiter engaged; " + where);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void replanningCrossfadesChangedListenersAndKeepsTheRest(long seed) {
        RandomMix before = RandomMix.generate(seed);
        boolean changeSources = seed % 4 == 0;
        RandomMix after = before.mutate(changeSources);
        float amplitude = RandomMix.safeAmplitude(before, after);
        MixCompiler compiler = new MixCompiler(before.upmix, RandomMix.MAX_FRAMES);
        MixPlan first = compiler.compile(before.sources, before.listeners, null);
        MixPlan second = compiler.compile(after.sources, after.listeners, first);
        Mixer mixer = new Mixer(RandomMix.SLOTS, RandomMix.MAX_CHANNELS, RandomMix.MAX_FRAMES, 48_000);
        String configs = "before: " + before + "\nafter: " + after;

        if (!changeSources) {
            assertUnchangedMixesAreReused(before, after, first, second, configs);
        }
        for (int period = 1; period <= 3; period++) {
            mixer.process(first, before.input(amplitude), before.junkOutputs(), before.frames);
        }
        for (int period = 4; period <= 6; period++) {
            float[][][] input = after.input(amplitude);
            float[][][] outputs = after.junkOutputs();
            mixer.process(second, input, outputs, after.frames);
            for (ListenerSpec listener : after.listeners) {
                String where = "period " + period + ", " + configs;
                float[][] out = outputs[listener.slot()];
                ListenerSpec old = before.listener(listener.slot());
                if (period > 4) {
                    assertMix(where, listener, after, input, out);
                } else if (old == null) {
                    assertFadesIn(where, listener, after, input, out);
                } else if (first.listenerForSlot(old.slot()) == second.listenerForSlot(listener.slot())) {
                    assertMix(where + " (reused mix: no ramp)", listener, after, input, out);
                } else {
                    assertCrossfades(where, old, before, listener, after, input, out);
                }
                assertEquals(1f, mixer.limiterGain(listener.slot()), "limiter engaged; " + where);
            }
        }
    }

    /** A listener whose spec, base bus and sources are all unchanged keeps its very ListenerMix object. */
    private static void assertUnchangedMixesAreReused(RandomMix before, RandomMix after, MixPlan first,
                                                      MixPlan second, String configs) {
        Map<Profile, Integer> widthsBefore = before.busWidths();
        Map<Profile, Integer> widthsAfter = after.busWidths();
        for (ListenerSpec listener : after.listeners) {
            ListenerSpec old = before.listener(listener.slot());
            if (listener.equals(old) && widthsBefore.get(old.base()).equals(widthsAfter.get(listener.base()))) {
                assertSame(first.listenerForSlot(listener.slot()), second.listenerForSlot(listener.slot()),
                        "unchanged listener " + listener.slot() + " was not reused; " + configs);
            }
        }
        for (ListenerMix mix : listenerMixes(second)) {
            if (mix == first.listenerForSlot(mix.slot())) {
                ReferenceMixer was = new ReferenceMixer(before.upmix);
                ListenerSpec oldSpec = before.listener(mix.slot());
                ListenerSpec newSpec = after.listener(mix.slot());
                for (SourceSpec source : after.sources) {
                    for (int sc = 0; sc < source.channels(); sc++) {
                        for (int oc = 0; oc < Math.max(oldSpec.channels(), newSpec.channels()); oc++) {
                            assertEquals(was.coefficient(oldSpec, source, sc, oc), was.coefficient(newSpec, source, sc, oc),
                                    "listener " + mix.slot() + " reused although its mix changed; " + configs);
                        }
                    }
                }
            }
        }
    }

    private static ListenerMix[] listenerMixes(MixPlan plan) {
        ListenerMix[] mixes = new ListenerMix[plan.listenerCount()];
        for (int i = 0; i < mixes.length; i++) {
            mixes[i] = plan.listener(i);
        }
        return mixes;
    }

    private static void assertMix(String where, ListenerSpec listener, RandomMix config, float[][][] input,
                                  float[][] actual) {
        ReferenceMixer reference = new ReferenceMixer(config.upmix);
        double[][] expected = reference.mix(listener, config.sources, input, config.frames);
        double[] scale = reference.scale(listener, config.sources, input, config.frames);
        for (int c = 0; c < listener.channels(); c++) {
            for (int n = 0; n < config.frames; n++) {
                check(where, listener, c, n, expected[c][n], actual[c][n], scale[n]);
            }
        }
    }

    /** A listener new to the mixer: its mix scaled by a ramp from 1/frames to 1. */
    private static void assertFadesIn(String where, ListenerSpec listener, RandomMix config, float[][][] input,
                                      float[][] actual) {
        ReferenceMixer reference = new ReferenceMixer(config.upmix);
        double[][] expected = reference.mix(listener, config.sources, input, config.frames);
        double[] scale = reference.scale(listener, config.sources, input, config.frames);
        for (int c = 0; c < listener.channels(); c++) {
            for (int n = 0; n < config.frames; n++) {
                double t = (n + 1.0) / config.frames;
                check(where + " (fade-in)", listener, c, n, t * expected[c][n], actual[c][n], scale[n]);
            }
        }
    }

    /** A changed listener: (1 − t)·old + t·new, t rising linearly to 1 at the period's last frame. */
    private static void assertCrossfades(String where, ListenerSpec old, RandomMix before, ListenerSpec listener,
                                         RandomMix after, float[][][] input, float[][] actual) {
        ReferenceMixer was = new ReferenceMixer(before.upmix);
        ReferenceMixer now = new ReferenceMixer(after.upmix);
        double[][] from = was.mix(old, before.sources, input, after.frames);
        double[][] to = now.mix(listener, after.sources, input, after.frames);
        double[] fromScale = was.scale(old, before.sources, input, after.frames);
        double[] toScale = now.scale(listener, after.sources, input, after.frames);
        for (int c = 0; c < listener.channels(); c++) {
            for (int n = 0; n < after.frames; n++) {
                double t = (n + 1.0) / after.frames;
                double previous = c < old.channels() ? from[c][n] : 0;
                check(where + " (crossfade)", listener, c, n, (1 - t) * previous + t * to[c][n], actual[c][n],
                        fromScale[n] + toScale[n]);
            }
        }
    }

    private static void check(String where, ListenerSpec listener, int channel, int frame, double expected,
                              float actual, double scale) {
        double tolerance = RELATIVE * scale + 1e-30;
        if (!(Math.abs(actual - expected) <= tolerance)) {
            fail(String.format("listener %d channel %d frame %d: expected %.9g, got %.9g (tolerance %.3g)%n%s",
                    listener.slot(), channel, frame, expected, actual, tolerance, where));
        }
    }
}
