package org.tutti.server.engine;

/**
 * Something that copies audio out of every period as it is processed (the recorder), carried in the
 * {@link EngineSnapshot} so that it always sees the same streams as the period it runs in. Called on
 * the audio thread after the mix: it must not lock, block or allocate.
 */
public interface PeriodTap {
    /**
     * @param current the snapshot this period ran with
     * @param period  the engine's period number (consecutive, from 0 when the audio server started)
     */
    void capture(EngineSnapshot current, long period, int frames);

    /** Buffers the mixer renders the recording's mix into ({@code [channels][period]}), or null for none. */
    float[][] mixOutput();
}
