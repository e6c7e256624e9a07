package org.tutti.mixer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A random mixing configuration: 1–40 sources of 1–4 channels on scattered slots, listeners of
 * 1–4 channels (mostly the participants themselves, sometimes a listener that is no source), a few
 * base profiles shared by random groups, and random overrides, pans, solos and master levels.
 * Everything derives from one seed.
 */
final class RandomMix {
    static final int SLOTS = 48;
    static final int MAX_CHANNELS = 4;
    static final int MAX_FRAMES = 128;

    final long seed;
    final boolean upmix;
    final int frames;
    final List<SourceSpec> sources;
    final List<Profile> profiles;
    final List<ListenerSpec> listeners;
    /** Channels of every slot that ever carried a source (a slot keeps its width). */
    final Map<Integer, Integer> slotChannels;
    private final Random random;

    private RandomMix(long seed, Random random, boolean upmix, int frames, List<SourceSpec> sources,
                      List<Profile> profiles, List<ListenerSpec> listeners, Map<Integer, Integer> slotChannels) {
        this.seed = seed;
        this.random = random;
        this.upmix = upmix;
        this.frames = frames;
        this.sources = sources;
        this.profiles = profiles;
        this.listeners = listeners;
        this.slotChannels = slotChannels;
    }

    static RandomMix generate(long seed) {
        Random random = new Random(seed);
        boolean upmix = random.nextBoolean();
        int frames = random.nextInt(4) == 0 ? 1 + random.nextInt(MAX_FRAMES) : MAX_FRAMES;
        List<Integer> slots = new ArrayList<>();
        for (int s = 0; s < SLOTS; s++) {
            slots.add(s);
        }
        java.util.Collections.shuffle(slots, random);
        int sourceCount = 1 + random.nextInt(40);
        Map<Integer, Integer> slotChannels = new LinkedHashMap<>();
        List<SourceSpec> sources = new ArrayList<>();
        for (int i = 0; i < sourceCount; i++) {
            int channels = channels(random);
            slotChannels.put(slots.get(i), channels);
            sources.add(new SourceSpec(slots.get(i), channels));
        }
        List<Profile> profiles = new ArrayList<>();
        int profileCount = 1 + random.nextInt(4);
        for (int p = 0; p < profileCount; p++) {
            profiles.add(random.nextInt(8) == 0 ? Profile.EMPTY : randomProfile("p" + p, sources, random));
        }
        double overrideRate = new double[] {0, 0.05, 0.3, 0.9}[random.nextInt(4)];
        List<ListenerSpec> listeners = new ArrayList<>();
        for (SourceSpec source : sources) {
            if (random.nextInt(5) != 0) {
                listeners.add(randomListener(source.slot(), source.slot(), profiles, sources, overrideRate, random));
            }
        }
        // Listeners that are no source (a recorder, a JACK port): slots no source uses.
        int extra = random.nextInt(3);
        for (int e = 0; e < extra || listeners.isEmpty(); e++) {
            listeners.add(randomListener(slots.get(sourceCount + e), -1, profiles, sources, overrideRate, random));
        }
        return new RandomMix(seed, random, upmix, frames, sources, profiles, listeners, slotChannels);
    }

