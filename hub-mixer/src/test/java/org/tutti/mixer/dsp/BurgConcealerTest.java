package org.tutti.mixer.dsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Burg (pitch + LPC) concealment: predicts tones and music-like signals across a lost packet, fades to
 * zeros by the configured outage length, never produces NaN, and resumes without a step.
 */
class BurgConcealerTest {
    private static final int RATE = 48_000;
    private static final int BLOCK = 128;
    private static final int HISTORY = BurgConcealer.defaultHistory(RATE);

    @Test
    void predictsASineAcrossOnePacket() {
        for (double hz : new double[] {110, 440, 1000, 3000}) {
            double snr = gapSnr(new BurgConcealer(1, HISTORY, RATE), n -> 0.5 * Math.sin(2 * Math.PI * hz * n / RATE + 0.3), 20);
            System.out.printf("sine %.0f Hz, one 128-frame packet: SNR %.1f dB%n", hz, snr);
            assertTrue(snr > 40, hz + " Hz: SNR " + snr + " dB");
        }
    }

    @Test
    void predictsASumOfSinesAcrossOnePacket() {
        Random random = new Random(11);
        double[] phase = {random.nextDouble() * 6, random.nextDouble() * 6, random.nextDouble() * 6, random.nextDouble() * 6};
        // A C major chord in the fifth octave plus its octave: incommensurate partials, no short period.
        IntToDoubleFunction chord = n -> 0.25 * Math.sin(2 * Math.PI * 523.25 * n / RATE + phase[0])
                + 0.2 * Math.sin(2 * Math.PI * 659.26 * n / RATE + phase[1])
                + 0.15 * Math.sin(2 * Math.PI * 783.99 * n / RATE + phase[2])
                + 0.1 * Math.sin(2 * Math.PI * 1046.5 * n / RATE + phase[3]);
        double snr = gapSnr(new BurgConcealer(1, HISTORY, RATE), chord, 20);
        System.out.printf("four sines 523/659/784/1047 Hz, one packet: SNR %.1f dB%n", snr);
        assertTrue(snr > 20, "SNR " + snr + " dB");
        // Harmonic partials (a periodic tone): the pitch stage captures all of them at once.
        IntToDoubleFunction tone = n -> {
            double s = 0;
            for (int h = 1; h <= 12; h++) {
                s += Math.sin(2 * Math.PI * 146.83 * h * n / RATE + h) / h;
            }
            return 0.3 * s;
        };
        double toneSnr = gapSnr(new BurgConcealer(1, HISTORY, RATE), tone, 20);
        System.out.printf("12-harmonic tone at 146.83 Hz, one packet: SNR %.1f dB%n", toneSnr);
        assertTrue(toneSnr > 20, "harmonic tone SNR " + toneSnr + " dB");
        // The hard case, recorded as a limit: low, closely spaced, inharmonic partials. Order 32 cannot
        // resolve them in a 10 ms fit and the pitch lag captures only the 220/330 Hz pair (about 20 dB;
        // order 64 reaches about 27 dB).
        IntToDoubleFunction low = n -> 0.3 * Math.sin(2 * Math.PI * 220 * n / RATE + phase[0])
                + 0.2 * Math.sin(2 * Math.PI * 330 * n / RATE + phase[1])
                + 0.15 * Math.sin(2 * Math.PI * 523.25 * n / RATE + phase[2])
                + 0.1 * Math.sin(2 * Math.PI * 1318.5 * n / RATE + phase[3]);
        double lowSnr = gapSnr(new BurgConcealer(1, HISTORY, RATE), low, 20);
        System.out.printf("four sines 220/330/523/1318 Hz, one packet: SNR %.1f dB%n", lowSnr);
        assertTrue(lowSnr > 15, "SNR " + lowSnr + " dB");
    }

