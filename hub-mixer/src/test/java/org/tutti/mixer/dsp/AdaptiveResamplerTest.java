package org.tutti.mixer.dsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The resampler keeps a tone's frequency and level through 44.1 ↔ 48 kHz with distortion and
 * images near −100 dB, follows ratio changes without a discontinuity, passes samples through
 * bit-exactly at ratio 1.0, and its push/pull bookkeeping never runs short or over when driven the way
 * the jitter buffer will drive it.
 */
class AdaptiveResamplerTest {
    private static final int PERIOD = 128;

    @Test
    void aOneKilohertzSineKeepsFrequencyAndLevelWithLowDistortion() {
        for (double[] rates : new double[][] {{44_100, 48_000}, {48_000, 44_100}}) {
            double in = rates[0];
            double out = rates[1];
            float[] y = convert(ResamplerKernel.forRatio(out / in), in, out, 1000, 0.5, 3.0);
            int from = (int) (0.5 * out);
            double[] fit = SineFit.fit(y, from, y.length, 1000 / out);
            double frequency = SineFit.frequency(y, from, (int) out, 1000, out);
            System.out.printf("1 kHz %.1f -> %.1f kHz: level %+.4f dB, frequency %.4f Hz, THD+N %.1f dB%n",
                    in / 1000, out / 1000, 20 * Math.log10(fit[0] / 0.5), frequency, fit[1]);
            assertEquals(0.0, 20 * Math.log10(fit[0] / 0.5), 0.01, "level in dB");
            assertEquals(1000.0, frequency, 0.01, "frequency in Hz");
            assertTrue(fit[1] < -90, "THD+N " + fit[1] + " dB");
        }
    }

    @Test
    void imagesAndAliasesStayFarBelowTheToneAcrossTheAudibleBand() {
        for (double[] rates : new double[][] {{44_100, 48_000}, {48_000, 44_100}}) {
            ResamplerKernel kernel = ResamplerKernel.forRatio(rates[1] / rates[0]);
            StringBuilder line = new StringBuilder(String.format("%.1f -> %.1f kHz, residual (everything but the tone):",
                    rates[0] / 1000, rates[1] / 1000));
            for (double hz : new double[] {100, 1000, 5000, 10_000, 15_000, 18_000, 19_000, 20_000}) {
                float[] y = convert(kernel, rates[0], rates[1], hz, 0.5, 1.5);
                double[] fit = SineFit.fit(y, (int) (0.3 * rates[1]), y.length, hz / rates[1]);
                line.append(String.format(" %.0f Hz %.1f dB (gain %+.2f dB);", hz, fit[1], 20 * Math.log10(fit[0] / 0.5)));
                if (hz <= 18_000) {
                    assertTrue(fit[1] < -90, hz + " Hz: " + fit[1] + " dB");
                    assertEquals(0.0, 20 * Math.log10(fit[0] / 0.5), 0.25, hz + " Hz passband level");
                }
            }
            System.out.println(line);
        }
    }

    @Test
    void inputAboveTheNewNyquistFrequencyIsAttenuatedBeforeItFolds() {
        // 48 → 44.1 kHz: input between 22.05 and 24 kHz folds to 20.1–22.05 kHz. The kernel's transition
        // band sits there (flat to 18 kHz is the trade): 20–40 dB, more the higher the input.
        ResamplerKernel kernel = ResamplerKernel.forRatio(44_100 / 48_000.0);
        StringBuilder line = new StringBuilder("48 -> 44.1 kHz, alias level re input:");
        double previous = 0;
        for (double hz : new double[] {22_500, 23_000, 23_500, 23_900}) {
            float[] y = convert(kernel, 48_000, 44_100, hz, 0.5, 1.0);
            double power = 0;
            for (int n = 4410; n < y.length; n++) {
                power += (double) y[n] * y[n];
            }
            double level = 10 * Math.log10(power / (y.length - 4410) / 0.125);
            line.append(String.format(" %.0f Hz → %.0f Hz %.1f dB;", hz, 44_100 - hz, level));
            assertTrue(level < -15 && level < previous, hz + " Hz: " + level + " dB");
            previous = level;
        }
        System.out.println(line);
    }

