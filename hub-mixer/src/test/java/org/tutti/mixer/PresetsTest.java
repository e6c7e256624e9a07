package org.tutti.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tutti.mixer.plan.MixPlan;

/**
 * The patch modes, heard through the compiler and the mixer: three participants (slots 0 and 1
 * stereo, slot 2 mono) and the hub's own stereo input on slot 3. Every source channel carries its
 * own power of two, so each output sample tells exactly which channels were summed into it.
 */
class PresetsTest {
    private static final int FRAMES = 32;
    private static final int HUB = 3;
    private static final List<SourceSpec> PARTICIPANTS = List.of(new SourceSpec(0, 2), new SourceSpec(1, 2),
            new SourceSpec(2, 1));
    private static final Set<Integer> ALL = Set.of(0, 1, 2);

    @Test
    void mode0ServerToClientsEveryoneHearsTheHubInput() {
        for (int listener : ALL) {
            assertHears(PatchMode.SERVER_TO_CLIENTS, false, false, listener, 2, Set.of(HUB));
        }
    }

    @Test
    void mode1ClientLoopbackEveryoneHearsOnlyThemselves() {
        for (int listener : ALL) {
            assertHears(PatchMode.CLIENT_LOOPBACK, false, false, listener, 2, Set.of(listener));
        }
        assertSame(Profile.EMPTY, Presets.base(PatchMode.CLIENT_LOOPBACK, false, PARTICIPANTS, HUB));
        assertEquals(SourceGain.UNITY, Presets.self(PatchMode.CLIENT_LOOPBACK));
    }

    @Test
    void mode2FanOutInEveryoneHearsEveryoneElse() {
        assertHears(PatchMode.CLIENT_FAN_OUT_IN, false, false, 0, 2, Set.of(1, 2));
        assertHears(PatchMode.CLIENT_FAN_OUT_IN, false, false, 1, 2, Set.of(0, 2));
        assertHears(PatchMode.CLIENT_FAN_OUT_IN, false, false, 2, 2, Set.of(0, 1));
        assertEquals(SourceGain.SILENT, Presets.self(PatchMode.CLIENT_FAN_OUT_IN));
    }

    @Test
    void mode2WithIncludeServerAddsTheHubInput() {
        assertHears(PatchMode.CLIENT_FAN_OUT_IN, true, false, 0, 2, Set.of(1, 2, HUB));
        assertHears(PatchMode.CLIENT_FAN_OUT_IN, true, false, 2, 2, Set.of(0, 1, HUB));
    }

    @Test
    void mode4FullMixEveryoneHearsEveryoneIncludingThemselves() {
        for (int listener : ALL) {
            assertHears(PatchMode.FULL_MIX, false, false, listener, 2, ALL);
            assertHears(PatchMode.FULL_MIX, true, false, listener, 2, Set.of(0, 1, 2, HUB));
        }
        assertEquals(null, Presets.self(PatchMode.FULL_MIX));
    }

    @ParameterizedTest
    @EnumSource(value = PatchMode.class, names = {"NO_AUTO_PATCHING", "RESERVED_TU_BERLIN"})
    void modes5And3PatchNothing(PatchMode mode) {
        for (int listener : ALL) {
            assertHears(mode, false, false, listener, 2, Set.of());
            assertHears(mode, true, true, listener, 2, Set.of());
        }
    }

    @Test
    void includeServerChangesOnlyModes2And4() {
        for (PatchMode mode : PatchMode.values()) {
            boolean changes = !Presets.base(mode, true, PARTICIPANTS, HUB).equals(Presets.base(mode, false, PARTICIPANTS, HUB));
            assertEquals(mode.acceptsIncludeServer(), changes, mode.toString());
        }
        assertTrue(PatchMode.CLIENT_FAN_OUT_IN.acceptsIncludeServer());
        assertTrue(PatchMode.FULL_MIX.acceptsIncludeServer());
        assertFalse(PatchMode.SERVER_TO_CLIENTS.acceptsIncludeServer());
    }

