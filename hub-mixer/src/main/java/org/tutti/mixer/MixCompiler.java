package org.tutti.mixer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tutti.mixer.plan.Bus;
import org.tutti.mixer.plan.ListenerMix;
import org.tutti.mixer.plan.MixPlan;
import org.tutti.mixer.plan.Routes;

/**
 * Turns listener specs into a {@link MixPlan} (control plane, allocation is fine here).
 *
 * <p>Every distinct base {@link Profile} in use becomes one shared {@link Bus}; each listener is
 * then either "bus + its differences" or, when that would cost more, a direct sum. Cost therefore
 * grows with participants plus personalised entries, not with participants squared.
 *
 * <p>Objects that did not change are taken over from the previous plan, so the audio thread sees
 * unchanged mixes by identity and ramps only the ones that changed.
 */
public final class MixCompiler {
    private final boolean upmix;
    private final int maxFrames;
    /** The last compile's sources and, per listener slot, what it compiled from what (see {@link #compile}). */
    private List<SourceSpec> lastSources = List.of();
    private Map<Integer, Memo> memos = new HashMap<>();

    private record Memo(ListenerSpec spec, Bus bus, ListenerMix mix) {
    }

    /** Where {@link #expand} puts routes: a {@link Routes.Builder}, or a counter. */
    interface RouteSink {
        void add(int sourceSlot, int sourceChannel, int outChannel, float gain);
    }

    /**
     * @param upmix     JackTrip's {@code -u}: an unpanned mono source also feeds channel 2
     * @param maxFrames largest period the plan will be rendered with (sizes the bus buffers)
     */
    public MixCompiler(boolean upmix, int maxFrames) {
        this.upmix = upmix;
        this.maxFrames = maxFrames;
    }

    public MixPlan compile(List<SourceSpec> sources, List<ListenerSpec> listeners, MixPlan previous) {
        Map<Integer, SourceSpec> sourceBySlot = new LinkedHashMap<>();
        for (SourceSpec source : sources) {
            sourceBySlot.put(source.slot(), source);
        }
        Map<Profile, Integer> busWidth = new LinkedHashMap<>();
        for (ListenerSpec listener : listeners) {
            busWidth.merge(listener.base(), Math.max(1, listener.channels()), Math::max);
        }
        Map<Profile, Bus> buses = new LinkedHashMap<>();
        for (var entry : busWidth.entrySet()) {
            Profile profile = entry.getKey();
            Routes.Builder routes = new Routes.Builder();
            for (var gain : profile.gains().entrySet()) {
                SourceSpec source = sourceBySlot.get(gain.getKey());
                if (source != null) {
                    expand(source, gain.getValue(), entry.getValue(), 1f, routes::add);
                }
            }
            Routes built = routes.build();
            if (built.size() > 0) {
                buses.put(profile, reuse(new Bus(profile.key(), entry.getValue(), built, maxFrames), previous));
            }
        }

        // One API call changes one listener: the others' specs, sources and buses are unchanged, so
        // their mixes are taken over without being rebuilt (a 256-listener compile stays cheap).
        boolean sameSources = sources.equals(lastSources);
        Map<Integer, Memo> nextMemos = new HashMap<>();
        List<ListenerMix> mixes = new ArrayList<>(listeners.size());
        Set<Bus> used = new HashSet<>();
        for (ListenerSpec listener : listeners) {
            Bus bus = buses.get(listener.base());
            ListenerMix old = previous == null ? null : previous.listenerForSlot(listener.slot());
            Memo memo = memos.get(listener.slot());
            ListenerMix mix;
            if (sameSources && memo != null && old != null && memo.mix() == old && memo.bus() == bus
                    && memo.spec().equals(listener)) {
                mix = old;
            } else {
                mix = compileListener(listener, bus, sourceBySlot);
                if (mix.sameMix(old) && (old.bus() == null || old.bus() == mix.bus())) {
                    mix = old;
                }
            }
            nextMemos.put(listener.slot(), new Memo(listener, bus, mix));
            if (mix.bus() != null) {
                used.add(mix.bus());
            }
            mixes.add(mix);
        }
        List<Bus> usedBuses = new ArrayList<>();
        for (Bus bus : buses.values()) {
            if (used.contains(bus)) {
                usedBuses.add(bus);
            }
        }
        lastSources = List.copyOf(sources);
        memos = nextMemos;
        return new MixPlan(usedBuses, mixes);
    }