    @Test
    void plainBurgWithoutThePitchStageStillPredictsAMidFrequencySine() {
        BurgConcealer plain = new BurgConcealer(1, HISTORY, RATE, 32, 30, 2.5, false, null);
        double snr = gapSnr(plain, n -> 0.5 * Math.sin(2 * Math.PI * 1000 * n / RATE), 20);
        System.out.printf("plain Burg (no pitch stage), 1 kHz sine: SNR %.1f dB%n", snr);
        assertTrue(snr > 40, "SNR " + snr + " dB");
    }

    @Test
    void beatsFadeRepeatAndSilenceOnMusicLikeSignals() {
        float[][] signals = {TestSignals.pluck(10 * RATE, 3), TestSignals.voice(10 * RATE, 4)};
        for (float[] x : signals) {
            double burg = lossSnr(new BurgConcealer(1, HISTORY, RATE), x, 5);
            double fade = lossSnr(new FadeRepeatConcealer(1, BLOCK), x, 5);
            double silence = lossSnr(new SilenceConcealer(), x, 5);
            assertEquals(0.0, silence, 1e-9, "silence leaves exactly the signal as error");
            System.out.printf("5 %% random loss: burg %.1f dB, fade %.1f dB, silence %.1f dB%n", burg, fade, silence);
            assertTrue(burg > fade + 5 && burg > silence + 5, "burg " + burg + " dB, fade " + fade + " dB");
        }
    }

