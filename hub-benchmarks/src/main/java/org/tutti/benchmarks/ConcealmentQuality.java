package org.tutti.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.tutti.mixer.dsp.BurgConcealer;
import org.tutti.mixer.dsp.Concealer;
import org.tutti.mixer.dsp.FadeRepeatConcealer;
import org.tutti.mixer.dsp.SilenceConcealer;

/**
 * How close each concealment strategy comes to the audio that was lost, on music-like signals:
 * {@code java -cp hub-benchmarks/target/benchmarks.jar org.tutti.benchmarks.ConcealmentQuality [results-dir]}.
 *
 * <p>Three 30 s signals at 48 kHz with a little noise (−80 dBFS): a chord progression of harmonic
 * tones with vibrato and a decaying envelope, a Karplus–Strong plucked string, and a voice (a glottal
 * pulse train with vibrato through three formant resonators, gliding between vowels). They are cut into
 * 128-frame packets (2.67 ms) and packets are lost at 2 % and 5 %, either one at a time (independent) or
 * in bursts (a two-state Markov chain with a mean burst of 3 packets, 8 ms), with the same seed for every
 * strategy. Each strategy is driven exactly as the jitter buffer drives it (observe every real packet,
 * conceal the missing ones, resume on the first real one after).
 *
 * <p>Per strategy: SNR over all concealed frames (energy-weighted), the same over concealed frames
 * plus the following packet (the resume crossfade is part of the damage), segmental SNR (the mean over
 * outages of each outage's SNR clamped to [−10, 40] dB, so quiet passages count as much as loud ones),
 * log-spectral distance per concealed packet (Hann window, 256-point FFT, bins to 20 kHz, powers
 * floored at −60 dB below the original packet's mean, so silence scores a finite distance), and CPU:
 * mean µs per concealed packet per channel, and the mean for the first packet of an outage (where Burg
 * fits its model) after a warm-up run.
 */
public final class ConcealmentQuality {
    static final int RATE = 48_000;
    static final int PACKET = 128;
    static final int SECONDS = 30;
    static final int FFT = 256;

    private ConcealmentQuality() {
    }

    /** A strategy under test: a name and a fresh mono concealer. */
    private record Strategy(String name, java.util.function.Supplier<Concealer> make) {
    }

    /** A loss pattern: which packets are lost. */
    private record Loss(String name, double rate, double meanBurst) {
        boolean[] pattern(int packets, long seed) {
            Random random = new Random(seed);
            boolean[] lost = new boolean[packets];
            // Two-state Markov chain: leave the loss state with p = 1/meanBurst; enter it so the
            // stationary loss rate is `rate`. meanBurst 1 is independent loss.
            double leave = 1.0 / meanBurst;
            double enter = rate * leave / (1 - rate);
            boolean losing = false;
            for (int i = 0; i < packets; i++) {
                losing = losing ? random.nextDouble() >= leave : random.nextDouble() < enter;
                // Keep the first second clean: every strategy starts with a full history.
                lost[i] = losing && i * PACKET >= RATE;
            }
            return lost;
        }
    }

    /** What one strategy did on one signal and loss pattern. */
    private static final class Score {
        double error;
        double energy;
        double affectedError;
        double affectedEnergy;
        double segmentalSum;
        int outages;
        double lsdSum;
        int lsdPackets;
        long nanos;
        long firstNanos;
        int concealedPackets;
        int firstPackets;
    }