    @Test
    void theDriftKernelIsCleanAtTwoHundredPpm() {
        StringBuilder line = new StringBuilder("drift kernel (24 taps) at 48 kHz × (1 + 200 ppm):");
        for (double hz : new double[] {1000, 10_000, 20_000}) {
            float[] y = convert(ResamplerKernel.forDrift(), 48_000, 48_000 / 1.0002, hz, 0.5, 1.5);
            double[] fit = SineFit.fit(y, 14_400, y.length, hz * 1.0002 / 48_000);
            line.append(String.format(" %.0f Hz THD+N %.1f dB;", hz, fit[1]));
            assertTrue(fit[1] < -80, hz + " Hz: " + fit[1] + " dB");
        }
        System.out.println(line);
    }

    @Test
    void theDriftKernelIsJustAsCleanInStereoWhereTheBlockPathRuns() {
        // Stereo near ratio 1 takes DriftBlockFilter: the same THD+N as the per-frame filter above.
        StringBuilder line = new StringBuilder("drift kernel, stereo (block path), at 48 kHz:");
        for (double ppm : new double[] {200, -200, 20}) {
            for (double hz : new double[] {1000, 10_000, 20_000}) {
                double ratio = 1 / (1 + ppm * 1e-6);
                AdaptiveResampler resampler = new AdaptiveResampler(2, 4096, ratio, ResamplerKernel.forDrift());
                int total = (int) (1.5 * 48_000) / PERIOD * PERIOD;
                float[][] y = new float[2][total];
                float[][] block = new float[2][PERIOD];
                float[][] packet = new float[2][256];
                long written = 0;
                for (int at = 0; at < total; at += PERIOD) {
                    while (resampler.available() < resampler.needed(PERIOD)) {
                        for (int n = 0; n < 256; n++) {
                            double t = 2 * Math.PI * hz * (written + n) / (48_000 * (1 + ppm * 1e-6));
                            packet[0][n] = (float) (0.5 * Math.sin(t));
                            packet[1][n] = (float) (0.5 * Math.cos(t));
                        }
                        written += 256;
                        resampler.push(packet, 0, 256);
                    }
                    assertTrue(resampler.blockPath());
                    resampler.pull(block, 0, PERIOD);
                    System.arraycopy(block[0], 0, y[0], at, PERIOD);
                    System.arraycopy(block[1], 0, y[1], at, PERIOD);
                }
                for (int c = 0; c < 2; c++) {
                    double[] fit = SineFit.fit(y[c], 14_400, total, hz / 48_000);
                    assertTrue(fit[1] < -80, ppm + " ppm, " + hz + " Hz, channel " + c + ": " + fit[1] + " dB");
                    assertEquals(0.0, 20 * Math.log10(fit[0] / 0.5), hz < 20_000 ? 0.25 : 3.5, "level");
                    if (c == 0) {
                        line.append(String.format(" %+.0f ppm %.0f Hz THD+N %.1f dB;", ppm, hz, fit[1]));
                    }
                }
            }
        }
        System.out.println(line);
    }

    @Test
    void ratioChangesAndSweepsLeaveNoDiscontinuity() {
        double hz = 3000;
        double amplitude = 0.5;
        AdaptiveResampler resampler = new AdaptiveResampler(1, 4096, 48_000 / 44_100.0);
        float[][] out = new float[1][PERIOD];
        float[][] in = new float[1][256];
        long written = 0;
        float[] y = new float[2000 * PERIOD];
        int produced = 0;
        for (int period = 0; period < 2000; period++) {
            double ratio;
            if (period < 500) {
                ratio = 48_000 / 44_100.0 * (1 + 1e-3 * Math.sin(2 * Math.PI * period / 200.0)); // a ±1000 ppm sweep
            } else if (period < 1000) {
                ratio = period % 50 < 25 ? 1.0 : 1.001; // steps, including exactly 1.0 with a phase pending
            } else {
                ratio = 0.9 + 0.2 * (period - 1000) / 1000.0; // a fast 20 % glide
            }
            resampler.setRatio(ratio);
            while (resampler.available() < resampler.needed(PERIOD)) {
                for (int n = 0; n < 256; n++) {
                    in[0][n] = (float) (amplitude * Math.sin(2 * Math.PI * hz * (written + n) / 44_100.0));
                }
                written += 256;
                assertEquals(256, resampler.push(in, 0, 256));
            }
            assertEquals(PERIOD, resampler.pull(out, 0, PERIOD));
            System.arraycopy(out[0], 0, y, produced, PERIOD);
            produced += PERIOD;
        }
        // A sine's slope and curvature are bounded; a click or a phase jump breaks the bound.
        double worst = 0;
        for (int n = 2 * PERIOD; n < y.length; n++) {
            double second = y[n] - 2 * y[n - 1] + y[n - 2];
            worst = Math.max(worst, Math.abs(second));
        }
        // Highest output frequency in the run: 3 kHz at the lowest ratio 0.9 → 3000/0.9 Hz per 44.1 kHz input.
        double w = 2 * Math.PI * hz * 44_100 / 0.9 / 44_100 / 44_100;
        double bound = amplitude * w * w * 1.02 + 1e-4;
        assertTrue(worst <= bound, "second difference " + worst + " > " + bound);
    }

