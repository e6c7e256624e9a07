package org.tutti.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SequenceTrackerTest {
    private final SequenceTracker tracker = new SequenceTracker();

    private void accept(int... sequences) {
        for (int s : sequences) {
            tracker.accept(s, false);
        }
    }

    @Test
    void inOrderStreamHasNoLossNoGapsNoReordering() {
        accept(5, 6, 7, 8);
        assertEquals(4, tracker.unique);
        assertEquals(0, tracker.lost());
        assertEquals(0, tracker.gapEvents);
        assertEquals(0, tracker.outOfOrder);
    }

    @Test
    void skippedNumbersAreLostAndOneJumpIsOneGapEvent() {
        accept(1, 2, 5, 6);
        assertEquals(2, tracker.lost());
        assertEquals(1, tracker.gapEvents);
    }

    @Test
    void latePacketFillsItsHoleAndCountsAsOutOfOrder() {
        accept(1, 3, 2, 4);
        assertEquals(0, tracker.lost());
        assertEquals(1, tracker.outOfOrder);
        assertEquals(4, tracker.unique);
    }

    @Test
    void duplicatesAreCountedOnceAndRejected() {
        accept(1, 2);
        assertEquals(SequenceTracker.REJECTED, tracker.accept(2, false));
        assertEquals(SequenceTracker.REJECTED, tracker.accept(1, false));
        assertEquals(2, tracker.duplicates);
        assertEquals(2, tracker.unique);
    }

    @Test
    void redundantCopiesOfSeenPacketsAreNotDuplicates() {
        accept(1, 2);
        assertEquals(SequenceTracker.REJECTED, tracker.accept(2, true));
        assertEquals(0, tracker.duplicates);
    }

    @Test
    void wrapFrom65535ToZeroIsContinuous() {
        accept(65534, 65535, 0, 1);
        assertEquals(0, tracker.lost());
        assertEquals(0, tracker.gapEvents);
        assertEquals(65538, tracker.accept(2, false), "the extended index keeps counting past the wrap");
    }

    @Test
    void packetsOlderThanTheWindowAreTooLate() {
        accept(0);
        for (int s = 1; s <= SequenceTracker.WINDOW + 10; s++) {
            accept(s);
        }
        assertEquals(SequenceTracker.REJECTED, tracker.accept(3, false));
        assertEquals(1, tracker.tooLate);
    }

    /** The lost count is kept as one field for readers on other threads: it must stay span − unique whatever arrives. */
    @Test
    void theLostCountIsAlwaysTheSpanLessWhatArrivedThroughLossReorderingDuplicatesAndWrap() {
        java.util.Random random = new java.util.Random(12);
        int sequence = 65_000;
        for (int i = 0; i < 20_000; i++) {
            sequence += random.nextInt(10) == 0 ? 1 + random.nextInt(4) : 1; // loss
            int sent = random.nextInt(20) == 0 ? sequence - random.nextInt(40) : sequence; // late, duplicate, or first of all
            tracker.accept(sent, random.nextInt(8) == 0);
            assertEquals(tracker.span() - tracker.unique, tracker.lost(), "after packet " + i);
        }
        assertEquals(true, tracker.lost() > 0);
    }
}
