package org.tutti.mixer.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The block path for ratios near 1 ({@link DriftBlockFilter}) produces what the per-frame filter does,
 * up to float rounding: checked against {@link ReferenceResampler} with full-scale white noise (the
 * worst case for rounding) over drift ratios, block sizes, ratio changes and starting phases at the
 * awkward places (on a table row boundary, just before the fraction wraps), and directly for any step.
 */
class DriftBlockFilterTest {
    /** Full scale is 1: the largest difference allowed to the reference. */
    private static final double TOLERANCE = 1e-6;
    private static final int[] PULLS = {1, 3, 7, 61, 127, 128, 129, 200, 333};
    private static final int[] PUSHES = {1, 5, 64, 128, 441};

    @Test
    void driftingStreamsMatchThePerFrameFilter() {
        double worst = 0;
        StringBuilder line = new StringBuilder("block path vs per-frame reference, largest difference:");
        for (double ppm : new double[] {1, -1, 20, -20, 100, -100, 300, -300, 1000, -1000}) {
            double ratio = 1 + ppm * 1e-6;
            Result result = stream(ResamplerKernel.forDrift(), ratio, 0.3, 400, 11);
            line.append(String.format(" %+.0f ppm %.1e (%d%% block);", ppm, result.worst, result.blockPercent()));
            if (Math.abs(ppm) <= 300) {
                assertTrue(result.blockPercent() > 90, ppm + " ppm: block path used for " + result.blockPercent() + " %");
            }
            worst = Math.max(worst, result.worst);
        }
        System.out.println(line);
        assertTrue(worst <= TOLERANCE, "largest difference " + worst);
    }

    @Test
    void rateConversionsKeepThePerFrameFilterAndMatchToo() {
        for (double ratio : new double[] {48_000 / 44_100.0, 44_100 / 48_000.0}) {
            Result result = stream(ResamplerKernel.forRatio(ratio), ratio, 0.3, 300, 5);
            assertEquals(0, result.blockFrames, "the row changes every frame: no runs to gain from");
            assertTrue(result.worst <= TOLERANCE, ratio + ": largest difference " + result.worst);
        }
    }

    @Test
    void startingPhasesOnRowBoundariesAndNearTheWrapMatch() {
        double row = 1.0 / 512;
        double[] phases = {1e-10, 0.5, 37 * row - 1e-10, 37 * row + 1e-10, 37 * row, 511 * row + 1e-10, 1 - 1e-10, 1 - 1e-7};
        double worst = 0;
        for (double phase : phases) {
            for (double ppm : new double[] {20, -20, 100, -100, 300, -300}) {
                Result result = stream(ResamplerKernel.forDrift(), 1 + ppm * 1e-6, phase, 120, 3);
                assertTrue(result.blockFrames > 0);
                worst = Math.max(worst, result.worst);
            }
        }
        assertTrue(worst <= TOLERANCE, "largest difference " + worst);
    }

    @Test
    void ratioChangesMidStreamIncludingBackToExactlyOneMatch() {
        // From drift to exactly 1.0 with a phase pending (the block path with a fixed row), jumps
        // between ±300 ppm, a 1000 ppm stretch (per-frame filter) and back.
        double[] ratios = {1.0001, 1.0, 0.9997, 1.0003, 1.001, 1.0, 0.99998, 1.00002, 1.0};
        ResamplerKernel kernel = ResamplerKernel.forDrift();
        Random random = new Random(17);
        Driver driver = new Driver(kernel, ratios[0], ratios.length * 40 * 340, random);
        for (double ratio : ratios) {
            driver.setRatio(ratio);
            for (int n = 0; n < 40; n++) {
                driver.pull(PULLS[random.nextInt(PULLS.length)]);
            }
        }
        assertTrue(driver.blockFrames > 0);
        assertTrue(driver.worst <= TOLERANCE, "largest difference " + driver.worst);
    }

    @Test
    void renderMatchesThePerFrameFilterForAnyStep() {
        // The block path is chosen only near ratio 1, but it must be right for any step: runs of one
        // frame, rows that jump, pieces between wraps of every length, the input advancing by 0 or 2.
        ResamplerKernel kernel = ResamplerKernel.forDrift();
        DriftBlockFilter filter = new DriftBlockFilter(kernel);
        Random random = new Random(23);
        float[] left = noise(random, 4096);
        float[] right = noise(random, 4096);
        float[] outLeft = new float[1000];
        float[] outRight = new float[1000];
        double[] steps = {1.0, 1 + 1e-6, 1 - 2e-5, 1 + 1e-4, 1 - 3e-4, 1 + 1e-3, 1 - 1e-2, 1.05, 0.95, 44_100 / 48_000.0,
            48_000 / 44_100.0, 0.5, 2.0};
        double worst = 0;
        for (double step : steps) {
            for (int trial = 0; trial < 20; trial++) {
                int frames = 1 + random.nextInt(600);
                double phase0 = trial == 0 ? 1 - 1e-9 : trial == 1 ? 1e-9 : random.nextDouble();
                int read = 40 + random.nextInt(200);
                int offset = random.nextInt(300);
                filter.render(left, right, read, phase0, step, frames, outLeft, outRight, offset);
                for (int j = 0; j < frames; j++) {
                    worst = Math.max(worst, Math.abs(outLeft[offset + j] - frame(kernel, left, read, phase0 + j * step)));
                    worst = Math.max(worst, Math.abs(outRight[offset + j] - frame(kernel, right, read, phase0 + j * step)));
                }
            }
        }
        assertTrue(worst <= TOLERANCE, "largest difference " + worst);
    }

