package org.tutti.mixer.dsp;

/**
 * The stereo path of {@link AdaptiveResampler} for ratios close to 1 (drift correction): the same
 * output as its per-frame filter up to float rounding, computed as a few plain FIRs over runs of
 * frames instead of one interpolated dot product per frame, so that HotSpot's C2 compiles the inner
 * loops to SIMD code.
 *
 * <p>Why it is equal: frame j reads input from {@code base_j} on with the coefficients
 * {@code H[r] + w·(H[r+1] − H[r])}, where {@code r} is the table row of its fractional position and
 * {@code w} the weight between row r and row r + 1. So {@code y_j = F_r(j) + w·(F_{r+1}(j) − F_r(j))},
 * where {@code F_q(j) = Σ_k H[q][k]·x[base_j + k]} is a plain FIR with the fixed row q. Near ratio 1 the
 * position advances by almost exactly one input frame per output frame ({@code base_j} goes up by 1) and
 * its fraction moves by {@code |step − 1|} per frame: at 100 ppm it stays within one table row (512 per
 * input frame) for about 20 frames. Row q is needed by the frames whose row is q − 1 or q: one contiguous
 * job per row, about two runs long, computed tap by tap over all its frames at once.
 *
 * <p>The loops are shaped for what C2 of JDK 17 vectorises: at most four multiply-adds per element (a
 * larger body is not unrolled, so not vectorised), and every array in a loop indexed by the loop
 * variable plus offsets that differ by multiples of 8 floats (C2 will not pack a store and a load of the
 * same element type that are misaligned to each other, as {@code acc[j] += h·x[j + 1]} would be). Hence:
 * <ul>
 *   <li>the two channels are interleaved ({@code 2·frame + channel}), so one loop serves both and runs
 *       twice as long;
 *   <li>four copies of that input, shifted by 0..3 frames, so the four taps of a group load at the same
 *       index; tap {@code 4g + u} of frame j is {@code x_u[2j + c + 8g]};
 *   <li>group g accumulates at the shifted index {@code 2j + c + 8g} into one of two arrays, adding the
 *       previous group's sum from the other array at {@code −8}: the same loop for every group, any tap
 *       count. All jobs go through group g before any goes through group g + 1.
 * </ul>
 * The rows of consecutive jobs alternate in parity (r, r + 1), so jobs of one parity never overlap and
 * each parity has its own pair of accumulators. (C2 sizes the vectors by the loops' profiled length: in
 * its disassembly, 8 floats at 20 ppm, 4 at 100 and 300 ppm.)
 *
 * <p>Pieces break where the input advance is not 1 (the fraction wraps: a step of 0 or 2 input frames),
 * which near ratio 1 happens once in thousands of frames; a piece shorter than {@link #MIN_SEGMENT} frames
 * is done per frame. Output is produced in chunks of at most {@link #CHUNK} frames (the scratch size).
 *
 * <p>Audio thread only; nothing allocated after construction.
 */
final class DriftBlockFilter {
    /** Most output frames computed at once: the scratch arrays' size. */
    static final int CHUNK = 128;
    /**
     * Use this path while the fractional position moves by at most this many table rows per output
     * frame: runs of about 5 frames or more, jobs of about 10 (at the drift kernel's 512 rows, ≤ 390 ppm).
     * Beyond it the many short loops should cost more than the per-frame filter saves: an estimate from
     * the loops' shape, to be settled by {@code ResamplerBenchmark} (300 and 1000 ppm, before and after).
     */
    static final double MAX_ROWS_PER_FRAME = 0.2;
    /** A piece of a chunk between two wraps shorter than this is filtered per frame. */
    static final int MIN_SEGMENT = 8;

    private final int taps;
    private final int half;
    private final int phases;
    private final int groups;
    private final float[] table;
    private final float[] slopes;
    /** Interleaved input of the current piece, shifted by 0, 1, 2 and 3 frames. */
    private final float[] x0;
    private final float[] x1;
    private final float[] x2;
    private final float[] x3;
    /** {@code [row parity][group parity]}: the running sums of a job, ping-ponged between groups. */
    private final float[][][] sums;
    private final int[] wholes = new int[CHUNK];
    private final int[] rows = new int[CHUNK];
    private final float[] weights = new float[CHUNK];
    /** The job open for each row parity: its row (−1: none) and first frame. */
    private final int[] openRow = new int[2];
    private final int[] openFrom = new int[2];
    /** The jobs of a piece: row and frames {@code [from, to)}; at most two per run. */
    private final int[] jobRow = new int[2 * CHUNK + 2];
    private final int[] jobFrom = new int[2 * CHUNK + 2];
    private final int[] jobTo = new int[2 * CHUNK + 2];
    private int jobs;

    DriftBlockFilter(ResamplerKernel kernel) {
        this.taps = kernel.taps;
        this.half = kernel.half;
        this.phases = kernel.phases;
        this.groups = taps / 4; // taps is a multiple of 4
        this.table = kernel.coefficients;
        this.slopes = kernel.slopes;
        int length = 2 * (CHUNK + taps);
        this.x0 = new float[length];
        this.x1 = new float[length];
        this.x2 = new float[length];
        this.x3 = new float[length];
        this.sums = new float[2][2][length];
    }

    /** True when a pull at {@code step} input frames per output frame is cheaper here than per frame. */
    boolean suits(double step) {
        return Math.abs(step - 1.0) * phases <= MAX_ROWS_PER_FRAME;
    }

