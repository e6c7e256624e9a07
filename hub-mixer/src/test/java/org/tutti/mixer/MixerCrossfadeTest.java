package org.tutti.mixer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tutti.mixer.plan.ListenerMix;
import org.tutti.mixer.plan.MixPlan;

/** What the audio thread does when the plan changes: linear ramps, never a step. */
class MixerCrossfadeTest {
    private static final int FRAMES = 128;
    private static final MixCompiler COMPILER = new MixCompiler(false, FRAMES);
    private static final List<SourceSpec> SOURCES = List.of(new SourceSpec(0, 2), new SourceSpec(1, 2), new SourceSpec(2, 2));
    private static final Profile EVERYONE = Presets.everyone(SOURCES, -1);

    private final Random random = new Random(20_240_601);
    private final Mixer mixer = new Mixer(4, 2, FRAMES, 48_000);
    private final float[][][] outputs = new float[4][2][FRAMES];

    @Test
    void switchingPlansRampsLinearlyFromTheOldMixToTheNewWithinOnePeriod() {
        ListenerSpec quiet = new ListenerSpec(0, 2, 0, EVERYONE, Map.of(0, SourceGain.SILENT), Set.of(), 0.5f);
        ListenerSpec loud = new ListenerSpec(0, 2, 0, EVERYONE, Map.of(0, SourceGain.SILENT, 2, SourceGain.of(1.5f)),
                Set.of(), 1f);
        MixPlan first = COMPILER.compile(SOURCES, List.of(quiet), null);
        MixPlan second = COMPILER.compile(SOURCES, List.of(loud), first);
        float[][][] input = noise(0.1f);
        ReferenceMixer reference = new ReferenceMixer(false);
        double[][] from = reference.mix(quiet, SOURCES, input, FRAMES);
        double[][] to = reference.mix(loud, SOURCES, input, FRAMES);

        mixer.process(first, input, outputs, FRAMES);
        mixer.process(first, input, outputs, FRAMES);
        mixer.process(second, input, outputs, FRAMES);

        for (int c = 0; c < 2; c++) {
            for (int n = 0; n < FRAMES; n++) {
                double t = (n + 1.0) / FRAMES;
                assertEquals((1 - t) * from[c][n] + t * to[c][n], outputs[0][c][n], 1e-6, "channel " + c + " frame " + n);
            }
        }
        mixer.process(second, input, outputs, FRAMES);
        for (int c = 0; c < 2; c++) {
            for (int n = 0; n < FRAMES; n++) {
                assertEquals(to[c][n], outputs[0][c][n], 1e-6, "after the ramp, channel " + c + " frame " + n);
            }
        }
    }

    @Test
    void theRampIsAGainRampOnAConstantSignal() {
        float[][][] input = constant(0.25f);
        MixPlan full = COMPILER.compile(SOURCES, List.of(ListenerSpec.of(0, 2, -1, Profile.of("one", Map.of(1, SourceGain.UNITY)))), null);
        MixPlan silent = COMPILER.compile(SOURCES, List.of(new ListenerSpec(0, 2, -1,
                Profile.of("one", Map.of(1, SourceGain.UNITY)), Map.of(), Set.of(), 0f)), full);

        mixer.process(full, input, outputs, FRAMES);
        mixer.process(full, input, outputs, FRAMES);
        mixer.process(silent, input, outputs, FRAMES);

        for (int n = 0; n < FRAMES; n++) {
            assertEquals(0.25 * (1 - (n + 1.0) / FRAMES), outputs[0][0][n], 1e-7, "frame " + n);
        }
        assertEquals(0f, outputs[0][0][FRAMES - 1], "ends exactly at the new gain");
    }

    @Test
    void reusingAnUnchangedPlanDoesNotRamp() {
        List<ListenerSpec> listeners = List.of(new ListenerSpec(0, 2, 0, EVERYONE, Map.of(0, SourceGain.SILENT), Set.of(), 0.8f),
                new ListenerSpec(1, 2, 1, EVERYONE, Map.of(1, SourceGain.SILENT), Set.of(), 1f));
        MixPlan first = COMPILER.compile(SOURCES, listeners, null);
        MixPlan again = COMPILER.compile(SOURCES, listeners, first);
        assertSame(first.listener(0), again.listener(0));
        float[][][] input = noise(0.1f);

        mixer.process(first, input, outputs, FRAMES);
        mixer.process(first, input, outputs, FRAMES);
        float[][] steady = copy(outputs[0]);
        mixer.process(again, input, outputs, FRAMES);

        assertArrayEquals(steady[0], outputs[0][0]);
        assertArrayEquals(steady[1], outputs[0][1]);
    }

