package org.tutti.protocol.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The 64-byte "remote client name" field (spec §2.1): UTF-8, NUL-terminated, zero padded, at most
 * 63 bytes of text cut on a character boundary.
 */
public final class ClientName {
    public static final int FIELD_LENGTH = 64;
    public static final int MAX_TEXT_BYTES = FIELD_LENGTH - 1;

    private ClientName() {
    }

    /** Decodes the field at {@code offset}: UTF-8 up to the first NUL (or all 64 bytes if none). */
    public static String decode(ByteBuffer buffer, int offset) {
        int end = 0;
        while (end < FIELD_LENGTH && buffer.get(offset + end) != 0) {
            end++;
        }
        byte[] text = new byte[end];
        for (int i = 0; i < end; i++) {
            text[i] = buffer.get(offset + i);
        }
        // Malformed sequences become U+FFFD, as Qt's fromUtf8 does; the hub sanitises names later.
        return new String(text, StandardCharsets.UTF_8);
    }

    /** Writes {@code name} as the 64-byte field at {@code offset}. */
    public static void encode(String name, ByteBuffer buffer, int offset) {
        byte[] text = truncatedUtf8(name == null ? "" : name);
        for (int i = 0; i < FIELD_LENGTH; i++) {
            buffer.put(offset + i, i < text.length ? text[i] : 0);
        }
    }

    /** UTF-8 of {@code name}, cut to at most 63 bytes without splitting a character. */
    public static byte[] truncatedUtf8(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_TEXT_BYTES) {
            return utf8;
        }
        int cut = MAX_TEXT_BYTES;
        // Back up over continuation bytes (10xxxxxx) so the cut lands on a character start.
        while (cut > 0 && (utf8[cut] & 0xC0) == 0x80) {
            cut--;
        }
        return java.util.Arrays.copyOf(utf8, cut);
    }
}
