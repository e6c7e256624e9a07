package org.tutti.mixer.dsp;

/**
 * Conceals missing audio by linear prediction, so a sustained tone, chord or voice continues with its
 * own pitch and phase instead of being repeated out of phase (fade-repeat) or dropped (a click). On
 * the first missing block of an outage each channel's recent history is fitted once:
 * <ol>
 *   <li>a long-term (pitch) predictor {@code x[n] ≈ g·x[n−T]} ({@link PitchSearch});
 *   <li>an all-pole short-term predictor of order {@code order} (default 32) fitted by Burg's method
 *       ({@link BurgFit}) to what the pitch predictor leaves over (the whole signal when no pitch is
 *       found).
 * </ol>
 * The two then run on together ({@code x̂[n] = r̂[n] + g·x̂[n−T]}, {@code r̂[n] = −Σ a_i·r̂[n−i]}).
 * Why both: at 48 kHz music sits in the bottom few kHz with partials 100–300 Hz apart; an order-32
 * Burg model alone cannot resolve them and its prediction fades into a smooth guess within a
 * millisecond or two (measured by {@code ConcealmentQuality}: 0–3 dB SNR over lost 2.67 ms packets of a
 * chord, a plucked string and a voice, against 4–25 dB with the pitch stage), while one pitch lag
 * captures every harmonic at once. The pitch stage can be turned off for pure LPC.
 *
 * <p>The prediction plays under an {@link OutageEnvelope}: full level, then a fade to exactly zero at
 * {@code outageMillis} (default 30 ms). When real audio resumes, its first frames are crossfaded
 * (default 2.5 ms, continuing into the following blocks if the resumed one is shorter) from the
 * continued prediction into the real signal. While an outage lasts less than the
 * maximum, the unfaded prediction is written into the history as if it had been received, so the next
 * outage's fit sees a continuous signal; after a longer outage the history starts again.
 *
 * <p>Cost, all bounded and paid once per outage per channel: the pitch search about 35 k
 * multiply-adds, the Burg fit about 4 × order × fit length (default 32 × 512): about 50 µs per channel
 * on the development machine; then O(order + 1) per concealed sample, a copy per observed one.
 * Everything is allocated in the constructor (the fits' scratch arrays can be shared between the
 * concealers of one thread through a {@link ConcealmentWorkspace}, which can also cap the fits per
 * period); no locks: audio thread.
 *
 * <p>Robustness: silence is predicted as silence; Burg's reflection coefficients are at most 1 in
 * magnitude by construction and clamped just inside, the pitch gain to [0, 1], so the predictor cannot
 * grow; NaN and absurd input values are sanitised on the way into the history. If a fit fails (too
 * little history, a non-finite result) the outage falls back to repeating the last 5 ms under the same
 * fade (fade-repeat behaviour); if a prediction ever runs away (non-finite or four times the history's
 * peak) the rest of that channel's outage is silence.
 */
public final class BurgConcealer implements Concealer {
    /** Default short-term model order. */
    public static final int DEFAULT_ORDER = 32;
    /** Default history at 48 kHz: 43 ms, room for a 25 ms pitch lag plus the 8 ms it is matched on. */
    public static final int DEFAULT_HISTORY_48K = 2048;
    /** Default outage length after which the output is zero. */
    public static final double DEFAULT_OUTAGE_MILLIS = 30;
    /** Default crossfade back into real audio. */
    public static final double DEFAULT_RESUME_MILLIS = 2.5;

    /** Input samples beyond this magnitude are clamped on their way into the history (float mixes exceed ±1). */
    private static final float SAMPLE_LIMIT = 64f;
    /** A prediction beyond this multiple of the history's peak is a runaway. */
    private static final double RUNAWAY = 4;
    /** The fallback repeats this much of the recent history (fade-repeat behaviour). */
    private static final double REPEAT_MILLIS = 5;
    /** Burg is fitted to at most this much of the (residual) history. */
    private static final double FIT_MILLIS = 512 / 48.0;

    private static final int PREDICT = 0;
    private static final int REPEAT = 1;
    private static final int SILENT = 2;

    private final int maxChannels;
    private final int length;
    private final int order;
    private final int outageFrames;
    private final int resumeFrames;
    private final OutageEnvelope envelope;
    private final int repeatFrames;
    private final int fitFrames;
    /** The long-term predictor's search, or null for plain Burg LPC. */
    private final PitchSearch pitch;
    /** History a continuation carries before its start, for the pitch lag to reach back into (0 without). */
    private final int maxLag;
    private final ConcealmentWorkspace work;

    private final float[][] history;
    private int written;
    private int valid;

