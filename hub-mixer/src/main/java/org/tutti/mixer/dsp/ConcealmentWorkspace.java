package org.tutti.mixer.dsp;

/**
 * Scratch space for {@link BurgConcealer}'s fits, and an optional budget of fits per period. A
 * concealer fits only inside its own calls, so every concealer run by one thread (the engine) can
 * share one workspace; never share one between threads.
 *
 * <p>The budget bounds the worst case: when many streams lose a packet in the same period (a hiccup
 * on the hub's own network), at most {@link #fitsPerPeriod} channels are fitted (about 50 µs each
 * with the defaults) and the rest fall back to the cheap fade-repeat behaviour for that outage.
 * Call {@link #newPeriod()} at the start of every period; without a budget nothing is limited.
 */
public final class ConcealmentWorkspace {
    final int capacity;
    final double[] signal;
    final double[] forward;
    final double[] backward;
    final double[] decimated;
    final double[] correlation;
    private int budget = Integer.MAX_VALUE;
    private int left = Integer.MAX_VALUE;
    private long denied;

    /** @param history the largest history of the concealers that will use it */
    public ConcealmentWorkspace(int history) {
        this.capacity = history;
        this.signal = new double[history];
        this.forward = new double[history];
        this.backward = new double[history];
        this.decimated = new double[history + 1];
        this.correlation = new double[history + 2];
    }

    /** Limits the channel fits per period ({@code Integer.MAX_VALUE}: no limit). */
    public void fitsPerPeriod(int fits) {
        this.budget = Math.max(0, fits);
        this.left = budget;
    }

    public int fitsPerPeriod() {
        return budget;
    }

    /** A new period: the budget is full again. */
    public void newPeriod() {
        left = budget;
    }

    /** Channel fits refused for lack of budget so far (they used fade-repeat instead). */
    public long deniedFits() {
        return denied;
    }

    boolean takeFit() {
        if (left <= 0) {
            denied++;
            return false;
        }
        if (left != Integer.MAX_VALUE) {
            left--;
        }
        return true;
    }
}