    @Test
    void theBlockPathIsChosenOnlyNearRatioOneAndOnlyForStereo() {
        ResamplerKernel kernel = ResamplerKernel.forDrift();
        AdaptiveResampler stereo = new AdaptiveResampler(2, 1024, 1.0, kernel);
        assertTrue(!stereo.blockPath(), "ratio 1.0 with no phase pending copies");
        stereo.setRatio(1.0003);
        assertTrue(stereo.blockPath());
        stereo.setRatio(1.001);
        assertTrue(!stereo.blockPath());
        AdaptiveResampler mono = new AdaptiveResampler(1, 1024, 1.0003, kernel);
        assertTrue(!mono.blockPath());
    }

    // ---------------------------------------------------------------- helpers

    private record Result(double worst, long blockFrames, long frames) {
        int blockPercent() {
            return (int) (100 * blockFrames / Math.max(1, frames));
        }
    }

    /**
     * A stereo stream through the production resampler and the reference: first a pull that leaves the
     * phase at {@code startPhase}, then {@code pulls} pulls at {@code ratio} wandering by ±2 ppm.
     */
    private static Result stream(ResamplerKernel kernel, double ratio, double startPhase, int pulls, long seed) {
        Random random = new Random(seed);
        Driver driver = new Driver(kernel, ratio, (pulls + 4) * 400, random);
        // 100 frames at 1 + φ/100 input frames per output frame end at phase φ.
        driver.setRatio(1 / (1 + startPhase / 100));
        driver.pull(100);
        assertEquals(startPhase, driver.reference.phase(), 1e-12, "start phase");
        double walk = 0;
        for (int n = 0; n < pulls; n++) {
            walk = Math.max(-2e-6, Math.min(2e-6, walk + 2e-7 * random.nextGaussian()));
            driver.setRatio(ratio * (1 + walk));
            driver.pull(PULLS[random.nextInt(PULLS.length)]);
        }
        return new Result(driver.worst, driver.blockFrames, driver.frames);
    }

    /** Feeds both resamplers the same full-scale noise and compares what they produce. */
    private static final class Driver {
        final AdaptiveResampler resampler;
        final ReferenceResampler reference;
        final Random random;
        final float[][] source;
        final float[][] out = new float[2][400];
        final float[][] expected = new float[2][400];
        int pushed;
        double worst;
        long blockFrames;
        long frames;

        Driver(ResamplerKernel kernel, double ratio, int maxInput, Random random) {
            this.random = random;
            this.resampler = new AdaptiveResampler(2, 2048, ratio, kernel);
            this.reference = new ReferenceResampler(2, maxInput, ratio, kernel);
            this.source = new float[][] {noise(random, maxInput), noise(random, maxInput)};
        }

        void setRatio(double ratio) {
            resampler.setRatio(ratio);
            reference.setRatio(ratio);
        }

        void pull(int count) {
            while (resampler.available() < resampler.needed(count)) {
                int size = Math.min(PUSHES[random.nextInt(PUSHES.length)], source[0].length - pushed);
                assertTrue(size > 0, "the test's source ran out");
                int taken = resampler.push(source, pushed, size);
                reference.push(source, pushed, taken);
                pushed += taken;
            }
            // The caller's offset into its block varies too.
            int offset = random.nextInt(out[0].length - count + 1);
            if (resampler.blockPath()) {
                blockFrames += count;
            }
            frames += count;
            assertEquals(count, resampler.pull(out, offset, count));
            reference.pull(expected, 0, count);
            for (int c = 0; c < 2; c++) {
                for (int j = 0; j < count; j++) {
                    worst = Math.max(worst, Math.abs(out[c][offset + j] - expected[c][j]));
                }
            }
        }
    }

    /** The per-frame filter at input position {@code read + position}, summed in double. */
    private static double frame(ResamplerKernel kernel, float[] x, int read, double position) {
        int whole = (int) position;
        double scaled = (position - whole) * kernel.phases;
        int row = (int) scaled;
        float w = (float) (scaled - row);
        int base = read + whole - (kernel.half - 1);
        double sum = 0;
        for (int k = 0; k < kernel.taps; k++) {
            float coefficient = kernel.coefficients[row * kernel.taps + k] + w * kernel.slopes[row * kernel.taps + k];
            sum += (double) coefficient * x[base + k];
        }
        return (float) sum;
    }

    private static float[] noise(Random random, int length) {
        float[] x = new float[length];
        for (int n = 0; n < length; n++) {
            x[n] = 2 * random.nextFloat() - 1;
        }
        return x;
    }
}
