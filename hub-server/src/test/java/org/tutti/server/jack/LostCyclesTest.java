package org.tutti.server.jack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which periods a JACK stall took, and how they are run again; simulated callback times. */
class LostCyclesTest {
    private static final long PERIOD = 2_666_667; // 128 frames at 48 kHz
    private static final int FRAMES = 128;
    private static final long CHEAP = PERIOD / 10;

    private long now = 1_000_000_000L;
    /** JACK's frame time: a stalled server's counts only the cycles it runs, one period per callback. */
    private long frameTime = 4_294_967_296L - 10 * FRAMES; // wraps past 2^32 a few cycles in
    /** Callbacks every {@code gapPeriods}, each one JACK cycle on; the extra periods asked for in all. */
    private int callbacks(LostCycles lost, int count, double gapPeriods, long processing) {
        int extra = 0;
        for (int i = 0; i < count; i++) {
            now += Math.round(gapPeriods * PERIOD);
            frameTime = (frameTime + FRAMES) & 0xFFFF_FFFFL;
            extra += lost.onCallback(now, frameTime, processing);
        }
        return extra;
    }

    /** One callback after JACK ran {@code cycles} cycles without calling the hub, on time otherwise. */
    private int afterSkipped(LostCycles lost, int cycles) {
        now += (cycles + 1) * PERIOD;
        frameTime = (frameTime + (cycles + 1L) * FRAMES) & 0xFFFF_FFFFL;
        return lost.onCallback(now, frameTime, CHEAP);
    }

