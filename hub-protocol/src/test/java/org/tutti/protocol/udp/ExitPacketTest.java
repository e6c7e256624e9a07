package org.tutti.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExitPacketTest {

    @Test
    void exitPacketIsExactly63BytesOfFF() {
        byte[] exit = ExitPacket.bytes();
        assertEquals(63, exit.length);
        for (byte b : exit) {
            assertEquals((byte) 0xFF, b);
        }
        assertTrue(ExitPacket.isExit(ByteBuffer.wrap(exit), 0, 63));
        assertEquals(2, ExitPacket.REPEAT, "sent twice");
    }

    @Test
    void writeFillsExactly63BytesAtTheOffset() {
        ByteBuffer buffer = ByteBuffer.allocate(70);

        assertEquals(63, ExitPacket.write(buffer, 3));

        for (int i = 0; i < 70; i++) {
            assertEquals(i >= 3 && i < 66 ? (byte) 0xFF : 0, buffer.get(i), "byte " + i);
        }
        assertTrue(ExitPacket.isExit(buffer, 3, 63));
    }

    @Test
    void only63BytesAllFFIsAnExit() {
        byte[] ff = new byte[100];
        Arrays.fill(ff, (byte) 0xFF);
        ByteBuffer buffer = ByteBuffer.wrap(ff);
        assertFalse(ExitPacket.isExit(buffer, 0, 62));
        assertFalse(ExitPacket.isExit(buffer, 0, 64));
        assertFalse(ExitPacket.isExit(buffer, 0, 0));
        for (int i = 0; i < 63; i++) {
            byte[] almost = ExitPacket.bytes();
            almost[i] = (byte) 0xFE;
            assertFalse(ExitPacket.isExit(ByteBuffer.wrap(almost), 0, 63), "byte " + i + " differs");
        }
    }

    @Test
    void any63ByteDatagramIsAControlPacket() {
        assertTrue(ExitPacket.isControlLength(63));
        assertFalse(ExitPacket.isControlLength(62));
        assertFalse(ExitPacket.isControlLength(528));
    }

    @Test
    void bytesReturnsAFreshCopy() {
        byte[] first = ExitPacket.bytes();
        first[0] = 0;
        assertNotSame(first, ExitPacket.bytes());
        assertEquals((byte) 0xFF, ExitPacket.bytes()[0]);
    }
}
