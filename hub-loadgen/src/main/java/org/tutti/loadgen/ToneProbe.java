package org.tutti.loadgen;

/**
 * Goertzel filter on one tone bin over consecutive windows of {@link Signal#window} samples. The
 * tone counts as present in a window when its magnitude reaches half of what one client's tone at
 * full level gives. Two multiply-adds per sample. Single-threaded.
 */
final class ToneProbe {
    private final int window;
    private final float coefficient;
    private final float threshold;
    private float s1;
    private float s2;
    private int n;
    long windows;
    long present;

    ToneProbe(Signal signal, int bin, float expectedMagnitude) {
        this.window = signal.window;
        this.coefficient = (float) (2 * Math.cos(2 * Math.PI * bin / signal.window));
        this.threshold = expectedMagnitude * 0.5f;
    }

    void accept(float[] samples, int count) {
        float a = s1;
        float b = s2;
        for (int i = 0; i < count; i++) {
            float s0 = samples[i] + coefficient * a - b;
            b = a;
            a = s0;
            if (++n == window) {
                double power = (double) a * a + (double) b * b - (double) coefficient * a * b;
                windows++;
                if (Math.sqrt(Math.max(0, power)) >= threshold) {
                    present++;
                }
                a = 0;
                b = 0;
                n = 0;
            }
        }
        s1 = a;
        s2 = b;
    }
}
