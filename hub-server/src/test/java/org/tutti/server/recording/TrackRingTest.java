package org.tutti.server.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The audio thread's hand-off: blocks in order with their periods; a full ring drops and counts, never waits. */
class TrackRingTest {
    private static float[][] block(float value) {
        float[][] block = new float[2][4];
        for (float[] channel : block) {
            java.util.Arrays.fill(channel, value);
        }
        return block;
    }

    @Test
    void blocksComeOutInOrderWithTheirPeriods() {
        TrackRing ring = new TrackRing(2, 4, 3);
        assertEquals(4, ring.capacity(), "rounded up to a power of two");
        assertEquals(-1, ring.nextPeriod());
        ring.offer(7, block(1f), 4);
        ring.offer(9, block(2f), 4);
        assertEquals(7, ring.nextPeriod());
        assertEquals(1f, ring.next()[1][3]);
        ring.release();
        assertEquals(9, ring.nextPeriod());
        assertEquals(2f, ring.next()[0][0]);
        ring.release();
        assertEquals(-1, ring.nextPeriod());
    }

    @Test
    void aFullRingDropsTheNewPeriodAndCountsIt() {
        TrackRing ring = new TrackRing(2, 4, 4);
        for (int period = 0; period < 6; period++) {
            ring.offer(period, block(period), 4);
        }
        assertEquals(2, ring.droppedPeriods());
        for (int period = 0; period < 4; period++) {
            assertEquals(period, ring.nextPeriod(), "the oldest are kept: the writer fills the dropped with silence");
            assertEquals((float) period, ring.next()[0][0]);
            ring.release();
        }
        ring.offer(6, block(6f), 4);
        assertEquals(6, ring.nextPeriod());
    }

    @Test
    void aTrackFillsDroppedAndMissingPeriodsWithSilenceSoItStaysInTime() throws Exception {
        java.nio.file.Path folder = org.tutti.server.testing.TempFiles.directory("track");
        Track track = new Track("alto-1", "alto-1.wav", 1, 2, 4, 8);
        track.ring().offer(10, block(1f), 4);
        track.ring().offer(13, block(3f), 4); // 11 and 12 never came (a reconnect, say)
        track.drain(folder, 48000);
        assertEquals(10, track.startPeriod());
        assertEquals(16, track.frames(), "periods 10 to 13");
        track.close();
        byte[] bytes = java.nio.file.Files.readAllBytes(folder.resolve("alto-1.wav"));
        java.nio.ByteBuffer samples = java.nio.ByteBuffer.wrap(bytes, WavWriter.HEADER_BYTES,
                bytes.length - WavWriter.HEADER_BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        float[] left = new float[16];
        for (int n = 0; n < 16; n++) {
            left[n] = samples.getFloat();
            samples.getFloat();
        }
        assertEquals(1f, left[3]);
        assertEquals(0f, left[4]);
        assertEquals(0f, left[11]);
        assertEquals(3f, left[12]);
    }
}