    @Test
    void aStallOfFifteenPeriodsIsRunAgainOneExtraPerCycleAfterTheNextOrdinaryOne() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        assertEquals(0, callbacks(lost, 100, 1.0, CHEAP));
        assertEquals(0, callbacks(lost, 1, 16.0, CHEAP), "nothing extra in the cycle right after the stall");
        assertEquals(15, lost.owed());
        assertEquals(1, callbacks(lost, 1, 1.0, CHEAP));
        assertEquals(14, callbacks(lost, 40, 1.0, CHEAP), "the rest, one a cycle, then nothing");
        assertEquals(15, lost.lost());
        assertEquals(0, lost.owed());
        assertEquals(0, lost.skipped());
    }

    @Test
    void aCycleJackRanWithoutCallingTheHubIsRunAgainEvenAlone() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        callbacks(lost, 20, 1.0, CHEAP);
        assertEquals(0, afterSkipped(lost, 1), "a gap of two periods, under the stall threshold");
        assertEquals(1, lost.owed(), "JACK's frame time says one cycle went by without us");
        assertEquals(0, callbacks(lost, 1, 0.3, CHEAP), "a callback right after is no catch-up of JACK's own");
        assertEquals(1, lost.owed(), "so it does not cancel the debt");
        assertEquals(1, callbacks(lost, 5, 1.0, CHEAP));
        assertEquals(0, lost.owed());
        assertEquals(2, afterSkipped(lost, 2) + callbacks(lost, 10, 1.0, CHEAP), "two skipped, two run again");
        assertEquals(3, lost.lost());
    }

    /**
     * JACK's frame time is the server's current one: a callback that starts after the server began its
     * next cycle reads that cycle's time, and the callback for that cycle, right after, reads it again.
     */
    @Test
    void aCallbackThatReadsTheNextCyclesFrameTimeOwesNothing() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        callbacks(lost, 20, 1.0, CHEAP);
        int extra = 0;
        for (int late = 0; late < 50; late++) {
            now += Math.round(1.9 * PERIOD);
            extra += lost.onCallback(now, (frameTime + 2 * FRAMES) & 0xFFFF_FFFFL, CHEAP); // a cycle ahead
            now += PERIOD / 10;
            frameTime = (frameTime + 2 * FRAMES) & 0xFFFF_FFFFL;
            extra += lost.onCallback(now, frameTime, CHEAP); // the cycle it read, back to back
            extra += callbacks(lost, 10, 1.0, CHEAP);
        }
        assertEquals(0, extra, "no period run for a cycle JACK did call the hub for");
        assertEquals(0, lost.owed());
        assertEquals(0, lost.lost());
    }

    @Test
    void readingAheadForAWhileOwesAtMostOnceAndARealSkipAfterIsStillOwed() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        callbacks(lost, 20, 1.0, CHEAP);
        // From here on every callback reads the next cycle's time; the first looks like a skipped cycle.
        frameTime = (frameTime + FRAMES) & 0xFFFF_FFFFL;
        int extra = callbacks(lost, 30, 1.0, CHEAP);
        assertEquals(1, extra, "one period, as JACK's time cannot yet tell a read ahead from a skip");
        frameTime = (frameTime - FRAMES) & 0xFFFF_FFFFL; // back in step
        extra = callbacks(lost, 30, 1.0, CHEAP);
        frameTime = (frameTime + FRAMES) & 0xFFFF_FFFFL; // ahead again: already paid for
        extra += callbacks(lost, 30, 1.0, CHEAP);
        assertEquals(0, extra, "the same read ahead is not paid twice");
        assertEquals(2, afterSkipped(lost, 2) + callbacks(lost, 10, 1.0, CHEAP), "a real skip is still run again");
    }

    /** A callback {@code gapPeriods} after the last that reads JACK's frame time one cycle ahead of its own. */
    private int readingAhead(LostCycles lost, double gapPeriods) {
        now += Math.round(gapPeriods * PERIOD);
        return lost.onCallback(now, (frameTime + 2 * FRAMES) & 0xFFFF_FFFFL, CHEAP);
    }

    /** The callback for the cycle the one before read ahead into, {@code gapPeriods} after it. */
    private int itsOwnCycle(LostCycles lost, double gapPeriods) {
        now += Math.round(gapPeriods * PERIOD);
        frameTime = (frameTime + 2 * FRAMES) & 0xFFFF_FFFFL;
        return lost.onCallback(now, frameTime, CHEAP);
    }

    @Test
    void aReadAheadWhileAStallIsBeingRunAgainCancelsNothingOfTheStall() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        int extra = callbacks(lost, 20, 1.0, CHEAP);
        extra += callbacks(lost, 1, 6.0, CHEAP); // the whole server stalled: 5 periods lost
        extra += callbacks(lost, 1, 1.0, CHEAP); // the first is run
        extra += readingAhead(lost, 1.9);
        extra += itsOwnCycle(lost, 0.1); // back to back, but no catch-up of the driver's: its frame time stood
        extra += callbacks(lost, 20, 1.0, CHEAP);
        assertEquals(5, extra, "each period the stall took, run once");
        assertEquals(5, lost.lost());
    }

    @Test
    void aReadAheadThatEndsAStallOwesTheStallOnly() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        callbacks(lost, 20, 1.0, CHEAP);
        // The server ran nothing for two periods, then the next cycle; the hub's callback for it came late,
        // after the server began the one after, and read that one's time.
        now += Math.round(4.05 * PERIOD);
        frameTime = (frameTime + FRAMES) & 0xFFFF_FFFFL;
        int extra = lost.onCallback(now, (frameTime + FRAMES) & 0xFFFF_FFFFL, CHEAP);
        now += Math.round(0.1 * PERIOD);
        frameTime = (frameTime + FRAMES) & 0xFFFF_FFFFL;
        extra += lost.onCallback(now, frameTime, CHEAP);
        extra += callbacks(lost, 20, 1.0, CHEAP);
        assertEquals(2, extra, "the two periods the server did not run");
    }

    @Test
    void aFirstCallbackThatReadAheadDoesNotHideALaterSkip() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        frameTime = (frameTime + FRAMES) & 0xFFFF_FFFFL;
        lost.onCallback(now, (frameTime + FRAMES) & 0xFFFF_FFFFL, CHEAP); // attaching the thread made it late
        now += Math.round(0.1 * PERIOD);
        frameTime = (frameTime + FRAMES) & 0xFFFF_FFFFL;
        int extra = lost.onCallback(now, frameTime, CHEAP) + callbacks(lost, 20, 1.0, CHEAP);
        assertEquals(0, extra);
        assertEquals(1, afterSkipped(lost, 1) + callbacks(lost, 5, 1.0, CHEAP), "the skip is run again");
    }

    @Test
    void withoutJacksFrameTimeOnlyTheWallClockCounts() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        lost.onCallback(now, -1, CHEAP);
        now += 2 * PERIOD;
        assertEquals(0, lost.onCallback(now, -1, CHEAP));
        assertEquals(0, lost.owed());
        now += 16 * PERIOD;
        lost.onCallback(now, -1, CHEAP);
        assertEquals(15, lost.owed());
    }

    @Test
    void aCallbackIsLateByWhatItsGapExceedsAPeriod() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        callbacks(lost, 1, 1.0, CHEAP);
        assertEquals(0, lost.latenessNanos(), "the first callback has nothing to be late against");
        callbacks(lost, 1, 2.0, CHEAP);
        assertEquals(PERIOD, lost.latenessNanos(), "a cycle slipped");
        callbacks(lost, 1, 0.3, CHEAP);
        assertEquals(0, lost.latenessNanos(), "early is not late");
        callbacks(lost, 1, 16.0, CHEAP);
        assertEquals(15 * PERIOD, lost.latenessNanos());
    }

    @Test
    void jitterBelowTwoAndAHalfPeriodsAndClockDriftNeverAddUp() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        int extra = 0;
        for (int i = 0; i < 5_000; i++) {
            extra += callbacks(lost, 1, 2.2, CHEAP); // late...
            extra += callbacks(lost, 1, 0.55, CHEAP); // ...and early again
            extra += callbacks(lost, 1, 0.25, CHEAP);
            extra += callbacks(lost, 20, 1.0001, CHEAP); // a card 100 ppm slow against the system clock
        }
        assertEquals(0, extra);
        assertEquals(0, lost.lost());
    }

    @Test
    void aDriverThatRunsItsMissedCyclesBackToBackIsNotCaughtUpTwice() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        callbacks(lost, 10, 1.0, CHEAP);
        callbacks(lost, 1, 9.0, CHEAP);
        assertEquals(0, callbacks(lost, 8, 0.05, CHEAP), "the driver's own catch-up");
        assertEquals(0, lost.owed());
        assertEquals(0, callbacks(lost, 50, 1.0, CHEAP));
    }

    @Test
    void noExtraPeriodWhileAPeriodTakesMoreThanItsHeadroomAndTheDebtIsKept() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        callbacks(lost, 10, 1.0, CHEAP);
        callbacks(lost, 1, 5.0, CHEAP);
        assertEquals(0, callbacks(lost, 20, 1.0, PERIOD / 2), "a busy engine is not given more to do");
        assertEquals(4, lost.owed());
        assertEquals(4, callbacks(lost, 20, 1.0, CHEAP));
    }

    @Test
    void beyondTwoHundredMillisecondsTheRestIsSkipped() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        callbacks(lost, 10, 1.0, CHEAP);
        callbacks(lost, 1, 301.0, CHEAP); // 0.8 s
        long maxOwed = (long) Math.ceil(LostCycles.MAX_OWED_SECONDS * 1e9 / PERIOD);
        assertEquals(maxOwed, lost.owed());
        assertEquals(300 - maxOwed, lost.skipped());
        assertEquals(maxOwed, callbacks(lost, 200, 1.0, CHEAP));
    }

    @Test
    void aCycleTheEngineThreadCouldNotTakeIsOwedAndRunAgainOneACycle() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        callbacks(lost, 10, 1.0, CHEAP);
        for (int i = 0; i < 3; i++) {
            callbacks(lost, 1, 1.0, CHEAP); // from the second on, asks for one owed period: not run either
            lost.notRun(); // --jack-engine async: the engine thread still had two cycles
        }
        assertEquals(3, lost.owed());
        assertEquals(3, lost.lost());
        assertEquals(3, callbacks(lost, 10, 1.0, CHEAP), "run again, one extra a cycle");
        assertEquals(0, lost.owed());
        assertEquals(0, lost.skipped());
    }

    @Test
    void anExtraPeriodAskedForInACycleThatWasNotRunIsOwedAgain() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        callbacks(lost, 10, 1.0, CHEAP);
        callbacks(lost, 1, 5.0, CHEAP); // a stall: 4 owed
        assertEquals(1, callbacks(lost, 1, 1.0, CHEAP), "one of them asked for");
        lost.notRun(); // neither it nor the cycle ran
        assertEquals(5, lost.owed(), "the 3 left, the one asked for, and the cycle itself");
        assertEquals(5, lost.lost());
        assertEquals(5, callbacks(lost, 20, 1.0, CHEAP));
    }

    @Test
    void cyclesTheEngineThreadCouldNotTakeBeyondTwoHundredMillisecondsAreSkipped() {
        LostCycles lost = new LostCycles(PERIOD, FRAMES);
        callbacks(lost, 10, 1.0, CHEAP);
        long maxOwed = (long) Math.ceil(LostCycles.MAX_OWED_SECONDS * 1e9 / PERIOD);
        for (int i = 0; i < maxOwed + 10; i++) {
            callbacks(lost, 1, 1.0, PERIOD); // a busy engine: no extra asked for
            lost.notRun();
        }
        assertEquals(maxOwed, lost.owed());
        assertEquals(10, lost.skipped());
    }
}
