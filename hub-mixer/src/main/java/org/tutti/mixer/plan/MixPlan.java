package org.tutti.mixer.plan;

import java.util.List;

/**
 * Everything the audio thread needs to mix one period: the shared buses and each listener's mix.
 * Immutable; the control plane builds a new one and swaps it in at a period boundary.
 */
public final class MixPlan {
    public static final MixPlan EMPTY = new MixPlan(List.of(), List.of());

    private final Bus[] buses;
    private final ListenerMix[] listeners;

    public MixPlan(List<Bus> buses, List<ListenerMix> listeners) {
        this.buses = buses.toArray(new Bus[0]);
        this.listeners = listeners.toArray(new ListenerMix[0]);
    }

    public int busCount() {
        return buses.length;
    }

    public Bus bus(int i) {
        return buses[i];
    }

    public int listenerCount() {
        return listeners.length;
    }

    public ListenerMix listener(int i) {
        return listeners[i];
    }

    /** The mix for output slot {@code slot}, or null (control plane use; linear search). */
    public ListenerMix listenerForSlot(int slot) {
        for (ListenerMix mix : listeners) {
            if (mix.slot() == slot) {
                return mix;
            }
        }
        return null;
    }

    /** Multiply-adds per frame for the whole plan: each bus once plus each listener's own part. */
    public long costPerFrame() {
        long cost = 0;
        for (Bus bus : buses) {
            cost += bus.routes().size();
        }
        for (ListenerMix mix : listeners) {
            cost += mix.costPerFrame();
        }
        return cost;
    }
}