    /**
     * Output frames {@code 0 ≤ j < frames} of a pull, frame j at input position {@code phase0 + j·stride}
     * past {@code read}, exactly as the per-frame filter places them, into {@code out[offset + j]}.
     */
    void render(float[] left, float[] right, int read, double phase0, double stride, int frames,
                float[] outLeft, float[] outRight, int offset) {
        for (int first = 0; first < frames; first += CHUNK) {
            int count = Math.min(CHUNK, frames - first);
            for (int i = 0; i < count; i++) {
                // The per-frame filter's arithmetic, term for term: the same rows, weights and input frames.
                double position = phase0 + (first + i) * stride;
                int whole = (int) position;
                double scaled = (position - whole) * phases;
                int row = (int) scaled;
                wholes[i] = whole;
                rows[i] = row;
                weights[i] = (float) (scaled - row);
            }
            int start = 0;
            while (start < count) {
                int end = start + 1;
                while (end < count && wholes[end] - end == wholes[start] - start) {
                    end++;
                }
                // Input frame of tap 0 for chunk frame 0, had it been in this piece.
                int origin = read + wholes[start] - start - (half - 1);
                if (end - start < MIN_SEGMENT) {
                    for (int i = start; i < end; i++) {
                        AdaptiveResampler.stereoFrame(table, slopes, taps, rows[i] * taps, weights[i], left, right,
                                origin + i, outLeft, outRight, offset + first + i);
                    }
                } else {
                    piece(left, right, origin, start, end, outLeft, outRight, offset + first);
                }
                start = end;
            }
        }
    }

    /** Chunk frames {@code [start, end)}, whose tap 0 is input frame {@code origin + j}. */
    private void piece(float[] left, float[] right, int origin, int start, int end, float[] outLeft, float[] outRight,
                       int offset) {
        // Interleave the input under the piece, then the shifted copies: x_u[m] = x0[m + 2u].
        int last = end - 1 + taps;
        for (int i = start; i < last; i++) {
            x0[2 * i] = left[origin + i];
            x0[2 * i + 1] = right[origin + i];
        }
        int length = 2 * (end - start) + 8 * (groups - 1);
        System.arraycopy(x0, 2 * start + 2, x1, 2 * start, length);
        System.arraycopy(x0, 2 * start + 4, x2, 2 * start, length);
        System.arraycopy(x0, 2 * start + 6, x3, 2 * start, length);

        // One job per row: row q over the frames whose row is q − 1 or q, opened and closed run by run.
        jobs = 0;
        openRow[0] = -1;
        openRow[1] = -1;
        int j = start;
        while (j < end) {
            int row = rows[j];
            for (int q = row; q <= row + 1; q++) {
                int parity = q & 1;
                if (openRow[parity] != q) {
                    if (openRow[parity] >= 0) {
                        addJob(openRow[parity], openFrom[parity], j);
                    }
                    openRow[parity] = q;
                    openFrom[parity] = j;
                }
            }
            do {
                j++;
            } while (j < end && rows[j] == row);
        }
        addJob(openRow[0], openFrom[0], end);
        addJob(openRow[1], openFrom[1], end);
        // Group by group over all jobs: a job's group g writes where a later job's group g' < g would
        // otherwise overwrite it; within one group the jobs of a parity tile the piece without overlap.
        for (int k = 0; k < jobs; k++) {
            first(sums[jobRow[k] & 1][0], jobRow[k] * taps, 2 * jobFrom[k], 2 * jobTo[k]);
        }
        for (int g = 1; g < groups; g++) {
            for (int k = 0; k < jobs; k++) {
                float[][] acc = sums[jobRow[k] & 1];
                next(acc[(g - 1) & 1], acc[g & 1], jobRow[k] * taps + 4 * g, 2 * jobFrom[k] + 8 * g,
                        2 * jobTo[k] + 8 * g);
            }
        }

        // y = F_r + w·(F_{r+1} − F_r), the sums of the last group sitting 8·(groups − 1) further on.
        float[] even = sums[0][(groups - 1) & 1];
        float[] odd = sums[1][(groups - 1) & 1];
        int shift = 8 * (groups - 1);
        for (int i = start; i < end; i++) {
            boolean evenRow = (rows[i] & 1) == 0;
            float[] low = evenRow ? even : odd;
            float[] high = evenRow ? odd : even;
            float w = weights[i];
            int m = 2 * i + shift;
            outLeft[offset + i] = low[m] + w * (high[m] - low[m]);
            outRight[offset + i] = low[m + 1] + w * (high[m + 1] - low[m + 1]);
        }
    }

    /** Row {@code row}'s FIR is needed for chunk frames {@code [from, to)}. */
    private void addJob(int row, int from, int to) {
        jobRow[jobs] = row;
        jobFrom[jobs] = from;
        jobTo[jobs] = to;
        jobs++;
    }

    /** Taps 0..3 of the row at {@code at} for elements {@code [from, to)}. */
    private void first(float[] sum, int at, int from, int to) {
        final float[] h = table;
        final float h0 = h[at];
        final float h1 = h[at + 1];
        final float h2 = h[at + 2];
        final float h3 = h[at + 3];
        final float[] a = x0;
        final float[] b = x1;
        final float[] c = x2;
        final float[] d = x3;
        for (int m = from; m < to; m++) {
            sum[m] = h0 * a[m] + h1 * b[m] + h2 * c[m] + h3 * d[m];
        }
    }

    /** The next four taps (from {@code at}), element m at {@code m}, added to the previous sum at {@code m − 8}. */
    private void next(float[] previous, float[] sum, int at, int from, int to) {
        final float[] h = table;
        final float h0 = h[at];
        final float h1 = h[at + 1];
        final float h2 = h[at + 2];
        final float h3 = h[at + 3];
        final float[] a = x0;
        final float[] b = x1;
        final float[] c = x2;
        final float[] d = x3;
        for (int m = from; m < to; m++) {
            sum[m] = previous[m - 8] + h0 * a[m] + h1 * b[m] + h2 * c[m] + h3 * d[m];
        }
    }
}
