package org.tutti.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tutti.mixer.dsp.AdaptiveResampler;
import org.tutti.mixer.dsp.ResamplerKernel;

/**
 * Quality and cost of {@link AdaptiveResampler} for the conversions the hub makes:
 * {@code java -cp hub-benchmarks/target/benchmarks.jar org.tutti.benchmarks.ResamplerQuality [results-dir]}.
 *
 * <p>Quality: a sine through the resampler, pulled 128 frames at a time, fitted by least squares at
 * its known output frequency; THD+N is everything else (distortion, images, aliases, noise) relative
 * to the fitted sine, full band; gain is the fitted level. Cost: stereo, 128-frame pulls, after warm-up;
 * ns per output frame for both channels together, and the share of one core for one stream at its output rate.
 */
public final class ResamplerQuality {
    private static final int PERIOD = 128;

    private ResamplerQuality() {
    }

    private record Case(String name, double in, double out, ResamplerKernel kernel) {
    }

    public static void main(String[] args) throws IOException {
        Path results = Path.of(args.length > 0 ? args[0] : "hub-benchmarks/results");
        Case[] cases = {
            new Case("44.1 -> 48 kHz, forRatio (32 taps)", 44_100, 48_000, ResamplerKernel.forRatio(48_000 / 44_100.0)),
            new Case("48 -> 44.1 kHz, forRatio (32 taps)", 48_000, 44_100, ResamplerKernel.forRatio(44_100 / 48_000.0)),
            new Case("48 kHz +200 ppm, forDrift (24 taps)", 48_000 * 1.0002, 48_000, ResamplerKernel.forDrift()),
            new Case("48 kHz at exactly 1.0 (pass-through)", 48_000, 48_000, ResamplerKernel.forDrift()),
        };
        double[] tones = {100, 1000, 5000, 10_000, 15_000, 18_000, 20_000};
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Resampler quality and cost, %s; Java %s, %d cores", LocalDate.now(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors()));
        lines.add("THD+N in dB re the tone (full band), gain in dB; cost for a stereo stream pulled 128 frames at a time");
        lines.add("");
        for (Case c : cases) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-38s", c.name));
            for (double hz : tones) {
                double[] fit = measure(c, hz);
                line.append(String.format(Locale.ROOT, " | %5.0f Hz %7.1f (%+.2f)", hz, fit[1], fit[0]));
            }
            lines.add(line.toString());
        }
        lines.add("");
        for (Case c : cases) {
            double ns = cost(c);
            lines.add(String.format(Locale.ROOT, "%-38s %7.1f ns per stereo output frame = %.2f %% of a core per stream",
                    c.name, ns, ns * c.out / 1e7));
        }
        String text = String.join(System.lineSeparator(), lines) + System.lineSeparator();
        System.out.print(text);
        Files.createDirectories(results);
        Path file = results.resolve("resampler-" + LocalDate.now() + ".txt");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        System.out.println("written to " + file);
    }

    /** {gain dB, THD+N dB} for a 0.5-amplitude sine at {@code hz}, 2 s, the first 0.3 s skipped. */
    private static double[] measure(Case c, double hz) {
        double ratio = c.out / c.in;
        AdaptiveResampler resampler = new AdaptiveResampler(1, 4096, c.in == c.out ? 1.0 : ratio, c.kernel);
        int total = (int) (2 * c.out) / PERIOD * PERIOD;
        float[] y = new float[total];
        float[][] block = new float[1][PERIOD];
        float[][] packet = new float[1][256];
        long written = 0;
        for (int at = 0; at < total; at += PERIOD) {
            while (resampler.available() < resampler.needed(PERIOD)) {
                for (int n = 0; n < 256; n++) {
                    packet[0][n] = (float) (0.5 * Math.sin(2 * Math.PI * hz * (written + n) / c.in));
                }
                written += 256;
                resampler.push(packet, 0, 256);
            }
            resampler.pull(block, 0, PERIOD);
            System.arraycopy(block[0], 0, y, at, PERIOD);
        }
        double w = 2 * Math.PI * hz / c.out;
        int from = (int) (0.3 * c.out);
        double[][] a = new double[3][3];
        double[] b = new double[3];
        for (int n = from; n < total; n++) {
            double[] v = {Math.sin(w * n), Math.cos(w * n), 1};
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    a[i][j] += v[i] * v[j];
                }
                b[i] += v[i] * y[n];
            }
        }
        double[] x = solve(a, b);
        double residual = 0;
        double signal = 0;
        for (int n = from; n < total; n++) {
            double s = x[0] * Math.sin(w * n) + x[1] * Math.cos(w * n);
            double e = y[n] - s - x[2];
            residual += e * e;
            signal += s * s;
        }
        return new double[] {20 * Math.log10(Math.hypot(x[0], x[1]) / 0.5), 10 * Math.log10(residual / signal)};
    }

    /** ns per stereo output frame, best of five 10-second runs. */
    private static double cost(Case c) {
        AdaptiveResampler resampler = new AdaptiveResampler(2, 4096, c.in == c.out ? 1.0 : c.out / c.in, c.kernel);
        float[][] packet = new float[2][128];
        float[][] out = new float[2][PERIOD];
        for (int n = 0; n < 128; n++) {
            packet[0][n] = (float) Math.sin(n * 0.1);
            packet[1][n] = (float) Math.cos(n * 0.07);
        }
        int periods = (int) (10 * c.out / PERIOD);
        double best = Double.MAX_VALUE;
        double sink = 0;
        for (int round = 0; round < 8; round++) {
            long start = System.nanoTime();
            for (int p = 0; p < periods; p++) {
                while (resampler.available() < resampler.needed(PERIOD)) {
                    resampler.push(packet, 0, 128);
                }
                resampler.pull(out, 0, PERIOD);
                sink += out[0][p & 127];
            }
            long spent = System.nanoTime() - start;
            if (round >= 3) {
                best = Math.min(best, (double) spent / ((long) periods * PERIOD));
            }
        }
        if (sink == 12345.678) {
            System.out.print("");
        }
        return best;
    }

    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double m = a[j][i] / a[i][i];
                for (int k = i; k < n; k++) {
                    a[j][k] -= m * a[i][k];
                }
                b[j] -= m * b[i];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = b[i];
            for (int k = i + 1; k < n; k++) {
                s -= a[i][k] * x[k];
            }
            x[i] = s / a[i][i];
        }
        return x;
    }
}