    @Test
    void changingOneListenerRampsOnlyThatOne() {
        ListenerSpec stays = new ListenerSpec(0, 2, 0, EVERYONE, Map.of(0, SourceGain.SILENT), Set.of(), 1f);
        ListenerSpec before = new ListenerSpec(1, 2, 1, EVERYONE, Map.of(1, SourceGain.SILENT), Set.of(), 1f);
        ListenerSpec after = new ListenerSpec(1, 2, 1, EVERYONE, Map.of(1, SourceGain.SILENT, 0, SourceGain.SILENT), Set.of(), 1f);
        MixPlan first = COMPILER.compile(SOURCES, List.of(stays, before), null);
        MixPlan second = COMPILER.compile(SOURCES, List.of(stays, after), first);
        float[][][] input = noise(0.1f);

        mixer.process(first, input, outputs, FRAMES);
        mixer.process(first, input, outputs, FRAMES);
        float[][] steady0 = copy(outputs[0]);
        float[][] old1 = copy(outputs[1]);
        mixer.process(second, input, outputs, FRAMES);
        float[][] ramp1 = copy(outputs[1]);
        mixer.process(second, input, outputs, FRAMES);

        assertArrayEquals(steady0[0], outputs[0][0], "the unchanged listener passes untouched");
        for (int n = 0; n < FRAMES; n++) {
            float t = (n + 1f) / FRAMES;
            assertEquals((1 - t) * old1[0][n] + t * outputs[1][0][n], ramp1[0][n], 1e-6, "frame " + n);
        }
    }

    @Test
    void aNewListenerFadesInFromSilence() {
        float[][][] input = constant(0.5f);
        MixPlan plan = COMPILER.compile(SOURCES, List.of(ListenerSpec.of(2, 2, -1, Profile.of("one", Map.of(0, SourceGain.UNITY)))), null);

        mixer.process(plan, input, outputs, FRAMES);

        for (int n = 0; n < FRAMES; n++) {
            assertEquals(0.5f * (n + 1) / FRAMES, outputs[2][0][n], 1e-7, "frame " + n);
        }
        mixer.process(plan, input, outputs, FRAMES);
        for (int n = 0; n < FRAMES; n++) {
            assertEquals(0.5f, outputs[2][0][n], "second period, frame " + n);
        }
    }

    /** Absent for one period, back with the very same mix object: it must not pick up where it left off. */
    @Test
    void aListenerThatLeftFadesInAgainWhenItComesBack() {
        float[][][] input = constant(0.2f);
        MixPlan both = COMPILER.compile(SOURCES, List.of(ListenerSpec.of(0, 2, -1, EVERYONE), ListenerSpec.of(1, 2, -1,
                Profile.of("one", Map.of(2, SourceGain.UNITY)))), null);
        ListenerMix stayer = both.listenerForSlot(1);
        MixPlan withoutZero = new MixPlan(List.of(), List.of(stayer));

        mixer.process(both, input, outputs, FRAMES);
        mixer.process(both, input, outputs, FRAMES);
        mixer.process(withoutZero, input, outputs, FRAMES);
        mixer.process(both, input, outputs, FRAMES);

        for (int n = 0; n < FRAMES; n++) {
            assertEquals(0.6f * (n + 1) / FRAMES, outputs[0][0][n], 1e-6, "returning listener, frame " + n);
            assertEquals(0.2f, outputs[1][0][n], "the listener that stayed, frame " + n);
        }
    }

    @Test
    void aListenerGainingChannelsRampsTheNewChannelsUpFromSilence() {
        float[][][] input = constant(0.2f);
        MixPlan mono = COMPILER.compile(SOURCES, List.of(ListenerSpec.of(0, 1, -1, EVERYONE)), null);
        MixPlan stereo = COMPILER.compile(SOURCES, List.of(ListenerSpec.of(0, 2, -1, EVERYONE)), mono);

        mixer.process(mono, input, outputs, FRAMES);
        mixer.process(mono, input, outputs, FRAMES);
        mixer.process(stereo, input, outputs, FRAMES);

        for (int n = 0; n < FRAMES; n++) {
            assertEquals(0.6f, outputs[0][0][n], 1e-6, "channel 1 carries on, frame " + n);
            assertEquals(0.6f * (n + 1) / FRAMES, outputs[0][1][n], 1e-6, "channel 2 fades in, frame " + n);
        }
    }

    private float[][][] noise(float amplitude) {
        float[][][] input = new float[3][2][FRAMES];
        for (float[][] slot : input) {
            for (float[] channel : slot) {
                for (int n = 0; n < FRAMES; n++) {
                    channel[n] = amplitude * (2 * random.nextFloat() - 1);
                }
            }
        }
        return input;
    }

    private static float[][][] constant(float value) {
        float[][][] input = new float[3][2][FRAMES];
        for (float[][] slot : input) {
            for (float[] channel : slot) {
                java.util.Arrays.fill(channel, value);
            }
        }
        return input;
    }

    private static float[][] copy(float[][] buffer) {
        float[][] copy = new float[buffer.length][];
        for (int c = 0; c < buffer.length; c++) {
            copy[c] = buffer[c].clone();
        }
        return copy;
    }
}
