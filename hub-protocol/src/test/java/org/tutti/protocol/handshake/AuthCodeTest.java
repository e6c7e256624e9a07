package org.tutti.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.testing.Hex;
import org.tutti.protocol.udp.LittleEndian;

class AuthCodeTest {

    @Test
    void wireValuesAreTheSpecsTable() {
        assertEquals("00 00 01 00", wire(AuthCode.OK));
        assertEquals("00 00 02 00", wire(AuthCode.REQUIRED));
        assertEquals("00 00 03 00", wire(AuthCode.NOTREQUIRED));
        assertEquals("00 00 04 00", wire(AuthCode.WRONGCREDS));
        assertEquals("00 00 05 00", wire(AuthCode.WRONGTIME));
    }

    @Test
    void everyCodeIsAboveThePortRangeSoOldClientsCannotMistakeIt() {
        for (AuthCode code : AuthCode.values()) {
            assertTrue(code.wireValue() > 65535, code.name());
            assertSame(code, AuthCode.fromWire(code.wireValue()));
        }
    }

    @Test
    void otherValuesAreNotCodes() {
        for (int value : new int[] {0, 1, 14500, 65535, 65537, 6 << 16, -65536, Integer.MIN_VALUE}) {
            assertNull(AuthCode.fromWire(value), "value " + value);
        }
    }

    private static String wire(AuthCode code) {
        ByteBuffer buffer = ByteBuffer.allocate(4);
        LittleEndian.putInt(buffer, 0, code.wireValue());
        return Hex.of(buffer.array());
    }
}
