package org.tutti.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.Hex;

class HandshakeReplyTest {

    @Test
    void writesThePortAsInTheAnnotatedHandshake() {
        ByteBuffer buffer = ByteBuffer.allocate(6);

        assertEquals(4, HandshakeReply.writePort(buffer, 1, 14500));

        assertEquals(Hex.of(Captures.open(Captures.C1_2CH16).tcp(6).payload()), Hex.of(buffer.array(), 1, 5));
        assertEquals(14500, HandshakeReply.read(buffer, 1));
    }

    @Test
    void refusesToWriteSomethingThatIsNotAPort() {
        ByteBuffer buffer = ByteBuffer.allocate(4);
        for (int bad : new int[] {0, -1, 65536, 131072, Integer.MAX_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> HandshakeReply.writePort(buffer, 0, bad), "port " + bad);
        }
        assertEquals(4, HandshakeReply.writePort(buffer, 0, 65535));
        assertEquals(4, HandshakeReply.writePort(buffer, 0, 1));
    }

    @Test
    void writesEachAuthCodeAndReadsItBackAsAnAuthCode() {
        ByteBuffer buffer = ByteBuffer.allocate(4);
        for (AuthCode code : AuthCode.values()) {
            HandshakeReply.writeCode(buffer, 0, code);
            int value = HandshakeReply.read(buffer, 0);
            assertFalse(HandshakeReply.isPort(value), code.name());
            assertSame(code, AuthCode.fromWire(value));
        }
    }

    @Test
    void aReplyIsAPortOnlyFrom1To65535() {
        assertTrue(HandshakeReply.isPort(1));
        assertTrue(HandshakeReply.isPort(14500));
        assertTrue(HandshakeReply.isPort(65535));
        assertFalse(HandshakeReply.isPort(0));
        assertFalse(HandshakeReply.isPort(65536));
        assertFalse(HandshakeReply.isPort(-1));
    }
}
