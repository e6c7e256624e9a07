package org.tutti.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.handshake.HandshakeFramer.Step;

/** Every way the first bytes on a handshake connection are framed, as the hub and the reflector both frame them. */
class HandshakeFramerTest {

    private static ByteBuffer request(int port, String name, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(length, HandshakeRequest.LENGTH + 1)).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(0, port);
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        buffer.put(HandshakeRequest.PORT_LENGTH, bytes, 0, bytes.length);
        return buffer;
    }

    private static HandshakeFramer.Verdict frame(ByteBuffer buffer, int received) {
        return HandshakeFramer.frame(buffer, 0, received);
    }

    @Test
    void aFullRequestIsARequest() {
        HandshakeFramer.Verdict verdict = frame(request(61000, "alto-1", 68), 68);
        assertEquals(Step.REQUEST, verdict.step());
        assertEquals(new HandshakeRequest(61000, "alto-1", false), verdict.request());
        assertNull(verdict.garbage());
    }

    @Test
    void fourBytesWaitForTheNameAndThenAreALegacyRequest() {
        ByteBuffer buffer = request(61000, "", 4);
        assertEquals(Step.NEED_MORE, frame(buffer, 3).step());
        assertEquals(Step.WAIT_FOR_NAME, frame(buffer, 4).step());
        assertEquals(new HandshakeRequest(61000, "", true), HandshakeFramer.legacy(buffer, 0));
        ByteBuffer partial = request(61000, "sop", 68);
        assertEquals(Step.WAIT_FOR_NAME, frame(partial, 7).step(), "a name still arriving");
    }

    @Test
    void theAuthMarkerAloneAsksToAuthenticate() {
        ByteBuffer buffer = request(AuthCode.OK.wireValue(), "", 4);
        assertEquals(Step.AUTH_REQUESTED, frame(buffer, 4).step());
        assertEquals(new HandshakeFramer.Verdict(Step.GARBAGE, null, "bytes after the auth marker"), frame(buffer, 5));
    }

    @Test
    void portZeroWaitsForMoreUntilAFullRequestSaysNothingElse() {
        ByteBuffer buffer = request(0, "x", 68);
        assertEquals(Step.NEED_MORE, frame(buffer, 10).step(), "JackTrip's not-ready value");
        assertEquals("port field is 0 in a full-length request", frame(buffer, 68).garbage());
    }

    @Test
    void whatNoJackTripClientSendsIsGarbageAtOnce() {
        ByteBuffer http = ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("port field 0x20544547 is not a port", frame(http, 4).garbage());
        assertEquals("more bytes than a handshake (69)", frame(request(61000, "a", 69), 69).garbage());
        assertEquals("more bytes than a handshake (300)", frame(request(61000, "a", 69), 300).garbage(),
                "only the first 69 bytes need to be kept");
        assertEquals("control character in the name", frame(request(61000, "a\tb", 68), 68).garbage());
        assertEquals("control character in the name", frame(request(61000, "a\nb", 68), 7).garbage(),
                "seen before the name is complete");
        ByteBuffer junk = request(61000, "a", 68);
        junk.put(HandshakeRequest.PORT_LENGTH + 10, (byte) 'z');
        assertEquals("bytes after the name's terminating NUL", frame(junk, 68).garbage());
    }
}
