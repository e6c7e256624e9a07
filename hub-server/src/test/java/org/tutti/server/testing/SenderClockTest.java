package org.tutti.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** A relay that stalled counts its delays from when the datagrams were sent, not from when it woke. */
class SenderClockTest {
    static final long PERIOD = 2_666_667L;
    /** The sender's wall clock, in µs, against the relay's nanoTime. */
    static final long CLOCK_OFFSET_MICROS = 1_795_000_000_000_000L;

    private static ByteBuffer stamped(long sentNanos) {
        ByteBuffer datagram = ByteBuffer.allocate(16 + 256).order(ByteOrder.LITTLE_ENDIAN);
        datagram.putLong(0, CLOCK_OFFSET_MICROS + sentNanos / 1000);
        return datagram;
    }

    @Test
    void aDatagramReadLateAfterAStallWasSentWhenItsStampSays() {
        SenderClock clock = new SenderClock();
        long t = 1_000_000_000L;
        for (int n = 0; n < 400; n++, t += PERIOD) {
            // read 50-300 µs after sending: the relay's usual wake-up
            long read = t + 50_000 + (n % 6) * 50_000;
            assertEquals(t + 50_000, clock.sentNanos(stamped(t), read), 1_000, "packet " + n);
        }
        // the relay stalls for 30 ms: the next 11 datagrams are all read at its end
        long wake = t + 30_000_000L;
        for (int n = 0; n < 11; n++, t += PERIOD) {
            assertEquals(t + 50_000, clock.sentNanos(stamped(t), wake), 1_000, "datagram " + n + " of the stall");
        }
    }

    @Test
    void aSenderThatLosesTimeStampsItsLaterPackets() {
        SenderClock clock = new SenderClock();
        long t = 1_000_000_000L;
        for (int n = 0; n < 100; n++, t += PERIOD) {
            clock.sentNanos(stamped(t), t + 100_000);
        }
        t += 3 * PERIOD; // its JACK server dropped three cycles: no packets, then later ones stamped later
        assertEquals(t + 100_000, clock.sentNanos(stamped(t), t + 100_000), 1_000);
    }

    @Test
    void stampsThatDoNotKeepTimeCountAsSentWhenRead() {
        SenderClock clock = new SenderClock();
        long t = 1_000_000_000L;
        for (int n = 0; n < 1000; n++, t += PERIOD) {
            assertEquals(t, clock.sentNanos(stamped(0), t), "a frozen stamp, packet " + n);
        }
        for (int n = 0; n < 1000; n++, t += PERIOD) {
            // stamps that advance a thousand times too slowly put datagrams ever further back: read time, past 200 ms
            long sent = clock.sentNanos(stamped(n * PERIOD / 1000), t);
            assertEquals(true, sent >= t - SenderClock.MAX_WAIT_NANOS && sent <= t, "slow stamp, packet " + n);
        }
        assertEquals(t, clock.sentNanos(ByteBuffer.allocate(8), t), "no header");
    }
}