    private boolean outage;
    private int run;
    private int fitted;
    /** The resume crossfade: frames done so far and its length (0: none pending). */
    private int blendAt;
    private int blendTotal;
    /** resume() blended the block that the next observe() will report: do not blend it twice. */
    private boolean resumedBlock;
    private final int[] mode;
    private final int[] fitOrder;
    private final int[] lag;
    private final double[] lagGain;
    private final int[] predicted;
    private final double[] limit;
    private final double[][] coefficients;
    /** Per channel: {@code maxLag} samples of history, then the raw (unfaded) continuation. */
    private final double[][] continuation;
    /** Per channel: {@code order} residual samples, then the short-term predictor's continuation. */
    private final double[][] residual;

    /** A concealer with the defaults (pitch + order 32, outage 30 ms, crossfade 2.5 ms) and its own workspace. */
    public BurgConcealer(int channels, int history, int sampleRate) {
        this(channels, history, sampleRate, DEFAULT_ORDER, DEFAULT_OUTAGE_MILLIS, DEFAULT_RESUME_MILLIS, true, null);
    }

    /** As the full constructor, with the pitch stage and its own workspace. */
    public BurgConcealer(int channels, int history, int sampleRate, int order, double outageMillis, double resumeMillis) {
        this(channels, history, sampleRate, order, outageMillis, resumeMillis, true, null);
    }

    /**
     * @param channels     maximum channels
     * @param history      frames remembered per channel ({@link #defaultHistory}: 2048 at 48 kHz)
     * @param sampleRate   frames per second (turns the millisecond settings into frames)
     * @param order        short-term (Burg) model order
     * @param outageMillis from this far into an outage the output is zero
     * @param resumeMillis crossfade back into real audio
     * @param pitch        whether to fit the long-term (pitch) predictor; false is plain Burg LPC
     * @param workspace    scratch shared by the concealers of one thread, or null for a private one
     */
    public BurgConcealer(int channels, int history, int sampleRate, int order, double outageMillis, double resumeMillis,
                         boolean pitch, ConcealmentWorkspace workspace) {
        if (channels < 1 || history < 16 || sampleRate < 1000 || order < 1 || outageMillis <= 0 || resumeMillis < 0) {
            throw new IllegalArgumentException("bad concealer shape");
        }
        if (workspace != null && workspace.capacity < history) {
            throw new IllegalArgumentException("workspace smaller than the history");
        }
        this.maxChannels = channels;
        this.length = history;
        this.order = order;
        this.outageFrames = Math.max(1, PitchSearch.frames(outageMillis, sampleRate));
        this.resumeFrames = Math.max(1, PitchSearch.frames(resumeMillis, sampleRate));
        this.envelope = new OutageEnvelope(outageFrames, resumeFrames);
        this.repeatFrames = Math.max(1, PitchSearch.frames(REPEAT_MILLIS, sampleRate));
        this.fitFrames = Math.max(3 * order, PitchSearch.frames(FIT_MILLIS, sampleRate));
        this.pitch = pitch ? new PitchSearch(sampleRate) : null;
        this.maxLag = pitch ? this.pitch.maxLag() : 0;
        this.work = workspace != null ? workspace : new ConcealmentWorkspace(history);
        this.history = new float[channels][history];
        this.mode = new int[channels];
        this.fitOrder = new int[channels];
        this.lag = new int[channels];
        this.lagGain = new double[channels];
        this.predicted = new int[channels];
        this.limit = new double[channels];
        this.coefficients = new double[channels][order + 1];
        this.continuation = new double[channels][maxLag + outageFrames];
        this.residual = new double[channels][order + outageFrames];
    }

    /** The history length that matches {@link #DEFAULT_HISTORY_48K} at another rate. */
    public static int defaultHistory(int sampleRate) {
        return Math.max(64, (int) Math.round(DEFAULT_HISTORY_48K * sampleRate / 48_000.0));
    }

    /** Frames into an outage from which the output is zero. */
    public int outageFrames() {
        return outageFrames;
    }

    /** Longest crossfade back into real audio, in frames. */
    public int resumeFrames() {
        return resumeFrames;
    }

    @Override
    public void reset() {
        for (float[] channel : history) {
            java.util.Arrays.fill(channel, 0f);
        }
        written = 0;
        valid = 0;
        outage = false;
        run = 0;
        fitted = 0;
        blendTotal = 0;
        resumedBlock = false;
    }

