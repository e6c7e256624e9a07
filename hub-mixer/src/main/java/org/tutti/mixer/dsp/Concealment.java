package org.tutti.mixer.dsp;

import java.util.Arrays;
import java.util.Locale;

/**
 * The concealment strategies, cheapest first, so configuration (a CLI flag, a benchmark) can pick one.
 * Construction allocates; call {@link #create} on the control plane, one concealer per participant stream.
 */
public enum Concealment {
    /** Missing audio is silence ({@link SilenceConcealer}). */
    SILENCE,
    /** The last block repeated with a fade ({@link FadeRepeatConcealer}). */
    FADE,
    /** Burg linear prediction with a pitch stage ({@link BurgConcealer}). */
    BURG;

    /** The strategy called {@code name} (any case): silence, fade or burg. */
    public static Concealment parse(String name) {
        for (Concealment strategy : values()) {
            if (strategy.label().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return strategy;
            }
        }
        throw new IllegalArgumentException("concealment must be one of "
                + Arrays.stream(values()).map(Concealment::label).toList() + ": " + name);
    }

    /** The name configuration uses: lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * A new concealer.
     *
     * @param channels    maximum channels of the stream
     * @param blockFrames the fade-repeat history: what the hub uses today, max(packet frames, period)
     * @param sampleRate  the stream's frames per second (Burg sizes its history and timings from it)
     */
    public Concealer create(int channels, int blockFrames, int sampleRate) {
        return create(channels, blockFrames, sampleRate, null);
    }

    /**
     * As {@link #create(int, int, int)}, with the Burg fits' scratch space shared between all the
     * concealers one thread runs (the engine): about 80 KB saved per stream, and the workspace's fit
     * budget bounds the worst period when many streams lose a packet at once.
     *
     * @param workspace shared by the concealers of one thread only, at least
     *                  {@link BurgConcealer#defaultHistory(int)} long; null for a private one
     */
    public Concealer create(int channels, int blockFrames, int sampleRate, ConcealmentWorkspace workspace) {
        return switch (this) {
            case SILENCE -> new SilenceConcealer();
            case FADE -> new FadeRepeatConcealer(channels, blockFrames);
            case BURG -> new BurgConcealer(channels, BurgConcealer.defaultHistory(sampleRate), sampleRate,
                    BurgConcealer.DEFAULT_ORDER, BurgConcealer.DEFAULT_OUTAGE_MILLIS,
                    BurgConcealer.DEFAULT_RESUME_MILLIS, true, workspace);
        };
    }
}
