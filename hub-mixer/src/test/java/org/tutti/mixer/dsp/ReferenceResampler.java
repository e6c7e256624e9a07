package org.tutti.mixer.dsp;

/**
 * The resampler's per-frame algorithm written as plainly as possible, to check the production
 * {@link AdaptiveResampler} against: one output frame at a time, position {@code phase + j·step} from
 * the pull's start, the coefficients interpolated between two table rows in float exactly as the
 * production filter does, the dot product summed in double (so the difference to it is the production
 * code's rounding alone). Same push/pull bookkeeping, an input array that only grows, no capacity.
 */
final class ReferenceResampler {
    private final ResamplerKernel kernel;
    private final float[][] input;
    private int read;
    private int end;
    private double phase;
    private double step;

    ReferenceResampler(int channels, int maxInput, double ratio, ResamplerKernel kernel) {
        this.kernel = kernel;
        this.input = new float[channels][maxInput + kernel.taps];
        this.read = kernel.half - 1;
        this.end = read;
        setRatio(ratio);
    }

    void setRatio(double ratio) {
        double r = ratio >= AdaptiveResampler.MIN_RATIO ? Math.min(ratio, AdaptiveResampler.MAX_RATIO) : AdaptiveResampler.MIN_RATIO;
        step = r == 1.0 ? 1.0 : 1.0 / r;
    }

    double phase() {
        return phase;
    }

    void push(float[][] in, int offset, int frames) {
        for (int c = 0; c < input.length; c++) {
            System.arraycopy(in[c], offset, input[c], end, frames);
        }
        end += frames;
    }

    /** Exactly {@code frames} output frames; the caller has pushed what {@link AdaptiveResampler#needed} asked for. */
    void pull(float[][] out, int offset, int frames) {
        int taps = kernel.taps;
        int phases = kernel.phases;
        for (int j = 0; j < frames; j++) {
            if (step == 1.0 && phase == 0.0) {
                for (int c = 0; c < input.length; c++) {
                    out[c][offset + j] = input[c][read + j];
                }
                continue;
            }
            double position = phase + j * step;
            int whole = (int) position;
            double scaled = (position - whole) * phases;
            int row = (int) scaled;
            float w = (float) (scaled - row);
            int base = read + whole - (kernel.half - 1);
            if (base + taps > end) {
                throw new IllegalStateException("the reference ran out of input: the test pushed too little");
            }
            for (int c = 0; c < input.length; c++) {
                double sum = 0;
                for (int k = 0; k < taps; k++) {
                    float coefficient = kernel.coefficients[row * taps + k] + w * kernel.slopes[row * taps + k];
                    sum += (double) coefficient * input[c][base + k];
                }
                out[c][offset + j] = (float) sum;
            }
        }
        double next = phase + frames * step;
        int advance = (int) next;
        read += advance;
        phase = next - advance;
    }
}