    @Test
    void ratioOneIsABitExactPassThrough() {
        Random random = new Random(5);
        AdaptiveResampler resampler = new AdaptiveResampler(2, 2048, 1.0, ResamplerKernel.forDrift());
        int total = 200 * PERIOD;
        float[][] source = new float[2][total + 4096];
        for (float[] channel : source) {
            for (int n = 0; n < channel.length; n++) {
                channel[n] = 2 * random.nextFloat() - 1;
            }
        }
        float[][] y = new float[2][total];
        int pushed = 0;
        int[] sizes = {64, 128, 256, 441};
        for (int at = 0; at < total; at += PERIOD) {
            assertTrue(resampler.passthrough());
            while (resampler.available() < resampler.needed(PERIOD)) {
                int size = sizes[random.nextInt(sizes.length)];
                pushed += resampler.push(source, pushed, size);
            }
            assertEquals(PERIOD, resampler.pull(y, at, PERIOD));
        }
        for (int c = 0; c < 2; c++) {
            assertArrayEquals(java.util.Arrays.copyOf(source[c], total), y[c], "channel " + c);
        }
    }

    @Test
    void bookkeepingNeverRunsShortOrOverWhenDrivenLikeTheJitterBuffer() {
        Random random = new Random(9);
        int[][] packetSizes = {{64}, {128}, {256}, {441}, {64, 128, 256, 441}};
        double[] ratios = {48_000 / 44_100.0, 44_100 / 48_000.0, 1.0, 1.0002, 0.9998};
        for (int[] sizes : packetSizes) {
            for (double base : ratios) {
                int capacity = 4 * 441 + 2 * PERIOD;
                AdaptiveResampler resampler = new AdaptiveResampler(2, capacity, base, ResamplerKernel.forDrift());
                float[][] packet = new float[2][441];
                float[][] out = new float[2][PERIOD];
                long consumedEstimate = 0;
                long pushed = 0;
                int maxAvailable = 0;
                for (int period = 0; period < 10_000; period++) {
                    resampler.setRatio(base * (1 + 500e-6 * Math.sin(period / 700.0)));
                    while (resampler.available() < resampler.needed(PERIOD)) {
                        int size = sizes[random.nextInt(sizes.length)];
                        assertTrue(resampler.space() >= size, "room for a whole packet");
                        assertEquals(size, resampler.push(packet, 0, size));
                        pushed += size;
                    }
                    maxAvailable = Math.max(maxAvailable, resampler.available());
                    assertEquals(PERIOD, resampler.pull(out, 0, PERIOD), "never short");
                    consumedEstimate += PERIOD;
                }
                // Never more buffered than one packet beyond what a period needs.
                assertTrue(maxAvailable <= resampler.needed(PERIOD) + 441 + 1, "max " + maxAvailable);
                double inputPerOutput = (pushed - resampler.buffered()) / consumedEstimate;
                assertEquals(1 / base, inputPerOutput, 1e-3 / base, "input consumed at the ratio");
            }
        }
    }

    @Test
    void aShortPullWritesWhatTheInputAllowsAndNoMore() {
        AdaptiveResampler resampler = new AdaptiveResampler(1, 1024, 44_100 / 48_000.0);
        float[][] in = new float[1][100];
        java.util.Arrays.fill(in[0], 0.25f);
        resampler.push(in, 0, 100);
        float[][] out = new float[1][PERIOD];
        java.util.Arrays.fill(out[0], 9f);
        int expected = resampler.producible();
        assertTrue(expected > 0 && expected < PERIOD, "producible " + expected);
        assertTrue(resampler.needed(expected) <= resampler.available() && resampler.needed(expected + 1) > resampler.available());
        assertEquals(expected, resampler.pull(out, 0, PERIOD));
        for (int n = expected; n < PERIOD; n++) {
            assertEquals(9f, out[0][n], 0f, "untouched beyond what was produced");
        }
        assertEquals(0, new AdaptiveResampler(1, 64, 1.0).pull(out, 0, PERIOD), "nothing pushed, nothing pulled");
    }

