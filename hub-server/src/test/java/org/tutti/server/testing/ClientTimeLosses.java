package org.tutti.server.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * When a JackTrip client lost time, read on the clean side of the line (a {@link RelayTap} on the uplink
 * before any impairment): its header timestamps (its own clock) against its sequence numbers. A client
 * whose JACK server drops cycles (an xrun of its dummy driver on a stalling VM) sends no packet for them,
 * so from then on its timestamps run ahead of its packets by a period each time. That is what the client's
 * machine did, whatever the line or the hub did after it: a benchmark attributes the gaps it causes here.
 */
public final class ClientTimeLosses {
    /** Offsets are compared by their minimum over this long, so the client's send timing does not count. */
    static final long WINDOW_MICROS = 250_000L;

    /** A loss: when the relay saw the first packet after it, and how much time the client lost. */
    public record Loss(long observedNanos, double millis) {
    }

    private ClientTimeLosses() {
    }

    /** The client's time losses of at least half a packet, in the order they happened. */
    public static List<Loss> of(RelayTap tap, int sampleRate) {
        double packetMillis = 1000.0 * tap.frames() / sampleRate;
        List<Loss> losses = new ArrayList<>();
        double previousMinimum = Double.NaN;
        double minimum = Double.POSITIVE_INFINITY;
        long windowStart = Long.MIN_VALUE; // in the client's clock
        long firstSeen = 0;
        long baseMicros = Long.MIN_VALUE;
        for (int p = 0, n = tap.packets(); p < n; p++) {
            if (!tap.present(p)) {
                continue;
            }
            long stamped = tap.timestampMicros(p);
            if (baseMicros == Long.MIN_VALUE) {
                baseMicros = stamped - Math.round(p * packetMillis * 1000);
            }
            if (windowStart == Long.MIN_VALUE || stamped - windowStart >= WINDOW_MICROS) {
                if (minimum != Double.POSITIVE_INFINITY) {
                    if (!Double.isNaN(previousMinimum) && minimum - previousMinimum >= packetMillis / 2) {
                        losses.add(new Loss(firstSeen, minimum - previousMinimum));
                    }
                    previousMinimum = minimum;
                }
                windowStart = stamped;
                firstSeen = tap.observedNanos(p);
                minimum = Double.POSITIVE_INFINITY;
            }
            double offset = (stamped - baseMicros) / 1000.0 - p * packetMillis;
            minimum = Math.min(minimum, offset);
        }
        return losses;
    }

    /** A gap this long before a loss as found (its window's start) or this long after it is put down to it. */
    static final long BEFORE_NANOS = 500_000_000L;
    static final long AFTER_NANOS = 1_250_000_000L;

    /**
     * The gaps at {@code gapNanos} (System.nanoTime, sorted) that no time loss of the client explains: each
     * loss explains one gap, from half a second before it was found to a second and a quarter after (the
     * hub conceals the missing audio when its packets stop, or re-primes once the loss shows). The client's
     * audio is missing there, which a hub may fill in once; more gaps than that are the hub's doing.
     */
    public static int gapsBeyondOnePerLoss(long[] gapNanos, List<Loss> losses) {
        return gapsNoLossExplains(gapNanos, losses).length;
    }

    /** The times of the gaps left over by {@link #gapsBeyondOnePerLoss}: the hub's own. */
    public static long[] gapsNoLossExplains(long[] gapNanos, List<Loss> losses) {
        boolean[] used = new boolean[losses.size()];
        long[] unexplained = new long[gapNanos.length];
        int n = 0;
        for (long gap : gapNanos) {
            boolean explained = false;
            for (int i = 0; i < losses.size() && !explained; i++) {
                long at = losses.get(i).observedNanos();
                if (!used[i] && gap >= at - BEFORE_NANOS && gap <= at + AFTER_NANOS) {
                    used[i] = true;
                    explained = true;
                }
            }
            if (!explained) {
                unexplained[n++] = gap;
            }
        }
        return java.util.Arrays.copyOf(unexplained, n);
    }
}
