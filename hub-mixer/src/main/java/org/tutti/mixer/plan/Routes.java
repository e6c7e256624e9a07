package org.tutti.mixer.plan;

import java.util.Arrays;

/**
 * An immutable list of (source slot, source channel → output channel, gain) entries, stored as
 * parallel arrays so the audio thread walks them without indirection.
 */
public final class Routes {
    public static final Routes NONE = new Routes(new int[0], new int[0], new int[0], new float[0]);

    final int[] source;
    final int[] sourceChannel;
    final int[] outChannel;
    final float[] gain;

    private Routes(int[] source, int[] sourceChannel, int[] outChannel, float[] gain) {
        this.source = source;
        this.sourceChannel = sourceChannel;
        this.outChannel = outChannel;
        this.gain = gain;
    }

    public int size() {
        return gain.length;
    }

    public int source(int i) {
        return source[i];
    }

    public int sourceChannel(int i) {
        return sourceChannel[i];
    }

    public int outChannel(int i) {
        return outChannel[i];
    }

    public float gain(int i) {
        return gain[i];
    }

    /** Adds every route into {@code out}: out[dst] += gain · sources[src][srcCh]. Missing sources are skipped. */
    void accumulate(float[][][] sources, float[][] out, int outChannels, int frames) {
        for (int r = 0; r < gain.length; r++) {
            int dst = outChannel[r];
            if (dst >= outChannels) {
                continue;
            }
            int slot = source[r];
            float[][] src = slot < sources.length ? sources[slot] : null;
            if (src == null || sourceChannel[r] >= src.length) {
                continue;
            }
            float[] in = src[sourceChannel[r]];
            float[] o = out[dst];
            float g = gain[r];
            for (int n = 0; n < frames; n++) {
                o[n] += g * in[n];
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Routes that && Arrays.equals(source, that.source)
                && Arrays.equals(sourceChannel, that.sourceChannel) && Arrays.equals(outChannel, that.outChannel)
                && Arrays.equals(gain, that.gain);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(source) * 31 + Arrays.hashCode(gain);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Routes[");
        for (int r = 0; r < gain.length; r++) {
            text.append(r == 0 ? "" : ", ").append(source[r]).append(':').append(sourceChannel[r]).append("->")
                    .append(outChannel[r]).append('×').append(gain[r]);
        }
        return text.append(']').toString();
    }

    /**
     * Collects routes; entries with the same (source, channel, out) are summed, zeros dropped. Routes
     * come out sorted by that key, so equal mixes compare equal however they were built (which is
     * what lets the compiler reuse unchanged plans).
     */
    public static final class Builder {
        private final java.util.TreeMap<Long, Float> entries = new java.util.TreeMap<>();

        public Builder add(int sourceSlot, int sourceChannel, int outChannel, float gain) {
            long key = ((long) sourceSlot << 32) | ((long) (sourceChannel & 0xFFFF) << 16) | (outChannel & 0xFFFF);
            entries.merge(key, gain, Float::sum);
            return this;
        }

        public boolean isEmpty() {
            return build().size() == 0;
        }

        public Routes build() {
            int count = 0;
            for (float g : entries.values()) {
                if (g != 0f) {
                    count++;
                }
            }
            if (count == 0) {
                return NONE;
            }
            int[] src = new int[count];
            int[] srcCh = new int[count];
            int[] out = new int[count];
            float[] gains = new float[count];
            int i = 0;
            for (var entry : entries.entrySet()) {
                if (entry.getValue() == 0f) {
                    continue;
                }
                long key = entry.getKey();
                src[i] = (int) (key >>> 32);
                srcCh[i] = (int) ((key >>> 16) & 0xFFFF);
                out[i] = (int) (key & 0xFFFF);
                gains[i] = entry.getValue();
                i++;
            }
            return new Routes(src, srcCh, out, gains);
        }
    }
}