    @Test
    void aPushBeyondTheCapacityIsCutShort() {
        AdaptiveResampler resampler = new AdaptiveResampler(1, 256, 1.0);
        float[][] in = new float[1][1000];
        int room = resampler.space();
        assertEquals(room, resampler.push(in, 0, 1000));
        assertEquals(0, resampler.space());
        assertEquals(0, resampler.push(in, 0, 10));
    }

    @Test
    void ratiosAreClamped() {
        AdaptiveResampler resampler = new AdaptiveResampler(1, 256, 1.0);
        resampler.setRatio(100);
        assertEquals(AdaptiveResampler.MAX_RATIO, resampler.ratio());
        resampler.setRatio(Double.NaN);
        assertEquals(AdaptiveResampler.MIN_RATIO, resampler.ratio());
    }

    // ---------------------------------------------------------------- helpers

    /** A sine at {@code hz} sampled at {@code in}, converted to {@code out}, {@code seconds} long, pulled per period. */
    static float[] convert(ResamplerKernel kernel, double in, double out, double hz, double amplitude, double seconds) {
        AdaptiveResampler resampler = new AdaptiveResampler(1, 4096, out / in, kernel);
        int total = (int) (seconds * out) / PERIOD * PERIOD;
        float[] y = new float[total];
        float[][] block = new float[1][PERIOD];
        float[][] packet = new float[1][256];
        long written = 0;
        for (int at = 0; at < total; at += PERIOD) {
            while (resampler.available() < resampler.needed(PERIOD)) {
                for (int n = 0; n < 256; n++) {
                    packet[0][n] = (float) (amplitude * Math.sin(2 * Math.PI * hz * (written + n) / in));
                }
                written += 256;
                resampler.push(packet, 0, 256);
            }
            resampler.pull(block, 0, PERIOD);
            System.arraycopy(block[0], 0, y, at, PERIOD);
        }
        return y;
    }

    @Test
    void theStereoPathMatchesTheGeneralOneChannelByChannel() {
        // Two channels take a fused path; it must produce what two single-channel resamplers do.
        ResamplerKernel kernel = ResamplerKernel.forDrift();
        AdaptiveResampler stereo = new AdaptiveResampler(2, 4096, 1.0, kernel);
        AdaptiveResampler left = new AdaptiveResampler(1, 4096, 1.0, kernel);
        AdaptiveResampler right = new AdaptiveResampler(1, 4096, 1.0, kernel);
        float[][] in = new float[2][512];
        float[][] out = new float[2][PERIOD];
        float[][] outLeft = new float[1][PERIOD];
        float[][] outRight = new float[1][PERIOD];
        long written = 0;
        double worst = 0;
        for (int period = 0; period < 400; period++) {
            double ratio = 1 + 300e-6 * Math.sin(period / 30.0);
            for (AdaptiveResampler r : new AdaptiveResampler[] {stereo, left, right}) {
                r.setRatio(ratio);
            }
            int missing = stereo.needed(PERIOD) - stereo.available();
            for (int n = 0; n < missing; n++, written++) {
                in[0][n] = (float) (0.5 * Math.sin(written * 2 * Math.PI * 997 / 48_000));
                in[1][n] = (float) (0.4 * Math.sin(written * 2 * Math.PI * 7_919 / 48_000 + 1));
            }
            if (missing > 0) {
                stereo.push(in, 0, missing);
                left.push(new float[][] {in[0]}, 0, missing);
                right.push(new float[][] {in[1]}, 0, missing);
            }
            assertEquals(PERIOD, stereo.pull(out, 0, PERIOD));
            assertEquals(PERIOD, left.pull(outLeft, 0, PERIOD));
            assertEquals(PERIOD, right.pull(outRight, 0, PERIOD));
            for (int n = 0; n < PERIOD; n++) {
                worst = Math.max(worst, Math.abs(out[0][n] - outLeft[0][n]));
                worst = Math.max(worst, Math.abs(out[1][n] - outRight[0][n]));
            }
        }
        assertTrue(worst < 1e-6, "largest difference " + worst); // float summation order only
    }
}
