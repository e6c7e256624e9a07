package org.tutti.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.Hex;

class HandshakeRequestTest {

    @Test
    void encodesThe68ByteRequestOfTheAnnotatedHandshake() {
        ByteBuffer buffer = ByteBuffer.allocate(68);

        assertEquals(68, new HandshakeRequest(14600, "remA", false).encode(buffer, 0));

        assertEquals(Hex.of(Captures.open(Captures.C1_2CH16).tcp(4).payload()), Hex.of(buffer.array()));
    }

    @Test
    void encodesALegacyRequestAsThePortAlone() {
        ByteBuffer buffer = ByteBuffer.allocate(68);

        assertEquals(4, new HandshakeRequest(14700, "", true).encode(buffer, 0));

        assertEquals("6c 39 00 00", Hex.of(buffer.array(), 0, 4));
        assertEquals(Hex.of(new byte[64]), Hex.of(buffer.array(), 4, 68), "nothing after the port");
    }

    @Test
    void roundTripsAtAnOffset() {
        ByteBuffer buffer = ByteBuffer.allocate(80);
        HandshakeRequest request = new HandshakeRequest(65535, "Zoë's bass", false);
        request.encode(buffer, 5);
        HandshakeRequest[] out = new HandshakeRequest[1];

        assertEquals(ParseStatus.COMPLETE, HandshakeRequest.parse(buffer, 5, 68, out));
        assertEquals(request, out[0]);
    }

    @Test
    void fewerThanFourBytesNeedMore() {
        HandshakeRequest[] out = new HandshakeRequest[1];
        for (int length = -1; length < 4; length++) {
            assertEquals(ParseStatus.NEED_MORE, HandshakeRequest.parse(ByteBuffer.allocate(68), 0, length, out));
        }
        assertNull(out[0]);
    }

    @Test
    void fourTo67BytesAreAPortOnlyRequest() {
        byte[] real = Captures.open(Captures.C1_2CH16).tcp(4).payload();
        HandshakeRequest[] out = new HandshakeRequest[1];
        for (int length = 4; length < 68; length++) {
            assertEquals(ParseStatus.PORT_ONLY, HandshakeRequest.parse(ByteBuffer.wrap(real), 0, length, out), "length " + length);
            assertEquals(new HandshakeRequest(14600, "", true), out[0]);
        }
    }

    @Test
    void theAuthMarkerStartsAuthentication() {
        ByteBuffer buffer = ByteBuffer.allocate(4);
        assertEquals(4, HandshakeRequest.encodeAuthMarker(buffer, 0));
        assertEquals("00 00 01 00", Hex.of(buffer.array()));

        assertEquals(ParseStatus.AUTH_REQUESTED, HandshakeRequest.parse(buffer, 0, 4, new HandshakeRequest[1]));
        assertEquals(ParseStatus.AUTH_REQUESTED, HandshakeRequest.parse(ByteBuffer.allocate(68).put(0, buffer.array()), 0, 68,
                new HandshakeRequest[1]), "whatever follows");
    }

    @Test
    void aZeroPortMeansNotCompleteYetAsInJackTrip() {
        assertEquals(ParseStatus.NEED_MORE, HandshakeRequest.parse(ByteBuffer.allocate(68), 0, 68, new HandshakeRequest[1]));
    }

    @Test
    void thePortIsMaskedTo16Bits() {
        HandshakeRequest[] out = new HandshakeRequest[1];
        ByteBuffer buffer = ByteBuffer.wrap(Hex.parse("08 39 02 00"));

        assertEquals(ParseStatus.PORT_ONLY, HandshakeRequest.parse(buffer, 0, 4, out));
        assertEquals(14600, out[0].clientUdpPort());

        ByteBuffer negative = ByteBuffer.wrap(Hex.parse("ff ff ff ff"));
        assertEquals(ParseStatus.PORT_ONLY, HandshakeRequest.parse(negative, 0, 4, out));
        assertEquals(65535, out[0].clientUdpPort());
    }

    @Test
    void bytesAfterThe68AreIgnored() {
        byte[] real = Arrays.copyOf(Captures.open(Captures.C1_2CH16).tcp(4).payload(), 100);
        Arrays.fill(real, 68, 100, (byte) 'x');
        HandshakeRequest[] out = new HandshakeRequest[1];

        assertEquals(ParseStatus.COMPLETE, HandshakeRequest.parse(ByteBuffer.wrap(real), 0, 100, out));
        assertEquals("remA", out[0].name());
    }
}
