package org.tutti.server.testing;

import java.util.concurrent.atomic.AtomicLong;
import org.tutti.server.engine.PeriodTimings;

/**
 * The hub's engine periods against JACK's cycles over one recording of a {@link JackProbe}. Both are
 * read inside JACK's cycle, so a stall of the test thread between two reads cannot show up as a
 * difference (CI once read 746 periods against 742 cycles), and the cycles come from JACK's frame time,
 * so a cycle in which JACK skipped the probe counts.
 *
 * <p>The engine's count is its periods, those it ran again after a loss (two in one callback after JACK
 * skipped the hub, or for cycles a stall of the whole JACK server took: its drivers never run them, while
 * the wall clock and the clients' packets go on), and those it still owes: a stall just before the
 * recording leaves periods that are run during it, one extra a cycle, and one near its end leaves some
 * not run yet.
 *
 * @param periods            how far the engine's count rose
 * @param cycles             JACK's cycles, by its frame time
 * @param periodsByWallClock periods of wall-clock time over the same cycles
 * @param probeCalls         the cycles in which JACK called the probe
 * @param recoveredInAll     periods run again after a loss since the hub started
 * @param skippedInAll       periods dropped in stalls since the hub started
 * @param lateInAll          late periods since the hub started
 */
public record EnginePeriodCount(long periods, long cycles, long periodsByWallClock, long probeCalls,
                                long owedAtStart, long owedAtEnd, long recoveredInAll, long skippedInAll,
                                long lateInAll) {

    /** Records for {@code millis} with {@code probe}, counting the periods of the hub whose timings these are. */
    public static EnginePeriodCount measure(JackProbe probe, PeriodTimings timings, long millis, int periodFrames) {
        AtomicLong owedAtStart = new AtomicLong(-1);
        probe.sampleEachCycle(() -> {
            long owed = timings.owedPeriods();
            owedAtStart.compareAndSet(-1, owed);
            return timings.periods() + timings.recoveredPeriods() + owed;
        });
        probe.record(millis);
        return new EnginePeriodCount(probe.sampledRise(), probe.cyclesByFrameTime(periodFrames),
                probe.periodsByWallClock(periodFrames), probe.recordedCycles(), owedAtStart.get(),
                timings.owedPeriods(), timings.recoveredPeriods(), timings.skippedPeriods(), timings.latePeriods());
    }

    /**
     * The cycles stalls of the JACK server took: wall-clock periods its frame time does not account for
     * (its drivers resync after a stall and never run them).
     */
    public long lostByServer() {
        return Math.max(0, periodsByWallClock - cycles);
    }

    @Override
    public String toString() {
        return periods + " engine periods, " + cycles + " JACK cycles, " + lostByServer() + " lost by the JACK server"
                + " (periods by the wall clock: " + periodsByWallClock + "; the probe was called in " + probeCalls
                + " cycles; periods owed at the start: " + owedAtStart + ", at the end: " + owedAtEnd
                + "; since the hub started, run again after a loss: " + recoveredInAll + ", dropped in stalls: "
                + skippedInAll + ", late: " + lateInAll + ")";
    }
}
