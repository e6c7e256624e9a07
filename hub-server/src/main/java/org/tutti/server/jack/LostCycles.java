package org.tutti.server.jack;

/**
 * The periods a JACK stall took from the hub, and when to run them again. JACK does not run the cycles
 * it missed: after an xrun its drivers resync (the dummy driver re-anchors its clock, ALSA restarts the
 * device), so during a stall of the machine or of Tutti's process thread the clients' packets pile up in
 * the jitter buffers and, left alone, stay there as added latency (a churn run showed 12 → 36 ms for
 * good). The embedded clock runs missed periods back to back; inside a JACK cycle that would overrun
 * it, so here the lost periods are run one extra per cycle, and only while a period leaves room for it.
 *
 * <p>Two kinds of loss are told apart. JACK may run a cycle without calling Tutti (it skips a client
 * still busy from the cycle before): JACK's frame time then ran ahead of the callbacks, and exactly those
 * cycles are owed. The frame time is JACK's current one, not the one of the cycle being called for, so a
 * callback that starts after the server began its next cycle reads a period ahead, and the next callback
 * reads the same time again; the two are compared in total, so that callback owes nothing. Or the whole server stalled: its frame time counts only
 * the cycles it ran, so the loss is read from the wall-clock time between callbacks, only for gaps of
 * {@link #LOST_GAP_PERIODS} periods or more, so scheduling jitter and a sound card's clock drift never
 * add up to a debt. Callbacks that then come back to back (a driver that runs its missed cycles itself)
 * cancel the debt before anything is run. At most {@link #MAX_OWED_SECONDS} is run again, as the
 * embedded clock catches up at most that much; the rest counts as skipped.
 *
 * <p>Audio thread only; no allocation.
 */
final class LostCycles {
    /** A gap between callbacks this many periods long is a stall, not jitter. */
    static final double LOST_GAP_PERIODS = 2.5;
    /** A callback less than this many periods after the last is one the driver ran to catch up. */
    static final double BACK_TO_BACK_PERIODS = 0.5;
    /** The share of a period the engine may use before an extra period is run in the same cycle. */
    static final double HEADROOM = 0.4;
    static final double MAX_OWED_SECONDS = 0.2;

    private final long periodNanos;
    private final int periodFrames;
    private final long maxOwed;
    private long lastCallbackNanos;
    private long lastFrameTime;
    /** Frames JACK's frame time moved, and callbacks, since the first callback that knew it. */
    private long framesSeen;
    private long callbacksSeen;
    /** How many cycles the frame time has claimed went by without a callback, owed or run already. */
    private long claimedByFrameTime;
    private long latenessNanos;
    private boolean first = true;
    private long owed;
    /** The part of {@link #owed} only the wall clock claims: a driver that runs its missed cycles itself cancels it. */
    private long owedToStalls;
    private long lost;
    private long skipped;

    /** JACK's frame time is a 32-bit count of frames. */
    private static final long FRAME_TIME_MASK = 0xFFFF_FFFFL;

    LostCycles(long periodNanos, int periodFrames) {
        this.periodNanos = periodNanos;
        this.periodFrames = periodFrames;
        this.maxOwed = (long) Math.ceil(MAX_OWED_SECONDS * 1e9 / periodNanos);
    }

    /**
     * Called at the start of each process callback.
     *
     * @param nowNanos              {@link System#nanoTime()} now
     * @param frameTime             JACK's frame time at this cycle's start ({@code jack_last_frame_time}),
     *                              or -1 when JACK could not say (then only the wall clock tells loss)
     * @param lastProcessingNanos   how long the engine's last period took
     * @return how many extra periods to run before this one (0 or 1)
     */
    int onCallback(long nowNanos, long frameTime, long lastProcessingNanos) {
        if (first) {
            first = false;
            lastCallbackNanos = nowNanos;
            lastFrameTime = frameTime;
            return 0;
        }
        double gap = (double) (nowNanos - lastCallbackNanos) / periodNanos;
        latenessNanos = Math.max(0, nowNanos - lastCallbackNanos - periodNanos);
        lastCallbackNanos = nowNanos;
        long notCalled = framesAhead(frameTime);
        lastFrameTime = frameTime;
        long stalled = gap >= LOST_GAP_PERIODS ? Math.round(gap) - 1 : 0;
        if (notCalled < 0) {
            // The last callback read a frame time a cycle ahead: take back what is not run yet.
            long takenBack = Math.min(-notCalled, owed - owedToStalls);
            owed -= takenBack;
            lost -= takenBack;
            claimedByFrameTime -= takenBack;
            notCalled = 0;
        }
        if (notCalled > 0 || stalled > 0) {
            long missed = Math.max(notCalled, stalled);
            lost += missed;
            owed += missed;
            owedToStalls += missed - Math.max(0, notCalled);
            if (owed > maxOwed) {
                skipped += owed - maxOwed;
                owed = maxOwed;
                owedToStalls = Math.min(owedToStalls, owed);
            }
            return 0; // not in the cycle right after the stall: the driver may run its missed ones itself
        }
        if (gap < BACK_TO_BACK_PERIODS) {
            if (owedToStalls > 0) {
                owedToStalls--;
                owed--;
            }
            return 0;
        }
        if (owed > 0 && lastProcessingNanos < HEADROOM * periodNanos) {
            owed--;
            owedToStalls = Math.min(owedToStalls, owed);
            return 1;
        }
        return 0;
    }

    /**
     * How many more cycles than callbacks JACK's frame time now claims than it had claimed before: the
     * cycles JACK ran without calling the hub since the last callback, or less than 0 when the last
     * callback read a frame time that was ahead of it. 0 when JACK could not say.
     */
    private long framesAhead(long frameTime) {
        if (frameTime < 0 || lastFrameTime < 0) {
            return 0;
        }
        framesSeen += (frameTime - lastFrameTime) & FRAME_TIME_MASK;
        callbacksSeen++;
        long claimed = framesSeen / periodFrames - callbacksSeen;
        long change = claimed - claimedByFrameTime;
        if (change > 0) {
            claimedByFrameTime = claimed;
        }
        return change;
    }

    /**
     * How much later than a period after the one before the last callback came (0 for the first): JACK
     * has no deadline of its own to be late against, and a callback this late means the driver, or the
     * machine, stalled; one late by more than half a period but under {@link #LOST_GAP_PERIODS}, in a
     * stall of the whole server, may have taken a cycle that is not run again.
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
        return owed;
    }
}
