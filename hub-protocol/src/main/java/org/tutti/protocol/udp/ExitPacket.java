package org.tutti.protocol.udp;

import java.nio.ByteBuffer;

/**
 * The stop packet (spec §3.6): exactly 63 bytes, all 0xFF, sent twice. Any 63-byte datagram is a
 * control packet; only the all-0xFF one means "stop".
 */
public final class ExitPacket {
    public static final int LENGTH = 63;
    /** JackTrip sends it this many times, back to back. */
    public static final int REPEAT = 2;
    private static final byte FILL = (byte) 0xFF;

    private ExitPacket() {
    }

    /** Whether a datagram of this length is a control packet rather than audio. */
    public static boolean isControlLength(int length) {
        return length == LENGTH;
    }

    public static boolean isExit(ByteBuffer buffer, int offset, int length) {
        if (length != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            if (buffer.get(offset + i) != FILL) {
                return false;
            }
        }
        return true;
    }

    /** Writes the exit packet at {@code offset}; returns its length. */
    public static int write(ByteBuffer buffer, int offset) {
        for (int i = 0; i < LENGTH; i++) {
            buffer.put(offset + i, FILL);
        }
        return LENGTH;
    }

    /** A fresh copy of the 63 bytes, for control-plane code that wants an array. */
    public static byte[] bytes() {
        byte[] bytes = new byte[LENGTH];
        java.util.Arrays.fill(bytes, FILL);
        return bytes;
    }
}