    private ListenerMix compileListener(ListenerSpec listener, Bus bus, Map<Integer, SourceSpec> sources) {
        int channels = listener.channels();
        float master = listener.master();
        if (channels == 0 || master == 0f) {
            return new ListenerMix(listener.slot(), channels, null, 0f, Routes.NONE);
        }
        if (bus != null) {
            // Only count the direct routes: building them for every listener made a choir-sized
            // compile allocate megabytes per API call, almost all of it thrown away.
            Routes delta = delta(listener, bus.width(), sources, master);
            if (Math.min(channels, bus.width()) + delta.size() <= directSize(listener, sources, master)) {
                return new ListenerMix(listener.slot(), channels, bus, master, delta);
            }
        }
        return new ListenerMix(listener.slot(), channels, null, 0f, direct(listener, sources, master));
    }

    /** How many routes {@link #direct} would build (a direct mix has one entry per key, so no merging). */
    private int directSize(ListenerSpec listener, Map<Integer, SourceSpec> sources, float master) {
        int[] size = {0};
        RouteSink counter = (slot, sourceChannel, outChannel, gain) -> size[0] += gain != 0f ? 1 : 0;
        for (SourceSpec source : sources.values()) {
            expand(source, listener.effectiveGain(source.slot()), listener.channels(), master, counter);
        }
        return size[0];
    }

    /** Routes that turn {@code master · bus} into what the listener wants. */
    private Routes delta(ListenerSpec listener, int busWidth, Map<Integer, SourceSpec> sources, float master) {
        Set<Integer> candidates = new HashSet<>(listener.overrides().keySet());
        if (listener.channels() != busWidth || !listener.soloed().isEmpty()) {
            candidates.addAll(listener.base().gains().keySet());
        }
        Routes.Builder routes = new Routes.Builder();
        for (int slot : candidates) {
            SourceSpec source = sources.get(slot);
            if (source == null) {
                continue;
            }
            SourceGain wanted = listener.effectiveGain(slot);
            SourceGain base = listener.base().gain(slot);
            if (wanted.equals(base) && listener.channels() == busWidth) {
                continue;
            }
            expand(source, wanted, listener.channels(), master, routes::add);
            // What the bus already delivers to this listener's channels, taken back out.
            Routes.Builder busPart = new Routes.Builder();
            expand(source, base, busWidth, master, busPart::add);
            Routes fromBus = busPart.build();
            for (int r = 0; r < fromBus.size(); r++) {
                if (fromBus.outChannel(r) < listener.channels()) {
                    routes.add(slot, fromBus.sourceChannel(r), fromBus.outChannel(r), -fromBus.gain(r));
                }
            }
        }
        return routes.build();
    }

    private Routes direct(ListenerSpec listener, Map<Integer, SourceSpec> sources, float master) {
        Routes.Builder routes = new Routes.Builder();
        for (SourceSpec source : sources.values()) {
            expand(source, listener.effectiveGain(source.slot()), listener.channels(), master, routes::add);
        }
        return routes.build();
    }

    /**
     * The routes of one source into a mix of {@code width} channels. Unpanned: channel k to k (as
     * JACK patches receive_k to send_k), plus mono to channel 2 with upmix. Panned mono: constant
     * power. Panned multichannel: balance on the first two channels.
     */
    void expand(SourceSpec source, SourceGain sourceGain, int width, float scale, RouteSink routes) {
        float gain = sourceGain.gain() * scale;
        if (gain == 0f || width == 0 || source.channels() == 0) {
            return;
        }
        int slot = source.slot();
        int channels = source.channels();
        if (!sourceGain.panned()) {
            for (int k = 0; k < Math.min(channels, width); k++) {
                routes.add(slot, k, k, gain);
            }
            if (channels == 1 && upmix && width >= 2) {
                routes.add(slot, 0, 1, gain);
            }
            return;
        }
        float pan = sourceGain.pan();
        if (channels == 1) {
            if (width == 1) {
                routes.add(slot, 0, 0, gain);
                return;
            }
            double theta = (pan + 1.0) * Math.PI / 4.0;
            routes.add(slot, 0, 0, (float) (gain * Math.cos(theta)));
            routes.add(slot, 0, 1, (float) (gain * Math.sin(theta)));
            return;
        }
        for (int k = 0; k < Math.min(channels, width); k++) {
            float balance = k == 0 ? Math.min(1f, 1f - pan) : k == 1 ? Math.min(1f, 1f + pan) : 1f;
            routes.add(slot, k, k, gain * balance);
        }
    }

    private static Bus reuse(Bus bus, MixPlan previous) {
        if (previous != null) {
            for (int i = 0; i < previous.busCount(); i++) {
                Bus old = previous.bus(i);
                if (old.name().equals(bus.name()) && old.sameRouting(bus)) {
                    return old;
                }
            }
        }
        return bus;
    }

    /** Convenience for tests and tools: slot → spec. */
    static Map<Integer, SourceSpec> index(List<SourceSpec> sources) {
        Map<Integer, SourceSpec> map = new HashMap<>();
        sources.forEach(s -> map.put(s.slot(), s));
        return map;
    }
}
