package org.tutti.server.jack;

/**
 * The periods a JACK stall took from the hub, and when to run them again. JACK does not run the cycles
 * it missed: after an xrun its drivers resync (the dummy driver re-anchors its clock, ALSA restarts the
 * device), so during a stall of the machine or of Tutti's process thread the clients' packets pile up in
 * the jitter buffers and, left alone, stay there as added latency (a churn run showed 12 → 36 ms for
 * good). The embedded clock runs missed periods back to back; inside a JACK cycle that would overrun
 * it, so here the lost periods are run one extra per cycle, and only while a period leaves room for it.
 *
 * <p>Two kinds of loss are told apart, and added. JACK may run a cycle without calling Tutti (it skips
 * a client still busy from the cycle before): JACK's frame time then ran ahead of the callbacks, and
 * exactly those cycles are owed. The frame time is the server's current one, not the one of the cycle
 * being called for, so a callback that starts after the server began its next cycle reads a period
 * ahead, and the next callback reads the same time again; frame time and callbacks are compared in
 * total, so that pair owes nothing (a debt not yet run is taken back; one already run, when the read
 * ahead lasted, is not owed again by the next real skip). Or the whole server stalled: its frame time
 * counts only the cycles it ran, so the wall-clock time between callbacks that the frame time does not
 * account for is lost, counted only from {@link #STALL_PERIODS} periods on, so that scheduling jitter
 * and a sound card's clock drift never add up to a debt. Callbacks that then come back to back with
 * the frame time moving (a driver that runs its missed cycles itself) cancel that debt before anything
 * is run. At most {@link #MAX_OWED_SECONDS} is run again, as the embedded clock catches up at most that
 * much; the rest counts as skipped.
 *
 * <p>A third kind of loss is the hub's own, with {@code --jack-engine async}: a cycle JACK called the
 * hub for, that the engine thread could not take because it was still busy with the two before
 * ({@link #notRun}). It is owed like the others, and run again the same way.
 *
 * <p>JACK's process thread only; no allocation.
 */
final class LostCycles {
    /** Wall-clock time between callbacks beyond what JACK's frame time accounts for, this many periods or more, is a stall. */
    static final double STALL_PERIODS = 1.5;
    /** A callback less than this many periods after the last is one the driver ran to catch up. */
    static final double BACK_TO_BACK_PERIODS = 0.5;
    /** The share of a period the engine may use before an extra period is run in the same cycle. */
    static final double HEADROOM = 0.4;
    static final double MAX_OWED_SECONDS = 0.2;

    /** JACK's frame time is a 32-bit count of frames. */
    private static final long FRAME_TIME_MASK = 0xFFFF_FFFFL;

    private final long periodNanos;
    private final int periodFrames;
    private final long maxOwed;
    private long lastCallbackNanos;
    private long lastFrameTime;
    private long latenessNanos;
    private boolean first = true;
    /** Frames JACK's frame time moved, and callbacks, since the first callback that knew it. */
    private long framesSeen;
    private long callbacksSeen;
    /** The lowest claim seen: below 0 only when the first callback read a frame time a cycle ahead. */
    private long lowestClaim;
    /** How many cycles the frame time has claimed went by without a callback, owed, run or skipped. */
    private long claimedByFrameTime;
    /** Periods owed because JACK skipped the hub, because the whole server stalled, and because the engine thread was busy. */
    private long owedToSkips;
    private long owedToStalls;
    private long owedToEngine;
    /** Which debt the extra period the last callback asked for was taken from (0: none). */
    private int lastPaid;
    private long lost;
    private long skipped;

    LostCycles(long periodNanos, int periodFrames) {
        this.periodNanos = periodNanos;
        this.periodFrames = periodFrames;
        this.maxOwed = (long) Math.ceil(MAX_OWED_SECONDS * 1e9 / periodNanos);
    }