    public static void main(String[] args) throws IOException {
        Path results = Path.of(args.length > 0 ? args[0] : "hub-benchmarks/results");
        int frames = SECONDS * RATE;
        String[] signalNames = {"chord", "pluck", "voice"};
        float[][] signals = {chord(frames, 101), pluck(frames, 202), voice(frames, 303)};
        Strategy[] strategies = {
            new Strategy("silence", SilenceConcealer::new),
            new Strategy("fade", () -> new FadeRepeatConcealer(1, PACKET)),
            new Strategy("burg-lpc", () -> new BurgConcealer(1, BurgConcealer.defaultHistory(RATE), RATE,
                    BurgConcealer.DEFAULT_ORDER, BurgConcealer.DEFAULT_OUTAGE_MILLIS, BurgConcealer.DEFAULT_RESUME_MILLIS,
                    false, null)),
            new Strategy("burg", () -> new BurgConcealer(1, BurgConcealer.defaultHistory(RATE), RATE)),
        };
        Loss[] losses = {
            new Loss("2% single", 0.02, 1), new Loss("2% burst", 0.02, 3),
            new Loss("5% single", 0.05, 1), new Loss("5% burst", 0.05, 3),
        };

        // Warm-up: one pass over everything so the JIT has compiled the paths being timed.
        for (float[] signal : signals) {
            for (Loss loss : losses) {
                for (Strategy strategy : strategies) {
                    run(strategy.make().get(), signal, loss.pattern(frames / PACKET, 1));
                }
            }
        }

        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Concealment quality, %s, %d s per signal at %d Hz, %d-frame packets; Java %s, %d cores",
                LocalDate.now(), SECONDS, RATE, PACKET, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors()));
        lines.add("burg = pitch (long-term) predictor + order-32 Burg on the residual (default); burg-lpc = order-32 Burg alone");
        lines.add("SNR: concealed frames; SNR+1: concealed frames and the packet after (resume blend); segSNR: mean per outage,"
                + " clamped to [-10, 40] dB; LSD: log-spectral distance per concealed packet (dB)");
        lines.add("");
        String header = String.format(Locale.ROOT, "%-6s %-10s %-9s %8s %8s %8s %8s %9s %10s %7s",
                "signal", "loss", "strategy", "SNR dB", "SNR+1", "segSNR", "LSD dB", "us/pkt/ch", "us/first", "packets");
        lines.add(header);
        lines.add("-".repeat(header.length()));
        double[][] summary = new double[strategies.length][3];
        int cells = 0;
        for (int s = 0; s < signals.length; s++) {
            for (Loss loss : losses) {
                boolean[] lost = loss.pattern(frames / PACKET, 1000L * s + Math.round(loss.rate * 100) + (long) loss.meanBurst);
                for (int k = 0; k < strategies.length; k++) {
                    Score score = run(strategies[k].make().get(), signals[s], lost);
                    double snr = db(score.energy, score.error);
                    double affected = db(score.affectedEnergy, score.affectedError);
                    double segmental = score.segmentalSum / score.outages;
                    double lsd = score.lsdSum / score.lsdPackets;
                    lines.add(String.format(Locale.ROOT, "%-6s %-10s %-9s %8.2f %8.2f %8.2f %8.2f %9.2f %10.2f %7d",
                            signalNames[s], loss.name, strategies[k].name, snr, affected, segmental, lsd,
                            score.nanos / 1e3 / score.concealedPackets, score.firstNanos / 1e3 / Math.max(1, score.firstPackets),
                            score.concealedPackets));
                    summary[k][0] += snr;
                    summary[k][1] += segmental;
                    summary[k][2] += lsd;
                }
                cells++;
            }
            lines.add("");
        }
        lines.add("Mean over the " + cells + " signal × loss cells:");
        for (int k = 0; k < strategies.length; k++) {
            lines.add(String.format(Locale.ROOT, "  %-9s SNR %6.2f dB   segSNR %6.2f dB   LSD %6.2f dB", strategies[k].name,
                    summary[k][0] / cells, summary[k][1] / cells, summary[k][2] / cells));
        }
        String text = String.join(System.lineSeparator(), lines) + System.lineSeparator();
        System.out.print(text);
        Files.createDirectories(results);
        Path file = results.resolve("concealment-" + LocalDate.now() + ".txt");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        System.out.println("written to " + file);
    }

    /** Drives a concealer the way the jitter buffer does and scores the concealed stretches. */
    private static Score run(Concealer concealer, float[] x, boolean[] lost) {
        Score score = new Score();
        float[][] block = new float[1][PACKET];
        double[] re = new double[FFT];
        double[] im = new double[FFT];
        double[] reference = new double[FFT / 2 + 1];
        boolean concealing = false;
        double outageError = 0;
        double outageEnergy = 0;
        for (int p = 0; p < lost.length; p++) {
            int at = p * PACKET;
            if (lost[p]) {
                long start = System.nanoTime();
                concealer.conceal(block, 0, 1, PACKET);
                long spent = System.nanoTime() - start;
                score.nanos += spent;
                score.concealedPackets++;
                if (!concealing) {
                    score.firstNanos += spent;
                    score.firstPackets++;
                    outageError = 0;
                    outageEnergy = 0;
                }
                concealing = true;
                double e = 0;
                double s = 0;
                for (int n = 0; n < PACKET; n++) {
                    double d = block[0][n] - x[at + n];
                    e += d * d;
                    s += (double) x[at + n] * x[at + n];
                }
                score.error += e;
                score.energy += s;
                score.affectedError += e;
                score.affectedEnergy += s;
                outageError += e;
                outageEnergy += s;
                score.lsdSum += lsd(x, at, block[0], re, im, reference);
                score.lsdPackets++;
            } else {
                System.arraycopy(x, at, block[0], 0, PACKET);
                if (concealing) {
                    long start = System.nanoTime();
                    concealer.resume(block, 0, 1, PACKET);
                    score.nanos += System.nanoTime() - start;
                    for (int n = 0; n < PACKET; n++) {
                        double d = block[0][n] - x[at + n];
                        score.affectedError += d * d;
                        score.affectedEnergy += (double) x[at + n] * x[at + n];
                    }
                    double segment = outageEnergy <= 0 ? 0 : db(outageEnergy, outageError);
                    score.segmentalSum += Math.max(-10, Math.min(40, segment));
                    score.outages++;
                    concealing = false;
                }
                concealer.observe(block, 0, 1, PACKET);
            }
        }
        return score;
    }

    private static double db(double energy, double error) {
        return 10 * Math.log10(energy / Math.max(error, 1e-30));
    }

    /** Log-spectral distance between the original packet and its stand-in (Hann, zero-padded FFT). */
    private static double lsd(float[] x, int at, float[] y, double[] re, double[] im, double[] reference) {
        spectrum(x, at, re, im);
        double mean = 0;
        for (int k = 0; k <= FFT / 2; k++) {
            reference[k] = re[k] * re[k] + im[k] * im[k];
            mean += reference[k];
        }
        mean /= FFT / 2 + 1;
        double floor = Math.max(mean * 1e-6, 1e-20);
        spectrum(y, 0, re, im);
        int top = (int) (20_000.0 / RATE * FFT);
        double sum = 0;
        for (int k = 1; k <= top; k++) {
            double p = re[k] * re[k] + im[k] * im[k];
            double d = 10 * Math.log10((reference[k] + floor) / (p + floor));
            sum += d * d;
        }
        return Math.sqrt(sum / top);
    }

    private static void spectrum(float[] x, int at, double[] re, double[] im) {
        java.util.Arrays.fill(re, 0);
        java.util.Arrays.fill(im, 0);
        for (int n = 0; n < PACKET; n++) {
            double window = 0.5 - 0.5 * Math.cos(2 * Math.PI * (n + 0.5) / PACKET);
            re[n] = x[at + n] * window;
        }
        fft(re, im);
    }

    /** In-place radix-2 FFT. */
    static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double angle = -2 * Math.PI / len;
            for (int i = 0; i < n; i += len) {
                for (int k = 0; k < len / 2; k++) {
                    double wr = Math.cos(angle * k);
                    double wi = Math.sin(angle * k);
                    int a = i + k;
                    int b = a + len / 2;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }

    // ---------------------------------------------------------------- test signals

    /** A I–vi–IV–V progression, three voices of eight harmonics each, vibrato, struck every 1.5 s. */
    static float[] chord(int frames, long seed) {
        Random random = new Random(seed);
        double[][] chords = {{261.63, 329.63, 392.00}, {220.00, 261.63, 329.63}, {174.61, 220.00, 261.63},
            {196.00, 246.94, 293.66}};
        double[] phase = new double[3 * 8];
        float[] x = new float[frames];
        for (int n = 0; n < frames; n++) {
            double t = (double) n / RATE;
            int c = (int) (t / 1.5) % chords.length;
            double local = t % 1.5;
            double envelope = Math.min(1, local / 0.03) * Math.exp(-local * 1.2);
            double vibrato = 1 + 0.0035 * Math.sin(2 * Math.PI * 5.2 * t);
            double s = 0;
            for (int v = 0; v < 3; v++) {
                for (int h = 1; h <= 8; h++) {
                    int k = v * 8 + h - 1;
                    phase[k] += 2 * Math.PI * chords[c][v] * h * vibrato / RATE;
                    s += Math.sin(phase[k]) / h * Math.exp(-0.2 * h * local);
                }
            }
            x[n] = (float) (0.12 * envelope * s + 1e-4 * random.nextGaussian());
        }
        return x;
    }

    /** Karplus–Strong plucked string, a new note every 0.6 s. */
    static float[] pluck(int frames, long seed) {
        Random random = new Random(seed);
        double[] notes = {110.00, 164.81, 220.00, 277.18, 329.63, 246.94, 196.00, 146.83};
        double[] line = new double[1024];
        int length = 1;
        int position = 0;
        int note = 0;
        float[] x = new float[frames];
        for (int n = 0; n < frames; n++) {
            if (n % (RATE * 6 / 10) == 0) {
                length = (int) Math.round(RATE / notes[note++ % notes.length]);
                for (int k = 0; k < length; k++) {
                    line[k] = 2 * random.nextDouble() - 1;
                }
                for (int k = 1; k < length; k++) {
                    line[k] = 0.5 * (line[k] + line[k - 1]);
                }
                position = 0;
            }
            int next = (position + 1) % length;
            double y = line[position];
            line[position] = 0.9998 * 0.5 * (line[position] + line[next]);
            position = next;
            x[n] = (float) (0.5 * y + 1e-4 * random.nextGaussian());
        }
        return x;
    }

    /** A sung vowel sequence: pulse train with vibrato and slow pitch movement through three formants. */
    static float[] voice(int frames, long seed) {
        Random random = new Random(seed);
        double[][] vowels = {{800, 1150, 2900}, {350, 2000, 2800}, {450, 800, 2830}, {325, 700, 2530}, {400, 1600, 2700}};
        double[] bandwidth = {80, 100, 120};
        double[][] state = new double[3][2];
        double phase = 0;
        float[] x = new float[frames];
        double peak = 0;
        for (int n = 0; n < frames; n++) {
            double t = (double) n / RATE;
            int v = (int) (t / 0.7) % vowels.length;
            int w = (v + 1) % vowels.length;
            double glide = Math.max(0, (t % 0.7 - 0.5) / 0.2);
            double f0 = 196 * (1 + 0.12 * Math.sin(2 * Math.PI * 0.23 * t)) * (1 + 0.005 * Math.sin(2 * Math.PI * 5.5 * t));
            phase += f0 / RATE;
            double pulse = 0;
            if (phase >= 1) {
                phase -= 1;
                pulse = 1;
            }
            double y = 0;
            for (int k = 0; k < 3; k++) {
                double f = vowels[v][k] + (vowels[w][k] - vowels[v][k]) * glide;
                double r = Math.exp(-Math.PI * bandwidth[k] / RATE);
                double out = (1 - r) * pulse + 2 * r * Math.cos(2 * Math.PI * f / RATE) * state[k][0] - r * r * state[k][1];
                state[k][1] = state[k][0];
                state[k][0] = out;
                y += out / (k + 1);
            }
            x[n] = (float) y;
            peak = Math.max(peak, Math.abs(y));
        }
        for (int n = 0; n < frames; n++) {
            x[n] = (float) (x[n] * 0.5 / peak + 1e-4 * random.nextGaussian());
        }
        return x;
    }
}
