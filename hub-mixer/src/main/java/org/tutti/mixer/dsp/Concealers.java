package org.tutti.mixer.dsp;

import java.util.List;
import java.util.Locale;

/**
 * The concealment strategies by name, so configuration (a CLI flag, a benchmark) can pick one.
 * Construction allocates; call it on the control plane, one concealer per participant stream.
 */
public final class Concealers {
    /** Missing audio is silence ({@link SilenceConcealer}). */
    public static final String SILENCE = "silence";
    /** The last block repeated with a fade ({@link FadeRepeatConcealer}). */
    public static final String FADE = "fade";
    /** Burg linear prediction ({@link BurgConcealer}). */
    public static final String BURG = "burg";

    /** Every strategy name, cheapest first. */
    public static final List<String> STRATEGIES = List.of(SILENCE, FADE, BURG);

    private Concealers() {
    }

    /**
     * A new concealer.
     *
     * @param strategy    one of {@link #STRATEGIES} (case-insensitive)
     * @param channels    maximum channels of the stream
     * @param blockFrames the fade-repeat history: what the hub uses today, max(packet frames, period)
     * @param sampleRate  the stream's frames per second (Burg sizes its history and timings from it)
     */
    public static Concealer create(String strategy, int channels, int blockFrames, int sampleRate) {
        return create(strategy, channels, blockFrames, sampleRate, null);
    }

    /**
     * As {@link #create(String, int, int, int)}, with the Burg fits' scratch space shared between all
     * the concealers one thread runs (the engine): about 80 KB saved per stream, and the workspace's
     * fit budget bounds the worst period when many streams lose a packet at once.
     *
     * @param workspace shared by the concealers of one thread only, at least
     *                  {@link BurgConcealer#defaultHistory(int)} long; null for a private one
     */
    public static Concealer create(String strategy, int channels, int blockFrames, int sampleRate,
                                   BurgConcealer.Workspace workspace) {
        switch (strategy.toLowerCase(Locale.ROOT)) {
            case SILENCE:
                return new SilenceConcealer();
            case FADE:
                return new FadeRepeatConcealer(channels, blockFrames);
            case BURG:
                return new BurgConcealer(channels, BurgConcealer.defaultHistory(sampleRate), sampleRate,
                        BurgConcealer.DEFAULT_ORDER, BurgConcealer.DEFAULT_OUTAGE_MILLIS,
                        BurgConcealer.DEFAULT_RESUME_MILLIS, true, workspace);
            default:
                throw new IllegalArgumentException("unknown concealment strategy '" + strategy + "', expected one of " + STRATEGIES);
        }
    }
}