    /**
     * {@inheritDoc}
     *
     * <p>If the block that real audio resumed with was shorter than the crossfade (the jitter buffer
     * cuts reads at packet boundaries, so it can be a few frames), the crossfade continues here, in
     * place, over the first frames of the blocks that follow; the history records what was played.
     */
    @Override
    public void observe(float[][] block, int offset, int channels, int frames) {
        if (resumedBlock) {
            resumedBlock = false; // the block resume() just blended
        } else if (blendTotal > 0) {
            blend(block, offset, channels, frames);
        }
        int c = Math.min(channels, maxChannels);
        // The ring is filled in at most two straight runs (end of the ring, then its start): no
        // per-sample wrap test on a path every participant takes every period.
        int kept = Math.min(frames, length);
        int skip = frames - kept; // a block longer than the ring: only its newest part matters
        int start = (int) ((written + (long) skip) % length);
        int first = Math.min(kept, length - start);
        for (int ch = 0; ch < maxChannels; ch++) {
            float[] ring = history[ch];
            if (ch < c) {
                float[] in = block[ch];
                copySanitised(in, offset + skip, ring, start, first);
                copySanitised(in, offset + skip + first, ring, 0, kept - first);
            } else {
                // a channel the stream did not send is silence, as it was played
                java.util.Arrays.fill(ring, start, start + first, 0f);
                java.util.Arrays.fill(ring, 0, kept - first, 0f);
            }
        }
        written = (int) ((written + (long) frames) % length);
        valid = (int) Math.min(length, (long) valid + frames);
        outage = false;
    }

    /** Copies into the history, replacing NaN by 0 and clamping absurd values to ±SAMPLE_LIMIT. */
    private static void copySanitised(float[] from, int fromIndex, float[] to, int toIndex, int count) {
        for (int n = 0; n < count; n++) {
            float x = from[fromIndex + n];
            if (!(Math.abs(x) <= SAMPLE_LIMIT)) {
                x = x != x ? 0f : Math.copySign(SAMPLE_LIMIT, x);
            }
            to[toIndex + n] = x;
        }
    }

