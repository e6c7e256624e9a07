package org.tutti.mixer.dsp;

/**
 * Conceals missing audio by linear prediction, so a sustained tone, chord or voice continues with its
 * own pitch and phase instead of being repeated out of phase (fade-repeat) or dropped (a click). On
 * the first missing block of an outage each channel's recent history is fitted once:
 * <ol>
 *   <li>a long-term (pitch) predictor {@code x[n] ≈ g·x[n−T]}: the lag T (0.7–25 ms, down to a 40 Hz
 *       common period, the low E of a bass) where the last 8 ms best match an earlier stretch, searched
 *       on a 4× decimated copy and refined at full rate;
 *   <li>an all-pole short-term predictor of order {@code order} (default 32) fitted by Burg's method
 *       to what the pitch predictor leaves over (the whole signal when no pitch is found).
 * </ol>
 * The two then run on together ({@code x̂[n] = r̂[n] + g·x̂[n−T]}, {@code r̂[n] = −Σ a_i·r̂[n−i]}).
 * Why both: at 48 kHz music sits in the bottom few kHz with partials 100–300 Hz apart; an order-32
 * Burg model alone cannot resolve them and its prediction fades into a smooth guess within a
 * millisecond or two (measured by {@code ConcealmentQuality}: 0–3 dB SNR over lost 2.67 ms packets of a
 * chord, a plucked string and a voice, against 4–25 dB with the pitch stage), while one pitch lag
 * captures every harmonic at once. The pitch stage can be turned off for pure LPC.
 *
 * <p>Envelope: the prediction plays at full level for the first third of the maximum outage, then
 * fades out with a raised cosine and is exactly zero from {@code outageMillis} on (default 30 ms), so
 * a long outage never becomes an endless drone. When real audio resumes, its first frames are
 * crossfaded (raised cosine, default 2.5 ms, continuing into the following blocks if the resumed one
 * is shorter) from the continued prediction into the real signal. While an outage lasts less than the
 * maximum, the unfaded prediction is written into the history as if it had been received, so the next
 * outage's fit sees a continuous signal; after a longer outage the history starts again.
 *
 * <p>Cost, all bounded and paid once per outage per channel: the pitch search about 35 k
 * multiply-adds, the Burg fit about 4 × order × fit length (default 32 × 512): about 50 µs per channel
 * on the development machine; then O(order + 1) per concealed sample, a copy per observed one.
 * Everything is allocated in the constructor (the fits' scratch arrays can be shared between the
 * concealers of one thread through a {@link Workspace}, which can also cap the fits per period); no
 * locks: audio thread.
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

    /** Largest reflection coefficient magnitude accepted: keeps every pole strictly inside the unit circle. */
    private static final double MAX_REFLECTION = 1 - 1e-9;
    /** Input samples beyond this magnitude are clamped on their way into the history (float mixes exceed ±1). */
    private static final float SAMPLE_LIMIT = 64f;
    /** A prediction beyond this multiple of the history's peak is a runaway. */
    private static final double RUNAWAY = 4;
    /** The fallback repeats this much of the recent history (fade-repeat behaviour). */
    private static final double REPEAT_MILLIS = 5;
    /** Burg is fitted to at most this much of the (residual) history. */
    private static final double FIT_MILLIS = 512 / 48.0;
    /** The pitch search compares this much recent audio with earlier stretches. */
    private static final double PITCH_WINDOW_MILLIS = 8;
    private static final double MIN_LAG_MILLIS = 32 / 48.0;
    private static final double MAX_LAG_MILLIS = 25;
    /** Normalised correlation a lag needs to be used at all. */
    private static final double MIN_PITCH_CORRELATION = 0.5;
    /** The shortest lag within this fraction of the best correlation wins (less phase drift than a multiple). */
    private static final double NEAR_BEST = 0.9;

    private static final int PREDICT = 0;
    private static final int REPEAT = 1;
    private static final int SILENT = 2;

    /**
     * Scratch space for the fits, and an optional budget of fits per period. A concealer fits only
     * inside its own calls, so every concealer run by one thread (the engine) can share one workspace;
     * never share one between threads.
     *
     * <p>The budget bounds the worst case: when many streams lose a packet in the same period (a hiccup
     * on the hub's own network), at most {@link #fitsPerPeriod} channels are fitted (about 50 µs each
     * with the defaults) and the rest fall back to the cheap fade-repeat behaviour for that outage.
     * Call {@link #newPeriod()} at the start of every period; without a budget nothing is limited.
     */
    public static final class Workspace {
        final int capacity;
        final double[] signal;
        final double[] forward;
        final double[] backward;
        final double[] decimated;
        final double[] correlation;
        private int budget = Integer.MAX_VALUE;
        private int left = Integer.MAX_VALUE;
        private long denied;

        /** @param history the largest history of the concealers that will use it */
        public Workspace(int history) {
            this.capacity = history;
            this.signal = new double[history];
            this.forward = new double[history];
            this.backward = new double[history];
            this.decimated = new double[history + 1];
            this.correlation = new double[history + 2];
        }

        /** Limits the channel fits per period ({@code Integer.MAX_VALUE}: no limit). */
        public void fitsPerPeriod(int fits) {
            this.budget = Math.max(0, fits);
            this.left = budget;
        }

        public int fitsPerPeriod() {
            return budget;
        }

        /** A new period: the budget is full again. */
        public void newPeriod() {
            left = budget;
        }

        /** Channel fits refused for lack of budget so far (they used fade-repeat instead). */
        public long deniedFits() {
            return denied;
        }

        boolean takeFit() {
            if (left <= 0) {
                denied++;
                return false;
            }
            if (left != Integer.MAX_VALUE) {
                left--;
            }
            return true;
        }
    }

    private final int maxChannels;
    private final int length;
    private final int order;
    private final int outageFrames;
    private final int resumeFrames;
    /** The resume crossfade's raised-cosine weights (a cosine per sample is too dear on the audio path). */
    private final double[] resumeCurve;
    private final int repeatFrames;
    private final int fitFrames;
    private final boolean pitch;
    private final int window;
    private final int minLag;
    private final int maxLag;
    private final int decimation;
    private final float[] gain;
    private final Workspace work;

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
                         boolean pitch, Workspace workspace) {
        if (channels < 1 || history < 16 || sampleRate < 1000 || order < 1 || outageMillis <= 0 || resumeMillis < 0) {
            throw new IllegalArgumentException("bad concealer shape");
        }
        if (workspace != null && workspace.capacity < history) {
            throw new IllegalArgumentException("workspace smaller than the history");
        }
        this.maxChannels = channels;
        this.length = history;
        this.order = order;
        this.outageFrames = Math.max(1, frames(outageMillis, sampleRate));
        this.resumeFrames = Math.max(1, frames(resumeMillis, sampleRate));
        this.resumeCurve = new double[resumeFrames];
        for (int k = 0; k < resumeFrames; k++) {
            resumeCurve[k] = 0.5 - 0.5 * Math.cos(Math.PI * (k + 1) / (resumeFrames + 1));
        }
        this.repeatFrames = Math.max(1, frames(REPEAT_MILLIS, sampleRate));
        this.fitFrames = Math.max(3 * order, frames(FIT_MILLIS, sampleRate));
        this.pitch = pitch;
        this.window = Math.max(8, frames(PITCH_WINDOW_MILLIS, sampleRate));
        this.minLag = Math.max(2, frames(MIN_LAG_MILLIS, sampleRate));
        this.maxLag = pitch ? Math.max(minLag, frames(MAX_LAG_MILLIS, sampleRate)) : 0;
        this.decimation = Math.max(1, (int) Math.round(sampleRate / 12_000.0));
        this.gain = new float[outageFrames];
        int hold = outageFrames / 3;
        for (int r = 0; r < outageFrames; r++) {
            gain[r] = r < hold ? 1f
                    : (float) (0.5 + 0.5 * Math.cos(Math.PI * (r - hold + 1) / (outageFrames - hold + 1)));
        }
        this.work = workspace != null ? workspace : new Workspace(history);
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

    private static int frames(double millis, int sampleRate) {
        return (int) Math.round(millis * sampleRate / 1000.0);
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
                    o[offset + n] = (float) (gain[run + n] * raw[maxLag + run + n]);
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
            double t = resumeCurve[k]; // blendTotal is always resumeFrames
            for (int ch = 0; ch < channels; ch++) {
                double from = ch < c && r < outageFrames ? gain[r] * continuation[ch][maxLag + r] : 0.0;
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
        if (pitch) {
            searchLag(ch, x, n);
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
        if (!burg(ch, m, p)) {
            repeat(ch, n);
            return;
        }
        mode[ch] = PREDICT;
    }

    /**
     * The pitch lag of channel {@code ch}: the lag in [minLag, maxLag] with the best normalised
     * correlation between the last {@code window} samples and the stretch that far back, searched on a
     * block-averaged (decimated) copy, the shortest lag near the best winning, then refined at full
     * rate. Leaves {@code lag[ch] = 0} when nothing correlates well enough.
     */
    private void searchLag(int ch, double[] x, int n) {
        int top = Math.min(maxLag, n - window - decimation);
        if (top < minLag + 2 * decimation) {
            return;
        }
        int d = decimation;
        int total = (window + top) / d;
        int base = n - total * d;
        double[] xd = work.decimated;
        for (int j = 0; j < total; j++) {
            double s = 0;
            int at = base + j * d;
            for (int k = 0; k < d; k++) {
                s += x[at + k];
            }
            xd[j] = s;
        }
        int wd = window / d;
        int lo = Math.max(1, (minLag + d - 1) / d);
        int hi = Math.min(top / d, total - wd);
        if (hi <= lo) {
            return;
        }
        int from = total - wd;
        double e1 = 0;
        for (int i = from; i < total; i++) {
            e1 += xd[i] * xd[i];
        }
        if (!(e1 > 0)) {
            return;
        }
        double[] nc = work.correlation;
        double e2 = 0;
        for (int i = from - lo; i < total - lo; i++) {
            e2 += xd[i] * xd[i];
        }
        double best = -1;
        for (int l = lo; l <= hi; l++) {
            if (l > lo) {
                // Slide the earlier stretch back by one: gains one sample at the front, loses one at the end.
                double in = xd[from - l];
                double out = xd[total - l];
                e2 += in * in - out * out;
            }
            double c0 = 0;
            double c1 = 0;
            int i = from;
            for (; i + 1 < total; i += 2) {
                c0 += xd[i] * xd[i - l];
                c1 += xd[i + 1] * xd[i + 1 - l];
            }
            for (; i < total; i++) {
                c0 += xd[i] * xd[i - l];
            }
            double v = e2 > 0 ? (c0 + c1) / Math.sqrt(e1 * e2) : 0;
            nc[l] = v;
            best = Math.max(best, v);
        }
        if (best < MIN_PITCH_CORRELATION) {
            return;
        }
        int coarse = -1;
        for (int l = lo; l <= hi; l++) {
            boolean peak = (l == lo || nc[l] >= nc[l - 1]) && (l == hi || nc[l] >= nc[l + 1]);
            if (peak && nc[l] >= NEAR_BEST * best) {
                coarse = l;
                break;
            }
        }
        if (coarse < 0) {
            return;
        }
        // Refine at full rate around the coarse lag.
        int first = Math.max(minLag, coarse * d - d);
        int last = Math.min(top, coarse * d + d);
        double t1 = 0;
        for (int i = n - window; i < n; i++) {
            t1 += x[i] * x[i];
        }
        double bestFull = -2;
        int bestLag = 0;
        double bestGain = 0;
        for (int l = first; l <= last; l++) {
            double c = 0;
            double e = 0;
            for (int i = n - window; i < n; i++) {
                double y = x[i - l];
                c += x[i] * y;
                e += y * y;
            }
            double v = e > 0 ? c / Math.sqrt(t1 * e) : 0;
            if (v > bestFull) {
                bestFull = v;
                bestLag = l;
                bestGain = e > 0 ? c / e : 0;
            }
        }
        if (bestFull < MIN_PITCH_CORRELATION || !(bestGain > 0)) {
            return;
        }
        lag[ch] = bestLag;
        lagGain[ch] = Math.min(1.0, bestGain);
    }

    /**
     * Burg's method on {@code forward[0, m)} (a copy is in {@code backward}): up to order {@code p}
     * coefficients into {@code coefficients[ch][0..p]} with {@code a[0] = 1}, so that the prediction
     * is {@code r[t] = -Σ a[i]·r[t-i]}. Each stage's reflection coefficient is
     * {@code -2·Σ f·b / Σ (f² + b²)} computed directly (not by the usual recursion for the
     * denominator, whose rounding error stops smooth, low-pitched signals at a too-low order); it is
     * at most 1 in magnitude term by term, so the predictor is stable by construction.
     *
     * @return false when the fit is unusable (non-finite)
     */
    private boolean burg(int ch, int m, int p) {
        double[] f = work.forward;
        double[] b = work.backward;
        double[] a = coefficients[ch];
        java.util.Arrays.fill(a, 0.0);
        a[0] = 1.0;
        double floor = -1;
        int reached = 0;
        for (int k = 0; k < p; k++) {
            int len = m - k - 1;
            // Forward errors f[k+1 .. m), backward errors b[0 .. m-k-1). Four partial sums each break
            // the floating-point add chains (about 3× faster).
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            double d0 = 0;
            double d1 = 0;
            double d2 = 0;
            double d3 = 0;
            int i = 0;
            for (; i + 3 < len; i += 4) {
                double f0 = f[i + k + 1];
                double f1 = f[i + k + 2];
                double f2 = f[i + k + 3];
                double f3 = f[i + k + 4];
                double b0 = b[i];
                double b1 = b[i + 1];
                double b2 = b[i + 2];
                double b3 = b[i + 3];
                s0 += f0 * b0;
                s1 += f1 * b1;
                s2 += f2 * b2;
                s3 += f3 * b3;
                d0 += f0 * f0 + b0 * b0;
                d1 += f1 * f1 + b1 * b1;
                d2 += f2 * f2 + b2 * b2;
                d3 += f3 * f3 + b3 * b3;
            }
            for (; i < len; i++) {
                double f0 = f[i + k + 1];
                double b0 = b[i];
                s0 += f0 * b0;
                d0 += f0 * f0 + b0 * b0;
            }
            double num = (s0 + s1) + (s2 + s3);
            double den = (d0 + d1) + (d2 + d3);
            if (floor < 0) {
                floor = den * 1e-24;
            }
            if (!(den > floor)) {
                break; // predicted (almost) exactly at this order: more poles would only fit rounding
            }
            double mu = -2.0 * num / den;
            if (mu != mu) {
                return false;
            }
            if (mu > MAX_REFLECTION) {
                mu = MAX_REFLECTION;
            } else if (mu < -MAX_REFLECTION) {
                mu = -MAX_REFLECTION;
            }
            for (int j = 0; j <= (k + 1) / 2; j++) {
                double t1 = a[j] + mu * a[k + 1 - j];
                double t2 = a[k + 1 - j] + mu * a[j];
                a[j] = t1;
                a[k + 1 - j] = t2;
            }
            for (int j = 0; j < len; j++) {
                double fj = f[j + k + 1];
                double bj = b[j];
                f[j + k + 1] = fj + mu * bj;
                b[j] = bj + mu * fj;
            }
            reached = k + 1;
        }
        for (int j = 1; j <= reached; j++) {
            if (!Double.isFinite(a[j])) {
                return false;
            }
        }
        fitOrder[ch] = reached;
        // Order 0 is a valid outcome only with a pitch lag: the residual is zero, the lag predicts alone.
        return reached > 0 || lag[ch] > 0;
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
