package org.tutti.mixer.dsp;

/**
 * Converts a multi-channel stream by a ratio (output rate / input rate) that may change every call:
 * a fixed rate conversion (44.1 kHz client in a 48 kHz session) times a slowly varying drift
 * correction (a client whose clock runs 200 ppm fast). Band-limited interpolation with a Kaiser-
 * windowed sinc: a precomputed polyphase table ({@link ResamplerKernel}, shareable between streams) with linear
 * interpolation between neighbouring phases, so any fractional position costs one multiply-add per
 * tap for the coefficients and one per tap and channel for the output. Stereo near ratio 1 (drift
 * correction, which every client whose clock is off pays) takes {@link DriftBlockFilter} instead: the
 * same output up to float rounding, computed over runs of frames in loops the JIT vectorises.
 *
 * <p>Pull model, shaped for the jitter buffer: the caller {@link #push}es input frames as they come
 * out of the buffer and {@link #pull}s exactly the output frames the period needs. Before a pull,
 * {@code available() >= needed(frames)} must hold; the caller pushes until it does (or conceals).
 * The read position carries its fractional phase from call to call, so a ratio change only changes how
 * fast the position advances: the waveform stays continuous, nothing clicks. The filter looks
 * {@code taps/2} input frames ahead; that look-ahead is part of {@link #needed} in every mode, so
 * switching between modes never changes the depth.
 *
 * <p>A ratio of exactly 1.0 with no fractional phase pending (the start, or after {@link #reset})
 * copies samples through bit-exactly (the hub's loopback tests compare samples). Any other ratio
 * filters, also if it later returns to 1.0 (the phase then stays wherever it was).
 *
 * <p>One producer and consumer, the audio thread: no locks; nothing is allocated after construction.
 */
public final class AdaptiveResampler {
    /** Ratios outside this range are clamped (the kernel is designed for the nominal ratio anyway). */
    public static final double MIN_RATIO = 0.25;
    public static final double MAX_RATIO = 4.0;


    private final int channels;
    private final ResamplerKernel kernel;
    private final int taps;
    private final int half;
    private final int phases;
    private final float[] table;
    private final float[] slopes;
    private final float[][] buffer;
    private final int bufferLength;
    private final int capacity;
    private final float[] taps0;
    /** The stereo path near ratio 1 (null for other channel counts). */
    private final DriftBlockFilter block;

    /** Index in {@code buffer} of the input frame at or just before the read position. */
    private int read;
    /** One past the last input frame pushed. */
    private int end;
    /** Fractional part of the read position, in [0, 1). */
    private double phase;
    /** Input frames per output frame: 1 / ratio. */
    private double step;
    private double ratio;

    /**
     * @param channels channels of the stream
     * @param capacity most input frames buffered at once (beyond the filter's own history)
     * @param ratio    initial output rate / input rate
     * @param kernel   the interpolation filter (shared)
     */
    public AdaptiveResampler(int channels, int capacity, double ratio, ResamplerKernel kernel) {
        if (channels < 1 || capacity < 1) {
            throw new IllegalArgumentException("bad resampler shape");
        }
        this.channels = channels;
        this.kernel = kernel;
        this.taps = kernel.taps;
        this.half = kernel.half;
        this.phases = kernel.phases;
        this.table = kernel.coefficients;
        this.slopes = kernel.slopes;
        this.capacity = capacity;
        // History (half − 1) + look-ahead, the buffered frames, and as much again so compaction is rare.
        this.bufferLength = 2 * (capacity + taps);
        this.buffer = new float[channels][bufferLength];
        this.taps0 = new float[taps];
        this.block = channels == 2 ? new DriftBlockFilter(kernel) : null;
        setRatio(ratio);
        reset();
    }

    /** A resampler with its own {@link ResamplerKernel#forRatio} kernel (allocates the table: prefer sharing). */
    public AdaptiveResampler(int channels, int capacity, double ratio) {
        this(channels, capacity, ratio, ResamplerKernel.forRatio(ratio));
    }

    /** Forgets all input; the next output starts from silence history at phase 0 (passthrough again at 1.0). */
    public void reset() {
        for (float[] channel : buffer) {
            java.util.Arrays.fill(channel, 0f);
        }
        read = half - 1;
        end = read;
        phase = 0;
    }

    /** Output rate / input rate from the next {@link #pull} on (clamped to [{@value #MIN_RATIO}, {@value #MAX_RATIO}]). */
    public void setRatio(double ratio) {
        double r = ratio;
        if (!(r >= MIN_RATIO)) {
            r = MIN_RATIO;
        } else if (r > MAX_RATIO) {
            r = MAX_RATIO;
        }
        this.ratio = r;
        this.step = r == 1.0 ? 1.0 : 1.0 / r;
    }

    public double ratio() {
        return ratio;
    }

    public ResamplerKernel kernel() {
        return kernel;
    }

    public int channels() {
        return channels;
    }

    /** Input frames the filter looks ahead of the read position: the latency it adds. */
    public int lookahead() {
        return half;
    }

    /** True when the next pull copies samples through unchanged (ratio 1.0, no fractional phase). */
    public boolean passthrough() {
        return step == 1.0 && phase == 0.0;
    }

    /** True when the next pull takes the block path for ratios near 1 ({@link DriftBlockFilter}); for tests. */
    boolean blockPath() {
        return block != null && !passthrough() && block.suits(step);
    }

    /** Input frames pushed and not yet passed by the read position (includes the look-ahead). */
    public int available() {
        return end - read;
    }

    /** {@link #available()} less the fractional phase already consumed: the exact buffered input, for depth control. */
    public double buffered() {
        return end - read - phase;
    }