    @Override
    public void conceal(float[][] out, int offset, int channels, int frames) {
        blendTotal = 0;
        resumedBlock = false;
        if (!outage) {
            begin(channels);
        }
        int predictable = Math.max(0, Math.min(frames, outageFrames - run));
        for (int ch = 0; ch < channels; ch++) {
            float[] o = out[ch];
            if (ch < fitted) {
                extend(ch, run + predictable);
                double[] raw = continuation[ch];
                for (int n = 0; n < predictable; n++) {
                    o[offset + n] = (float) (envelope.gain(run + n) * raw[maxLag + run + n]);
                }
            } else {
                java.util.Arrays.fill(o, offset, offset + predictable, 0f);
            }
            java.util.Arrays.fill(o, offset + predictable, offset + frames, 0f);
        }
        continueHistory(predictable);
        if (run + frames >= outageFrames) {
            valid = 0; // the outage outlived the prediction: the history is no longer one signal
        }
        run = (int) Math.min(Integer.MAX_VALUE, (long) run + frames);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A raised-cosine crossfade of {@link #resumeFrames()} from the continued (faded) prediction
     * into the real audio; what does not fit in this block continues in the next {@link #observe} calls.
     */
    @Override
    public void resume(float[][] block, int offset, int channels, int frames) {
        if (!outage) {
            // No concealment before this block (the jitter buffer skipped ahead): blend from where
            // the signal was heading, exactly as after a gap.
            begin(channels);
        }
        int c = Math.min(channels, fitted);
        for (int ch = 0; ch < c; ch++) {
            extend(ch, run + resumeFrames);
        }
        blendAt = 0;
        blendTotal = resumeFrames;
        blend(block, offset, channels, frames);
        resumedBlock = true;
        outage = false;
    }

    /** Applies the next frames of the pending resume crossfade to {@code block}. */
    private void blend(float[][] block, int offset, int channels, int frames) {
        int count = Math.min(frames, blendTotal - blendAt);
        int c = Math.min(channels, fitted);
        for (int n = 0; n < count; n++) {
            int k = blendAt + n;
            int r = run + k;
            double t = envelope.resumeWeight(k); // blendTotal is always resumeFrames
            for (int ch = 0; ch < channels; ch++) {
                double from = ch < c && r < outageFrames ? envelope.gain(r) * continuation[ch][maxLag + r] : 0.0;
                float[] b = block[ch];
                b[offset + n] = (float) (from + (b[offset + n] - from) * t);
            }
        }
        blendAt += count;
        if (blendAt >= blendTotal) {
            blendTotal = 0;
        }
    }

    // ---------------------------------------------------------------- outage start: the fit

    private void begin(int channels) {
        outage = true;
        run = 0;
        fitted = Math.min(channels, maxChannels);
        for (int ch = 0; ch < fitted; ch++) {
            fit(ch);
        }
    }

    /** Fits channel {@code ch}'s history and seeds its continuation (or sets up a fallback). */
    private void fit(int ch) {
        int n = Math.min(valid, length);
        double[] x = work.signal;
        float[] ring = history[ch];
        int start = written - n;
        if (start < 0) {
            start += length;
        }
        double peak = 0;
        double energy = 0;
        for (int i = 0, at = start; i < n; i++) {
            double v = ring[at];
            x[i] = v;
            peak = Math.max(peak, Math.abs(v));
            energy += v * v;
            if (++at == length) {
                at = 0;
            }
        }
        limit[ch] = RUNAWAY * peak + 1e-6;
        predicted[ch] = 0;
        lag[ch] = 0;
        lagGain[ch] = 0;
        if (n == 0 || energy <= 1e-24 * n) {
            mode[ch] = SILENT; // silence (or nothing yet) continues as silence
            java.util.Arrays.fill(continuation[ch], 0.0);
            predicted[ch] = outageFrames;
            return;
        }
        if (!work.takeFit()) {
            repeat(ch, n); // over this period's budget: the cheap fallback
            return;
        }
        if (pitch != null && pitch.search(x, n, work.decimated, work.correlation)) {
            lag[ch] = pitch.lag();
            lagGain[ch] = pitch.gain();
        }
        int t = lag[ch];
        double g = lagGain[ch];
        int m = Math.min(fitFrames, n - t);
        int p = Math.min(order, m / 3);
        if (p < 2) {
            repeat(ch, n);
            return;
        }
        double[] f = work.forward;
        double[] b = work.backward;
        for (int i = 0; i < m; i++) {
            int at = n - m + i;
            double r = t > 0 ? x[at] - g * x[at - t] : x[at];
            f[i] = r;
            b[i] = r;
        }
        double[] res = residual[ch];
        for (int i = 1; i <= order; i++) {
            res[order - i] = i <= m ? f[m - i] : 0.0;
        }
        double[] cont = continuation[ch];
        for (int i = 1; i <= t; i++) {
            cont[maxLag - i] = x[n - i];
        }
        int reached = BurgFit.fit(f, b, m, p, coefficients[ch]);
        // Order 0 is a valid outcome only with a pitch lag: the residual is zero, the lag predicts alone.
        if (reached == BurgFit.FAILED || reached == 0 && t == 0) {
            repeat(ch, n);
            return;
        }
        fitOrder[ch] = reached;
        mode[ch] = PREDICT;
    }

    /** Fallback: the last few milliseconds of history, repeated under the same envelope. */
    private void repeat(int ch, int n) {
        mode[ch] = REPEAT;
        double[] out = continuation[ch];
        float[] ring = history[ch];
        int period = Math.min(n, repeatFrames);
        int at = Math.floorMod(written - period, length);
        // One pass over the pattern, then copies of it: every participant whose fit was over the
        // period's budget lands here, so no divisions per sample.
        int first = Math.min(period, outageFrames);
        for (int r = 0; r < first; r++) {
            out[maxLag + r] = ring[at];
            if (++at == length) {
                at = 0;
            }
        }
        for (int r = period; r < outageFrames; r++) {
            out[maxLag + r] = out[maxLag + r - period];
        }
        predicted[ch] = outageFrames;
    }

    /** Makes sure the raw continuation of channel {@code ch} exists up to run index {@code upTo}. */
    private void extend(int ch, int needed) {
        int upTo = Math.min(needed, outageFrames);
        int from = predicted[ch];
        if (from >= upTo) {
            return;
        }
        if (mode[ch] != PREDICT) {
            predicted[ch] = upTo; // REPEAT and SILENT are filled at the fit
            return;
        }
        double[] y = continuation[ch];
        double[] res = residual[ch];
        double[] a = coefficients[ch];
        int q = fitOrder[ch];
        int t = lag[ch];
        double g = lagGain[ch];
        double bound = limit[ch];
        for (int r = from; r < upTo; r++) {
            int at = order + r;
            double acc = 0;
            for (int i = 1; i <= q; i++) {
                acc -= a[i] * res[at - i];
            }
            res[at] = acc;
            double v = t > 0 ? acc + g * y[maxLag + r - t] : acc;
            if (!(Math.abs(v) <= bound)) {
                // Runaway (should not happen: |k| < 1, g ≤ 1): the rest of this outage is silence.
                java.util.Arrays.fill(y, maxLag + r, maxLag + outageFrames, 0.0);
                mode[ch] = SILENT;
                predicted[ch] = upTo;
                return;
            }
            y[maxLag + r] = v;
        }
        predicted[ch] = upTo;
    }

    /** Appends the raw continuation of the frames just concealed to the history. */
    private void continueHistory(int frames) {
        if (frames <= 0) {
            return;
        }
        for (int ch = 0; ch < maxChannels; ch++) {
            float[] ring = history[ch];
            double[] raw = continuation[ch];
            boolean live = ch < fitted;
            int at = written;
            for (int n = 0; n < frames; n++) {
                ring[at] = live ? (float) raw[maxLag + run + n] : 0f;
                if (++at == length) {
                    at = 0;
                }
            }
        }
        written = (written + frames) % length;
        valid = Math.min(length, valid + frames);
    }
}
