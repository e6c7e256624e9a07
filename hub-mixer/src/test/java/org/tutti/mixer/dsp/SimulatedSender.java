package org.tutti.mixer.dsp;

import java.util.Arrays;
import java.util.Random;

/**
 * A JackTrip client as the hub sees it: packets of {@code frames} frames sent on the client's own
 * clock ({@code nominalRate × (1 + ppm)}, optionally changing at one moment), arriving after a base
 * delay plus network jitter, some lost, some very late. Seeded; arrivals come out in arrival order.
 */
final class SimulatedSender {
    /** What the network does to each packet. */
    interface Jitter {
        double seconds(Random random);
    }

    static Jitter gaussian(double sigma) {
        return random -> sigma * random.nextGaussian();
    }

    static Jitter uniform(double halfWidth) {
        return random -> halfWidth * (2 * random.nextDouble() - 1);
    }

    final long[] arrivalNanos;
    final long[] packetIndex;
    final int frames;
    final int count;

    /**
     * @param stepAt seconds at which the clock offset changes to {@code ppmAfter} (or beyond the run)
     */
    SimulatedSender(double nominalRate, int frames, double ppm, double ppmAfter, double stepAt, double seconds,
                    Jitter jitter, double loss, double lateFraction, double lateSeconds, long seed) {
        Random random = new Random(seed);
        this.frames = frames;
        int packets = (int) (seconds * nominalRate / frames);
        long[] arrival = new long[packets];
        long[] index = new long[packets];
        int kept = 0;
        double sendTime = 0;
        double base = 0.020;
        for (int k = 0; k < packets; k++) {
            double rate = nominalRate * (1 + (sendTime < stepAt ? ppm : ppmAfter) * 1e-6);
            double delay = base + jitter.seconds(random);
            if (random.nextDouble() < lateFraction) {
                delay += lateSeconds;
            }
            boolean lost = random.nextDouble() < loss;
            if (!lost) {
                arrival[kept] = (long) ((100.0 + sendTime + Math.max(0.0005, delay)) * 1e9);
                index[kept] = k;
                kept++;
            }
            sendTime += frames / rate;
        }
        Integer[] order = new Integer[kept];
        for (int i = 0; i < kept; i++) {
            order[i] = i;
        }
        final long[] a = arrival;
        Arrays.sort(order, (x, y) -> Long.compare(a[x], a[y]));
        this.arrivalNanos = new long[kept];
        this.packetIndex = new long[kept];
        for (int i = 0; i < kept; i++) {
            arrivalNanos[i] = arrival[order[i]];
            packetIndex[i] = index[order[i]];
        }
        this.count = kept;
    }
}