    @Test
    void outputIsZeroFromTheConfiguredOutageLengthOn() {
        for (double millis : new double[] {10, 30}) {
            BurgConcealer concealer = new BurgConcealer(2, HISTORY, RATE, 32, millis, 2.5);
            int limit = concealer.outageFrames();
            assertEquals((int) Math.round(millis * RATE / 1000), limit);
            float[][] played = new float[2][4096];
            for (int n = 0; n < 4096; n++) {
                played[0][n] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * n / RATE));
                played[1][n] = (float) (0.5 * Math.sin(2 * Math.PI * 200 * n / RATE));
            }
            concealer.observe(played, 0, 2, 4096);
            float[][] out = new float[2][limit + 3 * BLOCK];
            for (int at = 0; at < out[0].length; at += 100) {
                concealer.conceal(out, at, 2, Math.min(100, out[0].length - at));
            }
            for (int c = 0; c < 2; c++) {
                double early = 0;
                for (int n = 0; n < limit / 3; n++) {
                    early = Math.max(early, Math.abs(out[c][n]));
                }
                assertTrue(early > 0.4, "the prediction plays at full level first: " + early);
                for (int n = limit; n < out[c].length; n++) {
                    assertEquals(0f, out[c][n], 0f, "channel " + c + " frame " + n);
                }
            }
        }
    }

    @Test
    void concealingInPiecesContinuesTheSameExtrapolation() {
        float[][] played = stereo(3000, 0);
        BurgConcealer whole = new BurgConcealer(2, HISTORY, RATE);
        whole.observe(played, 0, 2, 3000);
        float[][] expected = new float[2][700];
        whole.conceal(expected, 0, 2, 700);

        BurgConcealer pieces = new BurgConcealer(2, HISTORY, RATE);
        pieces.observe(played, 0, 2, 3000);
        float[][] out = new float[2][700];
        pieces.conceal(out, 0, 2, 128);
        pieces.conceal(out, 128, 2, 60);
        pieces.conceal(out, 188, 2, 512);
        assertArrayEquals(expected[0], out[0]);
        assertArrayEquals(expected[1], out[1]);
    }

    @Test
    void realAudioResumesWithoutAStep() {
        float[][] played = stereo(3000, 0);
        BurgConcealer concealer = new BurgConcealer(2, HISTORY, RATE);
        concealer.observe(played, 0, 2, 3000);
        float[][] concealed = new float[2][BLOCK];
        concealer.conceal(concealed, 0, 2, BLOCK);
        // The real audio comes back at a jump: opposite phase and another level.
        float[][] block = new float[2][BLOCK];
        for (int n = 0; n < BLOCK; n++) {
            block[0][n] = (float) (-0.7 * Math.sin(2 * Math.PI * 440 * (n + 3000 + BLOCK) / RATE));
            block[1][n] = 0.6f;
        }
        float[][] original = {block[0].clone(), block[1].clone()};
        concealer.resume(block, 0, 2, BLOCK);

        int blend = concealer.resumeFrames();
        for (int c = 0; c < 2; c++) {
            float jump = Math.abs(original[c][0] - concealed[c][BLOCK - 1]);
            assertTrue(jump > 0.2, "the test needs a jump to hide: " + jump);
            // No step bigger than the signals' own slope plus the gap spread over the raised cosine.
            double bound = 2 * Math.PI * 440 * 0.7 / RATE + 1.5 * Math.PI / 2 / (blend + 1) + 1e-3;
            float last = concealed[c][BLOCK - 1];
            for (int n = 0; n < BLOCK; n++) {
                assertTrue(Math.abs(block[c][n] - last) <= bound,
                        "channel " + c + " frame " + n + ": step " + Math.abs(block[c][n] - last) + " > " + bound);
                last = block[c][n];
            }
            for (int n = blend; n < BLOCK; n++) {
                assertEquals(original[c][n], block[c][n], "after the blend the real audio is untouched");
            }
        }
    }

    @Test
    void aResumeInPiecesBlendsExactlyAsInOneBlock() {
        // The jitter buffer cuts reads at packet boundaries: real audio can come back 2 frames at a time.
        float[][] played = stereo(3000, 0);
        float[][] whole = stereo(BLOCK, 3000 + BLOCK);
        float[][] pieces = {whole[0].clone(), whole[1].clone()};
        BurgConcealer one = new BurgConcealer(2, HISTORY, RATE);
        BurgConcealer split = new BurgConcealer(2, HISTORY, RATE);
        float[][] scratch = new float[2][BLOCK];
        for (BurgConcealer concealer : new BurgConcealer[] {one, split}) {
            concealer.observe(played, 0, 2, 3000);
            concealer.conceal(scratch, 0, 2, BLOCK);
        }
        one.resume(whole, 0, 2, BLOCK);
        one.observe(whole, 0, 2, BLOCK);
        split.resume(pieces, 0, 2, 2);
        split.observe(pieces, 0, 2, 2);
        split.observe(pieces, 2, 2, 50);
        split.observe(pieces, 52, 2, BLOCK - 52);
        assertArrayEquals(whole[0], pieces[0]);
        assertArrayEquals(whole[1], pieces[1]);
        // And both remember the same history: the next outage is predicted alike.
        float[][] a = new float[2][BLOCK];
        float[][] b = new float[2][BLOCK];
        one.conceal(a, 0, 2, BLOCK);
        split.conceal(b, 0, 2, BLOCK);
        assertArrayEquals(a[0], b[0]);
    }

    @Test
    void aResumeWithoutConcealmentBlendsFromThePrediction() {
        // The jitter buffer skips ahead after an overrun and calls resume() with no conceal() before.
        float[][] played = stereo(3000, 0);
        BurgConcealer concealer = new BurgConcealer(2, HISTORY, RATE);
        concealer.observe(played, 0, 2, 3000);
        float[][] block = stereo(BLOCK, 9000);
        float[][] twinOut = new float[2][BLOCK];
        BurgConcealer twin = new BurgConcealer(2, HISTORY, RATE);
        twin.observe(played, 0, 2, 3000);
        twin.conceal(twinOut, 0, 2, BLOCK);
        float[][] real = {block[0].clone(), block[1].clone()};
        concealer.resume(block, 0, 2, BLOCK);
        double t = 0.5 - 0.5 * Math.cos(Math.PI / (concealer.resumeFrames() + 1));
        for (int c = 0; c < 2; c++) {
            assertEquals(twinOut[c][0] + (real[c][0] - twinOut[c][0]) * t, block[c][0], 1e-6);
        }
    }

    @Test
    void staysFiniteAndBoundedOnSilenceDcSquareWavesAndGarbage() {
        float[][][] inputs = new float[6][1][4096];
        java.util.Arrays.fill(inputs[1][0], 0.75f); // DC
        java.util.Arrays.fill(inputs[2][0], -1f); // full-scale negative DC
        for (int n = 0; n < 4096; n++) {
            inputs[3][0][n] = (n / 50) % 2 == 0 ? 1f : -1f; // full-scale square
            inputs[4][0][n] = n % 2 == 0 ? 1f : -1f; // Nyquist
            inputs[5][0][n] = n % 7 == 0 ? Float.NaN : n % 11 == 0 ? Float.POSITIVE_INFINITY : (n % 13 == 0 ? 1e30f : 0.1f);
        }
        for (int i = 0; i < inputs.length; i++) {
            for (boolean pitch : new boolean[] {true, false}) {
                BurgConcealer concealer = new BurgConcealer(1, HISTORY, RATE, 32, 30, 2.5, pitch, null);
                for (int round = 0; round < 3; round++) {
                    concealer.observe(inputs[i], 0, 1, 4096);
                    float[][] out = new float[1][2000];
                    for (int at = 0; at < 2000; at += BLOCK) {
                        concealer.conceal(out, at, 1, Math.min(BLOCK, 2000 - at));
                    }
                    float[][] back = {inputs[i][0].clone()};
                    concealer.resume(back, 0, 1, BLOCK);
                    for (float v : out[0]) {
                        assertTrue(Float.isFinite(v) && Math.abs(v) <= 4 * 64, "input " + i + ": " + v);
                    }
                    if (i == 0) {
                        for (float v : out[0]) {
                            assertEquals(0f, v, 0f, "silence conceals as silence");
                        }
                    }
                    if (i == 1) {
                        assertEquals(0.75f, out[0][0], 1e-3, "DC continues");
                    }
                }
            }
        }
    }

    @Test
    void eachChannelIsPredictedFromItsOwnHistory() {
        float[][] played = stereo(3000, 0);
        BurgConcealer stereo = new BurgConcealer(2, HISTORY, RATE);
        stereo.observe(played, 0, 2, 3000);
        float[][] both = new float[2][BLOCK];
        stereo.conceal(both, 0, 2, BLOCK);
        BurgConcealer mono = new BurgConcealer(1, HISTORY, RATE);
        mono.observe(new float[][] {played[1]}, 0, 1, 3000);
        float[][] right = new float[1][BLOCK];
        mono.conceal(right, 0, 1, BLOCK);
        assertArrayEquals(right[0], both[1]);
    }

    @Test
    void resetForgetsTheHistory() {
        BurgConcealer concealer = new BurgConcealer(2, HISTORY, RATE);
        concealer.observe(stereo(3000, 0), 0, 2, 3000);
        concealer.reset();
        float[][] out = stereo(BLOCK, 5);
        concealer.conceal(out, 0, 2, BLOCK);
        for (float[] channel : out) {
            for (float v : channel) {
                assertEquals(0f, v, 0f);
            }
        }
    }

    @Test
    void aFitBudgetFallsBackToFadeRepeatBeyondIt() {
        ConcealmentWorkspace workspace = new ConcealmentWorkspace(HISTORY);
        workspace.fitsPerPeriod(2);
        BurgConcealer[] streams = new BurgConcealer[3];
        float[][] played = stereo(3000, 0);
        for (int i = 0; i < streams.length; i++) {
            streams[i] = new BurgConcealer(2, HISTORY, RATE, 32, 30, 2.5, true, workspace);
            streams[i].observe(played, 0, 2, 3000);
        }
        workspace.newPeriod();
        float[][][] out = new float[3][2][BLOCK];
        for (int i = 0; i < streams.length; i++) {
            streams[i].conceal(out[i], 0, 2, BLOCK);
        }
        assertEquals(4, workspace.deniedFits(), "stream 0 took both fits; streams 1 and 2 got none");
        double predicted = blockSnr(out[0][0], played[0], 3000);
        double fallback = blockSnr(out[1][0], played[0], 3000);
        assertTrue(predicted > 30 && fallback < predicted, predicted + " vs " + fallback);
        workspace.newPeriod();
        streams[1].observe(played, 0, 2, 3000);
        streams[1].conceal(out[1], 0, 2, BLOCK);
        assertEquals(4, workspace.deniedFits(), "a new period brings the budget back");
    }

    @Test
    void strategiesAreListedAndCreatedByName() {
        assertEquals(java.util.List.of("silence", "fade", "burg"),
                java.util.Arrays.stream(Concealment.values()).map(Concealment::label).toList(), "cheapest first");
        assertInstanceOf(SilenceConcealer.class, Concealment.parse("silence").create(2, BLOCK, RATE));
        assertInstanceOf(FadeRepeatConcealer.class, Concealment.parse("fade").create(2, BLOCK, RATE));
        assertInstanceOf(BurgConcealer.class, Concealment.parse(" BURG").create(2, BLOCK, RATE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Concealment.parse("lpc"));
        assertEquals("concealment must be one of [silence, fade, burg]: lpc", e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    /** SNR of one concealed packet after 4096 frames of history, averaged (in energy) over trials. */
    private static double gapSnr(Concealer concealer, IntToDoubleFunction signal, int trials) {
        double error = 0;
        double energy = 0;
        float[][] block = new float[1][BLOCK];
        for (int trial = 0; trial < trials; trial++) {
            concealer.reset();
            int start = 4096 + trial * 997;
            for (int p = start - 4096; p < start; p += BLOCK) {
                for (int n = 0; n < BLOCK; n++) {
                    block[0][n] = (float) signal.applyAsDouble(p + n);
                }
                concealer.observe(block, 0, 1, BLOCK);
            }
            concealer.conceal(block, 0, 1, BLOCK);
            for (int n = 0; n < BLOCK; n++) {
                double x = signal.applyAsDouble(start + n);
                error += (block[0][n] - x) * (block[0][n] - x);
                energy += x * x;
            }
        }
        return 10 * Math.log10(energy / error);
    }

    /** SNR over the concealed packets when {@code percent} % of 128-frame packets are lost at random. */
    static double lossSnr(Concealer concealer, float[] x, double percent) {
        Random random = new Random(7);
        float[][] block = new float[1][BLOCK];
        double error = 0;
        double energy = 0;
        boolean concealing = false;
        for (int p = 0; p + BLOCK <= x.length; p += BLOCK) {
            if (p >= RATE && random.nextDouble() * 100 < percent) {
                concealer.conceal(block, 0, 1, BLOCK);
                concealing = true;
                for (int n = 0; n < BLOCK; n++) {
                    double e = block[0][n] - x[p + n];
                    error += e * e;
                    energy += (double) x[p + n] * x[p + n];
                }
            } else {
                System.arraycopy(x, p, block[0], 0, BLOCK);
                if (concealing) {
                    concealer.resume(block, 0, 1, BLOCK);
                    concealing = false;
                }
                concealer.observe(block, 0, 1, BLOCK);
            }
        }
        return 10 * Math.log10(energy / error);
    }

    private static double blockSnr(float[] out, float[] played, int from) {
        double error = 0;
        double energy = 0;
        for (int n = 0; n < out.length; n++) {
            double x = 0.5 * Math.sin(2 * Math.PI * 440 * (from + n) / RATE);
            error += (out[n] - x) * (out[n] - x);
            energy += x * x;
        }
        return 10 * Math.log10(energy / error);
    }

    /** 440 Hz on the left, a 196 Hz tone with harmonics on the right. */
    private static float[][] stereo(int frames, int phase) {
        float[][] x = new float[2][frames];
        for (int n = 0; n < frames; n++) {
            int t = n + phase;
            x[0][n] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * t / RATE));
            x[1][n] = (float) (0.3 * Math.sin(2 * Math.PI * 196 * t / RATE) + 0.1 * Math.sin(2 * Math.PI * 392 * t / RATE + 1)
                    + 0.05 * Math.sin(2 * Math.PI * 588 * t / RATE + 2));
        }
        return x;
    }
}
