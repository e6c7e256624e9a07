package org.tutti.mixer.dsp;

import java.util.Random;

/** Music-like test signals at 48 kHz (seeded, so every run sees the same audio). */
final class TestSignals {
    static final int RATE = 48_000;

    private TestSignals() {
    }

    /** Karplus–Strong plucked string: a new note every 0.75 s, a little noise. */
    static float[] pluck(int frames, long seed) {
        Random random = new Random(seed);
        double[] notes = {196, 261.63, 329.63, 392, 146.83, 440};
        double[] line = new double[1024];
        int length = 1;
        int position = 0;
        int note = 0;
        float[] x = new float[frames];
        for (int n = 0; n < frames; n++) {
            if (n % (RATE * 3 / 4) == 0) {
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
            line[position] = 0.9999 * 0.5 * (line[position] + line[next]);
            position = next;
            x[n] = (float) (0.5 * y + 1e-4 * random.nextGaussian());
        }
        return x;
    }

    /** A voice: a glottal pulse train with vibrato through three formant resonators, gliding between vowels. */
    static float[] voice(int frames, long seed) {
        Random random = new Random(seed);
        double[][] vowels = {{730, 1090, 2440}, {270, 2290, 3010}, {300, 870, 2240}, {530, 1840, 2480}, {570, 840, 2410}};
        double[] bandwidth = {80, 90, 120};
        double[][] state = new double[3][2];
        double phase = 0;
        float[] x = new float[frames];
        double peak = 0;
        for (int n = 0; n < frames; n++) {
            double t = (double) n / RATE;
            int v = (int) (t / 0.8) % vowels.length;
            int w = (v + 1) % vowels.length;
            double glide = Math.max(0, (t % 0.8 - 0.6) / 0.2);
            double f0 = 130 * (1 + 0.1 * Math.sin(2 * Math.PI * 0.3 * t)) * (1 + 0.004 * Math.sin(2 * Math.PI * 5 * t));
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
