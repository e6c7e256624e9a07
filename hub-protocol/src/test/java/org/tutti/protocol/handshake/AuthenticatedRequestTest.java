package org.tutti.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.testing.Hex;
import org.tutti.protocol.udp.LittleEndian;

/** The credentials request sent inside TLS (spec §2.2): 78 + U + P bytes. */
class AuthenticatedRequestTest {

    /** What p3's probe sent for alice/secret: 89 bytes, the size of c6's real TLS record minus overhead. */
    static byte[] aliceSecret() {
        ByteBuffer buffer = ByteBuffer.allocate(89);
        assertEquals(89, new AuthenticatedRequest(14713, "authed", "alice", "secret").encode(buffer, 0));
        return buffer.array();
    }

    @Test
    void layoutIsPortNameLengthsThenNulTerminatedStrings() {
        byte[] request = aliceSecret();

        assertEquals("79 39 00 00", Hex.of(request, 0, 4));
        assertEquals("authed", new String(request, 4, 6, StandardCharsets.UTF_8));
        assertEquals(0, request[10]);
        assertEquals("05 00 00 00", Hex.of(request, 68, 72));
        assertEquals("06 00 00 00", Hex.of(request, 72, 76));
        assertEquals("alice\0secret\0", new String(request, 76, 13, StandardCharsets.UTF_8));
        assertEquals(89, AuthenticatedRequest.length(5, 6));
        assertEquals(78, AuthenticatedRequest.FIXED_LENGTH);
    }

    @Test
    void parsesTheWholeRequestOnceEveryByteIsThere() {
        byte[] request = aliceSecret();
        AuthenticatedRequest[] out = new AuthenticatedRequest[1];

        for (int length = 0; length < 89; length++) {
            assertEquals(ParseStatus.NEED_MORE, AuthenticatedRequest.parse(ByteBuffer.wrap(request), 0, length, out), "length " + length);
        }
        assertEquals(ParseStatus.COMPLETE, AuthenticatedRequest.parse(ByteBuffer.wrap(request), 0, 89, out));
        assertEquals(new AuthenticatedRequest(14713, "authed", "alice", "secret"), out[0]);
    }

    @Test
    void lengthsAreCountedInUtf8BytesAndTheEmptyUserIsValid() {
        AuthenticatedRequest request = new AuthenticatedRequest(14600, "név", "zoë", "");
        ByteBuffer buffer = ByteBuffer.allocate(100);
        int length = request.encode(buffer, 3);
        AuthenticatedRequest[] out = new AuthenticatedRequest[1];

        assertEquals(AuthenticatedRequest.length(4, 0), length);
        assertEquals(4, LittleEndian.getInt(buffer, 3 + AuthenticatedRequest.USERNAME_LENGTH_OFFSET));
        assertEquals(ParseStatus.COMPLETE, AuthenticatedRequest.parse(buffer, 3, length, out));
        assertEquals(request, out[0]);

        AuthenticatedRequest empty = new AuthenticatedRequest(14713, "authed", "", "secret");
        length = empty.encode(buffer, 0);
        assertEquals(84, length, "p3's empty-user probe sent 84 bytes");
        assertEquals(ParseStatus.COMPLETE, AuthenticatedRequest.parse(buffer, 0, length, out));
        assertEquals("", out[0].username());
    }

    @Test
    void negativeOrHugeLengthsAreMalformedNotAWait() {
        int[] bad = {-1, -2, Integer.MIN_VALUE, AuthenticatedRequest.MAX_CREDENTIAL_BYTES + 1, Integer.MAX_VALUE};
        for (int value : bad) {
            for (int field : new int[] {AuthenticatedRequest.USERNAME_LENGTH_OFFSET, AuthenticatedRequest.PASSWORD_LENGTH_OFFSET}) {
                ByteBuffer buffer = ByteBuffer.wrap(aliceSecret());
                LittleEndian.putInt(buffer, field, value);
                assertEquals(ParseStatus.MALFORMED, AuthenticatedRequest.parse(buffer, 0, 89, new AuthenticatedRequest[1]),
                        value + " at " + field);
                assertEquals(ParseStatus.MALFORMED, AuthenticatedRequest.parse(buffer, 0, 76, new AuthenticatedRequest[1]),
                        "known as soon as the lengths are there");
            }
        }
    }

    @Test
    void theLargestAllowedCredentialsAreWaitedFor() {
        ByteBuffer buffer = ByteBuffer.wrap(Arrays.copyOf(aliceSecret(), 200));
        LittleEndian.putInt(buffer, AuthenticatedRequest.USERNAME_LENGTH_OFFSET, AuthenticatedRequest.MAX_CREDENTIAL_BYTES);
        assertEquals(ParseStatus.NEED_MORE, AuthenticatedRequest.parse(buffer, 0, 200, new AuthenticatedRequest[1]));
    }

    @Test
    void missingTerminatorsAreMalformed() {
        byte[] noUserNul = aliceSecret();
        noUserNul[76 + 5] = 'x';
        assertEquals(ParseStatus.MALFORMED, AuthenticatedRequest.parse(ByteBuffer.wrap(noUserNul), 0, 89, new AuthenticatedRequest[1]));
        byte[] noPasswordNul = aliceSecret();
        noPasswordNul[88] = 'x';
        assertEquals(ParseStatus.MALFORMED, AuthenticatedRequest.parse(ByteBuffer.wrap(noPasswordNul), 0, 89, new AuthenticatedRequest[1]));
    }

    @Test
    void toStringDoesNotShowThePassword() {
        String text = new AuthenticatedRequest(14600, "n", "alice", "secret").toString();
        assertTrue(text.contains("alice"));
        assertFalse(text.contains("secret"), text);
    }
}
