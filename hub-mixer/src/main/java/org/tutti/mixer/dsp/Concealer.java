package org.tutti.mixer.dsp;

/**
 * Fills audio that did not arrive in time. One instance per participant stream; the jitter buffer
 * shows it every real block it plays and asks it for the missing ones. Audio thread only.
 */
public interface Concealer {
    /** Forget all history (a new stream). */
    void reset();

    /** Real audio just played: {@code block[c][offset, offset + frames)}. */
    void observe(float[][] block, int offset, int channels, int frames);

    /** Writes a stand-in for missing audio into {@code out[c][offset, offset + frames)}. */
    void conceal(float[][] out, int offset, int channels, int frames);

    /**
     * Real audio resumes after concealment: blend the first frames of {@code block} from what
     * concealment would have continued with, so there is no step.
     */
    void resume(float[][] block, int offset, int channels, int frames);
}
