package org.tutti.protocol.handshake;

import java.nio.ByteBuffer;
import org.tutti.protocol.udp.LittleEndian;

/**
 * A client's plain TCP request (spec §2.1): int32 LE UDP port, then a 64-byte name (absent from
 * legacy 4-byte requests).
 *
 * @param clientUdpPort the port the client says it listens on (masked to 16 bits, as JackTrip does).
 *                      Only for logs: the real address comes from the UDP source.
 * @param name          the decoded name; empty when the client gave none or sent a legacy request
 * @param legacy        true for a 4-byte request
 */
public record HandshakeRequest(int clientUdpPort, String name, boolean legacy) {
    public static final int PORT_LENGTH = 4;
    public static final int LENGTH = PORT_LENGTH + ClientName.FIELD_LENGTH;

    /** Value of the port field that means "not complete yet" to JackTrip. */
    static final int NOT_READY = 0;

    /**
     * Parses a request from {@code buffer[offset, offset + length)} without consuming it.
     *
     * @param out receives the request when the status is {@link ParseStatus#COMPLETE} or
     *            {@link ParseStatus#PORT_ONLY}; pass a one-element array
     */
    public static ParseStatus parse(ByteBuffer buffer, int offset, int length, HandshakeRequest[] out) {
        if (length < PORT_LENGTH) {
            return ParseStatus.NEED_MORE;
        }
        int value = LittleEndian.getInt(buffer, offset);
        if (value == AuthCode.OK.wireValue()) {
            return ParseStatus.AUTH_REQUESTED;
        }
        if (value == NOT_READY) {
            return ParseStatus.NEED_MORE;
        }
        int port = value & 0xFFFF;
        if (length < LENGTH) {
            out[0] = new HandshakeRequest(port, "", true);
            return ParseStatus.PORT_ONLY;
        }
        out[0] = new HandshakeRequest(port, ClientName.decode(buffer, offset + PORT_LENGTH), false);
        return ParseStatus.COMPLETE;
    }

    /** Writes the 68-byte form (or the 4-byte form when {@link #legacy}); returns bytes written. */
    public int encode(ByteBuffer buffer, int offset) {
        LittleEndian.putInt(buffer, offset, clientUdpPort);
        if (legacy) {
            return PORT_LENGTH;
        }
        ClientName.encode(name, buffer, offset + PORT_LENGTH);
        return LENGTH;
    }

    /** The 4-byte auth marker a client sends to start authentication. */
    public static int encodeAuthMarker(ByteBuffer buffer, int offset) {
        LittleEndian.putInt(buffer, offset, AuthCode.OK.wireValue());
        return PORT_LENGTH;
    }
}