    @Test
    void upmixFeedsAMonoSourceToBothChannels() {
        float[][] withUpmix = hear(PatchMode.FULL_MIX, false, true, 0, 2);
        float[][] without = hear(PatchMode.FULL_MIX, false, false, 0, 2);

        assertEquals(level(0, 1) + level(1, 1) + level(2, 0), withUpmix[1][FRAMES - 1]);
        assertEquals(level(0, 1) + level(1, 1), without[1][FRAMES - 1]);
        assertEquals(without[0][FRAMES - 1], withUpmix[0][FRAMES - 1], "channel 1 is the same either way");
        assertHears(PatchMode.CLIENT_FAN_OUT_IN, false, true, 0, 2, Set.of(1, 2));
    }

    @Test
    void upmixNeverTouchesStereoSources() {
        assertHears(PatchMode.CLIENT_LOOPBACK, false, true, 0, 2, Set.of(0));
    }

    @Test
    void aMonoListenerTakesChannelOneOfEverySourceOnly() {
        for (boolean upmix : new boolean[] {false, true}) {
            float[][] mono = hear(PatchMode.FULL_MIX, true, upmix, 1, 1);
            assertEquals(level(0, 0) + level(1, 0) + level(2, 0) + level(HUB, 0), mono[0][FRAMES - 1], "upmix " + upmix);
        }
        assertHears(PatchMode.CLIENT_FAN_OUT_IN, false, true, 2, 1, Set.of(0, 1));
    }

    @Test
    void patchModesAreNumberedAsInJackTrip() {
        for (int number = 0; number <= 5; number++) {
            assertEquals(number, PatchMode.fromNumber(number).number());
        }
        assertEquals(PatchMode.CLIENT_FAN_OUT_IN, PatchMode.fromNumber(2));
        assertThrows(IllegalArgumentException.class, () -> PatchMode.fromNumber(6));
        assertThrows(IllegalArgumentException.class, () -> PatchMode.fromNumber(-1));
    }

    /** What the mode gives {@code listener}, compared with the exact sum of the sources in {@code heard}. */
    private static void assertHears(PatchMode mode, boolean includeServer, boolean upmix, int listener, int channels,
                                    Set<Integer> heard) {
        float[][] out = hear(mode, includeServer, upmix, listener, channels);
        for (int c = 0; c < channels; c++) {
            float expected = 0f;
            for (int source : heard) {
                int sourceChannels = source == 2 ? 1 : 2;
                if (c < sourceChannels) {
                    expected += level(source, c);
                } else if (upmix && sourceChannels == 1 && c == 1) {
                    expected += level(source, 0);
                }
            }
            for (int n = 0; n < FRAMES; n++) {
                assertEquals(expected, out[c][n], mode + (includeServer ? " -i" : "") + (upmix ? " -u" : "")
                        + ": listener " + listener + " channel " + c + " frame " + n + " should hear " + heard);
            }
        }
    }

    /** The listener's output in the second period (the first fades in). */
    private static float[][] hear(PatchMode mode, boolean includeServer, boolean upmix, int listener, int channels) {
        MixPlan plan = compile(mode, includeServer, upmix, channels);
        float[][][] input = new float[4][][];
        for (SourceSpec source : sources()) {
            input[source.slot()] = new float[source.channels()][FRAMES];
            for (int c = 0; c < source.channels(); c++) {
                java.util.Arrays.fill(input[source.slot()][c], level(source.slot(), c));
            }
        }
        float[][][] outputs = new float[3][2][FRAMES];
        Mixer mixer = new Mixer(3, 2, FRAMES, 48_000);
        mixer.process(plan, input, outputs, FRAMES);
        mixer.process(plan, input, outputs, FRAMES);
        return outputs[listener];
    }

    private static MixPlan compile(PatchMode mode, boolean includeServer, boolean upmix, int channels) {
        Profile base = Presets.base(mode, includeServer, PARTICIPANTS, HUB);
        List<ListenerSpec> listeners = new ArrayList<>();
        for (SourceSpec participant : PARTICIPANTS) {
            listeners.add(Presets.listener(mode, base, participant.slot(), channels, participant.slot()));
        }
        return new MixCompiler(upmix, FRAMES).compile(sources(), listeners, null);
    }

    private static List<SourceSpec> sources() {
        List<SourceSpec> sources = new ArrayList<>(PARTICIPANTS);
        sources.add(new SourceSpec(HUB, 2));
        return sources;
    }

    /** A distinct power of two per (source, channel): sums are exact and tell their terms apart. */
    private static float level(int source, int channel) {
        return (float) Math.scalb(1.0, -(3 + 2 * source + channel));
    }
}
