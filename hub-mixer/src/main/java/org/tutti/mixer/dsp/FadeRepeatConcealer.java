package org.tutti.mixer.dsp;

/**
 * Repeats the last {@code history} frames with a linear fade to silence, then stays silent; when
 * real audio resumes it crossfades back in. Far better than a hard drop to zero, and cheap.
 */
public final class FadeRepeatConcealer implements Concealer {
    /** Crossfade back into real audio over this many frames (~0.7 ms at 48 kHz). */
    public static final int RESUME_FRAMES = 32;

    private final float[][] history;
    private final int length;
    private int written;
    private int concealedFrames;
    private final float[] resumeTail;

    /**
     * @param channels maximum channels
     * @param history  frames remembered and repeated (also the fade length)
     */
    public FadeRepeatConcealer(int channels, int history) {
        this.history = new float[channels][history];
        this.length = history;
        this.resumeTail = new float[RESUME_FRAMES];
    }

    @Override
    public void reset() {
        for (float[] channel : history) {
            java.util.Arrays.fill(channel, 0f);
        }
        written = 0;
        concealedFrames = 0;
    }

    @Override
    public void observe(float[][] block, int offset, int channels, int frames) {
        int c = Math.min(channels, history.length);
        for (int n = 0; n < frames; n++) {
            int at = (written + n) % length;
            for (int ch = 0; ch < c; ch++) {
                history[ch][at] = block[ch][offset + n];
            }
        }
        written = (written + frames) % length;
        concealedFrames = 0;
    }

    @Override
    public void conceal(float[][] out, int offset, int channels, int frames) {
        for (int n = 0; n < frames; n++) {
            int run = concealedFrames + n;
            float gain = run < length ? 1f - (float) (run + 1) / length : 0f;
            int at = (written + run) % length;
            for (int ch = 0; ch < channels; ch++) {
                out[ch][offset + n] = ch < history.length ? gain * history[ch][at] : 0f;
            }
        }
        concealedFrames += frames;
    }

    @Override
    public void resume(float[][] block, int offset, int channels, int frames) {
        int blend = Math.min(frames, RESUME_FRAMES);
        int run = concealedFrames;
        for (int ch = 0; ch < Math.min(channels, history.length); ch++) {
            for (int n = 0; n < blend; n++) {
                int r = run + n;
                float gain = r < length ? 1f - (float) (r + 1) / length : 0f;
                resumeTail[n] = gain * history[ch][(written + r) % length];
            }
            for (int n = 0; n < blend; n++) {
                float t = (float) (n + 1) / (blend + 1);
                block[ch][offset + n] = resumeTail[n] + (block[ch][offset + n] - resumeTail[n]) * t;
            }
        }
    }
}
