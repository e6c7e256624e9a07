package org.tutti.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;

/** The benchmarks' reading of a client's time losses, on packets made up here. */
class ClientTimeLossesTest {
    private static final int FRAMES = 128;
    private static final int RATE = 48000;
    private static final double PACKET_MICROS = 1e6 * FRAMES / RATE;

    /**
     * Ten seconds of a client's packets, stamped when it sent them: a millisecond of send jitter, packets
     * {@code missing} lost on the way, and from packet {@code lossAt[i]} on {@code lostCycles[i]} more periods lost.
     */
    private static RelayTap tap(int[] lossAt, int[] lostCycles, int... missing) {
        RelayTap tap = new RelayTap(FRAMES, 12);
        tap.start();
        Random random = new Random(3);
        ByteBuffer packet = ByteBuffer.allocate(PacketLayout.packetSize(FRAMES, 1, 2)).order(ByteOrder.LITTLE_ENDIAN);
        long lost = 0;
        for (int p = 0; p < 10 * RATE / FRAMES; p++) {
            for (int i = 0; i < lossAt.length; i++) {
                lost += lossAt[i] == p ? lostCycles[i] : 0;
            }
            final int sequence = p;
            if (java.util.Arrays.stream(missing).anyMatch(m -> m == sequence)) {
                continue;
            }
            long stamp = 1_000_000_000L + Math.round((p + lost) * PACKET_MICROS + random.nextDouble() * 1000);
            new PacketHeader().wrap(packet, 0).timestamp(stamp).sequenceNumber(p & 0xFFFF).bufferSize(FRAMES)
                    .samplingRateCode(3).bitResolution(16).channelsWanted(1).channelsCarried(1);
            tap.accept(packet.duplicate());
        }
        tap.stop();
        return tap;
    }

    @Test
    void aClientThatDropsCyclesLosesTheirTime() {
        List<ClientTimeLosses.Loss> losses = ClientTimeLosses.of(tap(new int[] {1000, 2500}, new int[] {1, 3}), RATE);
        assertEquals(2, losses.size(), losses.toString());
        assertEquals(PACKET_MICROS / 1000, losses.get(0).millis(), 0.5);
        assertEquals(3 * PACKET_MICROS / 1000, losses.get(1).millis(), 0.5);
    }

    @Test
    void sendJitterAndPacketsLostOnTheWayAreNoLossOfTime() {
        assertEquals(List.of(), ClientTimeLosses.of(tap(new int[0], new int[0], 500, 1700, 1701, 1702), RATE));
    }

    @Test
    void eachLossExplainsOneGapNearIt() {
        List<ClientTimeLosses.Loss> losses = List.of(new ClientTimeLosses.Loss(10_000_000_000L, 2.7),
                new ClientTimeLosses.Loss(20_000_000_000L, 8.0));
        long[] gaps = {9_700_000_000L, 10_200_000_000L, 15_000_000_000L, 21_000_000_000L, 21_300_000_000L};
        // 9.7 s and 21.0 s are the losses'; 10.2 s is a second gap for the first, 15 s near none, 21.3 s too late
        assertEquals(3, ClientTimeLosses.gapsBeyondOnePerLoss(gaps, losses));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {10_200_000_000L, 15_000_000_000L,
                21_300_000_000L}, ClientTimeLosses.gapsNoLossExplains(gaps, losses), "the hub's own, by when");
    }
}
