package org.tutti.mixer.plan;

import java.util.Objects;

/**
 * One listener's compiled mix: {@code busGain · bus + Σ direct routes}, all master-scaled already.
 * Immutable. The compiler reuses the previous object when nothing changed, so the audio thread can
 * detect a change by identity and crossfade only then.
 */
public final class ListenerMix {
    private final int slot;
    private final int channels;
    private final Bus bus;
    private final float busGain;
    private final Routes direct;

    public ListenerMix(int slot, int channels, Bus bus, float busGain, Routes direct) {
        this.slot = slot;
        this.channels = channels;
        this.bus = bus;
        this.busGain = bus == null ? 0f : busGain;
        this.direct = Objects.requireNonNull(direct);
    }

    public int slot() {
        return slot;
    }

    public int channels() {
        return channels;
    }

    /** The shared bus this mix builds on, or null. */
    public Bus bus() {
        return bus;
    }

    public float busGain() {
        return busGain;
    }

    /** Routes added on top of the bus (the listener's own differences), or all routes when there is no bus. */
    public Routes direct() {
        return direct;
    }

    /** Multiply-adds per frame this mix costs on its own (bus rendering is shared and not counted). */
    public int costPerFrame() {
        return (bus == null ? 0 : Math.min(channels, bus.width())) + direct.size();
    }

    /** Equal routing, with buses compared by routing rather than identity. */
    public boolean sameMix(ListenerMix other) {
        if (other == null || slot != other.slot || channels != other.channels || busGain != other.busGain
                || !direct.equals(other.direct)) {
            return false;
        }
        return bus == null ? other.bus == null : bus.sameRouting(other.bus);
    }

    /** Renders this mix into {@code out} (audio thread only). */
    public void render(float[][][] sources, float[][] out, int frames, long period) {
        for (int c = 0; c < channels; c++) {
            java.util.Arrays.fill(out[c], 0, frames, 0f);
        }
        if (bus != null) {
            bus.render(sources, frames, period);
            int shared = Math.min(channels, bus.width());
            for (int c = 0; c < shared; c++) {
                float[] from = bus.buffer[c];
                float[] to = out[c];
                float g = busGain;
                if (g == 1f) {
                    System.arraycopy(from, 0, to, 0, frames);
                } else {
                    for (int n = 0; n < frames; n++) {
                        to[n] = g * from[n];
                    }
                }
            }
        }
        direct.accumulate(sources, out, channels, frames);
    }

    @Override
    public String toString() {
        return "ListenerMix[slot " + slot + ", " + channels + " ch, bus " + (bus == null ? "-" : bus.name())
                + " ×" + busGain + ", " + direct + "]";
    }
}
