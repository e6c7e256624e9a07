package org.tutti.mixer;

import java.util.List;

/**
 * The mixing rules written out the slow, obvious way, as the specification the real mixer is checked
 * against: for every listener, every source, every source channel and every output channel, the
 * gain from one to the other, summed in double precision. Knows nothing of buses, deltas or plans.
 */
final class ReferenceMixer {
    private final boolean upmix;

    ReferenceMixer(boolean upmix) {
        this.upmix = upmix;
    }

    /**
     * The gain a listener wants for a source: its override if it has one, else its base profile's
     * gain (silent when the profile leaves the source out); a solo silences every source that is
     * neither soloed nor the listener's own.
     */
    static SourceGain wanted(ListenerSpec listener, int sourceSlot) {
        if (!listener.soloed().isEmpty() && sourceSlot != listener.selfSlot()
                && !listener.soloed().contains(sourceSlot)) {
            return SourceGain.SILENT;
        }
        if (listener.overrides().containsKey(sourceSlot)) {
            return listener.overrides().get(sourceSlot);
        }
        return listener.base().gains().getOrDefault(sourceSlot, SourceGain.SILENT);
    }

    /** Gain from channel {@code sourceChannel} of {@code source} to channel {@code outChannel} of the listener's mix. */
    double coefficient(ListenerSpec listener, SourceSpec source, int sourceChannel, int outChannel) {
        SourceGain wanted = wanted(listener, source.slot());
        return listener.master() * route(wanted, source.channels(), listener.channels(), sourceChannel, outChannel);
    }

    /** Routing of one source with {@code gain} into a mix of {@code width} channels. */
    double route(SourceGain gain, int sourceChannels, int width, int sourceChannel, int outChannel) {
        double g = gain.gain();
        if (g == 0 || width == 0 || sourceChannels == 0 || sourceChannel >= sourceChannels || outChannel >= width) {
            return 0;
        }
        if (!gain.panned()) {
            double c = 0;
            if (sourceChannel == outChannel && outChannel < Math.min(sourceChannels, width)) {
                c += g;
            }
            if (upmix && sourceChannels == 1 && width >= 2 && sourceChannel == 0 && outChannel == 1) {
                c += g;
            }
            return c;
        }
        double pan = gain.pan();
        if (sourceChannels == 1) {
            if (width == 1) {
                return g;
            }
            double theta = (pan + 1) * Math.PI / 4;
            return outChannel == 0 ? g * Math.cos(theta) : outChannel == 1 ? g * Math.sin(theta) : 0;
        }
        if (sourceChannel != outChannel) {
            return 0;
        }
        return outChannel == 0 ? g * Math.min(1, 1 - pan) : outChannel == 1 ? g * Math.min(1, 1 + pan) : g;
    }

    /** What the listener hears: {@code [channel][frame]}. */
    double[][] mix(ListenerSpec listener, List<SourceSpec> sources, float[][][] input, int frames) {
        double[][] out = new double[listener.channels()][frames];
        for (SourceSpec source : sources) {
            for (int sc = 0; sc < source.channels(); sc++) {
                for (int oc = 0; oc < listener.channels(); oc++) {
                    double c = coefficient(listener, source, sc, oc);
                    if (c == 0) {
                        continue;
                    }
                    float[] in = input[source.slot()][sc];
                    for (int n = 0; n < frames; n++) {
                        out[oc][n] += c * in[n];
                    }
                }
            }
        }
        return out;
    }

    /**
     * A bound on the magnitude of anything the compiled mixer adds up for this listener (its own sum
     * and, if it builds on a bus, the whole bus): the scale for a relative rounding tolerance.
     */
    double[] scale(ListenerSpec listener, List<SourceSpec> sources, float[][][] input, int frames) {
        double[] scale = new double[frames];
        for (SourceSpec source : sources) {
            double gains = wanted(listener, source.slot()).gain()
                    + listener.base().gains().getOrDefault(source.slot(), SourceGain.SILENT).gain();
            if (gains == 0) {
                continue;
            }
            for (int sc = 0; sc < source.channels(); sc++) {
                float[] in = input[source.slot()][sc];
                for (int n = 0; n < frames; n++) {
                    scale[n] += Math.max(1, listener.master()) * gains * Math.abs(in[n]);
                }
            }
        }
        return scale;
    }

    /** Number of non-zero (source channel → output channel) gains: what a direct sum costs per frame. */
    int directRoutes(ListenerSpec listener, List<SourceSpec> sources) {
        int routes = 0;
        for (SourceSpec source : sources) {
            for (int sc = 0; sc < source.channels(); sc++) {
                for (int oc = 0; oc < listener.channels(); oc++) {
                    if (coefficient(listener, source, sc, oc) != 0) {
                        routes++;
                    }
                }
            }
        }
        return routes;
    }
}