    /**
     * The next configuration: some listeners change (overrides, solo, master, channels, base),
     * leave or join; sometimes a profile changes, and with {@code changeSources} a source joins
     * or leaves.
     */
    RandomMix mutate(boolean changeSources) {
        List<SourceSpec> newSources = new ArrayList<>(sources);
        Map<Integer, Integer> newSlotChannels = new LinkedHashMap<>(slotChannels);
        if (changeSources) {
            if (newSources.size() > 1 && random.nextBoolean()) {
                newSources.remove(random.nextInt(newSources.size()));
            } else {
                int slot = freeSlot(newSlotChannels.keySet());
                if (slot >= 0) {
                    int channels = channels(random);
                    newSlotChannels.put(slot, channels);
                    newSources.add(new SourceSpec(slot, channels));
                }
            }
        }
        List<Profile> newProfiles = new ArrayList<>(profiles);
        if (random.nextInt(4) == 0) {
            int p = random.nextInt(newProfiles.size());
            newProfiles.set(p, randomProfile("p" + p, newSources, random)); // its listeners move along below
        }
        List<ListenerSpec> newListeners = new ArrayList<>();
        for (ListenerSpec listener : listeners) {
            int roll = random.nextInt(10);
            Profile base = newProfiles.get(Math.max(0, profiles.indexOf(listener.base())));
            ListenerSpec moved = new ListenerSpec(listener.slot(), listener.channels(), listener.selfSlot(), base,
                    listener.overrides(), listener.soloed(), listener.master());
            if (roll == 0) {
                continue; // leaves
            } else if (roll <= 3) {
                newListeners.add(changeOne(moved, newProfiles, newSources));
            } else {
                newListeners.add(moved);
            }
        }
        if (random.nextInt(3) == 0) {
            Set<Integer> taken = newListeners.stream().map(ListenerSpec::slot).collect(Collectors.toSet());
            int slot = freeSlot(taken);
            if (slot >= 0) {
                int self = newSlotChannels.containsKey(slot) ? slot : -1;
                newListeners.add(randomListener(slot, self, newProfiles, newSources, 0.1, random));
            }
        }
        return new RandomMix(seed, random, upmix, frames, newSources, newProfiles, newListeners, newSlotChannels);
    }

    /** Fresh noise on every slot that ever carried a source, small enough that no mix reaches the limiter. */
    float[][][] input(float amplitude) {
        float[][][] input = new float[SLOTS][][];
        slotChannels.forEach((slot, channels) -> {
            input[slot] = new float[channels][frames];
            for (float[] channel : input[slot]) {
                for (int n = 0; n < frames; n++) {
                    channel[n] = amplitude * (2f * random.nextFloat() - 1f);
                }
            }
        });
        return input;
    }

    /** Output buffers full of junk the mixer must overwrite. */
    float[][][] junkOutputs() {
        float[][][] outputs = new float[SLOTS][MAX_CHANNELS][MAX_FRAMES];
        for (float[][] slot : outputs) {
            for (float[] channel : slot) {
                java.util.Arrays.fill(channel, 1234.5f);
            }
        }
        return outputs;
    }

    /** A source amplitude that keeps every listener of every given configuration below 0.9 at full scale. */
    static float safeAmplitude(RandomMix... mixes) {
        double worst = 1e-9;
        for (RandomMix mix : mixes) {
            ReferenceMixer reference = new ReferenceMixer(mix.upmix);
            for (ListenerSpec listener : mix.listeners) {
                for (int oc = 0; oc < listener.channels(); oc++) {
                    double sum = 0;
                    for (SourceSpec source : mix.sources) {
                        for (int sc = 0; sc < source.channels(); sc++) {
                            sum += Math.abs(reference.coefficient(listener, source, sc, oc));
                        }
                    }
                    worst = Math.max(worst, sum);
                }
            }
        }
        return (float) (0.9 / worst);
    }

    ListenerSpec listener(int slot) {
        for (ListenerSpec listener : listeners) {
            if (listener.slot() == slot) {
                return listener;
            }
        }
        return null;
    }

    /** Widest listener on each profile: the width of its bus. */
    Map<Profile, Integer> busWidths() {
        Map<Profile, Integer> widths = new HashMap<>();
        for (ListenerSpec listener : listeners) {
            widths.merge(listener.base(), Math.max(1, listener.channels()), Math::max);
        }
        return widths;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("seed ").append(seed).append(", upmix ").append(upmix)
                .append(", frames ").append(frames).append("\n  sources ").append(sources);
        for (Profile profile : profiles) {
            text.append("\n  ").append(profile.key()).append(' ').append(profile.gains());
        }
        for (ListenerSpec listener : listeners) {
            text.append("\n  listener ").append(listener.slot()).append(": ").append(listener.channels())
                    .append(" ch, self ").append(listener.selfSlot()).append(", base ").append(listener.base().key())
                    .append(", overrides ").append(listener.overrides()).append(", solo ").append(listener.soloed())
                    .append(", master ").append(listener.master());
        }
        return text.toString();
    }