    /** Input frames a push can take now. */
    public int space() {
        return capacity + half - (end - read);
    }

    /** {@link #available()} must reach this before {@code pull(out, offset, frames)} at the current ratio. */
    public int needed(int frames) {
        if (frames <= 0) {
            return 0;
        }
        return (int) (phase + (frames - 1) * step) + half + 1;
    }

    /**
     * Appends {@code in[c][offset, offset + frames)} for every channel.
     *
     * @return frames taken: all of them unless that would exceed the capacity (then the rest is dropped)
     */
    public int push(float[][] in, int offset, int frames) {
        int count = Math.max(0, Math.min(frames, space()));
        if (end + count > bufferLength) {
            compact();
        }
        for (int c = 0; c < channels; c++) {
            System.arraycopy(in[c], offset, buffer[c], end, count);
        }
        end += count;
        return count;
    }

    /**
     * Writes {@code frames} output frames into {@code out[c][offset, offset + frames)} for every channel.
     *
     * @return frames written: all of them when {@code available() >= needed(frames)}; otherwise as many
     *     as the input allowed (the rest of {@code out} is untouched, for the caller to conceal)
     */
    public int pull(float[][] out, int offset, int frames) {
        if (frames <= 0) {
            return 0;
        }
        int possible = frames;
        if (needed(frames) > available()) {
            possible = producible();
            if (possible <= 0) {
                return 0;
            }
        }
        if (step == 1.0 && phase == 0.0) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(buffer[c], read, out[c], offset, possible);
            }
            read += possible;
            return possible;
        }
        final double phase0 = phase;
        final double stride = step;
        final boolean stereo = channels == 2;
        // Hoisted for the stereo path, which runs for nearly every participant.
        final float[] left = buffer[0];
        final float[] right = stereo ? buffer[1] : null;
        final float[] outLeft = out[0];
        final float[] outRight = stereo ? out[1] : null;
        if (block != null && block.suits(stride)) {
            // Drift correction: the same frames as below, a run of frames at a time (see DriftBlockFilter).
            block.render(left, right, read, phase0, stride, possible, outLeft, outRight, offset);
        } else {
            for (int j = 0; j < possible; j++) {
                // Positions from the block start, not accumulated: needed() computes the same expression.
                double position = phase0 + j * stride;
                int whole = (int) position;
                double scaled = (position - whole) * phases;
                int row = (int) scaled;
                float w = (float) (scaled - row);
                int base = read + whole - (half - 1);
                if (stereo) {
                    stereoFrame(table, slopes, taps, row * taps, w, left, right, base, outLeft, outRight, offset + j);
                } else {
                    frame(row * taps, w, base, out, offset + j);
                }
            }
        }
        double next = phase0 + possible * stride;
        int advance = (int) next;
        read += advance;
        phase = next - advance;
        return possible;
    }

    /** Output frames the buffered input allows now (for a caller that runs short of input). */
    public int producible() {
        int frames = (int) ((available() - half - 1 - phase) / step) + 1;
        while (frames > 0 && needed(frames) > available()) {
            frames--;
        }
        while (needed(frames + 1) <= available()) {
            frames++;
        }
        return Math.max(0, frames);
    }

    /** One output frame, any channel count: the interpolated coefficient row, then a dot product per channel. */
    private void frame(int at, float w, int base, float[][] out, int index) {
        final float[] coefficients = taps0;
        for (int k = 0; k < taps; k++) {
            coefficients[k] = table[at + k] + w * slopes[at + k];
        }
        for (int c = 0; c < channels; c++) {
            out[c][index] = dot(coefficients, buffer[c], base);
        }
    }

    /**
     * One output frame of the common case, two channels, with the coefficient interpolation fused into
     * both dot products: each coefficient is computed once, in a register, and used for both channels
     * (twice as fast as building the row and then running two dot products over it).
     */
    static void stereoFrame(float[] h, float[] dh, int taps, int at, float w, float[] left, float[] right, int base,
                            float[] outLeft, float[] outRight, int index) {
        float l0 = 0, l1 = 0, l2 = 0, l3 = 0, r0 = 0, r1 = 0, r2 = 0, r3 = 0;
        for (int k = 0; k < taps; k += 4) { // taps is a multiple of 4
            float c0 = h[at + k] + w * dh[at + k];
            float c1 = h[at + k + 1] + w * dh[at + k + 1];
            float c2 = h[at + k + 2] + w * dh[at + k + 2];
            float c3 = h[at + k + 3] + w * dh[at + k + 3];
            l0 += c0 * left[base + k];
            r0 += c0 * right[base + k];
            l1 += c1 * left[base + k + 1];
            r1 += c1 * right[base + k + 1];
            l2 += c2 * left[base + k + 2];
            r2 += c2 * right[base + k + 2];
            l3 += c3 * left[base + k + 3];
            r3 += c3 * right[base + k + 3];
        }
        outLeft[index] = (l0 + l1) + (l2 + l3);
        outRight[index] = (r0 + r1) + (r2 + r3);
    }

    private float dot(float[] h, float[] x, int base) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        for (int k = 0; k < taps; k += 4) {
            s0 += h[k] * x[base + k];
            s1 += h[k + 1] * x[base + k + 1];
            s2 += h[k + 2] * x[base + k + 2];
            s3 += h[k + 3] * x[base + k + 3];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Moves the live region (history, read position, buffered input) to the start of the buffer. */
    private void compact() {
        int from = read - (half - 1);
        if (from <= 0) {
            return;
        }
        int count = end - from;
        for (int c = 0; c < channels; c++) {
            System.arraycopy(buffer[c], from, buffer[c], 0, count);
        }
        read -= from;
        end -= from;
    }
}
