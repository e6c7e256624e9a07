package org.tutti.protocol.handshake;

import java.nio.ByteBuffer;
import org.tutti.protocol.udp.LittleEndian;

/**
 * The hub's 4-byte reply (spec §2.1–2.2): int32 LE, either the client's hub UDP port or an
 * {@link AuthCode}. The hub closes the connection right after writing it.
 */
public final class HandshakeReply {
    public static final int LENGTH = 4;

    private HandshakeReply() {
    }

    public static int writePort(ByteBuffer buffer, int offset, int udpPort) {
        if (udpPort < 1 || udpPort > 65535) {
            throw new IllegalArgumentException("not a UDP port: " + udpPort);
        }
        LittleEndian.putInt(buffer, offset, udpPort);
        return LENGTH;
    }

    public static int writeCode(ByteBuffer buffer, int offset, AuthCode code) {
        LittleEndian.putInt(buffer, offset, code.wireValue());
        return LENGTH;
    }

    /** Reads a reply as sent: a port (1..65535) or an {@link AuthCode} value (65536 and up). */
    public static int read(ByteBuffer buffer, int offset) {
        return LittleEndian.getInt(buffer, offset);
    }

    /** Whether a reply value is a port rather than a code (JackTrip's own test: not above 65535). */
    public static boolean isPort(int value) {
        return value > 0 && value <= 65535;
    }
}
