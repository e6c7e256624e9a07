package org.tutti.server.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How much room a participant's jitter buffer is given for its target. */
class DepthTargetTest {
    private static final int RATE = 48000;

    @Test
    void theDefaultDepthGetsHalfASecondNotTheSecondsEveryJoinUsedToAllocate() {
        int slots = DepthTarget.fixedPackets(4).capacitySlots(128, RATE);
        assertEquals(188, slots, "0.5 s of 128-frame packets");
        JitterBuffer buffer = new JitterBuffer(2, 128, RATE, slots, 512, null);
        assertEquals(256, buffer.capacity(), "rounded up to a power of two: 256 KB of stereo floats, was 1 MB");
    }

    @Test
    void aDeepTargetGetsFourTimesItsDepthSoTheBufferNeverClampsIt() {
        DepthTarget deep = DepthTarget.fixedPackets(256);
        int slots = deep.capacitySlots(128, RATE);
        assertEquals(4 * 258, slots);
        JitterBuffer buffer = new JitterBuffer(1, 128, RATE, slots, 256 * 128, null);
        assertEquals(256 * 128, buffer.targetFrames(), "-q 256 is held, not clamped to a quarter of the room");
        DepthTarget millis = new DepthTarget(false, 0, 500, 0);
        assertEquals(4 * (188 + 2), millis.capacitySlots(128, RATE));
    }

    @Test
    void anAdaptiveTargetHasRoomForAQuarterSecondOfDepth() {
        int slots = DepthTarget.adaptive(2).capacitySlots(128, RATE);
        assertTrue(slots / 4 * 128 >= DepthTarget.MAX_ADAPTIVE_SECONDS * RATE, "slots " + slots);
        assertEquals(64, DepthTarget.fixedPackets(1).capacitySlots(4096, RATE), "never fewer than 64 slots");
    }
}