    /**
     * Called at the start of each process callback.
     *
     * @param nowNanos              {@link System#nanoTime()} now
     * @param frameTime             JACK's frame time now ({@code jack_last_frame_time}), or -1 when JACK
     *                              could not say (then only the wall clock tells loss)
     * @param lastProcessingNanos   how long the engine's last period took
     * @return how many extra periods to run before this one (0 or 1)
     */
    int onCallback(long nowNanos, long frameTime, long lastProcessingNanos) {
        lastPaid = NONE;
        if (first) {
            first = false;
            lastCallbackNanos = nowNanos;
            lastFrameTime = frameTime;
            return 0;
        }
        double gap = (double) (nowNanos - lastCallbackNanos) / periodNanos;
        latenessNanos = Math.max(0, nowNanos - lastCallbackNanos - periodNanos);
        lastCallbackNanos = nowNanos;
        boolean known = frameTime >= 0 && lastFrameTime >= 0;
        double advanced = known ? (double) ((frameTime - lastFrameTime) & FRAME_TIME_MASK) / periodFrames : 1;
        long skippedByJack = known ? frameTimeClaim(frameTime) : 0;
        lastFrameTime = frameTime;
        double unaccounted = gap - advanced;
        long stalled = unaccounted >= STALL_PERIODS ? Math.round(unaccounted) : 0;
        if (skippedByJack < 0) {
            // The last callback read a frame time a cycle ahead and this is that cycle: take back what is
            // not run yet. Not a driver's catch-up either, though it comes back to back.
            long takenBack = Math.min(-skippedByJack, owedToSkips);
            owedToSkips -= takenBack;
            lost -= takenBack;
            claimedByFrameTime -= takenBack;
            skippedByJack = 0;
        }
        if (skippedByJack > 0 || stalled > 0) {
            lost += skippedByJack + stalled;
            owedToSkips += skippedByJack;
            owedToStalls += stalled;
            capDebt();
            return 0; // not in the cycle right after the stall: the driver may run its missed ones itself
        }
        if (gap < BACK_TO_BACK_PERIODS) {
            if (advanced >= 1 && owedToStalls > 0) {
                owedToStalls--; // a cycle the driver ran itself, early, to catch up
            }
            return 0;
        }
        if (owed() > 0 && lastProcessingNanos < HEADROOM * periodNanos) {
            // Stalls and the engine's first: a skip's debt may still turn out to be a read ahead, and be taken back.
            if (owedToStalls > 0) {
                owedToStalls--;
                lastPaid = STALL;
            } else if (owedToEngine > 0) {
                owedToEngine--;
                lastPaid = ENGINE;
            } else {
                owedToSkips--;
                lastPaid = SKIP;
            }
            return 1;
        }
        return 0;
    }

    private static final int NONE = 0;
    private static final int STALL = 1;
    private static final int ENGINE = 2;
    private static final int SKIP = 3;

    /**
     * The cycle of this callback was not run ({@code --jack-engine async}: the engine thread was still
     * busy with the two cycles before it, and the callback does not wait): it is owed, and so is the
     * extra period {@link #onCallback} asked for in it, if it did, which is not run either. Call after
     * {@link #onCallback}, in the same callback.
     */
    void notRun() {
        lost++;
        owedToEngine++;
        switch (lastPaid) {
            case STALL -> owedToStalls++;
            case ENGINE -> owedToEngine++;
            case SKIP -> owedToSkips++;
            default -> {
            }
        }
        lastPaid = NONE;
        capDebt();
    }

    /** Debt beyond {@link #MAX_OWED_SECONDS} is skipped: the stalls' first, then the engine's, then JACK's skips. */
    private void capDebt() {
        long beyond = owed() - maxOwed;
        if (beyond > 0) {
            skipped += beyond;
            long fromStalls = Math.min(beyond, owedToStalls);
            owedToStalls -= fromStalls;
            long fromEngine = Math.min(beyond - fromStalls, owedToEngine);
            owedToEngine -= fromEngine;
            owedToSkips -= beyond - fromStalls - fromEngine;
        }
    }

    /**
     * How many more cycles than callbacks JACK's frame time now claims than it had claimed before: the
     * cycles JACK ran without calling the hub since the last callback, or less than 0 when the last
     * callback read a frame time that was ahead of it.
     */
    private long frameTimeClaim(long frameTime) {
        framesSeen += (frameTime - lastFrameTime) & FRAME_TIME_MASK;
        callbacksSeen++;
        long claimed = framesSeen / periodFrames - callbacksSeen;
        if (claimed < lowestClaim) {
            lowestClaim = claimed; // the first callback read ahead: JACK never calls a cycle twice
        }
        long change = claimed - lowestClaim - claimedByFrameTime;
        if (change > 0) {
            claimedByFrameTime += change;
        }
        return change;
    }

    /**
     * How much later than a period after the one before the last callback came (0 for the first): JACK
     * has no deadline of its own to be late against, and a callback this late means the driver, or the
     * machine, stalled; one late by more than half a period but by less than {@link #STALL_PERIODS}, in a
     * stall of the whole server, may have taken part of a cycle that is not run again.
     */
    long latenessNanos() {
        return latenessNanos;
    }

    /** Periods found missing between callbacks, in all. */
    long lost() {
        return lost;
    }

    /** Lost periods beyond what is run again. */
    long skipped() {
        return skipped;
    }

    /** Lost periods still to be run. */
    long owed() {
        return owedToSkips + owedToStalls + owedToEngine;
    }
}