    private int freeSlot(Set<Integer> taken) {
        for (int tries = 0; tries < 100; tries++) {
            int slot = random.nextInt(SLOTS);
            if (!taken.contains(slot)) {
                return slot;
            }
        }
        return -1;
    }

    private ListenerSpec changeOne(ListenerSpec listener, List<Profile> profiles, List<SourceSpec> sources) {
        Map<Integer, SourceGain> overrides = new HashMap<>(listener.overrides());
        Set<Integer> soloed = new HashSet<>(listener.soloed());
        int channels = listener.channels();
        float master = listener.master();
        Profile base = listener.base();
        switch (random.nextInt(6)) {
            case 0 -> overrides.put(sources.get(random.nextInt(sources.size())).slot(), randomGain(random));
            case 1 -> overrides.clear();
            case 2 -> {
                if (soloed.isEmpty()) {
                    soloed.add(sources.get(random.nextInt(sources.size())).slot());
                } else {
                    soloed.clear();
                }
            }
            case 3 -> master = randomMaster(random);
            case 4 -> channels = 1 + random.nextInt(MAX_CHANNELS);
            default -> base = profiles.get(random.nextInt(profiles.size()));
        }
        ListenerSpec changed = new ListenerSpec(listener.slot(), channels, listener.selfSlot(), base, overrides,
                soloed, master);
        // A "change" that changes nothing keeps the same maps: whether an equal spec rebuilt from other
        // maps is recognised is MixPlanReuseTest's business, not this generator's.
        return changed.equals(listener) ? listener : changed;
    }

    private static ListenerSpec randomListener(int slot, int self, List<Profile> profiles, List<SourceSpec> sources,
                                               double overrideRate, Random random) {
        Map<Integer, SourceGain> overrides = new HashMap<>();
        for (SourceSpec source : sources) {
            if (random.nextDouble() < overrideRate) {
                overrides.put(source.slot(), randomGain(random));
            }
        }
        if (self >= 0 && random.nextBoolean()) {
            overrides.put(self, random.nextInt(3) == 0 ? randomGain(random) : SourceGain.SILENT); // mix-minus
        }
        if (random.nextInt(20) == 0) {
            overrides.put(SLOTS + 5, SourceGain.UNITY); // a source that does not exist
        }
        Set<Integer> soloed = new HashSet<>();
        if (random.nextInt(8) == 0) {
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                soloed.add(random.nextInt(4) == 0 && self >= 0 ? self : sources.get(random.nextInt(sources.size())).slot());
            }
        }
        return new ListenerSpec(slot, 1 + random.nextInt(MAX_CHANNELS), self,
                profiles.get(random.nextInt(profiles.size())), overrides, soloed, randomMaster(random));
    }

    private static Profile randomProfile(String key, List<SourceSpec> sources, Random random) {
        double inclusion = 0.3 + 0.7 * random.nextDouble();
        Map<Integer, SourceGain> gains = new LinkedHashMap<>();
        for (SourceSpec source : sources) {
            if (random.nextDouble() < inclusion) {
                gains.put(source.slot(), random.nextBoolean() ? SourceGain.UNITY : randomGain(random));
            }
        }
        return Profile.of(key, gains);
    }

    private static SourceGain randomGain(Random random) {
        float gain = switch (random.nextInt(5)) {
            case 0 -> 0f;
            case 1 -> 1f;
            default -> 2f * random.nextFloat();
        };
        float pan = random.nextInt(4) == 0 ? 2f * random.nextFloat() - 1f
                : random.nextInt(10) == 0 ? (random.nextBoolean() ? -1f : 1f) : SourceGain.UNPANNED;
        return new SourceGain(gain, pan);
    }

    private static float randomMaster(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> 0f;
            case 1, 2 -> 0.2f + 1.3f * random.nextFloat();
            default -> 1f;
        };
    }

    private static int channels(Random random) {
        return 1 + random.nextInt(MAX_CHANNELS);
    }
}
